//! Discount codes and their rules: a percentage (in basis points) or a fixed amount off the
//! goods, optionally with a minimum subtotal, an expiry time and a usage limit.
//!
//! The rules that depend on the world — the current time and how often a code was used — take
//! those facts as inputs ([`UnixTime`], `times_used`), so they stay pure and testable. The
//! domain check gives the shopper the message; the store must still enforce the usage limit
//! atomically (a conditional increment) when the order is placed.
//!
//! The discount is computed on the goods subtotal (not shipping) in the shop's
//! [`PriceMode`](super::PriceMode): a percentage is rounded half away from zero, a fixed amount is capped at
//! the subtotal, so a discount is never negative and never exceeds the subtotal.

use serde::{Deserialize, Serialize};

use super::error::same_currency;
use super::{BasisPoints, PricingError};
use crate::{DomainError, Money};

/// Seconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct UnixTime(pub i64);

/// A code a shopper types: 3–32 letters, digits, `-` and `_`, uppercased (`spring-10` is
/// `SPRING-10`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DiscountCode(String);

impl DiscountCode {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let upper = raw.trim().to_ascii_uppercase();
        let well_formed = (3..=32).contains(&upper.len())
            && upper
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !well_formed {
            return Err(DomainError::new(
                "a discount code has 3 to 32 letters, digits, `-` or `_`",
            ));
        }
        Ok(Self(upper))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How much a discount takes off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscountValue {
    Percentage(BasisPoints),
    Fixed(Money),
}

/// A discount code with its rules. Built with [`Discount::percentage`] or [`Discount::fixed`]
/// and the `with_…` methods, so a fixed amount is never negative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discount {
    code: DiscountCode,
    value: DiscountValue,
    minimum_subtotal: Option<Money>,
    expires_at: Option<UnixTime>,
    usage_limit: Option<u32>,
}

impl Discount {
    pub fn percentage(code: DiscountCode, rate: BasisPoints) -> Self {
        Self::with_value(code, DiscountValue::Percentage(rate))
    }

    pub fn fixed(code: DiscountCode, amount: Money) -> Result<Self, DomainError> {
        if amount.amount_minor <= 0 {
            return Err(DomainError::new("a fixed discount is a positive amount"));
        }
        Ok(Self::with_value(code, DiscountValue::Fixed(amount)))
    }

    fn with_value(code: DiscountCode, value: DiscountValue) -> Self {
        Self {
            code,
            value,
            minimum_subtotal: None,
            expires_at: None,
            usage_limit: None,
        }
    }

    /// The code applies only when the goods subtotal (before discount) is at least `minimum`.
    pub fn with_minimum_subtotal(mut self, minimum: Money) -> Self {
        self.minimum_subtotal = Some(minimum);
        self
    }

    /// The code stops working at this instant.
    pub fn with_expiry(mut self, expires_at: UnixTime) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// The code works for this many orders in all.
    pub fn with_usage_limit(mut self, limit: u32) -> Self {
        self.usage_limit = Some(limit);
        self
    }

    pub fn code(&self) -> &DiscountCode {
        &self.code
    }

    pub fn value(&self) -> DiscountValue {
        self.value
    }

    pub fn minimum_subtotal(&self) -> Option<Money> {
        self.minimum_subtotal
    }

    pub fn expires_at(&self) -> Option<UnixTime> {
        self.expires_at
    }

    pub fn usage_limit(&self) -> Option<u32> {
        self.usage_limit
    }

    /// Checks every rule for a cart whose goods come to `subtotal`, at time `now`, for a code
    /// already used `times_used` times; the first broken rule is returned.
    pub fn check(
        &self,
        subtotal: Money,
        now: UnixTime,
        times_used: u32,
    ) -> Result<(), PricingError> {
        let currency = subtotal.currency;
        if let DiscountValue::Fixed(amount) = self.value {
            same_currency(|| self.described("amount"), currency, amount)?;
        }
        if let Some(minimum) = self.minimum_subtotal {
            same_currency(|| self.described("minimum subtotal"), currency, minimum)?;
        }
        if let Some(expired_at) = self.expires_at.filter(|&at| now >= at) {
            return Err(PricingError::DiscountExpired {
                code: self.code.clone(),
                expired_at,
            });
        }
        if let Some(limit) = self.usage_limit.filter(|&limit| times_used >= limit) {
            return Err(PricingError::DiscountExhausted {
                code: self.code.clone(),
                limit,
            });
        }
        if let Some(minimum) = self
            .minimum_subtotal
            .filter(|m| subtotal.amount_minor < m.amount_minor)
        {
            return Err(PricingError::DiscountBelowMinimum {
                code: self.code.clone(),
                minimum,
                subtotal,
            });
        }
        Ok(())
    }

    /// The amount off a goods subtotal of `subtotal` minor units: at most the subtotal, never
    /// negative. The currency was checked by [`Discount::check`].
    pub(crate) fn amount_off(&self, subtotal: i64) -> i64 {
        let raw = match self.value {
            DiscountValue::Percentage(rate) => rate.of(subtotal),
            DiscountValue::Fixed(amount) => amount.amount_minor,
        };
        raw.clamp(0, subtotal.max(0))
    }

    fn described(&self, what: &str) -> String {
        format!("the {what} of discount code `{}`", self.code)
    }
}

/// A discount as applied to one cart: the code's rules plus the facts its checks need.
#[derive(Debug, Clone, Copy)]
pub struct DiscountUse<'a> {
    pub discount: &'a Discount,
    pub now: UnixTime,
    pub times_used: u32,
}

/// Checks a discount against a cart whose goods come to `subtotal` and returns the amount off.
pub(crate) fn check_use(use_: &DiscountUse<'_>, subtotal: Money) -> Result<i64, PricingError> {
    use_.discount.check(subtotal, use_.now, use_.times_used)?;
    Ok(use_.discount.amount_off(subtotal.amount_minor))
}

string_conversions!(DiscountCode);
display_as_str!(DiscountCode);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::parse("EUR").unwrap()).unwrap()
    }

    fn code() -> DiscountCode {
        DiscountCode::parse("spring-10").unwrap()
    }

    #[test]
    fn codes_are_uppercased_and_bounded() {
        assert_eq!(code().as_str(), "SPRING-10");
        for bad in ["", "ab", "with space", "ü-code", &"X".repeat(33)] {
            assert!(DiscountCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn each_rule_names_the_code_in_its_error() {
        let discount = Discount::percentage(code(), BasisPoints::new(1_000).unwrap())
            .with_minimum_subtotal(eur(5_000))
            .with_expiry(UnixTime(1_000))
            .with_usage_limit(3);
        assert!(discount.check(eur(5_000), UnixTime(999), 2).is_ok());

        let expired = discount.check(eur(5_000), UnixTime(1_000), 0).unwrap_err();
        assert_eq!(expired.to_string(), "discount code `SPRING-10` has expired");
        let exhausted = discount.check(eur(5_000), UnixTime(0), 3).unwrap_err();
        assert_eq!(
            exhausted.to_string(),
            "discount code `SPRING-10` has reached its usage limit of 3"
        );
        let below = discount.check(eur(4_999), UnixTime(0), 0).unwrap_err();
        assert_eq!(
            below.to_string(),
            "discount code `SPRING-10` needs a subtotal of at least 50.00 EUR; this cart comes to 49.99 EUR"
        );
    }

    #[test]
    fn amounts_in_another_currency_are_refused() {
        let usd = Money::new(500, Currency::parse("USD").unwrap()).unwrap();
        let discount = Discount::fixed(code(), usd).unwrap();
        let error = discount.check(eur(10_000), UnixTime(0), 0).unwrap_err();
        assert!(matches!(error, PricingError::CurrencyMismatch { .. }));
        assert_eq!(
            error.to_string(),
            "the amount of discount code `SPRING-10` is in USD, but this cart is in EUR"
        );
    }

    #[test]
    fn the_amount_off_is_capped_at_the_subtotal() {
        assert!(Discount::fixed(code(), eur(0)).is_err());
        let fixed = Discount::fixed(code(), eur(2_000)).unwrap();
        assert_eq!(fixed.amount_off(1_500), 1_500);
        assert_eq!(fixed.amount_off(5_000), 2_000);
        let half = Discount::percentage(code(), BasisPoints::new(5_000).unwrap());
        assert_eq!(half.amount_off(3), 2);
    }
}
