//! CSRF protection for cookie-authenticated writes (synchronizer token pattern): a POST, PUT,
//! PATCH or DELETE that carries the session cookie must also carry `X-CSRF-Token` equal to the
//! session's token (from `GET /api/v1/session`), compared in constant time. A forged request from
//! another site cannot read that token, and `SameSite=Lax` already keeps the cookie off most
//! cross-site writes; this closes the rest. Requests without the session cookie (API clients
//! with a bearer token, a first guest checkout) carry no ambient authority and pass.

use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use crate::error::ApiError;
use crate::sessions::{COOKIE_NAME, CSRF_TOKEN};

pub const CSRF_HEADER: &str = "x-csrf-token";

fn has_session_cookie(request: &Request) -> bool {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|pair| {
            pair.trim()
                .split_once('=')
                .is_some_and(|(name, _)| name == COOKIE_NAME)
        })
}

fn refused(detail: &str) -> Response {
    ApiError::Refused {
        status: StatusCode::FORBIDDEN,
        code: "csrf_token_invalid",
        detail: detail.into(),
    }
    .into_response()
}

pub async fn require_csrf_token(session: Session, request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    // A request with `Authorization` is an API client: a browser cannot add that header to a
    // cross-site request without a CORS preflight, which only configured origins pass.
    let api_client = request.headers().contains_key(header::AUTHORIZATION);
    if safe || api_client || !has_session_cookie(&request) {
        return next.run(request).await;
    }
    let presented = request
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let expected = match session.get::<String>(CSRF_TOKEN).await {
        Ok(token) => token,
        Err(error) => return crate::shopper::session_failed(error).into_response(),
    };
    match (expected, presented) {
        (Some(expected), Some(presented))
            if crate::middleware::admin_auth::digests_equal(&expected, &presented) =>
        {
            next.run(request).await
        }
        (_, None) => refused(
            "this request uses the session cookie and needs the X-CSRF-Token header; \
             get the token from GET /api/v1/session",
        ),
        _ => refused("the X-CSRF-Token does not match this session; fetch a fresh one from GET /api/v1/session"),
    }
}
