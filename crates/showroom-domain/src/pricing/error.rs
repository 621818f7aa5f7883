//! Why a cart could not be priced. Each message names the offending thing (the code, the
//! method, the amount) so it can be shown to the shopper as it is.

use crate::{Currency, Money, Slug};

use super::{DiscountCode, UnixTime};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    #[error("{what} is in {found}, but this cart is in {expected}")]
    CurrencyMismatch {
        what: String,
        expected: Currency,
        found: Currency,
    },
    #[error("discount code `{code}` has expired")]
    DiscountExpired {
        code: DiscountCode,
        expired_at: UnixTime,
    },
    #[error("discount code `{code}` has reached its usage limit of {limit}")]
    DiscountExhausted { code: DiscountCode, limit: u32 },
    #[error("discount code `{code}` needs a subtotal of at least {minimum}; this cart comes to {subtotal}")]
    DiscountBelowMinimum {
        code: DiscountCode,
        minimum: Money,
        subtotal: Money,
    },
    #[error("there is no shipping method `{method}`")]
    UnknownShippingMethod { method: Slug },
    #[error("the price of line {line} is negative")]
    NegativePrice { line: usize },
    #[error("the {what} is larger than the shop accepts")]
    TooLarge { what: &'static str },
}

/// The check every amount that enters a calculation goes through.
pub(crate) fn same_currency(
    what: impl FnOnce() -> String,
    expected: Currency,
    money: Money,
) -> Result<(), PricingError> {
    if money.currency == expected {
        Ok(())
    } else {
        Err(PricingError::CurrencyMismatch {
            what: what(),
            expected,
            found: money.currency,
        })
    }
}
