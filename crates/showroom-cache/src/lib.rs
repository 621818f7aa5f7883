#![doc = include_str!("../README.md")]

mod breaker;
mod cache;
mod connect;
mod error;
mod fill;
mod memory;
mod namespace;
mod options;
mod redact;
mod redis_cache;
mod redis_scripts;
mod redis_sessions;
mod stats;

pub use cache::{Cache, FillFailed, FillFuture};
pub use connect::connect;
pub use error::{BoxError, CacheError};
pub use fill::get_or_fill;
pub use memory::MemoryCache;
pub use options::CacheOptions;
pub use redis_cache::RedisCache;
pub use redis_sessions::RedisSessionStore;
pub use stats::CacheStats;
