//! The password policy for customer and staff accounts, and [`Password`], a plaintext that has
//! passed it.
//!
//! The policy follows NIST SP 800-63B rather than composition rules: length matters most, so a
//! passphrase of lowercase words is welcome, while the patterns attackers try first are refused.
//! [`PasswordPolicy::STANDARD`] requires:
//!
//! - 10 to 128 characters (Unicode scalar values, not bytes; the upper bound keeps Argon2 input
//!   small and stops megabyte "passwords" used as a denial of service), no control characters;
//! - at least 4 different characters, so `aaaaaaaaaa` and `abababababab` are refused;
//! - not only digits (dates, phone numbers and PINs fall to a dictionary in seconds);
//! - not a straight run such as `abcdefghij`, `0123456789` or `9876543210`;
//! - not the account's email address or the part before its `@`, in any letter case;
//! - not one of the most common leaked passwords (a short built-in list, compared case-insensitively).
//!
//! Passwords are never trimmed or case-folded: every character the person typed counts. A
//! [`Password`] does not implement `Display` or `Serialize`, and its `Debug` is redacted, so it
//! cannot end up in a log line or a response by accident; [`Password::expose`] hands the
//! plaintext to the hasher.

use std::fmt;

use crate::{DomainError, Email};

mod common;

/// Which rule a candidate password broke; the message tells the person what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("use at least {min} characters; a few words in a row make a strong password")]
    TooShort { min: usize },
    #[error("use at most {max} characters")]
    TooLong { max: usize },
    #[error("a password cannot contain control characters such as line breaks")]
    ControlCharacter,
    #[error("use at least {min} different characters, not one or two repeated")]
    TooFewDistinct { min: usize },
    #[error("add letters or symbols: a password of only digits is guessed quickly")]
    OnlyDigits,
    #[error("avoid straight runs like `abcdef` or `123456`; they are among the first guesses")]
    Sequence,
    #[error("do not use your email address as your password")]
    SameAsEmail,
    #[error("this password is one of the most common ones and is tried first; choose another")]
    TooCommon,
}

impl From<PasswordError> for DomainError {
    fn from(error: PasswordError) -> Self {
        DomainError::new(error.to_string())
    }
}

/// The rules a new password must satisfy; see the module documentation for why each exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    min_chars: usize,
    max_chars: usize,
}

/// Fewest different characters a password must contain.
const MIN_DISTINCT: usize = 4;

impl PasswordPolicy {
    /// 10–128 characters plus the pattern, email and common-password rules.
    pub const STANDARD: Self = Self {
        min_chars: 10,
        max_chars: 128,
    };

    /// A stricter policy (e.g. for staff): a minimum length between 10 and 128.
    pub fn with_min_chars(min_chars: usize) -> Result<Self, DomainError> {
        let range = Self::STANDARD.min_chars..=Self::STANDARD.max_chars;
        if !range.contains(&min_chars) {
            return Err(DomainError::new(format!(
                "a minimum password length is between {} and {}",
                range.start(),
                range.end()
            )));
        }
        Ok(Self {
            min_chars,
            ..Self::STANDARD
        })
    }

    pub fn min_chars(&self) -> usize {
        self.min_chars
    }

    pub fn max_chars(&self) -> usize {
        self.max_chars
    }

    /// Checks `candidate` for the account of `email`; the first broken rule is returned.
    pub fn check(&self, candidate: &str, email: &Email) -> Result<Password, PasswordError> {
        // A character is at most 4 bytes: refuse huge input before walking it.
        if candidate.len() > self.max_chars * 4 {
            return Err(PasswordError::TooLong {
                max: self.max_chars,
            });
        }
        let chars: Vec<char> = candidate.chars().collect();
        if chars.len() < self.min_chars {
            return Err(PasswordError::TooShort {
                min: self.min_chars,
            });
        }
        if chars.len() > self.max_chars {
            return Err(PasswordError::TooLong {
                max: self.max_chars,
            });
        }
        if chars.iter().any(|c| c.is_control()) {
            return Err(PasswordError::ControlCharacter);
        }
        if distinct_count(&chars) < MIN_DISTINCT {
            return Err(PasswordError::TooFewDistinct { min: MIN_DISTINCT });
        }
        if chars.iter().all(char::is_ascii_digit) {
            return Err(PasswordError::OnlyDigits);
        }
        if is_straight_run(&chars) {
            return Err(PasswordError::Sequence);
        }
        let lower = candidate.to_lowercase();
        if lower == email.local_part() || lower == email.normalized() {
            return Err(PasswordError::SameAsEmail);
        }
        if common::is_common(&lower) {
            return Err(PasswordError::TooCommon);
        }
        Ok(Password(candidate.to_owned()))
    }
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self::STANDARD
    }
}

fn distinct_count(chars: &[char]) -> usize {
    let mut seen: Vec<char> = Vec::with_capacity(MIN_DISTINCT);
    for &c in chars {
        if !seen.contains(&c) {
            seen.push(c);
            if seen.len() >= MIN_DISTINCT {
                break;
            }
        }
    }
    seen.len()
}

/// True when every character is the previous one plus one, or every one is the previous minus
/// one (case-insensitively): `abcdefghij`, `0123456789`, `ZYXWVUTSRQ`.
fn is_straight_run(chars: &[char]) -> bool {
    let codes: Vec<i64> = chars
        .iter()
        .map(|c| i64::from(u32::from(c.to_ascii_lowercase())))
        .collect();
    let steps_by = |step: i64| codes.windows(2).all(|pair| pair[1] - pair[0] == step);
    steps_by(1) || steps_by(-1)
}

/// A plaintext password that satisfied a [`PasswordPolicy`]; hash it and drop it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks `candidate` against [`PasswordPolicy::STANDARD`] for the account of `email`.
    pub fn parse(candidate: &str, email: &Email) -> Result<Self, PasswordError> {
        PasswordPolicy::STANDARD.check(candidate, email)
    }

    /// The plaintext, for the password hasher only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ann() -> Email {
        Email::parse("Ann.Lee@example.com").unwrap()
    }

    #[test]
    fn accepts_passphrases_and_mixed_passwords() {
        for good in [
            "correct horse battery staple",
            "walnutdesklamp",
            "Tr0ub4dor&3x",
            "ünïcödé-pässwörd",
            &"ab1!".repeat(32),
        ] {
            assert!(
                Password::parse(good, &ann()).is_ok(),
                "{good:?} should pass"
            );
        }
    }

    #[test]
    fn each_rule_refuses_with_its_own_error() {
        let cases = [
            ("short1!", PasswordError::TooShort { min: 10 }),
            (&*"ab1!x".repeat(26), PasswordError::TooLong { max: 128 }),
            ("good\npassword", PasswordError::ControlCharacter),
            ("aaaaaaaaaaaa", PasswordError::TooFewDistinct { min: 4 }),
            ("abababababab", PasswordError::TooFewDistinct { min: 4 }),
            ("20240131555", PasswordError::OnlyDigits),
            ("abcdefghijkl", PasswordError::Sequence),
            ("ZYXWVUTSRQ", PasswordError::Sequence),
            ("Ann.Lee@Example.com", PasswordError::SameAsEmail),
            ("Password123", PasswordError::TooCommon),
            ("QWERTYUIOP", PasswordError::TooCommon),
        ];
        for (candidate, expected) in cases {
            assert_eq!(
                Password::parse(candidate, &ann()).unwrap_err(),
                expected,
                "{candidate:?}"
            );
        }
    }

    #[test]
    fn refuses_the_local_part_as_password() {
        let email = Email::parse("margaret.hamilton@example.com").unwrap();
        assert_eq!(
            Password::parse("Margaret.Hamilton", &email).unwrap_err(),
            PasswordError::SameAsEmail
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // Ten characters, twenty bytes.
        assert!(Password::parse("ääääböcüdé", &ann()).is_ok());
        let policy = PasswordPolicy::with_min_chars(14).unwrap();
        assert_eq!(
            policy.check("walnutdesk1", &ann()).unwrap_err(),
            PasswordError::TooShort { min: 14 }
        );
        assert!(PasswordPolicy::with_min_chars(6).is_err());
    }

    #[test]
    fn debug_output_never_shows_the_plaintext() {
        let password = Password::parse("walnutdesklamp", &ann()).unwrap();
        assert!(!format!("{password:?}").contains("walnut"));
        assert_eq!(password.expose(), "walnutdesklamp");
    }

    proptest! {
        #[test]
        fn accepted_passwords_satisfy_every_documented_bound(candidate in "\\PC{0,140}") {
            if let Ok(password) = Password::parse(&candidate, &ann()) {
                let count = password.expose().chars().count();
                prop_assert!((10..=128).contains(&count));
                prop_assert!(!password.expose().chars().all(|c| c.is_ascii_digit()));
                prop_assert_eq!(password.expose(), candidate.as_str());
            }
        }
    }
}
