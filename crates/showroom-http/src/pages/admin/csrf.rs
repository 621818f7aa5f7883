//! CSRF protection for every write under `/admin`, as one layer over the back office's router
//! (synchronizer token pattern, the session's token compared in constant time):
//!
//! - `X-CSRF-Token` header (our scripts' uploads) — checked here;
//! - a URL-encoded form — the body is read here (at most [`FORM_LIMIT_BYTES`]), its
//!   `csrf_token` field checked, and the same bytes handed on to the handler;
//! - a `multipart/form-data` upload without the header — passed on marked [`UploadNeedsToken`];
//!   the only handler that reads multipart ([`super::models::upload`]) checks that the form's
//!   **first** part is a matching `csrf_token` before it reads any file bytes, and every other
//!   handler refuses multipart bodies (see [`super::form::FormData`]);
//! - anything else is refused.
//!
//! A refusal is a 403 page that says the form expired (the usual cause: the session ended).
//! GET and HEAD are never writes here: no back-office GET changes anything.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::Session;

use super::layout::message_page;
use crate::middleware::admin_auth::digests_equal;
use crate::sessions::CSRF_TOKEN;

/// Largest URL-encoded form body the back office reads.
pub const FORM_LIMIT_BYTES: usize = 256 * 1024;

/// The name of the token's form field.
pub const FIELD: &str = "csrf_token";

/// Left in the extensions of a multipart request whose token is its first part: the session's
/// token, to compare that part with.
#[derive(Debug, Clone)]
pub struct UploadNeedsToken(pub String);

pub fn expired() -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        None,
        "This form has expired",
        "For your safety, forms stop working when your session ends. Go back, reload the page and send the form again.",
    )
}

/// Whether `presented` is the session's token.
pub fn matches(expected: Option<&str>, presented: Option<&str>) -> bool {
    match (expected, presented) {
        (Some(expected), Some(presented)) => digests_equal(expected, presented),
        _ => false,
    }
}

pub async fn require_form_token(session: Session, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let expected = match session.get::<String>(CSRF_TOKEN).await {
        Ok(token) => token,
        Err(_) => return expired(),
    };
    if let Some(presented) = request.headers().get("x-csrf-token") {
        return if matches(expected.as_deref(), presented.to_str().ok()) {
            next.run(request).await
        } else {
            expired()
        };
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        let Some(expected) = expected else {
            return expired();
        };
        let mut request = request;
        request.extensions_mut().insert(UploadNeedsToken(expected));
        return next.run(request).await;
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return expired();
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, FORM_LIMIT_BYTES).await else {
        return message_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
            "That form is too long",
            "The form holds more text than the back office takes at once. Shorten it and send it again.",
        );
    };
    let presented = url::form_urlencoded::parse(&bytes)
        .find(|(name, _)| name == FIELD)
        .map(|(_, value)| value.into_owned());
    if !matches(expected.as_deref(), presented.as_deref()) {
        return expired();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn only_the_sessions_own_token_passes() {
        assert!(matches(Some("abc123"), Some("abc123")));
        assert!(!matches(Some("abc123"), Some("abc124")));
        assert!(!matches(Some("abc123"), None));
        assert!(!matches(None, Some("abc123")));
        assert!(!matches(None, None));
    }
}
