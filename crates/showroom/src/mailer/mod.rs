//! The mail dispatcher: a background task that sends the order mail the store queued in its
//! outbox ([`showroom_store::OutboxStore`]).
//!
//! Every `mail.poll_secs` it claims the due mail (under a lease, so several instances never send
//! one row at the same time) and sends each as `multipart/alternative` (text and HTML) through
//! SMTP when `mail.smtp_url` is set; without it, each mail is logged (recipient and subject) and
//! marked sent, so a laptop install needs no mail server. A failed send is retried with backoff
//! (30 s, 2 min, 10 min, then hourly) until `mail.max_attempts`, then given up and kept with its
//! last error. Delivery is at least once: an instance that dies between sending and marking lets
//! the mail go out again when its lease ends.
//!
//! The dispatcher never stops on an error, only on [`Mailer::stop`]: a round that cannot reach
//! the database is logged and retried at the next tick.
//!
//! `/metrics` counts mail by outcome: `showroom_mail_total{outcome="sent|logged|failed|gave_up"}`.

mod settings;

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncTransport, Message};
use showroom_store::{
    duration_millis, unix_millis, DynOutboxStore, OutboxMail, OutboxStore, StoreError,
};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use settings::MailSettings;

/// Mail claimed per round at most; a full round is followed at once by another.
const BATCH: u32 = 20;

/// How long a claim keeps other instances off a mail: longer than a batch of SMTP timeouts.
const LEASE: Duration = Duration::from_secs(15 * 60);

pub struct Mailer {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Mailer {
    pub fn start(store: DynOutboxStore, settings: MailSettings) -> Self {
        if settings.smtp.is_none() {
            tracing::info!(
                "no mail.smtp_url configured (SHOWROOM_MAIL__SMTP_URL): order mail is logged, not sent"
            );
        }
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(settings.poll);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = ticks.tick() => {}
                    _ = stopped.changed() => break,
                }
                loop {
                    match dispatch_once(store.as_ref(), &settings).await {
                        Ok(handled) if handled == BATCH as usize && !*stopped.borrow() => {}
                        Ok(_) => break,
                        Err(error) => {
                            tracing::warn!(%error, "claiming mail from the outbox failed");
                            break;
                        }
                    }
                }
            }
        });
        Self { stop, task }
    }

    /// Stops after the current round.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Claims one batch of due mail and sends (or logs) each; returns how many were claimed.
pub async fn dispatch_once(
    store: &dyn OutboxStore,
    settings: &MailSettings,
) -> Result<usize, StoreError> {
    let claimed = store.claim_mail(unix_millis(), LEASE, BATCH).await?;
    // Successes are marked together after the batch: one statement instead of one per mail.
    // A crash before that mark sends them again after the lease, as it always could.
    let mut sent = Vec::with_capacity(claimed.len());
    for mail in &claimed {
        let recorded = match deliver(settings, mail).await {
            Ok(how) => {
                count(how);
                sent.push(mail.id);
                Ok(())
            }
            Err(failure) => {
                let retry = failure
                    .retryable
                    .then(|| settings.retry_after(mail.attempts))
                    .flatten();
                let retry_at =
                    retry.map(|wait| unix_millis().saturating_add(duration_millis(wait)));
                count(if retry.is_some() { "failed" } else { "gave_up" });
                tracing::warn!(
                    mail = %mail.id,
                    order = %mail.order_id,
                    attempt = mail.attempts,
                    retry_in_secs = retry.map(|r| r.as_secs()),
                    error = %failure.message,
                    "sending mail failed"
                );
                store
                    .mark_mail_failed(mail.id, &failure.message, retry_at)
                    .await
            }
        };
        if let Err(error) = recorded {
            // The lease brings the row back; at worst the mail goes out twice.
            tracing::warn!(mail = %mail.id, %error, "cannot record the mail's outcome");
        }
    }
    if let Err(error) = store.mark_mails_sent(&sent).await {
        tracing::warn!(mails = sent.len(), %error, "cannot record that mail went out");
    }
    Ok(claimed.len())
}

struct Failure {
    message: String,
    /// False when no retry can succeed (the stored recipient is not an address).
    retryable: bool,
}

/// Sends one mail over SMTP, or logs it without a transport; the metric label on success.
async fn deliver(settings: &MailSettings, mail: &OutboxMail) -> Result<&'static str, Failure> {
    let Some(smtp) = &settings.smtp else {
        tracing::info!(
            to = %mail.recipient,
            subject = %mail.subject,
            order = %mail.order_id,
            "mail logged (no mail.smtp_url)"
        );
        return Ok("logged");
    };
    let message = message(&settings.from, mail).map_err(|message| Failure {
        message,
        retryable: false,
    })?;
    smtp.send(message).await.map_err(|e| Failure {
        message: e.to_string(),
        retryable: true,
    })?;
    tracing::info!(to = %mail.recipient, subject = %mail.subject, "mail sent");
    Ok("sent")
}

fn message(from: &Mailbox, mail: &OutboxMail) -> Result<Message, String> {
    let to: Mailbox = mail
        .recipient
        .parse()
        .map_err(|e| format!("the recipient `{}` is not a mailbox: {e}", mail.recipient))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            mail.text_body.clone(),
            mail.html_body.clone(),
        ))
        .map_err(|e| format!("cannot build the message: {e}"))
}

fn count(outcome: &'static str) {
    metrics::counter!("showroom_mail_total", "outcome" => outcome).increment(1);
}
