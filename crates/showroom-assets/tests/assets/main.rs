//! One integration-test binary for the crate's public API: blob storage on every local
//! backend, and the demo models checked by an independent glTF parser.

mod blob_store;
mod demo_models;
mod glb_checks;
mod store_urls;
