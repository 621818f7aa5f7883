//! Country codes for tax and shipping: two ASCII letters in the shape of ISO 3166-1 alpha-2,
//! uppercased (`de` → `DE`). Whether a code names a country the shop sells to is configuration,
//! not syntax, so the code list itself is not built in.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw.trim().as_bytes() {
            &[a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(Self([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(DomainError::new(format!(
                "`{raw}` is not a two-letter country code like `DE` or `US`"
            ))),
        }
    }

    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for CountryCode {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CountryCode> for String {
    fn from(value: CountryCode) -> Self {
        value.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn uppercases_two_letters_and_refuses_the_rest() {
        assert_eq!(CountryCode::parse(" de ").unwrap().as_str(), "DE");
        for bad in ["", "D", "DEU", "D1", "ü1", "--"] {
            assert!(CountryCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn parsed_codes_round_trip(raw in "\\PC{0,4}") {
            if let Ok(code) = CountryCode::parse(&raw) {
                prop_assert_eq!(CountryCode::parse(code.as_str()).unwrap(), code);
            }
        }
    }
}
