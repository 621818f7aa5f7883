//! Delivery: everything between a stored object (or a rendered JSON body) and the bytes a browser
//! or CDN receives. A guided tour:
//!
//! - [`range`] and [`conditional`] implement HTTP's byte ranges and validators for assets
//!   (`Range`, `If-Range`, `If-None-Match`, `If-Modified-Since`), as pure functions;
//! - [`access`] decides who may fetch an asset: the CDN's origin secret, then the asset's
//!   visibility (public while a published product shows it), then staff or a signed URL
//!   ([`signing`]). A private asset looks exactly like a missing one to anyone else (404);
//! - [`hot`] keeps recently served immutable objects in memory as shared `Bytes`, so a popular
//!   GLB is sent without a storage read or a copy per request;
//! - [`revisions`] maps a derived file's plain name to the newest pipeline revision's file;
//! - [`links`] decides where media URLs point (this server, or the CDN named by
//!   `asset_base_url`);
//! - [`compression`], [`cache_policy`] and [`cors`] are the response layers: brotli/gzip for
//!   text, `Cache-Control` for what the handlers leave open, and the origin allow-list;
//!   [`traffic`] counts the asset bytes sent.
//!
//! [`csv_attachment`] is how a CSV download (the order or catalog export) is sent.
//!
//! [`Delivery`] holds the settings and the in-memory state; the binary builds it once.

pub mod access;
pub mod cache_policy;
pub mod compression;
pub mod conditional;
pub mod cors;
pub mod hot;
pub mod links;
pub mod precompressed;
pub mod range;
pub mod revisions;
pub mod signing;
pub mod traffic;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use secrecy::SecretString;

use crate::error::{problem_response, Problem};
use crate::state::AppState;

pub use signing::{random_signing_key, signed_asset_path};

/// Name of the header a CDN adds to every request it forwards to the origin.
pub const ORIGIN_SECRET_HEADER: &str = "x-showroom-origin-secret";

/// Delivery settings, already validated by the binary.
#[derive(Clone)]
pub struct DeliverySettings {
    /// Absolute base (`https://cdn.example.com`, no trailing slash) that media URLs point at;
    /// `None` links assets on this server.
    pub asset_base_url: Option<String>,
    /// When set, `/assets` answers only requests carrying it in `X-Showroom-Origin-Secret`.
    pub origin_secret: Option<SecretString>,
    /// HMAC-SHA256 key of signed asset URLs.
    pub signing_key: SecretString,
    /// HMAC-SHA256 key of guest order links (`order_token`); never the asset key, so a leaked
    /// asset URL key cannot open orders.
    pub order_link_key: SecretString,
    /// Origins allowed to call `/api` and `/assets` from a browser (`*` allows any).
    pub cors_origins: Vec<String>,
    /// Memory kept for recently served assets, in bytes (0 turns the in-memory copy off).
    pub memory_cache_bytes: u64,
}

/// The delivery settings and the state that goes with them.
pub struct Delivery {
    pub settings: DeliverySettings,
    pub hot: hot::HotAssets,
    pub revisions: revisions::Revisions,
    /// Asset bytes this process has sent (for the dashboard and `/metrics`).
    pub traffic: traffic::AssetTraffic,
}

impl Delivery {
    pub fn new(settings: DeliverySettings) -> Self {
        let hot = hot::HotAssets::new(settings.memory_cache_bytes);
        Self {
            settings,
            hot,
            revisions: revisions::Revisions::default(),
            traffic: traffic::AssetTraffic::default(),
        }
    }
}

/// A problem response for the statuses `ApiError` has no variant for (403, 416).
pub(crate) fn problem(status: StatusCode, code: &str, detail: impl Into<String>) -> Response {
    let problem = Problem {
        kind: format!("https://showroom.dev/problems/{}", code.replace('_', "-")),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail: detail.into(),
        code: code.to_owned(),
        field: None,
    };
    let mut response = problem_response(status, &problem);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// CORS for the routers applied so far (the API and the assets; pages are merged after).
pub(crate) fn with_cors(router: Router<AppState>, delivery: &Delivery) -> Router<AppState> {
    router
        .layer(cors::layer(&delivery.settings.cors_origins))
        .layer(axum::middleware::from_fn(cors::strip_when_refused))
}

/// The response layers for every route: compression outermost, then the cache policy, then the
/// asset base URL around the handlers.
pub(crate) fn with_response_layers(
    router: Router<AppState>,
    delivery: &Delivery,
) -> Router<AppState> {
    let base: Option<Arc<str>> = delivery.settings.asset_base_url.as_deref().map(Arc::from);
    router
        .layer(axum::middleware::from_fn_with_state(
            base,
            links::with_asset_base,
        ))
        .layer(axum::middleware::from_fn(cache_policy::apply))
        .layer(compression::layer())
}

/// A CSV download: `body` as UTF-8 `text/csv`, saved by the browser as `file_name` (a plain
/// ASCII name without quotes).
pub(crate) fn csv_attachment(body: Body, file_name: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    // The names are this crate's constants; one that is no header value gets no name.
    if let Ok(disposition) = HeaderValue::try_from(format!("attachment; filename=\"{file_name}\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_attachment_is_utf8_csv_saved_under_its_name() {
        let response = csv_attachment(Body::from("a,b\n"), "orders.csv");
        let headers = response.headers();
        assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        assert_eq!(
            headers[header::CONTENT_DISPOSITION],
            "attachment; filename=\"orders.csv\""
        );
    }
}
