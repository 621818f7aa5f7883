#![doc = include_str!("../README.md")]

mod app;
mod delivery;
mod error;
mod extract;
mod facet_counts;
mod middleware;
mod openapi;
pub mod pages;
pub mod principal;
mod process_metrics;
mod response_cache;
mod routes;
pub mod sessions;
pub mod shopper;
mod state;
#[cfg(test)]
mod strict_routes_tests;

pub use app::router;
pub use delivery::revisions::{
    LATEST_CACHE_CONTROL as LATEST_ASSET_CACHE_CONTROL, REMEMBERED as ASSET_REVISION_REMEMBERED,
};
pub use delivery::{
    random_signing_key, signed_asset_path, Delivery, DeliverySettings, ORIGIN_SECRET_HEADER,
};
pub use error::ApiError;
pub use openapi::openapi_document;
pub use state::{AppParts, AppState, ConnectionLimits, HttpSettings, Readiness};
