//! `[mail]` parsed once at start-up into what the dispatcher needs: the sender mailbox, the SMTP
//! transport (or none), the polling interval and the retry policy. Every bad value is a one-line
//! error naming its setting; nothing here panics or touches the network.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::Tokio1Executor;
use secrecy::ExposeSecret;

use crate::config::{setting_name, Config};

/// How long one SMTP conversation may take before it counts as a failed attempt.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Waits before the 2nd, 3rd, 4th… attempt; the last one repeats.
const BACKOFF_SECS: [u64; 4] = [30, 120, 600, 3_600];

/// The dispatcher's settings; build them with [`MailSettings::from_config`].
#[derive(Clone)]
pub struct MailSettings {
    pub from: Mailbox,
    /// `None`: no `mail.smtp_url`, so mail is logged instead of sent.
    pub smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    pub poll: Duration,
    /// Attempts per mail before it is given up (kept unsent, with its last error).
    pub max_attempts: u32,
}

impl std::fmt::Debug for MailSettings {
    // The transport holds the SMTP credentials: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("from", &self.from.to_string())
            .field("smtp", &self.smtp.is_some())
            .field("poll", &self.poll)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

impl MailSettings {
    pub fn from_config(config: &Config) -> Result<Self, String> {
        let mail = &config.mail;
        let from: Mailbox = mail.from.parse().map_err(|e| {
            format!(
                "{}: `{}` is not a mailbox like `Showroom <shop@example.com>`: {e}",
                setting_name("mail.from"),
                mail.from
            )
        })?;
        let smtp = match mail.smtp_url.as_ref().map(|url| url.expose_secret().trim()) {
            None | Some("") => None,
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| {
                        // The URL may hold a password: name the setting, not its value.
                        format!(
                            "{}: not an smtp:// or smtps:// URL lettre can use: {e}",
                            setting_name("mail.smtp_url")
                        )
                    })?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build(),
            ),
        };
        if mail.max_attempts == 0 {
            return Err(format!("{}: at least 1", setting_name("mail.max_attempts")));
        }
        Ok(Self {
            from,
            smtp,
            poll: Duration::from_secs(mail.poll_secs.max(1)),
            max_attempts: mail.max_attempts,
        })
    }

    /// When a mail that failed its `attempts`-th attempt is due again, or `None` to give up.
    pub fn retry_after(&self, attempts: u32) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let step = usize::try_from(attempts.saturating_sub(1)).unwrap_or(usize::MAX);
        let secs = BACKOFF_SECS[step.min(BACKOFF_SECS.len() - 1)];
        Some(Duration::from_secs(secs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_log_mail_from_a_valid_mailbox() {
        let settings = MailSettings::from_config(&Config::default()).expect("defaults build");
        assert!(settings.smtp.is_none());
        assert_eq!(settings.from.to_string(), "Showroom <shop@localhost>");
    }

    #[test]
    fn bad_mail_settings_are_one_line_errors_naming_the_setting() {
        let mut config = Config::default();
        config.mail.from = "not a mailbox".into();
        let error = MailSettings::from_config(&config).unwrap_err();
        assert!(
            error.starts_with("mail.from (SHOWROOM_MAIL__FROM)"),
            "{error}"
        );
        assert!(!error.contains('\n'));

        let mut config = Config::default();
        config.mail.smtp_url = Some("ftp://user:hunter2@mail.example.com".to_owned().into());
        let error = MailSettings::from_config(&config).unwrap_err();
        assert!(error.contains("mail.smtp_url"), "{error}");
        assert!(
            !error.contains("hunter2"),
            "the password stays secret: {error}"
        );

        let mut config = Config::default();
        config.mail.max_attempts = 0;
        assert!(MailSettings::from_config(&config)
            .unwrap_err()
            .contains("mail.max_attempts"));
    }

    #[test]
    fn failures_back_off_and_give_up_after_max_attempts() {
        let mut config = Config::default();
        config.mail.smtp_url = Some("smtp://127.0.0.1:2525".to_owned().into());
        config.mail.max_attempts = 5;
        let settings = MailSettings::from_config(&config).expect("builds");
        assert!(settings.smtp.is_some());
        let waits: Vec<_> = (1..=5).map(|n| settings.retry_after(n)).collect();
        assert_eq!(
            waits,
            [30, 120, 600, 3_600]
                .map(|s| Some(Duration::from_secs(s)))
                .into_iter()
                .chain([None])
                .collect::<Vec<_>>()
        );
    }
}
