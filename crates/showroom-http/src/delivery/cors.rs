//! CORS for `/api` and `/assets`: browsers on the listed origins (`cors_origins`) may call the
//! API and load models and posters; every other origin gets no CORS headers at all, so its
//! browser refuses the response. Preflights (`OPTIONS` with `Access-Control-Request-Method`) are
//! answered by tower-http's `CorsLayer` before routing or authentication. `Vary: Origin` (and the
//! request-method and request-headers it varies on) is always sent, so a CDN never serves one
//! origin's answer to another. `*` in the list allows any origin (never with credentials: the
//! admin API uses bearer tokens, not cookies).
//!
//! Pages are same-origin and get no CORS headers; the layer is applied to the API and asset
//! routers only (see `app.rs`).

use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The CORS layer for `origins` (already validated as `scheme://host[:port]` or `*`).
pub fn layer(origins: &[String]) -> CorsLayer {
    let allow_origin = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        )
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::RANGE,
            header::IF_NONE_MATCH,
            header::IF_RANGE,
            header::IF_MODIFIED_SINCE,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::CONTENT_RANGE,
            header::ACCEPT_RANGES,
            header::CONTENT_LENGTH,
            header::ETAG,
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static("x-cache"),
        ])
        .max_age(Duration::from_secs(600))
}

/// Runs outside [`layer`]: when the origin was not allowed (no `Access-Control-Allow-Origin`),
/// drops the other `Access-Control-*` headers a preflight answer carries regardless, so a
/// refused origin learns nothing about the allowed methods and headers.
pub async fn strip_when_refused(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
        for name in [
            header::ACCESS_CONTROL_ALLOW_METHODS,
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            header::ACCESS_CONTROL_MAX_AGE,
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        ] {
            headers.remove(name);
        }
    }
    response
}
