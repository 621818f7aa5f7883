#![doc = include_str!("../README.md")]

pub mod admin_cli;
pub mod advisor;
pub mod assets_cli;
pub mod assets_import;
pub mod backends;
pub mod catalog_cli;
pub mod cli;
pub mod config;
pub mod connections;
pub mod demo_seed;
pub mod mailer;
pub mod server;
pub mod shared_keys;
pub mod shop_setup;
pub mod sweeper;
pub mod telemetry;
pub mod worker;

pub use config::Config;
pub use server::{build_state, serve_with_listener};
pub use shop_setup::{build_shop, StartupError};
