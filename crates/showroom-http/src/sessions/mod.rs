//! Cookie sessions through `tower-sessions`: the cookie is `HttpOnly; SameSite=Lax`, `Secure`
//! when the request came over HTTPS (see [`secure_cookie`]), and holds only a random id; the
//! session itself lives server-side — in the database by default ([`DbSessionStore`]), or in
//! whatever store the binary hands over ([`ShopSessionStore::new`]; Redis when the cache is
//! Redis) — so any instance can serve any request.
//!
//! Keys this crate keeps in a session are the constants below; nothing else is stored there.

pub mod csrf_cookie;
mod db_store;
pub mod secure_cookie;
pub mod store_failure;

use std::sync::Arc;

pub use db_store::DbSessionStore;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};

/// The name of the session cookie.
pub const COOKIE_NAME: &str = "showroom_session";
/// The logged-in customer's id.
pub const CUSTOMER_ID: &str = "customer_id";
/// The stamp of the logged-in customer's password at login ([`showroom_shop::Accounts::session_stamp`]):
/// when the password changes, every other session of the account stops being logged in.
pub const AUTH_STAMP: &str = "auth_stamp";
/// The logged-in member of staff's id.
pub const STAFF_ID: &str = "staff_id";
/// A guest's cart id.
pub const GUEST_CART_ID: &str = "guest_cart_id";
/// The synchronizer token every cookie-authenticated write must echo in `X-CSRF-Token`.
pub const CSRF_TOKEN: &str = "csrf_token";
/// The back office's one-shot message for the page after a form (POST → redirect → GET).
pub const ADMIN_FLASH: &str = "admin_flash";

/// Where sessions live, chosen by the binary: the database, or Redis when the cache is Redis.
/// This crate names no engine: any [`SessionStore`] fits.
#[derive(Clone, Debug)]
pub struct ShopSessionStore(Arc<dyn SessionStore>);

impl ShopSessionStore {
    pub fn new(store: impl SessionStore) -> Self {
        Self(Arc::new(store))
    }
}

#[async_trait::async_trait]
impl SessionStore for ShopSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        self.0.create(record).await
    }
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.0.save(record).await
    }
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        self.0.load(id).await
    }
    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.0.delete(id).await
    }
}

/// Adds the cookie `cookie` (a whole `Set-Cookie` value) to `response`; a value a header cannot
/// hold is left out rather than failing the response.
pub fn append_set_cookie(response: &mut axum::response::Response, cookie: &str) {
    if let Ok(value) = axum::http::HeaderValue::from_str(cookie) {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, value);
    }
}

/// The session layer: cookie flags and inactivity expiry.
pub fn layer<S: SessionStore + Clone>(
    store: S,
    inactivity: time::Duration,
) -> SessionManagerLayer<S> {
    SessionManagerLayer::new(store)
        .with_name(COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        // Secure is added per request by `secure_cookie` when the request came over HTTPS.
        .with_secure(false)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(inactivity))
}

pub(crate) fn backend_error(error: impl std::fmt::Display) -> tower_sessions::session_store::Error {
    tower_sessions::session_store::Error::Backend(error.to_string())
}
