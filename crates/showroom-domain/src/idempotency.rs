//! [`IdempotencyKey`]: the client's name for one attempt at a write it may retry (the
//! `Idempotency-Key` header, or a form token). 8–255 visible ASCII characters, so a UUID, a ULID or
//! a random base64 token fits, and nothing that could smuggle a line break into a log does. Keys
//! are compared exactly, case included.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

pub const MIN_IDEMPOTENCY_KEY: usize = 8;
pub const MAX_IDEMPOTENCY_KEY: usize = 255;

#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let visible = raw.bytes().all(|b| b.is_ascii_graphic());
        if !(MIN_IDEMPOTENCY_KEY..=MAX_IDEMPOTENCY_KEY).contains(&raw.len()) || !visible {
            return Err(DomainError::new(format!(
                "an idempotency key has {MIN_IDEMPOTENCY_KEY} to {MAX_IDEMPOTENCY_KEY} visible \
                 ASCII characters and no spaces"
            )));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdempotencyKey({})", self.0)
    }
}

string_conversions!(IdempotencyKey);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_tokens_and_refuses_short_spaced_or_control_text() {
        assert!(IdempotencyKey::parse("0190a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b").is_ok());
        for bad in ["", "short", "has a space", "line\nbreak!", "ünïcödé-key"] {
            assert!(IdempotencyKey::parse(bad).is_err(), "{bad:?}");
        }
        assert!(IdempotencyKey::parse(&"k".repeat(MAX_IDEMPOTENCY_KEY + 1)).is_err());
    }

    proptest! {
        #[test]
        fn accepted_keys_are_kept_exactly(raw in "[!-~]{8,255}") {
            let key = IdempotencyKey::parse(&raw).unwrap();
            prop_assert_eq!(key.as_str(), raw.as_str());
        }
    }
}
