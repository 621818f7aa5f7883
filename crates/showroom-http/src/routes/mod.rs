//! One module per group of routes; each exposes an `OpenApiRouter` so the OpenAPI document is
//! generated from the same handler list that serves requests.

pub mod account;
pub mod admin_assets;
pub mod admin_catalog;
pub mod admin_catalog_file;
pub mod admin_discounts;
pub mod admin_inventory;
pub mod admin_orders;
pub mod admin_uploads;
pub mod assets;
pub mod cart;
pub mod checkout;
pub mod dto;
pub mod input;
pub mod ops;
pub mod payments;
pub mod refusals;
pub mod staff;
pub mod storefront;

pub(crate) mod params;
