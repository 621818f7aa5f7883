#![doc = include_str!("../README.md")]

#[macro_use]
mod text_type;

mod address;
mod email;
mod error;
mod idempotency;
mod money;
pub mod order;
mod password;
pub mod pricing;
mod quantity;
mod sku;
mod slug;
mod status;
mod text;

pub use address::{AddressError, RawAddress, ShippingAddress, MAX_ADDRESS_FIELD};
pub use email::{Email, MAX_EMAIL_LEN};
pub use error::DomainError;
pub use idempotency::IdempotencyKey;
pub use money::{Currency, Money, MAX_MINOR_UNITS};
pub use order::{
    transition, CustomerNotice, Effects, IllegalTransition, OrderEvent, OrderEventKind,
    OrderNumber, OrderProgress, OrderState, TrackingNumber,
};
pub use password::{Password, PasswordError, PasswordPolicy};
pub use pricing::{
    BasisPoints, CountryCode, Discount, DiscountCode, DiscountUse, DiscountValue, LineTotals,
    PriceLine, PriceMode, PricingError, PricingRequest, PricingRules, ShippingRates, TaxClass,
    TaxRates, TaxTable, Totals, UnixTime,
};
pub use quantity::{Quantity, MAX_QUANTITY};
pub use sku::Sku;
pub use slug::Slug;
pub use status::ProductStatus;
pub use text::{Description, Title};
