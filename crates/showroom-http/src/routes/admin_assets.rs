//! Admin access to private assets: minting short-lived signed URLs, so a merchant can preview a
//! draft product's model in a viewer (or hand it to a reviewer) without the admin token leaving
//! the admin UI. The URL points at the asset host (the CDN when one is configured).

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use serde::Serialize;
use showroom_assets::{ContentAddress, FileName};
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::delivery::links::on_asset_host;
use crate::delivery::signing::{now_unix, signed_asset_path};
use crate::error::ApiError;
use crate::routes::refusals::AdminReadRefusals;
use crate::state::AppState;

/// Lifetime of a signed URL when `ttl_secs` is not given.
const DEFAULT_TTL_SECS: u64 = 3600;
/// Longest lifetime a signed URL may be minted with: a week.
const MAX_TTL_SECS: u64 = 7 * 24 * 3600;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(mint_signed_url))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignedUrlDto {
    /// The asset's URL with `expires` and `sig`; works without credentials until it expires.
    pub url: String,
    /// When the URL stops working, RFC 3339.
    pub expires_at: String,
}

/// Mint a short-lived signed URL for one asset file, public or not.
#[utoipa::path(
    post, path = "/api/v1/admin/assets/{hash}/{file}/signed-url", tag = "admin", security(("admin_token" = [])),
    params(
        ("hash" = String, Path, description = "SHA-256 of the asset, 64 lowercase hex digits", pattern = "^[0-9a-f]{64}$"),
        ("file" = String, Path, description = "File under the asset, e.g. `model.glb`"),
        ("ttl_secs" = Option<u64>, Query, description = "Lifetime in seconds, default 3600", minimum = 1, maximum = 604800),
    ),
    responses(
        (status = 200, description = "The signed URL", body = SignedUrlDto),
        AdminReadRefusals,
    )
)]
pub async fn mint_signed_url(
    State(state): State<AppState>,
    Path((hash, file)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Json<SignedUrlDto>, ApiError> {
    let ttl = parse_ttl(query.as_deref().unwrap_or(""))?;
    let not_found = ApiError::NotFound { what: "asset" };
    let (Ok(address), Ok(file)) = (ContentAddress::parse(&hash), FileName::parse(&file)) else {
        return Err(not_found);
    };
    // A plain derived name is signed as asked (it follows the newest revision); it exists when
    // that revision's file does.
    if !crate::delivery::revisions::is_stored(&state, &address, &file).await? {
        return Err(not_found);
    }
    let expires = now_unix() + ttl;
    let settings = &state.delivery.settings;
    let path = signed_asset_path(
        &settings.signing_key,
        address.as_str(),
        file.as_str(),
        expires,
    );
    let expires_at = i64::try_from(expires)
        .ok()
        .and_then(|secs| time::OffsetDateTime::from_unix_timestamp(secs).ok())
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default();
    Ok(Json(SignedUrlDto {
        url: on_asset_host(settings.asset_base_url.as_deref(), &path),
        expires_at,
    }))
}

fn parse_ttl(query: &str) -> Result<u64, ApiError> {
    let raw = url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "ttl_secs")
        .map(|(_, value)| value.into_owned());
    let Some(raw) = raw else {
        return Ok(DEFAULT_TTL_SECS);
    };
    raw.parse::<u64>()
        .ok()
        .filter(|ttl| (1..=MAX_TTL_SECS).contains(ttl))
        .ok_or_else(|| ApiError::BadRequest {
            code: "invalid_query",
            detail: format!("`ttl_secs` must be a number of seconds from 1 to {MAX_TTL_SECS}"),
            field: Some("ttl_secs".into()),
        })
}
