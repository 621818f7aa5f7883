#![doc = include_str!("../README.md")]

mod connect;
mod dialect;

pub use connect::{connect, connect_with, open, PostgresSettings};
pub use dialect::PostgresDialect;
