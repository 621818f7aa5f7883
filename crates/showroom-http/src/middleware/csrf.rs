//! CSRF protection for cookie-authenticated writes (synchronizer token pattern): a POST, PUT,
//! PATCH or DELETE that carries the session cookie must also carry `X-CSRF-Token` equal to the
//! session's token (from `GET /api/v1/session`), compared in constant time. A forged request from
//! another site cannot read that token, and `SameSite=Lax` already keeps the cookie off most
//! cross-site writes; this closes the rest. Requests without a session (a first guest checkout)
//! carry no ambient authority and pass (a session they start adopts the token of the
//! `showroom_csrf` cookie: see [`csrf_cookie`]), and so do requests that a bearer token (the admin token
//! or a live API token) authenticates: any other `Authorization` header is ignored, since the
//! admin guard would then fall back to the cookie.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use crate::error::ApiError;
use crate::middleware::admin_auth::{bearer_authenticates, bearer_token};
use crate::sessions::{csrf_cookie, CSRF_TOKEN};
use crate::state::AppState;

pub const CSRF_HEADER: &str = "x-csrf-token";

fn refused(detail: &str) -> Response {
    ApiError::Refused {
        status: StatusCode::FORBIDDEN,
        code: "csrf_token_invalid",
        detail: detail.into(),
    }
    .into_response()
}

pub async fn require_csrf_token(
    State(state): State<AppState>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    // The session layer's own reading of the cookie: an id it would load. A cookie it cannot
    // read carries no session, and so no ambient authority.
    if safe || session.id().is_none() {
        return next.run(request).await;
    }
    // An API client is exempt only when its bearer token really authenticates it; otherwise
    // (no token, another scheme, a wrong token) the session cookie is what would authorize the
    // write, and that needs the token.
    if let Some(token) = bearer_token(request.headers()) {
        if bearer_authenticates(&state, &token).await {
            return next.run(request).await;
        }
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
        // A session that a cookie-less write started has no token yet: the one handed out
        // before it, in the `showroom_csrf` cookie, counts, and the session keeps it.
        (None, Some(presented))
            if csrf_cookie::token_from_cookie(request.headers()).is_some_and(|cookie| {
                crate::middleware::admin_auth::digests_equal(&cookie, &presented)
            }) =>
        {
            if let Err(error) = session.insert(CSRF_TOKEN, &presented).await {
                return crate::shopper::session_failed(error).into_response();
            }
            next.run(request).await
        }
        (_, None) => refused(
            "this request uses the session cookie and needs the X-CSRF-Token header; \
             get the token from GET /api/v1/session",
        ),
        _ => refused("the X-CSRF-Token does not match this session; fetch a fresh one from GET /api/v1/session"),
    }
}
