//! Rates in basis points (1 bp = 0.01 %, 10,000 bp = 100 %) and the one rounding rule of all
//! pricing arithmetic.
//!
//! **Rounding rule: round half away from zero** (for the non-negative amounts of a cart that is
//! "half up", the rule printed on receipts and used by most tax authorities). It is applied once
//! per computed amount, on exact integer arithmetic in `i128`: a rate times an amount never passes
//! through a float and never overflows.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// 100 % in basis points.
pub const FULL_RATE: u32 = 10_000;

/// A rate from 0 % to 100 % in basis points: `BasisPoints::new(1_950)` is 19.5 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct BasisPoints(u32);

impl BasisPoints {
    pub const ZERO: Self = Self(0);

    pub fn new(value: u32) -> Result<Self, DomainError> {
        if value > FULL_RATE {
            return Err(DomainError::new(format!(
                "a rate is between 0 and {FULL_RATE} basis points (0 % to 100 %)"
            )));
        }
        Ok(Self(value))
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// `amount × rate`, rounded half away from zero.
    pub fn of(self, amount: i64) -> i64 {
        let exact = i128::from(amount) * i128::from(self.0);
        narrow(div_round_half_away(exact, i128::from(FULL_RATE)))
    }
}

impl fmt::Display for BasisPoints {
    /// `19.5 %`, `7 %`, `0.25 %`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 100;
        let hundredths = self.0 % 100;
        match hundredths {
            0 => write!(f, "{whole} %"),
            h if h % 10 == 0 => write!(f, "{whole}.{} %", h / 10),
            h => write!(f, "{whole}.{h:02} %"),
        }
    }
}

impl TryFrom<u32> for BasisPoints {
    type Error = DomainError;
    fn try_from(value: u32) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<BasisPoints> for u32 {
    fn from(value: BasisPoints) -> Self {
        value.0
    }
}

/// `numerator / denominator` rounded half away from zero; `denominator` must be positive.
pub(crate) fn div_round_half_away(numerator: i128, denominator: i128) -> i128 {
    debug_assert!(denominator > 0);
    let magnitude = (2 * numerator.abs() + denominator) / (2 * denominator);
    if numerator < 0 {
        -magnitude
    } else {
        magnitude
    }
}

/// Results of the rounding above stay within the magnitude of the `i64` amount they came from
/// (every rate is at most 100 %), so narrowing cannot fail; saturate rather than panic anyway.
pub(crate) fn narrow(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(div_round_half_away(5, 10), 1);
        assert_eq!(div_round_half_away(4, 10), 0);
        assert_eq!(div_round_half_away(15, 10), 2);
        assert_eq!(div_round_half_away(25, 10), 3);
        assert_eq!(div_round_half_away(-25, 10), -3);
        assert_eq!(div_round_half_away(-24, 10), -2);
    }

    #[test]
    fn rates_are_bounded_and_displayed_as_percent() {
        assert!(BasisPoints::new(10_001).is_err());
        assert_eq!(BasisPoints::new(1_950).unwrap().to_string(), "19.5 %");
        assert_eq!(BasisPoints::new(700).unwrap().to_string(), "7 %");
        assert_eq!(BasisPoints::new(25).unwrap().to_string(), "0.25 %");
        assert_eq!(BasisPoints::new(2_000).unwrap().of(999), 200);
    }

    proptest! {
        #[test]
        fn rounding_is_within_half_of_the_exact_quotient(n in -1_000_000_000_000i128..1_000_000_000_000, d in 1i128..100_000) {
            let rounded = div_round_half_away(n, d);
            // |rounded - n/d| <= 1/2  ⇔  |2·rounded·d - 2n| <= d
            prop_assert!((2 * rounded * d - 2 * n).abs() <= d);
        }

        #[test]
        fn a_rate_of_an_amount_never_exceeds_the_amount(a in 0i64..=crate::MAX_MINOR_UNITS, bp in 0u32..=FULL_RATE) {
            let part = BasisPoints::new(bp).unwrap().of(a);
            prop_assert!((0..=a).contains(&part));
        }
    }
}
