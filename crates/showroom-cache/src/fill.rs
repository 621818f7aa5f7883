//! Read-through caching that degrades to "no cache" on failure.
//!
//! [`get_or_fill`] is what request handlers call: it returns the cached bytes, or computes them,
//! stores them and returns them. A broken cache costs a log line and a recomputation, never a
//! failed request; only the fill's own error reaches the caller, with its own type.

use std::{future::Future, sync::Mutex, time::Duration};

use bytes::Bytes;

use crate::{Cache, CacheError, FillFailed};

/// Returns the value cached under `key` in `ns`, or runs `fill`, caches its value for `ttl`
/// (`None`: the backend default) and returns it.
///
/// On the in-process backend concurrent calls for one key share a single run of `fill`.
/// `fill` is an `Fn` because, in the rare case that such a shared run fails, the waiting callers
/// did not get its error and each runs `fill` once more for itself, without caching.
///
/// ```
/// # async fn demo() {
/// use std::time::Duration;
/// use bytes::Bytes;
///
/// let cache = showroom_cache::connect(None, &Default::default()).await.unwrap();
/// let body: Result<Bytes, std::io::Error> =
///     showroom_cache::get_or_fill(&*cache, "product", "chair-42", None, || async {
///         Ok(Bytes::from_static(b"{\"name\":\"Chair\"}"))
///     })
///     .await;
/// assert!(body.is_ok());
/// # }
/// ```
pub async fn get_or_fill<F, Fut, E>(
    cache: &dyn Cache,
    ns: &str,
    key: &str,
    ttl: Option<Duration>,
    fill: F,
) -> Result<Bytes, E>
where
    F: Fn() -> Fut + Sync,
    Fut: Future<Output = Result<Bytes, E>> + Send,
    E: Send,
{
    // The erased future reports failure as `FillFailed` and parks the typed error here.
    let failure: Mutex<Option<E>> = Mutex::new(None);
    let erased = Box::pin(async {
        fill().await.map_err(|err| {
            *failure.lock().unwrap_or_else(|poison| poison.into_inner()) = Some(err);
            FillFailed
        })
    });
    match cache.get_or_fill_boxed(ns, key, ttl, erased).await {
        Ok(value) => Ok(value),
        Err(FillFailed) => {
            let own = failure
                .into_inner()
                .unwrap_or_else(|poison| poison.into_inner());
            match own {
                Some(err) => Err(err),
                // Another caller's shared fill failed and ours never ran: try once ourselves.
                None => fill().await,
            }
        }
    }
}

/// `cache.get`, with an error logged and turned into a miss.
pub(crate) async fn get_or_log<C: Cache + ?Sized>(cache: &C, ns: &str, key: &str) -> Option<Bytes> {
    cache.get(ns, key).await.unwrap_or_else(|err| {
        warn_lookup_failed(cache.backend_name(), ns, &err);
        None
    })
}

/// `cache.put`, with an error logged and otherwise ignored.
pub(crate) async fn put_or_log<C: Cache + ?Sized>(
    cache: &C,
    ns: &str,
    key: &str,
    value: Bytes,
    ttl: Option<Duration>,
) {
    if let Err(err) = cache.put(ns, key, value, ttl).await {
        warn_store_failed(cache.backend_name(), ns, &err);
    }
}

pub(crate) fn warn_lookup_failed(backend: &str, ns: &str, err: &CacheError) {
    warn_failed(
        backend,
        ns,
        err,
        "cache lookup failed; treating it as a miss",
    );
}

pub(crate) fn warn_store_failed(backend: &str, ns: &str, err: &CacheError) {
    warn_failed(
        backend,
        ns,
        err,
        "cache store failed; the value is served uncached",
    );
}

/// Logs a failed cache call with what the request does instead (`consequence`).
fn warn_failed(backend: &str, ns: &str, err: &CacheError, consequence: &str) {
    // The breaker logs once when it opens and once when it closes; not every skipped request.
    if matches!(err, CacheError::CircuitOpen { .. }) {
        return;
    }
    tracing::warn!(
        namespace = ns,
        backend,
        error = %err.display_chain(),
        "{consequence}"
    );
}
