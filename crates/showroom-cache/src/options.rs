//! Settings shared by both backends; each backend reads the fields that concern it.

use std::time::Duration;

/// How a cache is built. `Default` gives values fit for one instance of the shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheOptions {
    /// Memory backend: the most bytes (keys plus values) kept before the least useful entries
    /// are evicted. Default 64 MiB.
    pub memory_capacity_bytes: u64,
    /// Both backends: the time to live of a value stored with `ttl: None`. Default 5 minutes.
    pub default_ttl: Duration,
    /// Redis backend: prepended to every key and channel, so that several shops or test runs
    /// can share one Redis. Default `showroom:cache:`.
    pub key_prefix: String,
    /// Redis backend: the bound on connecting (and on each reconnect attempt). Default 2 s.
    pub connect_timeout: Duration,
    /// Redis backend: the bound on each command, so a stalled Redis slows a request by at most
    /// this much before it is treated as a miss. Default 1 s.
    pub command_timeout: Duration,
    /// Redis backend: after a failed command, Redis is skipped this long (every lookup is a
    /// miss, nothing is stored) before one probe tries it again. Default 2 s.
    pub breaker_cooldown: Duration,
    /// Redis backend, while its breaker is open: responses are kept in process this long at
    /// most (so an edit made on another instance during the outage shows within it). 5 s.
    pub breaker_fallback_ttl: Duration,
    /// Redis backend: the memory of that in-process copy. Default 16 MiB.
    pub breaker_fallback_capacity_bytes: u64,
}

impl Default for CacheOptions {
    fn default() -> Self {
        Self {
            memory_capacity_bytes: 64 * 1024 * 1024,
            default_ttl: Duration::from_secs(300),
            key_prefix: "showroom:cache:".to_owned(),
            connect_timeout: Duration::from_secs(2),
            command_timeout: Duration::from_secs(1),
            breaker_cooldown: Duration::from_secs(2),
            breaker_fallback_ttl: Duration::from_secs(5),
            breaker_fallback_capacity_bytes: 16 * 1024 * 1024,
        }
    }
}
