//! The shared backend, on Redis.
//!
//! Guarantees:
//! - every instance connected to the same Redis with the same key prefix sees the same entries;
//! - once [`Cache::invalidate_namespace`] has returned on one instance, no instance returns an
//!   entry stored in that namespace before the call. Invalidation advances the namespace's
//!   version counter, and every lookup reads the counter and the entry in one Lua script (one
//!   round trip, no local state to go stale). Entries of old versions are never deleted; they
//!   expire by their time to live;
//! - a [`crate::get_or_fill`] whose fill races with an invalidation stores its value under the
//!   version read *before* the fill, where no one will read it;
//! - a stalled or lost Redis costs each command at most [`CacheOptions::command_timeout`]; the
//!   connection manager reconnects in the background.
//!
//! Key layout and scripts are described in `redis_scripts.rs`. This backend needs Redis 5 or
//! newer, and a single Redis (or a primary with replicas) rather than Redis Cluster, since a
//! script touches keys it computes itself.

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use redis::{
    aio::{ConnectionManager, ConnectionManagerConfig},
    RedisError,
};

use crate::breaker::{Breaker, Permit};
use crate::{
    fill, namespace, redact::redact_url, redis_scripts, stats::Counters, Cache, CacheError,
    CacheOptions, CacheStats, FillFailed, FillFuture, MemoryCache,
};

const BACKEND: &str = "redis";

/// A cache in Redis, shared by every instance of the shop.
pub struct RedisCache {
    connection: ConnectionManager,
    prefix: String,
    default_ttl: Duration,
    counters: Counters,
    breaker: Breaker,
    /// Used only while the breaker is open; entries live at most `fallback_ttl`.
    fallback: MemoryCache,
    fallback_ttl: Duration,
    /// Namespaces whose invalidation failed while Redis was unreachable; replayed before Redis
    /// is read again, so an edit made during the outage cannot be hidden by an older entry.
    pending_invalidations: Mutex<BTreeSet<String>>,
}

impl RedisCache {
    /// Connects to `url` (`redis://` or `rediss://`) and checks the server answers `PING`,
    /// all within `options.connect_timeout`.
    pub async fn connect(url: &str, options: &CacheOptions) -> Result<Self, CacheError> {
        let redacted = redact_url(url);
        let connect_error = |source: RedisError| CacheError::Connect {
            url: redacted.clone(),
            source: source.into(),
        };
        let client = redis::Client::open(url).map_err(connect_error)?;
        // One quick retry only: when Redis is down, requests waiting on a reconnect should fall
        // back to the database soon rather than sit through a long backoff.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(options.connect_timeout)
            .set_response_timeout(options.command_timeout)
            .set_number_of_retries(1)
            .set_max_delay(500);
        let connecting = async {
            let mut connection = ConnectionManager::new_with_config(client, config).await?;
            redis::cmd("PING")
                .query_async::<()>(&mut connection)
                .await?;
            Ok(connection)
        };
        let connection = tokio::time::timeout(options.connect_timeout, connecting)
            .await
            .map_err(|_| CacheError::ConnectTimeout {
                url: redacted.clone(),
                timeout: options.connect_timeout,
            })?
            .map_err(connect_error)?;
        Ok(Self {
            connection,
            prefix: options.key_prefix.clone(),
            default_ttl: options.default_ttl,
            counters: Counters::new(BACKEND),
            breaker: Breaker::new(BACKEND, options.breaker_cooldown),
            fallback: MemoryCache::new(&CacheOptions {
                memory_capacity_bytes: options.breaker_fallback_capacity_bytes,
                ..options.clone()
            }),
            fallback_ttl: options.breaker_fallback_ttl,
            pending_invalidations: Mutex::default(),
        })
    }

    /// Runs one command through the circuit breaker: skipped while it is open, the half-open
    /// probe first replays pending invalidations, and the outcome opens or closes it.
    async fn guarded<T>(
        &self,
        operation: &'static str,
        command: impl Future<Output = Result<T, RedisError>>,
    ) -> Result<T, CacheError> {
        let permit = self.breaker.permit();
        if permit == Permit::Skip {
            return Err(CacheError::CircuitOpen { backend: BACKEND });
        }
        // The probe replays what failed during the outage; so does any command that finds an
        // invalidation still pending (one remembered while a probe was already under way).
        if permit == Permit::Probe || (permit == Permit::Closed && !self.pending().is_empty()) {
            if let Err(err) = self.replay_invalidations().await {
                self.breaker.failed(permit);
                return Err(self.failed("invalidate_namespace", err));
            }
        }
        match command.await {
            Ok(value) => {
                self.breaker.succeeded(permit);
                Ok(value)
            }
            Err(err) => {
                self.breaker.failed(permit);
                Err(self.failed(operation, err))
            }
        }
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, BTreeSet<String>> {
        self.pending_invalidations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Invalidates every namespace whose invalidation failed earlier; those that fail again
    /// stay pending.
    async fn replay_invalidations(&self) -> Result<(), RedisError> {
        let namespaces = std::mem::take(&mut *self.pending());
        let mut namespaces = namespaces.into_iter();
        while let Some(ns) = namespaces.next() {
            if let Err(err) = self.invalidate_now(&ns).await {
                let mut pending = self.pending();
                pending.insert(ns);
                pending.extend(namespaces);
                return Err(err);
            }
            tracing::info!(namespace = %ns, "cache: replayed an invalidation that failed while Redis was down");
        }
        Ok(())
    }

    async fn invalidate_now(&self, ns: &str) -> Result<(), RedisError> {
        redis_scripts::INVALIDATE
            .key(self.version_key(ns))
            .arg(format!("{}invalidate", self.prefix))
            .arg(ns)
            .invoke_async::<()>(&mut self.connection.clone())
            .await
    }

    /// Commands skipped by the open circuit breaker since start.
    pub fn breaker_skips(&self) -> u64 {
        self.breaker.skips()
    }

    fn version_key(&self, ns: &str) -> String {
        format!("{}ver:{ns}", self.prefix)
    }

    /// Everything before the version in the keys of `ns`' entries.
    fn entry_prefix(&self, ns: &str) -> String {
        format!("{}{ns}:", self.prefix)
    }

    /// Counts the failure and wraps it.
    fn failed(&self, operation: &'static str, source: RedisError) -> CacheError {
        self.counters.error(operation);
        CacheError::Backend {
            backend: BACKEND,
            operation,
            source: source.into(),
        }
    }

    /// The namespace's current version and the entry stored under it, in one round trip.
    async fn versioned_get(
        &self,
        ns: &str,
        key: &str,
    ) -> Result<(String, Option<Bytes>), CacheError> {
        namespace::check(ns)?;
        let mut connection = self.connection.clone();
        let mut invocation = redis_scripts::GET.prepare_invoke();
        invocation
            .key(self.version_key(ns))
            .arg(self.entry_prefix(ns))
            .arg(key);
        let (version, value): (String, Option<Vec<u8>>) = self
            .guarded("get", invocation.invoke_async(&mut connection))
            .await?;
        self.counters.lookup(ns, value.is_some());
        Ok((version, value.map(Bytes::from)))
    }

    /// Stores under an explicit version, for a fill that read the version before it ran.
    async fn put_at_version(
        &self,
        ns: &str,
        version: &str,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<(), CacheError> {
        let entry_key = format!("{}{version}:{key}", self.entry_prefix(ns));
        let mut connection = self.connection.clone();
        let mut command = redis::cmd("SET");
        command
            .arg(entry_key)
            .arg(value)
            .arg("PX")
            .arg(ttl_millis(ttl));
        self.guarded("put", command.query_async::<()>(&mut connection))
            .await
    }
}

/// A time to live in whole milliseconds, at least one: Redis rejects `PX 0`.
fn ttl_millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

#[async_trait]
impl Cache for RedisCache {
    async fn get(&self, ns: &str, key: &str) -> Result<Option<Bytes>, CacheError> {
        Ok(self.versioned_get(ns, key).await?.1)
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
        if ttl.is_zero() {
            return Ok(());
        }
        let mut connection = self.connection.clone();
        let mut invocation = redis_scripts::PUT.prepare_invoke();
        invocation
            .key(self.version_key(ns))
            .arg(self.entry_prefix(ns))
            .arg(key)
            .arg(value.as_ref())
            .arg(ttl_millis(ttl));
        self.guarded("put", invocation.invoke_async::<()>(&mut connection))
            .await
    }

    /// Never lost (a stale entry must not come back with Redis): an invalidation that fails, or
    /// that comes while the breaker is open, is remembered and replayed before Redis is read
    /// again. While the breaker is open it is only remembered, so no caller (a checkout telling
    /// the cache that stock moved) waits on a Redis that failed moments ago.
    async fn invalidate_namespace(&self, ns: &str) -> Result<(), CacheError> {
        namespace::check(ns)?;
        // This instance's own outage copies go at once, whatever Redis answers.
        self.fallback.invalidate_namespace(ns).await?;
        self.pending().insert(ns.to_owned());
        if self.breaker.is_open() {
            return Err(CacheError::CircuitOpen { backend: BACKEND });
        }
        match self.replay_invalidations().await {
            Ok(()) => {
                if self.breaker.is_open() {
                    // Redis answered: the breaker's probe would only repeat what just worked.
                    self.breaker.succeeded(Permit::Probe);
                }
                Ok(())
            }
            Err(err) => {
                self.breaker.failed(Permit::Closed);
                Err(self.failed("invalidate_namespace", err))
            }
        }
    }

    /// Asks Redis itself, past the breaker: readiness reports what is true now.
    async fn ping(&self) -> Result<(), CacheError> {
        redis::cmd("PING")
            .query_async::<()>(&mut self.connection.clone())
            .await
            .map_err(|err| self.failed("ping", err))
    }

    fn backend_name(&self) -> &'static str {
        BACKEND
    }

    fn stats(&self) -> CacheStats {
        CacheStats {
            skipped: self.breaker.skips(),
            ..self.counters.snapshot()
        }
    }

    async fn get_or_fill_boxed(
        &self,
        ns: &str,
        key: &str,
        ttl: Option<Duration>,
        fill: FillFuture<'_>,
    ) -> Result<Bytes, FillFailed> {
        let version = match self.versioned_get(ns, key).await {
            Ok((_, Some(hit))) => return Ok(hit),
            Ok((version, None)) => Some(version),
            Err(CacheError::CircuitOpen { .. }) => {
                // Redis is being skipped: a small in-process cache with a short life keeps the
                // database from answering every request alone (and coalesces equal fills).
                let ttl = ttl.unwrap_or(self.default_ttl).min(self.fallback_ttl);
                return self
                    .fallback
                    .get_or_fill_boxed(ns, key, Some(ttl), fill)
                    .await;
            }
            Err(err) => {
                fill::warn_lookup_failed(BACKEND, ns, &err);
                None
            }
        };
        let value = fill.await?;
        let ttl = ttl.unwrap_or(self.default_ttl);
        // Without a version (Redis failed) there is nothing safe to store under.
        if let (Some(version), false) = (version, ttl.is_zero()) {
            if let Err(err) = self.put_at_version(ns, &version, key, &value, ttl).await {
                fill::warn_store_failed(BACKEND, ns, &err);
            }
        }
        Ok(value)
    }
}
