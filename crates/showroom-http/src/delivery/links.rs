//! Where media URLs point. With `asset_base_url` set (a CDN), every media URL that the API and
//! the pages emit is absolute on that host; without it, URLs are paths on this server.
//!
//! The base travels in a task-local value that a layer sets around each request, so the DTO
//! conversions (`MediaDto::from`, used by every product response) stay plain functions without a
//! settings parameter threaded through every handler. Outside a request (tests, seeding) URLs are
//! relative. Cached JSON is rendered inside a request, so it carries the same base; every
//! instance sharing a cache must share the setting, as they share the rest of the configuration.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

tokio::task_local! {
    static ASSET_BASE: Option<Arc<str>>;
}

/// Layer body: runs the request with `base` as the asset base URL.
pub async fn with_asset_base(
    State(base): State<Option<Arc<str>>>,
    request: Request,
    next: Next,
) -> Response {
    ASSET_BASE.scope(base, next.run(request)).await
}

/// The URL of `file` under `hash`: `<base>/assets/<hash>/<file>`.
pub fn asset_url(hash: &str, file: &str) -> String {
    let base = ASSET_BASE
        .try_with(|base| base.clone())
        .ok()
        .flatten()
        .unwrap_or_else(|| Arc::from(""));
    format!("{base}/assets/{hash}/{file}")
}

/// The URL of derived file `file` kept under pipeline `revision`:
/// `<base>/assets/<hash>/<revision>/<file>`, or [`asset_url`] for an asset processed before
/// revisions (`revision` empty).
pub fn derived_url(hash: &str, revision: &str, file: &str) -> String {
    if revision.is_empty() {
        return asset_url(hash, file);
    }
    asset_url(hash, &format!("{revision}/{file}"))
}

/// `path_and_query` (starting with `/`) on the asset host.
pub fn on_asset_host(base: Option<&str>, path_and_query: &str) -> String {
    format!("{}{path_and_query}", base.unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn urls_are_relative_outside_a_request_and_absolute_inside_one_with_a_base() {
        assert_eq!(asset_url("ab", "model.glb"), "/assets/ab/model.glb");
        let inside = ASSET_BASE.scope(Some(Arc::from("https://cdn.example.com")), async {
            asset_url("ab", "model.glb")
        });
        assert_eq!(inside.await, "https://cdn.example.com/assets/ab/model.glb");
    }
}
