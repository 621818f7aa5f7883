//! Who may fetch an asset, decided before any byte is read. In order:
//!
//! 1. With an origin secret configured (a CDN in front), a request without the right
//!    `X-Showroom-Origin-Secret` is refused with 403: the assets are reachable only through the
//!    CDN, as an S3 bucket behind Origin Access Control would be.
//! 2. An asset shown by a published product is public — its delivery files (models, posters,
//!    USDZ), never the merchant's original upload or the pipeline's report, which are served
//!    only as in 3.
//! 3. Anything else — used only by drafts or archived products, or by no product — is served only
//!    to staff (the admin token) or with a valid signed URL. An expired or wrong signature is 403;
//!    with no credentials at all the answer is the same 404 as for a missing asset, so a
//!    private asset's existence is not revealed.
//!
//! Visibility is cached in the `asset-visibility` namespace of the response cache, which every
//! admin write invalidates (on every instance) before it answers, so publishing or archiving
//! takes effect at once; the store is the source of truth on a miss.

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use showroom_assets::{ContentAddress, FileName, ORIGINAL_GLB, ORIGINAL_ZIP};
use showroom_cache::get_or_fill;
use showroom_store::{AssetVisibility, ContentHash};

use super::signing::{self, SignatureCheck};
use super::{problem, ORIGIN_SECRET_HEADER};
use crate::error::ApiError;
use crate::middleware::admin_auth::digests_equal;
use crate::response_cache::Namespace;
use crate::state::AppState;

/// Why a request may have the asset; it decides how caches may keep the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Anyone may: cache it anywhere, forever.
    Public,
    /// Only this requester (staff or a signed URL): no shared cache may keep it.
    Private,
}

/// Decides whether this request may fetch `file` under `address`; `Err` is the response to send.
pub async fn authorize(
    state: &AppState,
    address: &ContentAddress,
    file: &FileName,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<Grant, Response> {
    let settings = &state.delivery.settings;
    if let Some(secret) = &settings.origin_secret {
        let presented = headers
            .get(ORIGIN_SECRET_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !digests_equal(secret.expose_secret(), presented) {
            return Err(problem(
                StatusCode::FORBIDDEN,
                "forbidden",
                "assets are served only through the configured CDN",
            ));
        }
    }
    // A malformed expiry is refused on every asset, public or not, so a bad link fails loudly
    // instead of working by accident until its asset turns private.
    let (expires, sig) = signed_params(query.unwrap_or(""));
    if expires
        .as_deref()
        .is_some_and(|e| e.parse::<u64>().is_err())
    {
        return Err(problem(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "`expires` must be a Unix time in whole seconds",
        ));
    }
    if !always_private(file)
        && visibility(state, address)
            .await
            .map_err(IntoResponse::into_response)?
            == AssetVisibility::Public
    {
        return Ok(Grant::Public);
    }
    if presents_admin_token(state, headers) {
        return Ok(Grant::Private);
    }
    match (expires, sig) {
        (Some(expires), Some(sig)) => {
            let check = signing::verify(
                &settings.signing_key,
                address.as_str(),
                file.as_str(),
                &expires,
                &sig,
                signing::now_unix(),
            );
            match check {
                SignatureCheck::Valid => Ok(Grant::Private),
                SignatureCheck::Expired => Err(problem(
                    StatusCode::FORBIDDEN,
                    "signature_expired",
                    "this signed URL has expired; ask for a new one",
                )),
                SignatureCheck::Invalid => Err(problem(
                    StatusCode::FORBIDDEN,
                    "signature_invalid",
                    "the signature does not match this asset and expiry",
                )),
            }
        }
        _ => Err(ApiError::NotFound { what: "asset" }.into_response()),
    }
}

/// Files under an address that no product makes public: the original upload (the merchant's
/// full source, up to the upload limit) and the processing report.
fn always_private(file: &FileName) -> bool {
    matches!(
        file.base(),
        ORIGINAL_GLB | ORIGINAL_ZIP | showroom_assets::pipeline::REPORT
    )
}

async fn visibility(
    state: &AppState,
    address: &ContentAddress,
) -> Result<AssetVisibility, ApiError> {
    // A parsed address is always a valid content hash; the store's type just re-states that.
    let hash = ContentHash::parse(address.as_str()).map_err(|e| ApiError::internal(e.0))?;
    let catalog = &state.catalog;
    let cached = get_or_fill(
        state.cache.as_ref(),
        Namespace::AssetVisibility.as_str(),
        address.as_str(),
        Some(state.settings.cache_ttl),
        || async {
            let visibility = catalog.asset_visibility(&hash).await?;
            Ok::<_, ApiError>(bytes::Bytes::from_static(visibility.as_str().as_bytes()))
        },
    )
    .await?;
    let text = std::str::from_utf8(&cached).unwrap_or("");
    // Anything unreadable in the cache is treated as the most restrictive answer.
    Ok(AssetVisibility::parse(text).unwrap_or(AssetVisibility::Unknown))
}

fn presents_admin_token(state: &AppState, headers: &HeaderMap) -> bool {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match (&state.settings.admin_token, presented) {
        (Some(expected), Some(presented)) => digests_equal(expected.expose_secret(), presented),
        _ => false,
    }
}

fn signed_params(query: &str) -> (Option<String>, Option<String>) {
    let (mut expires, mut sig) = (None, None);
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match name.as_ref() {
            "expires" => expires = Some(value.into_owned()),
            "sig" => sig = Some(value.into_owned()),
            _ => {}
        }
    }
    (expires, sig)
}
