//! The CSRF token of a shopper who has no session yet, kept in the browser instead of a
//! session row: `GET /api/v1/session` without a session hands out a random token and sets it as
//! the `showroom_csrf` cookie (HttpOnly, `SameSite=Lax`), so anonymous visits store nothing.
//!
//! When a write later starts the session, the client already holds that token: the CSRF check
//! accepts a header equal to the cookie while the session has no token of its own (the
//! double-submit pattern; another site can neither read the cookie nor set the header), and the
//! session then keeps it. Once the session has a token, only that token counts: a login still
//! rotates it.

use axum::http::{header, HeaderMap};
use axum::response::Response;

/// The cookie holding a session-less shopper's CSRF token.
pub const CSRF_COOKIE: &str = "showroom_csrf";

/// A fresh token: 32 random bytes, hex.
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// The token in the request's `showroom_csrf` cookie, when it has the shape [`new_token`] makes.
pub fn token_from_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == CSRF_COOKIE)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Sets the cookie on `response` (a year; `Secure` is added over HTTPS like the session's).
pub fn set_token_cookie(response: &mut Response, token: &str) {
    let cookie = format!("{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000");
    super::append_set_cookie(response, &cookie);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_well_formed_token_is_read_from_the_cookie() {
        let token = new_token();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            format!("a=b; {CSRF_COOKIE}={token}; c=d").parse().unwrap(),
        );
        assert_eq!(token_from_cookie(&headers), Some(token));
        headers.insert(
            header::COOKIE,
            format!("{CSRF_COOKIE}=short").parse().unwrap(),
        );
        assert_eq!(token_from_cookie(&headers), None);
        headers.insert(header::COOKIE, "showroom_csrfx=1".parse().unwrap());
        assert_eq!(token_from_cookie(&headers), None);
    }
}
