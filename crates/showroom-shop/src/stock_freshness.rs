//! [`StockFreshness`]: after any change of stock — an order placed (stock reserved), a payment
//! that failed or a reservation that expired (stock back), a cancellation — the cached product
//! answers (`product` and `products` namespaces) are dropped on every instance sharing the cache
//! within [`StockFreshness::WINDOW`] of the change, so shoppers never see yesterday's stock for
//! the cache's whole time to live.
//!
//! Invalidating on every sale would empty the cache as fast as a busy shop sells, so changes are
//! coalesced: the first change after a quiet window invalidates at once (before the caller
//! answers); changes within the window schedule one invalidation at its end. Stock shown is thus
//! at most one window old. Staff writes (adjustments, edits) invalidate the whole catalog
//! themselves, at once.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use showroom_cache::Cache;

use crate::catalog_cache::CacheNamespace;

/// Drops cached stock after stock changes, coalesced per [`Self::WINDOW`]. Cheap to clone.
#[derive(Clone, Default)]
pub struct StockFreshness {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    cache: Arc<dyn Cache>,
    state: Mutex<Window>,
}

#[derive(Default)]
struct Window {
    /// When the last invalidation began.
    last: Option<Instant>,
    /// An invalidation is scheduled for the end of the current window.
    scheduled: bool,
}

/// What a change has to do, decided under the lock.
enum Action {
    Now,
    At(Instant),
    Nothing,
}

impl StockFreshness {
    /// Stock shown is at most this old after a change.
    pub const WINDOW: Duration = Duration::from_millis(250);

    /// Invalidates `cache` after stock changes.
    pub fn new(cache: Arc<dyn Cache>) -> Self {
        Self {
            inner: Some(Arc::new(Inner {
                cache,
                state: Mutex::new(Window::default()),
            })),
        }
    }

    /// Does nothing: for a shop without a response cache (the CLI, tests of the use cases).
    pub fn none() -> Self {
        Self::default()
    }

    /// Records that stock changed. Invalidates before returning when the window is quiet;
    /// otherwise makes sure one invalidation runs at the window's end.
    pub async fn changed(&self) {
        let Some(inner) = &self.inner else { return };
        let action = {
            let mut window = inner.state.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            match window.last {
                Some(last) if now.duration_since(last) < Self::WINDOW => {
                    if window.scheduled {
                        Action::Nothing
                    } else {
                        window.scheduled = true;
                        Action::At(last + Self::WINDOW)
                    }
                }
                _ => {
                    window.last = Some(now);
                    Action::Now
                }
            }
        };
        match action {
            Action::Now => inner.invalidate().await,
            Action::At(when) => {
                let inner = inner.clone();
                tokio::spawn(async move {
                    tokio::time::sleep_until(when.into()).await;
                    {
                        let mut window = inner.state.lock().unwrap_or_else(|e| e.into_inner());
                        window.last = Some(Instant::now());
                        window.scheduled = false;
                    }
                    inner.invalidate().await;
                });
            }
            Action::Nothing => {}
        }
    }
}

impl Inner {
    /// Failures are logged: entries then expire with their time to live.
    async fn invalidate(&self) {
        for namespace in [CacheNamespace::Products, CacheNamespace::ProductLists] {
            if let Err(error) = self.cache.invalidate_namespace(namespace.as_str()).await {
                tracing::error!(%error, namespace = namespace.as_str(), "stock invalidation failed");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use showroom_cache::MemoryCache;

    async fn filled(cache: &Arc<dyn Cache>) {
        showroom_cache::get_or_fill(cache.as_ref(), "product", "p1", None, || async {
            Ok::<_, std::convert::Infallible>(bytes::Bytes::from_static(b"10 in stock"))
        })
        .await
        .unwrap();
    }

    async fn cached(cache: &Arc<dyn Cache>) -> bool {
        cache.get("product", "p1").await.unwrap().is_some()
    }

    #[tokio::test]
    async fn a_change_after_a_quiet_window_invalidates_before_returning() {
        let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new(&Default::default()));
        filled(&cache).await;
        let freshness = StockFreshness::new(cache.clone());
        freshness.changed().await;
        assert!(!cached(&cache).await);
    }

    #[tokio::test]
    async fn changes_within_the_window_are_coalesced_into_one_invalidation_at_its_end() {
        let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new(&Default::default()));
        let freshness = StockFreshness::new(cache.clone());
        freshness.changed().await;
        filled(&cache).await;
        freshness.changed().await;
        freshness.changed().await;
        assert!(cached(&cache).await, "invalidated again inside the window");
        tokio::time::sleep(StockFreshness::WINDOW + Duration::from_millis(150)).await;
        assert!(!cached(&cache).await, "still cached after the window ended");
    }

    #[tokio::test]
    async fn none_does_nothing() {
        StockFreshness::none().changed().await;
    }
}
