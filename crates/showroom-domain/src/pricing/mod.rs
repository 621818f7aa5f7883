//! Pricing: the pure rules that turn a cart into money owed.
//!
//! A guided tour, in the order a price is built:
//!
//! - [`rate`]: [`BasisPoints`] and the single rounding rule, half away from zero;
//! - [`discount`]: [`DiscountCode`], [`Discount`] and its checks (expiry, usage limit, minimum
//!   subtotal) which take the time and the usage count as inputs;
//! - [`allocate`](mod@allocate): largest-remainder allocation of an order amount across lines;
//! - [`shipping`]: [`ShippingRates`], flat rates per method and a free-shipping threshold;
//! - [`tax`]: [`TaxTable`], rates per country and tax class, tax-inclusive or -exclusive prices;
//! - [`totals`]: [`PricingRules::price`], which puts them together into [`Totals`].
//!
//! Everything is integer minor units of one [`Currency`](crate::Currency); nothing here
//! touches a float, a clock or a database.

pub mod allocate;
mod country;
pub mod discount;
mod error;
pub mod rate;
pub mod shipping;
pub mod tax;
pub mod totals;

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;

pub use allocate::allocate;
pub use country::CountryCode;
pub use discount::{Discount, DiscountCode, DiscountUse, DiscountValue, UnixTime};
pub use error::PricingError;
pub use rate::BasisPoints;
pub use shipping::ShippingRates;
pub use tax::{tax_of, PriceMode, TaxClass, TaxRates, TaxTable};
pub use totals::{LineTotals, PriceLine, PricingRequest, PricingRules, Totals};
