//! A body declared larger than its route accepts is refused with 413 from the `Content-Length`
//! header alone, before a byte of it is read: otherwise the connection stays busy until enough
//! bytes arrive to pass the limit, which a slow client can stretch to the request deadline.
//! Bodies without a length (chunked) are still cut off by the body limit as they stream in.
//!
//! The streamed uploads (models through the API and the back office, catalog files) have their
//! own, larger limit,
//! checked while streaming;
//! [`STREAMED_UPLOAD_PATHS`] names those routes, and a test proves each one matches a route.

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// Routes whose bodies stream to storage under `assets.max_upload_bytes` instead of the JSON limit.
pub const STREAMED_UPLOAD_PATHS: &[&str] =
    &["/api/v1/admin/assets", "/api/v1/admin/catalog/imports"];

/// The back office's model upload, `/admin/products/{id}/model`: the same streamed ingest.
fn is_back_office_upload(path: &str) -> bool {
    path.strip_prefix("/admin/products/")
        .and_then(|rest| rest.strip_suffix("/model"))
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

pub async fn refuse_declared_oversize(
    State(json_limit): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let streamed = request
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|path| STREAMED_UPLOAD_PATHS.contains(&path.as_str()))
        || STREAMED_UPLOAD_PATHS.contains(&path)
        || is_back_office_upload(path);
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if !streamed && declared.is_some_and(|length| length > json_limit as u64) {
        return ApiError::PayloadTooLarge.into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_back_office_upload_streams_and_nothing_else_under_admin_does() {
        assert!(is_back_office_upload(
            "/admin/products/0b6c1f7e-1d7a-4e63-9f25-3c2f5b1f0a11/model"
        ));
        assert!(!is_back_office_upload("/admin/products//model"));
        assert!(!is_back_office_upload("/admin/products/x/model/abc"));
        assert!(!is_back_office_upload("/admin/products"));
    }

    #[test]
    fn every_streamed_upload_path_is_a_real_post_route() {
        let (_, document, _) = crate::app::api_routers();
        for path in STREAMED_UPLOAD_PATHS {
            let item = document
                .paths
                .paths
                .get(*path)
                .unwrap_or_else(|| panic!("{path} is not a route"));
            assert!(item.post.is_some(), "{path} takes no POST body");
        }
    }
}
