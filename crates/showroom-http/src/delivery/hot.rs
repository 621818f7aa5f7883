//! Recently served assets kept in memory. Objects under a content address never change, so a
//! copy can never be stale and needs no invalidation; access is still decided per request by
//! [`super::access`] before this cache is consulted. Bodies are `Bytes`, shared by reference:
//! serving a cached 5 MB model costs no storage read and no copy in user space.
//!
//! The cache is bounded by total bytes (TinyLFU admission, LRU eviction); an object larger than a
//! quarter of the budget is never kept, so one huge file cannot flush every popular one. Range
//! requests read only their bytes from storage and never fill the cache.

use std::sync::Arc;

use bytes::Bytes;
use showroom_assets::{BlobMeta, ContentAddress, FileName};

/// One cached object: its bytes and what `head` said about it.
#[derive(Debug, Clone)]
pub struct HotAsset {
    pub bytes: Bytes,
    pub meta: BlobMeta,
}

pub struct HotAssets {
    cache: Option<moka::future::Cache<String, Arc<HotAsset>>>,
    largest: u64,
}

impl HotAssets {
    /// A cache holding at most `capacity_bytes` of bodies; 0 disables it.
    pub fn new(capacity_bytes: u64) -> Self {
        let largest = (capacity_bytes / 4).min(u64::from(u32::MAX));
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

    /// Keeps `asset` if it is small enough to be worth it.
    pub async fn offer(&self, address: &ContentAddress, file: &FileName, asset: HotAsset) {
        if let Some(cache) = &self.cache {
            if asset.bytes.len() as u64 <= self.largest {
                cache.insert(address.key(file), Arc::new(asset)).await;
            }
        }
    }

    /// Whether an object of `size` bytes would be kept, so a full GET should read it whole.
    pub fn would_keep(&self, size: u64) -> bool {
        self.cache.is_some() && size <= self.largest
    }
}
