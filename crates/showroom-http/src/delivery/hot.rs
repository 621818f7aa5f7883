//! Recently served assets kept in memory. Objects under a content address never change, so a
//! copy can never be stale and needs no invalidation; access is still decided per request by
//! [`super::access`] before this cache is consulted. Bodies are `Bytes`, shared by reference:
//! serving a cached 5 MB model costs no storage read and no copy in user space.
//!
//! The cache is bounded by total bytes (TinyLFU admission, LRU eviction) and keeps only small
//! files: at most [`LARGEST_HOT_FILE`] and a quarter of the budget, so one huge file cannot flush
//! every popular one. Larger files, and ranges of files not in memory, are streamed from storage
//! chunk by chunk. Concurrent misses for one file share a single read ([`HotAssets::load`]), so a
//! burst of requests for a cold file holds one copy, not one per request.

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use showroom_assets::{BlobMeta, ContentAddress, FileName};

/// One cached object: its bytes and what `head` said about it.
#[derive(Debug, Clone)]
pub struct HotAsset {
    pub bytes: Bytes,
    pub meta: BlobMeta,
}

/// The largest file read whole into memory; anything larger is streamed.
pub const LARGEST_HOT_FILE: u64 = 4 * 1024 * 1024;

pub struct HotAssets {
    cache: Option<moka::future::Cache<String, Arc<HotAsset>>>,
    largest: u64,
}

impl HotAssets {
    /// A cache holding at most `capacity_bytes` of bodies; 0 disables it.
    pub fn new(capacity_bytes: u64) -> Self {
        let largest = (capacity_bytes / 4).min(LARGEST_HOT_FILE);
        let cache = (capacity_bytes > 0).then(|| {
            moka::future::Cache::builder()
                .max_capacity(capacity_bytes)
                .weigher(|_: &String, asset: &Arc<HotAsset>| {
                    u32::try_from(asset.bytes.len()).unwrap_or(u32::MAX)
                })
                .build()
        });
        Self { cache, largest }
    }

    pub async fn get(&self, address: &ContentAddress, file: &FileName) -> Option<Arc<HotAsset>> {
        self.cache.as_ref()?.get(&address.key(file)).await
    }

    /// The cached copy, or the result of `read`, kept for the next request. Concurrent calls
    /// for the same file wait for one `read` instead of each running their own. Only for files
    /// that [`HotAssets::would_keep`]; `None` when the cache is off.
    pub async fn load<E>(
        &self,
        address: &ContentAddress,
        file: &FileName,
        read: impl Future<Output = Result<HotAsset, E>>,
    ) -> Option<Result<Arc<HotAsset>, Arc<E>>>
    where
        E: Send + Sync + 'static,
    {
        let cache = self.cache.as_ref()?;
        let read = async { read.await.map(Arc::new) };
        Some(cache.try_get_with(address.key(file), read).await)
    }

    /// Whether an object of `size` bytes would be kept, so a full GET should read it whole.
    pub fn would_keep(&self, size: u64) -> bool {
        self.cache.is_some() && size <= self.largest
    }
}
