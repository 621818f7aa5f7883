//! [`Shopper`]: the person behind a storefront request, as their session says: a guest (maybe
//! with a cart) or a logged-in customer. Handlers take it as an extractor; it needs the session
//! layer, which wraps every `/api` route.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use tower_sessions::Session;
use uuid::Uuid;

use crate::error::ApiError;
use crate::sessions::{CSRF_TOKEN, CUSTOMER_ID, GUEST_CART_ID, STAFF_ID};

pub struct Shopper {
    pub session: Session,
    /// The logged-in customer, if any.
    pub customer: Option<Uuid>,
}

pub(crate) fn session_failed(error: tower_sessions::session::Error) -> ApiError {
    tracing::error!(%error, "the session store failed");
    ApiError::Unavailable {
        detail: "sessions are unavailable right now; retry in a moment".into(),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Shopper {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, why)| ApiError::internal(why))?;
        let customer = session
            .get::<Uuid>(CUSTOMER_ID)
            .await
            .map_err(session_failed)?;
        Ok(Self { session, customer })
    }
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

    /// The session's CSRF token, made on first use.
    pub async fn csrf_token(&self) -> Result<String, ApiError> {
        csrf_token(&self.session).await
    }

    pub async fn staff_id(&self) -> Result<Option<Uuid>, ApiError> {
        self.session
            .get::<Uuid>(STAFF_ID)
            .await
            .map_err(session_failed)
    }
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
