//! Money as integer minor units (cents, pence, yen) with an ISO 4217 currency; never floats.
//! Amounts are bounded to ±10^12 minor units, so sums of thousands of lines cannot overflow `i64`,
//! and arithmetic across currencies is refused rather than silently mixed.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// The largest absolute amount accepted, in minor units (ten billion in a 2-decimal currency).
pub const MAX_MINOR_UNITS: i64 = 1_000_000_000_000;

/// ISO 4217 currencies the shop accepts, each with its number of minor-unit digits.
const CURRENCIES: &[(&str, u8)] = &[
    ("AUD", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CNY", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("INR", 2),
    ("ISK", 0),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("MXN", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("PLN", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("TRY", 2),
    ("USD", 2),
    ("ZAR", 2),
];

/// An ISO 4217 currency code known to the shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct Currency(&'static str, u8);

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl Currency {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let upper = raw.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(code, _)| *code == upper)
            .map(|&(code, digits)| Self(code, digits))
            .ok_or_else(|| {
                DomainError::new(format!(
                    "`{raw}` is not an ISO 4217 currency the shop accepts"
                ))
            })
    }

    pub fn code(self) -> &'static str {
        self.0
    }

    /// Digits after the decimal point: 2 for EUR, 0 for JPY, 3 for KWD.
    pub fn minor_digits(self) -> u8 {
        self.1
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.0.to_owned()
    }
}

/// An amount of one currency in its minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub amount_minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount_minor: i64, currency: Currency) -> Result<Self, DomainError> {
        if amount_minor.abs() > MAX_MINOR_UNITS {
            return Err(DomainError::new(format!(
                "an amount is at most {MAX_MINOR_UNITS} minor units"
            )));
        }
        Ok(Self {
            amount_minor,
            currency,
        })
    }

    /// A price: like [`Money::new`] but never negative.
    pub fn price(amount_minor: i64, currency: Currency) -> Result<Self, DomainError> {
        if amount_minor < 0 {
            return Err(DomainError::new("a price cannot be negative"));
        }
        Self::new(amount_minor, currency)
    }

    pub fn checked_add(self, other: Money) -> Result<Money, DomainError> {
        if self.currency != other.currency {
            return Err(DomainError::new(format!(
                "cannot add {} to {}",
                other.currency, self.currency
            )));
        }
        Money::new(self.amount_minor + other.amount_minor, self.currency)
    }

    pub fn times(self, quantity: u32) -> Result<Money, DomainError> {
        let product = self
            .amount_minor
            .checked_mul(i64::from(quantity))
            .ok_or_else(|| DomainError::new("amount overflow"))?;
        Money::new(product, self.currency)
    }
}

impl fmt::Display for Money {
    /// `12.50 EUR`, `1200 JPY`, `-0.05 USD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = u32::from(self.currency.minor_digits());
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        let abs = self.amount_minor.unsigned_abs();
        if digits == 0 {
            return write!(f, "{sign}{abs} {}", self.currency);
        }
        let scale = 10u64.pow(digits);
        write!(
            f,
            "{sign}{}.{:0width$} {}",
            abs / scale,
            abs % scale,
            self.currency,
            width = digits as usize
        )
    }
}

parsed_from_string!(Currency);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eur() -> Currency {
        Currency::parse("eur").unwrap()
    }

    #[test]
    fn currencies_know_their_minor_digits() {
        assert_eq!(Currency::parse("JPY").unwrap().minor_digits(), 0);
        assert_eq!(Currency::parse("KWD").unwrap().minor_digits(), 3);
        assert!(Currency::parse("XYZ").is_err());
        assert!(Currency::parse("").is_err());
    }

    #[test]
    fn display_uses_the_currency_minor_digits() {
        assert_eq!(Money::new(1250, eur()).unwrap().to_string(), "12.50 EUR");
        assert_eq!(Money::new(-5, eur()).unwrap().to_string(), "-0.05 EUR");
        assert_eq!(
            Money::new(1200, Currency::parse("JPY").unwrap())
                .unwrap()
                .to_string(),
            "1200 JPY"
        );
    }

    #[test]
    fn prices_refuse_negative_and_absurd_amounts() {
        assert!(Money::price(-1, eur()).is_err());
        assert!(Money::price(MAX_MINOR_UNITS + 1, eur()).is_err());
        assert!(Money::price(0, eur()).is_ok());
    }

    #[test]
    fn adding_different_currencies_is_refused() {
        let usd = Money::new(1, Currency::parse("USD").unwrap()).unwrap();
        assert!(Money::new(1, eur()).unwrap().checked_add(usd).is_err());
    }

    proptest! {
        #[test]
        fn addition_is_exact_or_refused(a in -MAX_MINOR_UNITS..=MAX_MINOR_UNITS, b in -MAX_MINOR_UNITS..=MAX_MINOR_UNITS) {
            let sum = Money::new(a, eur()).unwrap().checked_add(Money::new(b, eur()).unwrap());
            match sum {
                Ok(sum) => prop_assert_eq!(sum.amount_minor, a + b),
                Err(_) => prop_assert!((a + b).abs() > MAX_MINOR_UNITS),
            }
        }

        #[test]
        fn multiplication_never_overflows_silently(a in 0..=MAX_MINOR_UNITS, q in 0u32..=1_000_000) {
            match Money::price(a, eur()).unwrap().times(q) {
                Ok(total) => prop_assert_eq!(i128::from(total.amount_minor), i128::from(a) * i128::from(q)),
                Err(_) => prop_assert!(i128::from(a) * i128::from(q) > i128::from(MAX_MINOR_UNITS)),
            }
        }

        #[test]
        fn display_round_trips_the_amount(a in -MAX_MINOR_UNITS..=MAX_MINOR_UNITS) {
            let shown = Money::new(a, eur()).unwrap().to_string();
            let number = shown.trim_end_matches(" EUR").replace('.', "");
            prop_assert_eq!(number.parse::<i64>().unwrap(), a);
        }
    }
}
