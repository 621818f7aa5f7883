//! `Cache-Control` for everything a handler did not decide itself, applied as one response
//! layer so no route can forget it:
//!
//! - anything personal — the admin API, the session, staff login, the cart, account, checkout,
//!   order and payment-webhook routes, and their pages — is `private, no-store`, whatever the
//!   handler said (handlers do not set it themselves);
//! - errors (4xx, 5xx) are `no-store`: a CDN must never serve one shopper's 404 or 503 to the
//!   next;
//! - any other response without a policy gets `no-cache` (store, but revalidate every time), so
//!   no cache applies heuristic freshness to health checks, metrics or documents.
//!
//! Storefront reads and pages set `public, max-age=0, s-maxage=30, stale-while-revalidate=60`
//! themselves, and assets `public, max-age=31536000, immutable` (or `private, no-store` when
//! served to staff or through a signed URL); those pass through untouched.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// Path prefixes whose responses belong to one person or one merchant.
const PERSONAL_PREFIXES: [&str; 13] = [
    "/api/v1/admin",
    "/admin",
    "/api/v1/cart",
    "/api/v1/account",
    "/api/v1/checkout",
    "/api/v1/orders",
    "/api/v1/session",
    "/api/v1/staff",
    "/api/v1/payments",
    "/cart",
    "/account",
    "/checkout",
    "/orders",
];

pub const PRIVATE_NO_STORE: &str = "private, no-store";

pub async fn apply(request: Request, next: Next) -> Response {
    let personal = is_personal(request.uri().path());
    let mut response = next.run(request).await;
    let status = response.status();
    let headers = response.headers_mut();
    if personal {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(PRIVATE_NO_STORE),
        );
    } else if status.is_client_error() || status.is_server_error() {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    } else if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    response
}

fn is_personal(path: &str) -> bool {
    PERSONAL_PREFIXES
        .iter()
        .any(|prefix| is_under(path, prefix))
}

/// Whether `path` is `prefix` or below it, by whole segments.
fn is_under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::{is_personal, is_under, PERSONAL_PREFIXES};

    /// A prefix that names no route protects nothing: every API prefix must cover a real one.
    #[test]
    fn every_api_prefix_covers_a_documented_route() {
        let document = crate::openapi::openapi_document();
        let paths: Vec<&String> = document.paths.paths.keys().collect();
        for prefix in PERSONAL_PREFIXES.iter().filter(|p| p.starts_with("/api/")) {
            assert!(
                paths.iter().any(|path| is_under(path, prefix)),
                "{prefix} covers no route of the API"
            );
        }
    }

    #[test]
    fn personal_prefixes_match_whole_segments() {
        assert!(is_personal("/api/v1/admin/products"));
        assert!(is_personal("/api/v1/admin"));
        assert!(is_personal("/checkout"));
        assert!(is_personal("/api/v1/session"));
        assert!(is_personal("/api/v1/staff/login"));
        assert!(is_personal("/api/v1/payments/webhook"));
        assert!(is_personal("/admin/orders.csv"));
        assert!(!is_personal("/administration"));
        assert!(!is_personal("/api/v1/administrators"));
        assert!(!is_personal("/api/v1/products"));
        assert!(!is_personal("/assets/ab/model.glb"));
    }
}
