#![doc = include_str!("../README.md")]

mod error;
mod money;
mod quantity;
mod sku;
mod slug;
mod status;
mod text;

pub use error::DomainError;
pub use money::{Currency, Money, MAX_MINOR_UNITS};
pub use quantity::Quantity;
pub use sku::Sku;
pub use slug::Slug;
pub use status::ProductStatus;
pub use text::{Description, Title};
