//! Test backends: a fresh memory cache, or Redis under a random key prefix.

use std::{
    hash::{BuildHasher, RandomState},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, SystemTime},
};

use bytes::Bytes;
use showroom_cache::{Cache, CacheOptions, MemoryCache, RedisCache};

pub const REDIS_URL_VAR: &str = "SHOWROOM_TEST_REDIS_URL";

/// The time to live the tests store with when expiry is not what they are about.
pub const MINUTE: Option<Duration> = Some(Duration::from_secs(60));

pub fn bytes(text: &'static str) -> Bytes {
    Bytes::from_static(text.as_bytes())
}

/// Stores `value` under `ns`/`key` for a [`MINUTE`]; a cache error fails the test.
pub async fn put<C: Cache + ?Sized>(cache: &C, ns: &str, key: &str, value: &'static str) {
    cache.put(ns, key, bytes(value), MINUTE).await.unwrap();
}

/// What `cache` holds under `ns`/`key`; a cache error fails the test.
pub async fn get<C: Cache + ?Sized>(cache: &C, ns: &str, key: &str) -> Option<Bytes> {
    cache.get(ns, key).await.unwrap()
}

/// Asserts that `cache` holds `value` under `ns`/`key`.
pub async fn assert_holds<C: Cache + ?Sized>(cache: &C, ns: &str, key: &str, value: &'static str) {
    assert_eq!(get(cache, ns, key).await, Some(bytes(value)), "{ns}/{key}");
}

pub fn memory_cache() -> Arc<dyn Cache> {
    Arc::new(MemoryCache::new(&CacheOptions::default()))
}

/// The Redis of `SHOWROOM_TEST_REDIS_URL`, with a key prefix no other test uses.
pub struct TestRedis {
    pub url: String,
    pub options: CacheOptions,
}

impl TestRedis {
    /// `None`, after saying so on stderr, when no test Redis is configured.
    pub async fn start() -> Option<Self> {
        let Ok(url) = std::env::var(REDIS_URL_VAR) else {
            eprintln!("skipping: {REDIS_URL_VAR} is not set");
            return None;
        };
        let options = CacheOptions {
            key_prefix: random_prefix(),
            ..CacheOptions::default()
        };
        Some(Self { url, options })
    }

    /// A new, independent instance: its own connection, the shared prefix.
    pub async fn instance(&self) -> RedisCache {
        RedisCache::connect(&self.url, &self.options)
            .await
            .expect("the test Redis is reachable")
    }

    pub async fn cache(&self) -> Arc<dyn Cache> {
        Arc::new(self.instance().await)
    }

    /// A plain connection, for looking under the cache's feet.
    pub async fn raw(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url.as_str())
            .expect("valid URL")
            .get_multiplexed_async_connection()
            .await
            .expect("the test Redis is reachable")
    }

    /// Deletes every key under this test's prefix.
    pub async fn clean_up(&self) {
        let mut raw = self.raw().await;
        let pattern = format!("{}*", self.options.key_prefix);
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(&pattern)
            .query_async(&mut raw)
            .await
            .expect("KEYS");
        if !keys.is_empty() {
            redis::cmd("DEL")
                .arg(&keys)
                .query_async::<()>(&mut raw)
                .await
                .expect("DEL");
        }
    }
}

fn random_prefix() -> String {
    static SEQUENCE: AtomicU64 = AtomicU64::new(0);
    let seed = (
        std::process::id(),
        SystemTime::now(),
        SEQUENCE.fetch_add(1, Ordering::Relaxed),
    );
    format!("showroom-test:{:016x}:", RandomState::new().hash_one(seed))
}
