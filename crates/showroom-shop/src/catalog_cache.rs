//! The cache namespaces that catalog writes invalidate, and [`invalidate_catalog`], which every
//! catalog write calls (the admin API, the back office, `assets import`) before it answers, so
//! the writer's next read — on any instance — sees the change.

use showroom_cache::Cache;

/// Groups of cached answers that are invalidated together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheNamespace {
    Products,
    ProductLists,
    Categories,
    /// Who may fetch each asset address.
    AssetVisibility,
}

impl CacheNamespace {
    pub const ALL: [CacheNamespace; 4] = [
        Self::Products,
        Self::ProductLists,
        Self::Categories,
        Self::AssetVisibility,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Products => "product",
            Self::ProductLists => "products",
            Self::Categories => "categories",
            Self::AssetVisibility => "asset-visibility",
        }
    }
}

/// Invalidates every catalog namespace; a failure is logged (entries then expire with their
/// time to live), never returned.
pub async fn invalidate_catalog(cache: &dyn Cache) {
    for namespace in CacheNamespace::ALL {
        if let Err(error) = cache.invalidate_namespace(namespace.as_str()).await {
            tracing::error!(%error, namespace = namespace.as_str(), "cache invalidation failed");
        }
    }
}
