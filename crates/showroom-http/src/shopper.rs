//! STAND-IN for the lead's `shopper` module (sessions, accounts, CSRF), which was not on main when
//! the cart was built. It offers the same interface the cart handlers use — [`Shopper`] with
//! `customer` and `guest_cart_id` / `set_guest_cart_id` — over a plain `HttpOnly; SameSite=Lax`
//! cookie that holds the guest's cart id, so the cart API can be tested end to end. There are no
//! customers here (`customer` is always `None`) and no CSRF check. When the real module lands,
//! it replaces this file and the [`layer`] line in `routes/cart.rs` goes.

use std::sync::{Arc, Mutex};

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use uuid::Uuid;

use crate::error::ApiError;

const COOKIE: &str = "showroom_cart";

/// The guest cart id of this request: read from the cookie, possibly replaced by the handler.
#[derive(Clone, Default)]
struct GuestSlot(Arc<Mutex<(Option<Uuid>, bool)>>);

/// Who is shopping: a customer (never, in this stand-in) or a guest with maybe a cart.
pub struct Shopper {
    pub customer: Option<Uuid>,
    slot: GuestSlot,
}

impl Shopper {
    pub async fn guest_cart_id(&self) -> Result<Option<Uuid>, ApiError> {
        Ok(self.slot.0.lock().map_err(|_| poisoned())?.0)
    }

    pub async fn set_guest_cart_id(&self, id: Uuid) -> Result<(), ApiError> {
        *self.slot.0.lock().map_err(|_| poisoned())? = (Some(id), true);
        Ok(())
    }
}

fn poisoned() -> ApiError {
    ApiError::Internal("the shopper's cart slot is poisoned".into())
}

impl<S: Send + Sync> FromRequestParts<S> for Shopper {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let slot = parts
            .extensions
            .get::<GuestSlot>()
            .cloned()
            .ok_or_else(|| ApiError::Internal("the shopper layer is missing".into()))?;
        Ok(Self {
            customer: None,
            slot,
        })
    }
}

/// Reads the cart cookie before the handler and sets it afterwards when the handler changed it.
pub async fn layer(mut request: Request, next: Next) -> Response {
    let current = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .and_then(|(_, value)| Uuid::parse_str(value).ok());
    let slot = GuestSlot(Arc::new(Mutex::new((current, false))));
    request.extensions_mut().insert(slot.clone());
    let mut response = next.run(request).await;
    let changed = slot
        .0
        .lock()
        .ok()
        .and_then(|s| s.1.then_some(s.0).flatten());
    if let Some(id) = changed {
        let cookie = format!("{COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}
