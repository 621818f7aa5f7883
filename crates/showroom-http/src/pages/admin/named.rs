//! [`Named`]: the record an admin page or form names in its path (`/admin/orders/{id}`), for a
//! signed-in member whose role covers it. Every such route checks the role first (the 403 page),
//! then loads the record; a malformed or unknown id is the 404 page, never an error of the store.

use std::future::Future;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use showroom_domain::DiscountCode;
use showroom_store::{ApiTokenRecord, DiscountRecord, Order, Product, StaffMember};
use uuid::Uuid;

use super::signed_in::SignedIn;
use crate::pages::errors::PageError;
use crate::principal::Permission;
use crate::state::AppState;

/// A record an admin route can name in its path.
pub trait PathRecord: Sized {
    /// The part of the back office the record belongs to.
    const PERMISSION: Permission;

    /// The record the path segment `raw` names, if there is one.
    fn find(
        state: &AppState,
        raw: &str,
    ) -> impl Future<Output = Result<Option<Self>, PageError>> + Send;

    /// The record `raw` names, or the 404 page.
    fn load(state: &AppState, raw: &str) -> impl Future<Output = Result<Self, PageError>> + Send {
        async move {
            Self::find(state, raw)
                .await?
                .ok_or_else(PageError::not_found)
        }
    }
}

/// The signed-in member and the record the path names.
pub struct Named<T>(pub SignedIn, pub T);

impl<T: PathRecord + Send> FromRequestParts<AppState> for Named<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let user = SignedIn::from_request_parts(parts, state).await?;
        user.require(T::PERMISSION)?;
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| PageError::not_found().into_response())?;
        let record = T::load(state, &raw).await?;
        Ok(Self(user, record))
    }
}

fn id(raw: &str) -> Result<Uuid, PageError> {
    Uuid::parse_str(raw).map_err(|_| PageError::not_found())
}

impl PathRecord for Product {
    const PERMISSION: Permission = Permission::Catalog;

    async fn find(state: &AppState, raw: &str) -> Result<Option<Self>, PageError> {
        Ok(state.catalog.product_by_id(id(raw)?).await?)
    }
}

impl PathRecord for Order {
    const PERMISSION: Permission = Permission::Orders;

    async fn find(state: &AppState, raw: &str) -> Result<Option<Self>, PageError> {
        Ok(state.catalog.order_by_id(id(raw)?).await?)
    }
}

impl PathRecord for StaffMember {
    const PERMISSION: Permission = Permission::Access;

    async fn find(state: &AppState, raw: &str) -> Result<Option<Self>, PageError> {
        Ok(state.catalog.staff_member(id(raw)?).await?)
    }
}

impl PathRecord for ApiTokenRecord {
    const PERMISSION: Permission = Permission::Access;

    async fn find(state: &AppState, raw: &str) -> Result<Option<Self>, PageError> {
        let id = id(raw)?;
        let tokens = state.catalog.list_api_tokens().await?;
        Ok(tokens.into_iter().find(|t| t.id == id))
    }
}

impl PathRecord for DiscountRecord {
    const PERMISSION: Permission = Permission::Discounts;

    async fn find(state: &AppState, raw: &str) -> Result<Option<Self>, PageError> {
        let code = DiscountCode::parse(raw).map_err(|_| PageError::not_found())?;
        Ok(state.catalog.discount_by_code(&code).await?)
    }
}
