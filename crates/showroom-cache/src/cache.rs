//! The [`Cache`] trait every backend implements.
//!
//! The contract, checked by the shared behaviour suite in `tests/` for every backend:
//! - values are opaque bytes stored under a string key inside a namespace;
//! - once [`Cache::invalidate_namespace`] has returned, no [`Cache::get`] on any instance
//!   sharing the backend returns a value stored in that namespace before the call;
//! - other namespaces are untouched by an invalidation;
//! - a value is never returned after its time to live.
//!
//! A cache failure must never fail a request. Callers treat an `Err` from `get` as a miss and an
//! `Err` from `put` as "not stored", after logging it; [`crate::get_or_fill`] does exactly that.

use std::{future::Future, pin::Pin, time::Duration};

use async_trait::async_trait;
use bytes::Bytes;

use crate::{fill, CacheError, CacheStats};

/// A fill computation with its error type erased, as handed to [`Cache::get_or_fill_boxed`].
pub type FillFuture<'a> = Pin<Box<dyn Future<Output = Result<Bytes, FillFailed>> + Send + 'a>>;

/// The fill computation failed; the real error is kept by [`crate::get_or_fill`]'s caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FillFailed;

/// A response cache shared by every request of a process, or by every process (Redis).
///
/// Object safe: the application holds it as `Arc<dyn Cache>`.
#[async_trait]
pub trait Cache: Send + Sync + 'static {
    /// The value stored under `key` in namespace `ns`, if any and still fresh.
    async fn get(&self, ns: &str, key: &str) -> Result<Option<Bytes>, CacheError>;

    /// Stores `value` under `key` in `ns` for `ttl`, or for the backend's default time to live
    /// when `ttl` is `None`. A zero `ttl` stores nothing.
    async fn put(
        &self,
        ns: &str,
        key: &str,
        value: Bytes,
        ttl: Option<Duration>,
    ) -> Result<(), CacheError>;

    /// Makes every entry of `ns` unreachable, on every instance sharing this backend, before it
    /// returns. Called after every admin write that changes what `ns` caches.
    async fn invalidate_namespace(&self, ns: &str) -> Result<(), CacheError>;

    /// Checks that the backend answers; for readiness probes.
    async fn ping(&self) -> Result<(), CacheError>;

    /// A short name for logs and metric labels: `memory` or `redis`.
    fn backend_name(&self) -> &'static str;

    /// Hit, miss and error counts of this instance since it was created.
    fn stats(&self) -> CacheStats;

    /// The engine behind [`crate::get_or_fill`]; call that instead.
    ///
    /// Returns the cached value, or runs `fill`, stores its value and returns it. Cache errors
    /// are logged and treated as a miss. Backends override this to coalesce concurrent fills of
    /// one key or to store the value under the namespace version seen *before* the fill ran, so
    /// that an invalidation racing with a slow fill cannot leave a stale value behind.
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
        let value = fill.await?;
        fill::put_or_log(self, ns, key, value.clone(), ttl).await;
        Ok(value)
    }
}
