//! Stock and cart quantities: whole units, 0 to 1,000,000. Larger numbers are input errors
//! (a typo or an attack), not stock.

use serde::{Deserialize, Serialize};

use crate::DomainError;

pub const MAX_QUANTITY: i64 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Quantity(u32);

impl Quantity {
    pub fn new(value: i64) -> Result<Self, DomainError> {
        if !(0..=MAX_QUANTITY).contains(&value) {
            return Err(DomainError::new(format!(
                "a quantity is between 0 and {MAX_QUANTITY}"
            )));
        }
        Ok(Self(value as u32))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<i64> for Quantity {
    type Error = DomainError;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Quantity> for i64 {
    fn from(value: Quantity) -> Self {
        i64::from(value.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn accepts_exactly_the_documented_range(value in any::<i64>()) {
            let accepted = Quantity::new(value).is_ok();
            prop_assert_eq!(accepted, (0..=MAX_QUANTITY).contains(&value));
        }
    }
}
