//! The in-process backend, on moka.
//!
//! Guarantees:
//! - memory stays bounded by [`CacheOptions::memory_capacity_bytes`], counting keys and values;
//! - each entry lives for its own time to live;
//! - invalidating a namespace is O(1) and immediate: every key carries its namespace's
//!   *generation*, and invalidation bumps the generation, so older entries can no longer be
//!   addressed. Their memory is reclaimed in the background;
//! - concurrent [`crate::get_or_fill`] calls for one key run the fill once, and a fill that
//!   started before an invalidation stores its value under the old generation, where no one
//!   will read it.

use std::{
    collections::HashMap,
    sync::{PoisonError, RwLock},
    time::{Duration, Instant},
};

use async_trait::async_trait;
use bytes::Bytes;
use moka::{future::Cache as Moka, Expiry};

use crate::{
    fill, namespace, stats::Counters, Cache, CacheError, CacheOptions, CacheStats, FillFailed,
    FillFuture,
};

const BACKEND: &str = "memory";

/// Bytes charged per entry on top of its key and value, for moka's and our own bookkeeping.
const ENTRY_OVERHEAD: usize = 96;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct EntryKey {
    ns: Box<str>,
    generation: u64,
    key: Box<str>,
}

#[derive(Debug, Clone)]
struct Entry {
    value: Bytes,
    ttl: Duration,
}

/// Expires each entry after the time to live it was stored with, also when it is overwritten.
struct PerEntryTtl;

impl Expiry<EntryKey, Entry> for PerEntryTtl {
    fn expire_after_create(&self, _: &EntryKey, entry: &Entry, _: Instant) -> Option<Duration> {
        Some(entry.ttl)
    }

    fn expire_after_update(
        &self,
        _: &EntryKey,
        entry: &Entry,
        _: Instant,
        _: Option<Duration>,
    ) -> Option<Duration> {
        Some(entry.ttl)
    }
}

/// An in-process cache; the default backend, and the right one for a single instance.
pub struct MemoryCache {
    entries: Moka<EntryKey, Entry>,
    generations: RwLock<HashMap<Box<str>, u64>>,
    default_ttl: Duration,
    counters: Counters,
}

impl MemoryCache {
    /// A cache holding at most `options.memory_capacity_bytes`.
    pub fn new(options: &CacheOptions) -> Self {
        let entries = Moka::builder()
            .max_capacity(options.memory_capacity_bytes)
            .weigher(|key: &EntryKey, entry: &Entry| {
                let bytes = ENTRY_OVERHEAD + key.ns.len() + key.key.len() + entry.value.len();
                u32::try_from(bytes).unwrap_or(u32::MAX)
            })
            .expire_after(PerEntryTtl)
            .support_invalidation_closures()
            .build();
        Self {
            entries,
            generations: RwLock::default(),
            default_ttl: options.default_ttl,
            counters: Counters::new(BACKEND),
        }
    }

    /// The key `key` of `ns` has in the namespace's current generation.
    fn current_key(&self, ns: &str, key: &str) -> EntryKey {
        let generations = self
            .generations
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        EntryKey {
            ns: ns.into(),
            generation: generations.get(ns).copied().unwrap_or(0),
            key: key.into(),
        }
    }

    /// Advances the generation of `ns` and returns the new one.
    fn next_generation(&self, ns: &str) -> u64 {
        let mut generations = self
            .generations
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let generation = generations.entry(ns.into()).or_insert(0);
        *generation += 1;
        *generation
    }
}

#[async_trait]
impl Cache for MemoryCache {
    async fn get(&self, ns: &str, key: &str) -> Result<Option<Bytes>, CacheError> {
        namespace::check(ns)?;
        let found = self.entries.get(&self.current_key(ns, key)).await;
        self.counters.lookup(ns, found.is_some());
        Ok(found.map(|entry| entry.value))
    }

    async fn put(
        &self,
        ns: &str,
        key: &str,
        value: Bytes,
        ttl: Option<Duration>,
    ) -> Result<(), CacheError> {
        namespace::check(ns)?;
        let ttl = ttl.unwrap_or(self.default_ttl);
        if !ttl.is_zero() {
            let entry = Entry { value, ttl };
            self.entries.insert(self.current_key(ns, key), entry).await;
        }
        Ok(())
    }

    async fn invalidate_namespace(&self, ns: &str) -> Result<(), CacheError> {
        namespace::check(ns)?;
        let generation = self.next_generation(ns);
        // Correctness already holds: nothing can address the older generations any more. This
        // only hands their memory back sooner than eviction or expiry would.
        let owned_ns: Box<str> = ns.into();
        let reclaim = self
            .entries
            .invalidate_entries_if(move |key, _| key.ns == owned_ns && key.generation < generation);
        if let Err(err) = reclaim {
            tracing::debug!(error = %err, "could not schedule reclaiming invalidated entries");
        }
        Ok(())
    }

    async fn ping(&self) -> Result<(), CacheError> {
        Ok(())
    }

    fn backend_name(&self) -> &'static str {
        BACKEND
    }

    fn stats(&self) -> CacheStats {
        self.counters.snapshot()
    }

    async fn get_or_fill_boxed(
        &self,
        ns: &str,
        key: &str,
        ttl: Option<Duration>,
        fill: FillFuture<'_>,
    ) -> Result<Bytes, FillFailed> {
        if let Some(hit) = fill::get_or_log(self, ns, key).await {
            return Ok(hit);
        }
        let ttl = ttl.unwrap_or(self.default_ttl);
        if namespace::check(ns).is_err() || ttl.is_zero() {
            return fill.await;
        }
        // The generation is read before the fill runs; see the module docs.
        let entry_key = self.current_key(ns, key);
        let filled = async { fill.await.map(|value| Entry { value, ttl }) };
        match self.entries.try_get_with(entry_key, filled).await {
            Ok(entry) => Ok(entry.value),
            Err(_) => Err(FillFailed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn total_weight_stays_within_the_capacity() {
        let capacity = 1024 * 1024;
        let cache = MemoryCache::new(&CacheOptions {
            memory_capacity_bytes: capacity,
            ..CacheOptions::default()
        });
        for i in 0..20 {
            let value = Bytes::from(vec![0u8; 200 * 1024]);
            cache
                .put("products", &format!("page-{i}"), value, None)
                .await
                .unwrap();
        }
        cache.entries.run_pending_tasks().await;
        assert!(cache.entries.weighted_size() <= capacity);
        assert!(
            cache.entries.entry_count() > 0,
            "the cache still holds entries"
        );
    }

    #[tokio::test]
    async fn invalidated_entries_are_reclaimed() {
        let cache = MemoryCache::new(&CacheOptions::default());
        for i in 0..10 {
            let value = Bytes::from_static(b"detail");
            cache
                .put("product", &i.to_string(), value, None)
                .await
                .unwrap();
        }
        cache.invalidate_namespace("product").await.unwrap();
        // Predicates are applied in the background; give housekeeping a few rounds.
        for _ in 0..50 {
            cache.entries.run_pending_tasks().await;
            if cache.entries.entry_count() == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(cache.entries.entry_count(), 0);
    }
}
