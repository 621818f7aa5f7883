//! [`Shopper`]: the person behind a storefront request, as their session says: a guest (maybe
//! with a cart) or a logged-in customer. Handlers take it as an extractor; it needs the session
//! layer, which wraps every `/api` route.
//!
//! What the session holds for the shop lives here too, so the API and the pages keep it the same
//! way: [`Shopper::cart_owner`] and [`Shopper::cart_to_change`] (a guest's first change keeps the
//! new cart's id in the session), and [`start_account_session`], which every login calls — a new
//! session id and CSRF token, so a session id planted before login is worth nothing after it.
//! A customer's session also keeps the stamp of the password it logged in with
//! ([`stamp_session`]); once the password changes, the extractor turns every other session of
//! the account back into a guest's.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use showroom_shop::{Buyer, CartOwner, Carts};
use showroom_store::Cart;
use tower_sessions::Session;
use uuid::Uuid;

use crate::error::ApiError;
use crate::sessions::{AUTH_STAMP, CSRF_TOKEN, CUSTOMER_ID, GUEST_CART_ID, STAFF_ID};
use crate::state::AppState;

pub struct Shopper {
    pub session: Session,
    /// The logged-in customer, if any.
    pub customer: Option<Uuid>,
    /// Whether the request carried the session cookie (even one naming no live session): a
    /// form's CSRF check lets a request without it pass, there being no session to abuse.
    pub sent_session_cookie: bool,
}

/// Whether the request carries the session cookie.
pub(crate) fn has_session_cookie(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|pair| pair.trim().starts_with(crate::sessions::COOKIE_NAME))
}

pub(crate) fn session_failed(error: tower_sessions::session::Error) -> ApiError {
    tracing::error!(%error, "the session store failed");
    ApiError::Unavailable {
        detail: "sessions are unavailable right now; retry in a moment".into(),
    }
}

impl FromRequestParts<AppState> for Shopper {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let sent_session_cookie = has_session_cookie(&parts.headers);
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, why)| ApiError::internal(why))?;
        let mut customer = session
            .get::<Uuid>(CUSTOMER_ID)
            .await
            .map_err(session_failed)?;
        if let Some(id) = customer {
            let kept = session
                .get::<String>(AUTH_STAMP)
                .await
                .map_err(session_failed)?;
            let current = state.shop.accounts.session_stamp(id).await?;
            if kept.is_none() || kept != current {
                // The password changed since this session logged in (or the account is
                // gone): it goes on as a guest's.
                session
                    .remove_value(CUSTOMER_ID)
                    .await
                    .map_err(session_failed)?;
                session
                    .remove_value(AUTH_STAMP)
                    .await
                    .map_err(session_failed)?;
                customer = None;
            }
        }
        Ok(Self {
            session,
            customer,
            sent_session_cookie,
        })
    }
}

/// Keeps the stamp of the customer's current password in the session (after a login, a
/// registration or the customer's own password change).
pub async fn stamp_session(
    state: &AppState,
    session: &Session,
    customer_id: Uuid,
) -> Result<(), ApiError> {
    if let Some(stamp) = state.shop.accounts.session_stamp(customer_id).await? {
        session
            .insert(AUTH_STAMP, stamp)
            .await
            .map_err(session_failed)?;
    }
    Ok(())
}

impl Shopper {
    pub async fn guest_cart_id(&self) -> Result<Option<Uuid>, ApiError> {
        self.session
            .get::<Uuid>(GUEST_CART_ID)
            .await
            .map_err(session_failed)
    }

    pub async fn set_guest_cart_id(&self, id: Uuid) -> Result<(), ApiError> {
        self.session
            .insert(GUEST_CART_ID, id)
            .await
            .map_err(session_failed)
    }

    /// Whose cart this shopper's requests are about.
    pub async fn cart_owner(&self) -> Result<CartOwner, ApiError> {
        Ok(match self.customer {
            Some(id) => CartOwner::Customer(id),
            None => CartOwner::Guest(self.guest_cart_id().await?),
        })
    }

    /// The shopper's cart for reading; `None` for a guest without one.
    pub async fn cart(&self, carts: &Carts) -> Result<Option<Cart>, ApiError> {
        Ok(carts.shopper_cart(self.cart_owner().await?).await?)
    }

    /// The shopper's cart for a change, made when there is none; a new guest cart's id goes into
    /// the session.
    pub async fn cart_to_change(&self, carts: &Carts) -> Result<Cart, ApiError> {
        let (cart, created) = carts.cart_to_change(self.cart_owner().await?).await?;
        if created {
            self.set_guest_cart_id(cart.id).await?;
        }
        Ok(cart)
    }

    /// The session's CSRF token, made on first use.
    pub async fn csrf_token(&self) -> Result<String, ApiError> {
        csrf_token(&self.session).await
    }

    /// Who is checking out, for scoping the idempotency key: the customer, else the guest's
    /// session.
    pub fn buyer(&self) -> Buyer {
        Buyer {
            customer: self.customer,
            session: self.session.id().map(|id| id.to_string()),
        }
    }

    /// The token for a page's forms: the session's, or nothing for a visitor without a
    /// session, whose posts carry no ambient authority, so that showing a page stores nothing.
    pub async fn form_csrf_token(&self) -> Result<String, ApiError> {
        if self.session.id().is_none() {
            return Ok(String::new());
        }
        self.csrf_token().await
    }

    pub async fn staff_id(&self) -> Result<Option<Uuid>, ApiError> {
        self.session
            .get::<Uuid>(STAFF_ID)
            .await
            .map_err(session_failed)
    }
}

/// Logs the session in as account `id` under `key` ([`CUSTOMER_ID`] or [`STAFF_ID`]): a new
/// session id and CSRF token first. A customer's guest cart id goes (its lines were merged), and
/// the stamp of their password comes in ([`stamp_session`]).
pub async fn start_account_session(
    state: &AppState,
    session: &Session,
    key: &str,
    id: Uuid,
) -> Result<(), ApiError> {
    session.cycle_id().await.map_err(session_failed)?;
    session
        .remove_value(CSRF_TOKEN)
        .await
        .map_err(session_failed)?;
    session.insert(key, id).await.map_err(session_failed)?;
    csrf_token(session).await?;
    if key == CUSTOMER_ID {
        session
            .remove_value(GUEST_CART_ID)
            .await
            .map_err(session_failed)?;
        stamp_session(state, session, id).await?;
    }
    Ok(())
}

/// Ends the session entirely (its record is deleted, the cookie cleared).
pub async fn end_session(session: &Session) -> Result<(), ApiError> {
    session.flush().await.map_err(session_failed)
}

/// After the customer's own password change: a new session id (keeping what the session holds)
/// and the new password's stamp, so this session stays logged in while every other one of the
/// account is logged out.
pub async fn renew_after_password_change(
    state: &AppState,
    session: &Session,
    customer_id: Uuid,
) -> Result<(), ApiError> {
    session.cycle_id().await.map_err(session_failed)?;
    stamp_session(state, session, customer_id).await
}

/// The session's CSRF token, made (32 random bytes, hex) on first use.
pub(crate) async fn csrf_token(session: &Session) -> Result<String, ApiError> {
    if let Some(token) = session
        .get::<String>(CSRF_TOKEN)
        .await
        .map_err(session_failed)?
    {
        return Ok(token);
    }
    let token = hex::encode(rand::random::<[u8; 32]>());
    session
        .insert(CSRF_TOKEN, &token)
        .await
        .map_err(session_failed)?;
    Ok(token)
}
