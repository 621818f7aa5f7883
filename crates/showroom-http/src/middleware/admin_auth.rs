//! Guards `/api/v1/admin`: a request passes only with `Authorization: Bearer <admin token>`.
//! Tokens are compared as SHA-256 digests in constant time, so response timing reveals nothing
//! about how much of a guess was right. With no token configured, the admin API is closed.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::principal::Principal;
use crate::state::AppState;

pub async fn require_admin_token(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let allowed = match (&state.settings.admin_token, presented) {
        (Some(expected), Some(presented)) => digests_equal(expected.expose_secret(), presented),
        _ => false,
    };
    if allowed {
        request.extensions_mut().insert(Principal::BootstrapToken);
        next.run(request).await
    } else {
        ApiError::Unauthorized.into_response()
    }
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
