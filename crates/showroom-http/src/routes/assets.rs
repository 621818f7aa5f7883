//! Content-addressed asset delivery: `GET`/`HEAD /assets/<sha256>/<file>`. An address never
//! changes content, so public responses are cacheable forever by browsers and CDNs.
//!
//! What a request gets, in order: the hash and file name are parsed first (nothing else can name
//! an object; a bad one is a 404 like a missing one); [`access`] decides whether this requester
//! may have it; then the object's size and date come from memory or one `head`, and the
//! validators and `Range` are evaluated before any byte is read:
//!
//! - `If-None-Match` (or `If-Modified-Since`) → 304;
//! - `HEAD` → the headers of a 200 with `Content-Length`, no body;
//! - one satisfiable range (`bytes=0-99`, `bytes=100-`, `bytes=-500`), unless `If-Range` names
//!   another representation → 206 with `Content-Range`, reading only those bytes;
//! - a range no byte satisfies → 416 with `Content-Range: bytes */SIZE`;
//! - anything else, including several ranges → 200 with the whole object.
//!
//! Every success carries `ETag`, `Last-Modified`, `Accept-Ranges: bytes`, the file's media type
//! and `Cache-Control` (immutable for public assets, `private, no-store` for staff and signed
//! URLs). Derived files live under their pipeline revision (`/assets/<sha256>/<revision>/<file>`,
//! immutable); their plain name is a short-cached link to the newest revision ([`revisions`]).
//! Small files are served from the in-memory [`hot`] cache as shared `Bytes`; anything larger,
//! and ranges of files not in memory, are streamed from storage chunk by chunk, so memory per
//! request stays small however large the file (a 100 MB model costs a chunk, not 100 MB).

use std::ops::Range;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::TryStreamExt;
use showroom_assets::{AssetError, BlobMeta, ContentAddress, FileName, IMMUTABLE_CACHE_CONTROL};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::delivery::access::{self, Grant};
use crate::delivery::cache_policy::PRIVATE_NO_STORE;
use crate::delivery::conditional::{etag_for, http_date, not_modified, range_allowed};
use crate::delivery::hot::HotAsset;
use crate::delivery::range::{self, Requested};
use crate::delivery::{hot, problem, revisions};
use crate::error::ApiError;
use crate::routes::refusals::AssetRefusals;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_asset))
        .routes(routes!(get_revisioned_asset))
}

/// A stored file (GLB model, poster image, USDZ) by its content address.
///
/// `HEAD` answers the same headers without the body. Assets of products that are not published
/// need the admin token or a signed URL (`expires` and `sig`, minted by the admin API).
#[utoipa::path(
    get, path = "/assets/{hash}/{file}", tag = "assets",
    params(
        ("hash" = String, Path, description = "SHA-256 of the asset, 64 lowercase hex digits", pattern = "^[0-9a-f]{64}$"),
        ("file" = String, Path, description = "File under the asset, e.g. `model.glb`"),
        ("expires" = Option<u64>, Query, description = "Signed URL: expiry, Unix seconds"),
        ("sig" = Option<String>, Query, description = "Signed URL: hex HMAC-SHA256 of `hash/file/expires`"),
        ("Range" = Option<String>, Header, description = "One byte range: `bytes=0-99`, `bytes=100-` or `bytes=-500`"),
    ),
    responses(
        (status = 200, description = "The file, with its own media type", content(("model/gltf-binary"), ("model/gltf+json"), ("model/vnd.usdz+zip"), ("image/png"), ("image/webp"), ("image/jpeg"), ("application/octet-stream"))),
        (status = 206, description = "The requested byte range (`Content-Range`)", content(("model/gltf-binary"), ("model/gltf+json"), ("model/vnd.usdz+zip"), ("image/png"), ("image/webp"), ("image/jpeg"), ("application/octet-stream"))),
        (status = 304, description = "Not modified (matching `If-None-Match`)"),
        AssetRefusals,
    )
)]
pub async fn get_asset(
    State(state): State<AppState>,
    method: Method,
    Path((hash, file)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (Ok(address), Ok(file)) = (ContentAddress::parse(&hash), FileName::parse(&file)) else {
        return not_found();
    };
    answer(&state, &method, &address, &file, &headers, query.as_deref()).await
}

/// A file the pipeline derived, under the pipeline revision that made it (the address the API
/// and the pages link): immutable, as `/assets/{hash}/{file}` describes.
#[utoipa::path(
    get, path = "/assets/{hash}/{revision}/{file}", tag = "assets",
    params(
        ("hash" = String, Path, description = "SHA-256 of the asset, 64 lowercase hex digits", pattern = "^[0-9a-f]{64}$"),
        ("revision" = String, Path, description = "The pipeline revision that made the file, e.g. `v2-1a2b3c4d`"),
        ("file" = String, Path, description = "File the pipeline derived, e.g. `model.glb`"),
        ("expires" = Option<u64>, Query, description = "Signed URL: expiry, Unix seconds"),
        ("sig" = Option<String>, Query, description = "Signed URL: hex HMAC-SHA256 of `hash/revision/file/expires`"),
        ("Range" = Option<String>, Header, description = "One byte range: `bytes=0-99`, `bytes=100-` or `bytes=-500`"),
    ),
    responses(
        (status = 200, description = "The file, with its own media type", content(("model/gltf-binary"), ("model/vnd.usdz+zip"), ("image/png"), ("image/webp"), ("application/json"), ("application/octet-stream"))),
        (status = 206, description = "The requested byte range (`Content-Range`)", content(("model/gltf-binary"), ("model/vnd.usdz+zip"), ("image/png"), ("image/webp"), ("application/json"), ("application/octet-stream"))),
        (status = 304, description = "Not modified (matching `If-None-Match`)"),
        AssetRefusals,
    )
)]
pub async fn get_revisioned_asset(
    State(state): State<AppState>,
    method: Method,
    Path((hash, revision, file)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let file = FileName::parse(&file).and_then(|file| FileName::in_revision(&revision, &file));
    let (Ok(address), Ok(file)) = (ContentAddress::parse(&hash), file) else {
        return not_found();
    };
    answer(&state, &method, &address, &file, &headers, query.as_deref()).await
}

/// Access first (a signature covers the name as requested), then the file the name means now.
async fn answer(
    state: &AppState,
    method: &Method,
    address: &ContentAddress,
    file: &FileName,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Response {
    let grant = match access::authorize(state, address, file, headers, query).await {
        Ok(grant) => grant,
        Err(refusal) => return refusal,
    };
    let resolved = match revisions::resolve(state, address, file).await {
        Ok(resolved) => resolved,
        Err(error) => return error.into_response(),
    };
    let served = Served {
        grant,
        latest: resolved.latest,
    };
    match deliver(state, method, address, &resolved.file, headers, served).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

/// Who may keep the answer, and for how long.
#[derive(Debug, Clone, Copy)]
struct Served {
    grant: Grant,
    /// A plain name answered with the newest revision (see [`revisions`]).
    latest: bool,
}

impl Served {
    fn cache_control(self) -> &'static str {
        match (self.grant, self.latest) {
            (Grant::Private, _) => PRIVATE_NO_STORE,
            (Grant::Public, true) => revisions::LATEST_CACHE_CONTROL,
            (Grant::Public, false) => IMMUTABLE_CACHE_CONTROL,
        }
    }
}

async fn deliver(
    state: &AppState,
    method: &Method,
    address: &ContentAddress,
    file: &FileName,
    headers: &HeaderMap,
    served: Served,
) -> Result<Response, ApiError> {
    let hot_copy = state.delivery.hot.get(address, file).await;
    let meta = match &hot_copy {
        Some(asset) => asset.meta.clone(),
        None => state
            .blobs
            .head(address, file)
            .await
            .map_err(|e| storage(&e))?
            .ok_or(ApiError::NotFound { what: "asset" })?,
    };
    let validators = Validators::new(address, file, &meta, served)?;
    if not_modified(headers, &validators.etag, meta.last_modified) {
        return Ok(validators.apply(StatusCode::NOT_MODIFIED.into_response()));
    }
    if method == Method::HEAD {
        let mut response = validators.apply(StatusCode::OK.into_response());
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(meta.size));
        return Ok(response);
    }
    let range_header = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| range_allowed(headers, &validators.etag, meta.last_modified));
    match range::resolve(range_header, meta.size) {
        Requested::Full => {
            let body = whole(state, address, file, hot_copy, &meta).await?;
            let mut response = validators.apply(body.into_response());
            set_length(&mut response, meta.size);
            Ok(response)
        }
        Requested::Partial(bytes) => {
            let body = part(state, address, file, hot_copy, bytes.clone()).await?;
            let mut response =
                validators.apply((StatusCode::PARTIAL_CONTENT, body).into_response());
            set_length(&mut response, bytes.end - bytes.start);
            response.headers_mut().insert(
                header::CONTENT_RANGE,
                header_value(&range::content_range(&bytes, meta.size))?,
            );
            Ok(response)
        }
        Requested::Unsatisfiable => Ok(unsatisfiable(meta.size)),
    }
}

/// A streamed body has no size of its own; the length from `head` lets the client show progress
/// and lets the connection be reused.
fn set_length(response: &mut Response, length: u64) {
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
}

/// The whole object: from memory; read once into memory when it is small enough to keep (one
/// read shared by concurrent requests); otherwise streamed from storage.
async fn whole(
    state: &AppState,
    address: &ContentAddress,
    file: &FileName,
    hot_copy: Option<Arc<HotAsset>>,
    meta: &BlobMeta,
) -> Result<Body, ApiError> {
    if let Some(asset) = hot_copy {
        return Ok(Body::from(asset.bytes.clone()));
    }
    let hot: &hot::HotAssets = &state.delivery.hot;
    if hot.would_keep(meta.size) {
        let read = async {
            match state.blobs.get(address, file).await {
                Ok(Some(bytes)) => Ok(HotAsset {
                    bytes,
                    meta: meta.clone(),
                }),
                Ok(None) => Err(None),
                Err(error) => Err(Some(error)),
            }
        };
        if let Some(loaded) = hot.load(address, file, read).await {
            return match loaded {
                Ok(asset) => Ok(Body::from(asset.bytes.clone())),
                Err(failure) => Err(match failure.as_ref() {
                    None => ApiError::NotFound { what: "asset" },
                    Some(error) => storage(error),
                }),
            };
        }
    }
    streamed(state, address, file, None).await
}

/// Bytes `range` (already inside the object): a slice of the memory copy, or streamed from
/// storage.
async fn part(
    state: &AppState,
    address: &ContentAddress,
    file: &FileName,
    hot_copy: Option<Arc<HotAsset>>,
    range: Range<u64>,
) -> Result<Body, ApiError> {
    if let Some(asset) = hot_copy {
        let (start, end) = (range.start as usize, range.end as usize);
        return Ok(Body::from(asset.bytes.slice(start..end)));
    }
    streamed(state, address, file, Some(range)).await
}

/// A body read from storage chunk by chunk as the client takes it: memory per request stays at
/// a chunk or two whatever the file's size. A storage failure after the headers went out can
/// only cut the response short; it is logged.
async fn streamed(
    state: &AppState,
    address: &ContentAddress,
    file: &FileName,
    range: Option<Range<u64>>,
) -> Result<Body, ApiError> {
    let stream = state
        .blobs
        .get_stream(address, file, range)
        .await
        .map_err(|e| storage(&e))?
        .ok_or(ApiError::NotFound { what: "asset" })?;
    let key = address.key(file);
    Ok(Body::from_stream(stream.inspect_err(move |error| {
        tracing::warn!(%error, object = %key, "asset body cut short by a storage error");
    })))
}

/// The headers every successful answer (200, 206, 304, HEAD) carries.
struct Validators {
    etag: String,
    etag_value: HeaderValue,
    last_modified: HeaderValue,
    content_type: &'static str,
    cache_control: &'static str,
}

impl Validators {
    fn new(
        address: &ContentAddress,
        file: &FileName,
        meta: &BlobMeta,
        served: Served,
    ) -> Result<Self, ApiError> {
        let etag = etag_for(address.as_str(), file.as_str());
        Ok(Self {
            etag_value: header_value(&etag)?,
            etag,
            last_modified: header_value(&http_date(meta.last_modified))?,
            content_type: showroom_assets::content_type_for(file.as_str()),
            cache_control: served.cache_control(),
        })
    }

    fn apply(&self, mut response: Response) -> Response {
        let headers = response.headers_mut();
        headers.insert(header::ETAG, self.etag_value.clone());
        headers.insert(header::LAST_MODIFIED, self.last_modified.clone());
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(self.cache_control),
        );
        headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        if response.status() != StatusCode::NOT_MODIFIED {
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            );
        }
        response
    }
}

fn unsatisfiable(size: u64) -> Response {
    let mut response = problem(
        StatusCode::RANGE_NOT_SATISFIABLE,
        "range_not_satisfiable",
        format!("no byte of this {size}-byte file is in the requested range"),
    );
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&range::unsatisfied_range(size)) {
        headers.insert(header::CONTENT_RANGE, value);
    }
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    response
}

fn not_found() -> Response {
    ApiError::NotFound { what: "asset" }.into_response()
}

fn header_value(text: &str) -> Result<HeaderValue, ApiError> {
    HeaderValue::from_str(text).map_err(ApiError::internal)
}

fn storage(error: &AssetError) -> ApiError {
    ApiError::Unavailable {
        detail: format!("object storage: {error}"),
    }
}
