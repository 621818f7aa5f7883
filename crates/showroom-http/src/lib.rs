#![doc = include_str!("../README.md")]

mod accounts;
mod app;
pub mod cart;
mod checkout;
mod delivery;
mod error;
mod extract;
pub mod ingest;
mod middleware;
mod openapi;
mod order_admin;
mod passwords;
mod payment_webhook;
pub mod payments;
pub mod principal;
mod response_cache;
mod retry;
mod routes;
pub mod sessions;
pub mod shopper;
mod state;

pub use accounts::{create_staff, LoginThrottle};
pub use app::router;
pub use checkout::{order_token, CheckoutSettings};
pub use delivery::{
    random_signing_key, signed_asset_path, Delivery, DeliverySettings, ORIGIN_SECRET_HEADER,
};
pub use error::ApiError;
pub use middleware::admin_auth::token_digest;
pub use openapi::openapi_document;
pub use response_cache::invalidate_catalog;
pub use routes::staff::new_token;
pub use state::{AppState, ConnectionLimits, HttpSettings, Readiness};
