//! Choosing a backend from one URL setting.
//!
//! | URL | backend |
//! |---|---|
//! | none, empty, `memory://` | [`MemoryCache`] |
//! | `redis://…`, `rediss://…` (TLS) | [`RedisCache`], checked with `PING` before this returns |
//!
//! Errors name the URL with its password redacted.

use std::sync::Arc;

use crate::{Cache, CacheError, CacheOptions, MemoryCache, RedisCache};

/// Builds the cache the URL names; see the module docs for the schemes.
pub async fn connect(
    url: Option<&str>,
    options: &CacheOptions,
) -> Result<Arc<dyn Cache>, CacheError> {
    let Some(url) = url.map(str::trim).filter(|url| !url.is_empty()) else {
        return Ok(Arc::new(MemoryCache::new(options)));
    };
    let Some((scheme, _)) = url.split_once("://") else {
        return Err(CacheError::InvalidUrl {
            reason: "expected `memory://`, `redis://…` or `rediss://…`".to_owned(),
        });
    };
    match scheme.to_ascii_lowercase().as_str() {
        "memory" => Ok(Arc::new(MemoryCache::new(options))),
        "redis" | "rediss" => Ok(Arc::new(RedisCache::connect(url, options).await?)),
        _ => Err(CacheError::UnsupportedScheme {
            scheme: scheme.to_owned(),
            url: crate::redact::redact_url(url),
        }),
    }
}
