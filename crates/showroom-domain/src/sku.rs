//! Stock keeping units: 1–64 characters of uppercase ASCII letters, digits, `-`, `_` and `.`,
//! starting with a letter or digit. Input is uppercased first, so `oak-01` and `OAK-01` are one SKU.

use serde::{Deserialize, Serialize};

use crate::DomainError;

const MAX_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sku(String);

impl Sku {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let upper = raw.trim().to_ascii_uppercase();
        if upper.is_empty() || upper.len() > MAX_LEN {
            return Err(DomainError::new(format!(
                "a SKU has 1 to {MAX_LEN} characters"
            )));
        }
        let first_ok = upper.as_bytes()[0].is_ascii_alphanumeric();
        let rest_ok = upper.bytes().all(|b| {
            b.is_ascii_uppercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        });
        if !first_ok || !rest_ok {
            return Err(DomainError::new(
                "a SKU is letters, digits, `-`, `_` and `.`, starting with a letter or digit",
            ));
        }
        Ok(Self(upper))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_conversions!(Sku);
display_as_str!(Sku);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalizes_case_and_refuses_symbols() {
        assert_eq!(Sku::parse(" oak-01 ").unwrap().as_str(), "OAK-01");
        for bad in ["", "-A", "A B", "A/B", "ü", &"X".repeat(65)] {
            assert!(Sku::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(raw in "\\PC{0,80}") {
            if let Ok(sku) = Sku::parse(&raw) {
                prop_assert_eq!(Sku::parse(sku.as_str()).unwrap(), sku);
            }
        }
    }
}
