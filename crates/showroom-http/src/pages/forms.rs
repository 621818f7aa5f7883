//! What every page form shares: the CSRF token field, the flash message that survives the
//! redirect of POST → redirect → GET, and the cookies the header reads (the cart count, the
//! signed-in hint).
//!
//! CSRF follows the API's rule (`middleware::csrf`): a POST that carries the session cookie must
//! carry the session's token, here in the form field `csrf_token`; a POST without the cookie
//! has no ambient authority to abuse and passes. Sign-in and registration are stricter
//! ([`csrf_strict`]): without a session there is no token to match, and letting them pass would
//! let another site sign a visitor into an account of its choosing (login CSRF). A refused token
//! sends the shopper back to the page with a message rather than an error page (a stale tab is
//! the usual cause).

use std::collections::BTreeMap;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::error::ApiError;
use crate::shopper::{session_failed, Shopper};

const FLASH: &str = "flash";

/// A refused form's messages, by the field each is about (`form`: above the form). The first
/// message for a field is kept.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    /// The one message `message`, about `field`.
    pub fn one(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::default();
        errors.add(field, message);
        errors
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    /// The message of `{prefix}_{index}` (a row of a repeated group).
    pub fn indexed(&self, prefix: &str, index: &usize) -> Option<&str> {
        self.get(&format!("{prefix}_{index}"))
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_insert_with(|| message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Whether `presented` is the session's token (or the request has no session cookie).
pub async fn csrf_ok(shopper: &Shopper, presented: &str) -> Result<bool, ApiError> {
    if !shopper.sent_session_cookie {
        return Ok(true);
    }
    let expected: Option<String> = shopper
        .session
        .get(crate::sessions::CSRF_TOKEN)
        .await
        .map_err(session_failed)?;
    Ok(expected.is_some_and(|e| crate::middleware::admin_auth::digests_equal(&e, presented)))
}

/// Whether the request has a session and `presented` is its token: for forms that would log a
/// session in.
pub async fn csrf_strict(shopper: &Shopper, presented: &str) -> Result<bool, ApiError> {
    Ok(shopper.sent_session_cookie && csrf_ok(shopper, presented).await?)
}

/// Where to go after signing in: a path on this site (never another origin: `//host`, a
/// backslash, a scheme, control characters), and never back to the sign-in forms; `/account`
/// otherwise.
pub fn safe_return(raw: Option<&str>) -> String {
    match raw.map(str::trim) {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control)
                && !path.starts_with("/account/login")
                && !path.starts_with("/account/register")
                && !path.starts_with("/account/logout") =>
        {
            path.to_owned()
        }
        _ => "/account".to_owned(),
    }
}

/// `showroom_signed_in=1` while a customer is signed in (cleared at sign-out): lets `site.js`
/// word the header's account link on pages that are the same for everyone. A hint, never an
/// authority: nothing on the server reads it.
pub fn set_signed_in_hint(response: &mut Response, signed_in: bool) {
    let cookie = if signed_in {
        "showroom_signed_in=1; Path=/; SameSite=Lax; Max-Age=2592000"
    } else {
        "showroom_signed_in=; Path=/; SameSite=Lax; Max-Age=0"
    };
    response
        .headers_mut()
        .append(header::SET_COOKIE, HeaderValue::from_static(cookie));
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
    crate::sessions::append_set_cookie(response, &cookie);
}

#[cfg(test)]
mod tests {
    use super::safe_return;

    #[test]
    fn sign_in_returns_only_to_this_sites_pages() {
        assert_eq!(safe_return(Some("/checkout")), "/checkout");
        assert_eq!(
            safe_return(Some("/account/orders/1?x=2")),
            "/account/orders/1?x=2"
        );
        for hostile in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/account/login?next=/x",
            "/a\nb",
            "",
        ] {
            assert_eq!(safe_return(Some(hostile)), "/account", "{hostile:?}");
        }
        assert_eq!(safe_return(None), "/account");
    }
}
