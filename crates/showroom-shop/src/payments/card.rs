//! [`CardNumber`]: the card a checkout pays with, parsed once where it comes in (the API body, a
//! checkout form) so the payment port never sees a malformed one. People type spaces and dashes;
//! those are dropped. What remains is 12 to 19 digits (ISO/IEC 7812 lengths). The number is never
//! printed whole: `Debug` shows only its last four digits.

use std::fmt;

use showroom_domain::DomainError;

#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber(String);

impl CardNumber {
    /// The digits of `raw` without spaces and dashes, when they are 12 to 19 digits.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if !(12..=19).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError("a card number has 12 to 19 digits".into()));
        }
        Ok(Self(digits))
    }

    /// The bare digits, for the payment provider.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// The last four digits, for receipts and logs.
    pub fn last_four(&self) -> &str {
        &self.0[self.0.len() - 4..]
    }
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardNumber(…{})", self.last_four())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_and_dashes_are_dropped_and_only_12_to_19_digits_pass() {
        let card = CardNumber::parse("4242 4242-4242 4242").unwrap();
        assert_eq!(card.digits(), "4242424242424242");
        assert_eq!(format!("{card:?}"), "CardNumber(…4242)");
        assert!(CardNumber::parse("12345678901").is_err());
        assert!(CardNumber::parse("123456789012").is_ok());
        assert!(CardNumber::parse("1234567890123456789").is_ok());
        assert!(CardNumber::parse("12345678901234567890").is_err());
        assert!(CardNumber::parse("4242 4242 4242 424x").is_err());
        assert!(CardNumber::parse("").is_err());
    }
}
