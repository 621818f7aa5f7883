//! Order numbers people can read out on the phone: `SR-000123`, from the database's order
//! sequence. Six digits at least, more when the sequence outgrows them (`SR-1234567`), so the
//! format never wraps or collides.
//!
//! [`OrderNumber::parse`] is lenient where people are sloppy — surrounding spaces, lowercase
//! `sr-`, a missing prefix, missing or extra leading zeros — and [`Display`](std::fmt::Display)
//! is canonical, so `parse(format(n)) == n` for every valid `n` (property-tested).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

const PREFIX: &str = "SR-";
/// The largest sequence value accepted: twelve digits, far beyond any shop's order count.
pub const MAX_ORDER_SEQUENCE: i64 = 999_999_999_999;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrderNumber(i64);

impl OrderNumber {
    /// The number of the order with sequence value `sequence` (1, 2, 3, …).
    pub fn from_sequence(sequence: i64) -> Result<Self, DomainError> {
        if !(1..=MAX_ORDER_SEQUENCE).contains(&sequence) {
            return Err(DomainError::new(format!(
                "an order sequence value is between 1 and {MAX_ORDER_SEQUENCE}"
            )));
        }
        Ok(Self(sequence))
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let trimmed = raw.trim();
        let digits = strip_prefix_ignoring_case(trimmed, PREFIX)
            .or_else(|| strip_prefix_ignoring_case(trimmed, "SR"))
            .unwrap_or(trimmed);
        let malformed =
            || DomainError::new(format!("`{raw}` is not an order number like `SR-000123`"));
        if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        let sequence = digits.parse::<i64>().map_err(|_| malformed())?;
        Self::from_sequence(sequence).map_err(|_| malformed())
    }

    pub fn sequence(self) -> i64 {
        self.0
    }
}

fn strip_prefix_ignoring_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

impl fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{:06}", self.0)
    }
}

impl From<OrderNumber> for String {
    fn from(value: OrderNumber) -> Self {
        value.to_string()
    }
}

parsed_from_string!(OrderNumber);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_with_six_digits_at_least() {
        assert_eq!(
            OrderNumber::from_sequence(123).unwrap().to_string(),
            "SR-000123"
        );
        assert_eq!(
            OrderNumber::from_sequence(1_234_567).unwrap().to_string(),
            "SR-1234567"
        );
        assert!(OrderNumber::from_sequence(0).is_err());
        assert!(OrderNumber::from_sequence(-5).is_err());
    }

    #[test]
    fn parses_what_people_type() {
        for typed in [
            "SR-000123",
            " sr-000123 ",
            "SR-123",
            "sr123",
            "000123",
            "123",
        ] {
            assert_eq!(
                OrderNumber::parse(typed).unwrap().sequence(),
                123,
                "{typed:?}"
            );
        }
        for bad in [
            "",
            "SR-",
            "SR-0",
            "SR-12a",
            "SR--12",
            "XX-000123",
            "SR-+12",
            "SR-ü",
        ] {
            assert!(OrderNumber::parse(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(sequence in 1..=MAX_ORDER_SEQUENCE) {
            let number = OrderNumber::from_sequence(sequence).unwrap();
            let shown = number.to_string();
            prop_assert!(shown.starts_with("SR-") && shown.len() >= 9);
            prop_assert_eq!(OrderNumber::parse(&shown).unwrap(), number);
            let json = serde_json::to_string(&number).unwrap();
            prop_assert_eq!(serde_json::from_str::<OrderNumber>(&json).unwrap(), number);
        }

        #[test]
        fn parse_never_panics_and_accepts_only_canonicalizable_input(raw in "\\PC{0,30}") {
            if let Ok(number) = OrderNumber::parse(&raw) {
                prop_assert_eq!(OrderNumber::parse(&number.to_string()).unwrap(), number);
            }
        }
    }
}
