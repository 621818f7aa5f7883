//! Who is calling the admin API. The admin guard establishes a [`Principal`] before any admin
//! handler runs and leaves it in the request's extensions; handlers that record *who* did
//! something (an order event, say) take it with the [`AdminActor`] extractor.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use showroom_store::Actor;

use crate::error::ApiError;

/// An authenticated caller of `/api/v1/admin`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// The configured bootstrap `admin_token`: every permission, for first set-up and scripts.
    BootstrapToken,
}

impl Principal {
    /// How this caller appears in order events.
    pub fn actor(&self) -> Actor {
        match self {
            Self::BootstrapToken => Actor::ApiToken(None),
        }
    }
}

/// The acting principal of an admin request, as an order-event [`Actor`]. Outside the admin
/// guard (a route that is not under `/api/v1/admin`) it is a 401.
pub struct AdminActor(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for AdminActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .map(|principal| Self(principal.actor()))
            .ok_or(ApiError::Unauthorized)
    }
}
