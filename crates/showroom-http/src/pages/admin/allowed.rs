//! [`Allowed`]: the signed-in member of a page or form that belongs to one area of the back
//! office, once their role is known to cover it. A handler that takes `Allowed<Catalog>` cannot
//! run for a member whose role does not cover the catalog: they get the `403` page before the
//! handler is called (and before a form body is read), as [`super::named::Named`] does for a
//! record named in the path.

use std::marker::PhantomData;
use std::ops::Deref;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;

use super::signed_in::SignedIn;
use crate::principal::Permission;
use crate::state::AppState;

/// An area of the back office, as a type a handler names.
pub trait Area {
    const PERMISSION: Permission;
}

/// Products, variants, categories and 3D models.
pub struct Catalog;

/// Orders and their exports.
pub struct Orders;

/// Discount codes.
pub struct Discounts;

/// Staff accounts and API tokens.
pub struct Access;

impl Area for Catalog {
    const PERMISSION: Permission = Permission::Catalog;
}

impl Area for Orders {
    const PERMISSION: Permission = Permission::Orders;
}

impl Area for Discounts {
    const PERMISSION: Permission = Permission::Discounts;
}

impl Area for Access {
    const PERMISSION: Permission = Permission::Access;
}

/// The signed-in member, allowed into area `A`.
pub struct Allowed<A>(SignedIn, PhantomData<A>);

impl<A> Deref for Allowed<A> {
    type Target = SignedIn;

    fn deref(&self) -> &SignedIn {
        &self.0
    }
}

impl<A: Area> FromRequestParts<AppState> for Allowed<A> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let user = SignedIn::from_request_parts(parts, state).await?;
        user.require(A::PERMISSION)?;
        Ok(Self(user, PhantomData))
    }
}
