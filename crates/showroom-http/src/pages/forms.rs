//! What every page form shares: the CSRF token field, the flash message that survives the
//! redirect of POST → redirect → GET, and the cart-count cookie the header shows.
//!
//! CSRF follows the API's rule (`middleware::csrf`): a POST that carries the session cookie must
//! carry the session's token, here in the form field `csrf_token`; a POST without the cookie
//! has no ambient authority to abuse and passes. A refused token sends the shopper back to the
//! page with a message rather than an error page (a stale tab is the usual cause).

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::error::ApiError;
use crate::shopper::session_failed;

const FLASH: &str = "flash";

/// Whether `presented` is the session's token (or the request has no session cookie).
pub async fn csrf_ok(
    session: &Session,
    headers: &HeaderMap,
    presented: &str,
) -> Result<bool, ApiError> {
    if !super::product::has_session_cookie(headers) {
        return Ok(true);
    }
    let expected: Option<String> = session
        .get(crate::sessions::CSRF_TOKEN)
        .await
        .map_err(session_failed)?;
    Ok(expected.is_some_and(|e| crate::middleware::admin_auth::digests_equal(&e, presented)))
}

/// Keeps `message` for the next page this session renders.
pub async fn flash(session: &Session, message: impl Into<String>) -> Result<(), ApiError> {
    session
        .insert(FLASH, message.into())
        .await
        .map_err(session_failed)
}

/// The kept message, removed as it is read.
pub async fn take_flash(session: &Session) -> Result<Option<String>, ApiError> {
    session.remove(FLASH).await.map_err(session_failed)
}

/// A 303 to `to` that also tells the header how many items the cart holds.
pub fn see_other(to: &str, cart_count: Option<i64>) -> Response {
    let mut response = Redirect::to(to).into_response();
    if let Some(count) = cart_count {
        set_cart_count(&mut response, count);
    }
    response
}

/// `showroom_cart_count`: readable by `site.js` (the session cookie is HttpOnly); it only ever
/// holds a number, never anything secret.
pub fn set_cart_count(response: &mut Response, count: i64) {
    let cookie = format!(
        "showroom_cart_count={}; Path=/; SameSite=Lax; Max-Age=2592000",
        count.max(0)
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}
