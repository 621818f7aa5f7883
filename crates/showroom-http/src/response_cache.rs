//! Caching of whole responses: the storefront's JSON and the anonymous product page. The value
//! cached is the rendered body in one encoding, so a hit costs one cache read and no rendering,
//! serialization or compression. Each encoding a client asks for is its own entry (`KEY|br`,
//! `KEY|gzip`, `KEY|identity`), rendered from the store on its first request and compressed only
//! in that encoding (see `delivery::precompressed`); the entries of one key share its namespace,
//! so an invalidation drops them together. Cache failures are logged and treated as misses (by
//! `showroom_cache::get_or_fill`): a broken cache slows the shop down, it never breaks it.
//! Errors (404s) are not cached.

use axum::http::HeaderMap;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Serialize;

use crate::delivery::precompressed::{decode, encode, preferred, Encoding};
use showroom_cache::get_or_fill;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::ApiError;
use crate::state::AppState;

/// Groups of cached responses that are invalidated together (named by the shop, whose writes
/// invalidate them too).
pub use showroom_shop::CacheNamespace as Namespace;

/// A body in the encoding the client accepts, its media type, and whether it came from the
/// cache (sent as `X-Cache: hit|miss`).
pub struct Cached {
    pub body: Bytes,
    pub encoding: Encoding,
    pub hit: bool,
    pub content_type: &'static str,
}

impl IntoResponse for Cached {
    fn into_response(self) -> Response {
        let mut response = self.body.into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        headers.insert(
            "x-cache",
            HeaderValue::from_static(if self.hit { "hit" } else { "miss" }),
        );
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Some(coding) = self.encoding.header_value() {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        response
    }
}

/// The cached JSON for `key` in the encoding `request` prefers, rendered by `fill` and
/// compressed in that encoding on a miss.
pub async fn cached_json<T, F, Fut>(
    state: &AppState,
    namespace: Namespace,
    key: &str,
    request: &HeaderMap,
    fill: F,
) -> Result<Cached, ApiError>
where
    T: Serialize,
    F: Fn() -> Fut + Sync,
    Fut: std::future::Future<Output = Result<T, ApiError>> + Send,
{
    cached_body(state, namespace, key, request, "application/json", || {
        let value = fill();
        async move { serde_json::to_vec(&value.await?).map_err(ApiError::internal) }
    })
    .await
}

/// The cached body for `key` (of media type `content_type`) in the encoding `request` prefers,
/// rendered by `fill` and compressed in that encoding on a miss. An error of `fill` is returned
/// as it is and nothing is cached.
pub async fn cached_body<F, Fut, E>(
    state: &AppState,
    namespace: Namespace,
    key: &str,
    request: &HeaderMap,
    content_type: &'static str,
    fill: F,
) -> Result<Cached, E>
where
    F: Fn() -> Fut + Sync,
    Fut: std::future::Future<Output = Result<Vec<u8>, E>> + Send,
    E: Send,
{
    // `get_or_fill` runs the fill only on a miss (once, however many requests wait for the key),
    // so whether it ran tells hit from miss.
    let filled = AtomicBool::new(false);
    let wanted = preferred(request);
    let value = get_or_fill(
        state.cache.as_ref(),
        namespace.as_str(),
        &format!("{key}|{}", wanted.name()),
        Some(state.settings.cache_ttl),
        || {
            filled.store(true, Ordering::Relaxed);
            let body = fill();
            async move { Ok::<_, E>(encode(&body.await?, wanted)) }
        },
    )
    .await?;
    let hit = !filled.load(Ordering::Relaxed);
    if let Some((body, encoding)) = decode(&value) {
        return Ok(Cached {
            body,
            encoding,
            hit,
            content_type,
        });
    }
    // An entry this version cannot read (written by another version sharing the cache): render
    // afresh, uncompressed, rather than fail.
    Ok(Cached {
        body: Bytes::from(fill().await?),
        encoding: Encoding::Identity,
        hit: false,
        content_type,
    })
}

/// Called after every admin write, before the response is sent, so the writer's next read (on
/// any instance) sees the change.
pub async fn invalidate_catalog(state: &AppState) {
    showroom_shop::invalidate_catalog(state.cache.as_ref()).await;
}
