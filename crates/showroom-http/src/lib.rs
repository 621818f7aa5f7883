#![doc = include_str!("../README.md")]

mod app;
pub mod cart;
mod checkout;
mod delivery;
mod error;
mod extract;
pub mod ingest;
mod middleware;
mod openapi;
pub mod payments;
pub mod principal;
mod response_cache;
mod routes;
mod shopper;
mod state;

pub use app::router;
pub use checkout::{order_token, CheckoutSettings};
pub use delivery::{
    random_signing_key, signed_asset_path, Delivery, DeliverySettings, ORIGIN_SECRET_HEADER,
};
pub use error::ApiError;
pub use openapi::openapi_document;
pub use response_cache::invalidate_catalog;
pub use state::{AppState, HttpSettings, Readiness};
