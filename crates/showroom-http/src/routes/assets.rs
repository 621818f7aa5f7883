//! Content-addressed asset delivery: `/assets/<sha256>/<file>`. An address never changes
//! content, so responses are cacheable forever by browsers and CDNs, and the ETag is the address.
//! The hash and file name are validated by the blob store before any key is built, so no request
//! can reach outside the assets prefix.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use utoipa_axum::{router::OpenApiRouter, routes};

use showroom_assets::{ContentAddress, FileName};

use crate::error::{ApiError, Problem};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_asset))
}

/// A stored file (GLB model, poster image) by its content address.
#[utoipa::path(
    get, path = "/assets/{hash}/{file}", tag = "assets",
    params(
        ("hash" = String, Path, description = "SHA-256 of the asset, 64 lowercase hex digits", pattern = "^[0-9a-f]{64}$"),
        ("file" = String, Path, description = "File under the asset, e.g. `model.glb`"),
    ),
    responses(
        (status = 200, description = "The file, with its own media type", content(("model/gltf-binary"), ("model/gltf+json"), ("model/vnd.usdz+zip"), ("image/png"), ("image/webp"), ("image/jpeg"), ("application/octet-stream"))),
        (status = 304, description = "Not modified (matching `If-None-Match`)"),
        (status = 404, description = "No such asset", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_asset(
    State(state): State<AppState>,
    Path((hash, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let etag = format!("\"{hash}-{file}\"");
    let not_found = ApiError::NotFound { what: "asset" };
    let (Ok(address), Ok(file_name)) = (ContentAddress::parse(&hash), FileName::parse(&file))
    else {
        return Err(not_found);
    };
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        response.headers_mut().insert(
            header::ETAG,
            HeaderValue::from_str(&etag).map_err(ApiError::internal)?,
        );
        return Ok(response);
    }
    let body = state
        .blobs
        .get(&address, &file_name)
        .await
        .map_err(|e| ApiError::Unavailable {
            detail: format!("object storage: {e}"),
        })?
        .ok_or(not_found)?;
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(showroom_assets::content_type_for(&file)),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(showroom_assets::IMMUTABLE_CACHE_CONTROL),
    );
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).map_err(ApiError::internal)?,
    );
    Ok(response)
}
