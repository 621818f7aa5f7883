//! Guards `/api/v1/admin`. A request is authenticated by, in this order:
//!
//! 1. `Authorization: Bearer <token>`: the configured bootstrap `admin_token` (compared as
//!    SHA-256 digests in constant time) or an API token (looked up by its SHA-256; revoked ones
//!    fail);
//! 2. the session cookie of a logged-in, still active member of staff (its writes pass the CSRF
//!    check first).
//!
//! Nobody authenticated: 401. Authenticated but the area is not theirs
//! ([`Principal::may`]): 403. The [`Principal`] is left in the request's extensions.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use showroom_shop::api_tokens::token_digest;
use tower_sessions::Session;
use uuid::Uuid;

use crate::error::ApiError;
use crate::principal::{Permission, Principal};
use crate::sessions::STAFF_ID;
use crate::shopper::session_failed;
use crate::state::AppState;

async fn authenticate(
    state: &AppState,
    bearer: Option<String>,
    session: Option<Session>,
) -> Result<Option<Principal>, ApiError> {
    if let Some(presented) = bearer.as_deref() {
        if let Some(expected) = &state.settings.admin_token {
            if digests_equal(expected.expose_secret(), presented) {
                return Ok(Some(Principal::BootstrapToken));
            }
        }
        let token = state
            .catalog
            .use_api_token(&token_digest(presented))
            .await?;
        return Ok(token.map(|token| Principal::ApiToken {
            id: token.id,
            scopes: token.scopes,
        }));
    }
    let Some(session) = session else {
        return Ok(None);
    };
    let Some(staff_id) = session
        .get::<Uuid>(STAFF_ID)
        .await
        .map_err(session_failed)?
    else {
        return Ok(None);
    };
    let member = state.catalog.staff_member(staff_id).await?;
    Ok(member
        .filter(|member| member.active)
        .map(|member| Principal::Staff {
            id: member.id,
            role: member.role,
        }))
}

/// The token of an `Authorization: Bearer <token>` header; any other scheme is no token.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|v| v.trim().to_owned())
}

/// Whether `token` is the bootstrap admin token or a live API token, for the CSRF check: only a
/// request that such a token authenticates is an API client exempt from it.
pub(crate) async fn bearer_authenticates(state: &AppState, token: &str) -> bool {
    matches!(
        authenticate(state, Some(token.to_owned()), None).await,
        Ok(Some(_))
    )
}

pub async fn require_admin(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let bearer = bearer_token(request.headers());
    let session = request.extensions().get::<Session>().cloned();
    let principal = match authenticate(&state, bearer, session).await {
        Ok(Some(principal)) => principal,
        Ok(None) => return ApiError::Unauthorized.into_response(),
        Err(error) => return error.into_response(),
    };
    if !principal.may(Permission::for_path(request.uri().path())) {
        return ApiError::Refused {
            status: StatusCode::FORBIDDEN,
            code: "forbidden",
            detail: "your role or token scopes do not cover this part of the admin API".into(),
        }
        .into_response();
    }
    request.extensions_mut().insert(principal);
    next.run(request).await
}

pub(crate) fn digests_equal(expected: &str, presented: &str) -> bool {
    let a = Sha256::digest(expected.as_bytes());
    let b = Sha256::digest(presented.as_bytes());
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::digests_equal;

    #[test]
    fn only_the_exact_token_matches() {
        assert!(digests_equal("s3cret-token", "s3cret-token"));
        assert!(!digests_equal("s3cret-token", "s3cret-toke"));
        assert!(!digests_equal("s3cret-token", ""));
    }
}
