//! Who is calling the admin API and what they may do. The admin guard establishes a
//! [`Principal`] before any admin handler runs and leaves it in the request's extensions;
//! handlers that record *who* did something (an order event, say) take it with the
//! [`AdminActor`] extractor.
//!
//! Permissions are per area of the admin API ([`Permission::for_path`]):
//!
//! | area                                   | admin | staff | API token        | bootstrap token |
//! |----------------------------------------|-------|-------|------------------|-----------------|
//! | catalog (CSV), inventory, assets       | yes   | yes   | scope `catalog`  | yes             |
//! | orders                                 | yes   | yes   | scope `orders`   | yes             |
//! | discount codes                         | yes   | no    | scope `discounts`| yes             |
//! | staff accounts and API tokens (access) | yes   | no    | never            | yes             |
//!
//! A path in no known area counts as access, the strictest: a route added without a decision
//! about who may use it is closed to everyone but admins, never open to every member of staff.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use showroom_store::{Actor, StaffRole};
use uuid::Uuid;

use crate::error::ApiError;

/// An area of the admin API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Catalog,
    Orders,
    Discounts,
    /// Staff accounts and API tokens.
    Access,
}

pub use showroom_shop::api_tokens::TOKEN_SCOPES;

impl Permission {
    /// The area a path under `/api/v1/admin` belongs to.
    pub fn for_path(path: &str) -> Self {
        let rest = path.strip_prefix("/api/v1/admin/").unwrap_or(path);
        let area = rest.split('/').next().unwrap_or_default();
        match area {
            "products" | "variants" | "categories" | "assets" | "inventory" | "catalog" => {
                Self::Catalog
            }
            "orders" => Self::Orders,
            "discount-codes" => Self::Discounts,
            _ => Self::Access,
        }
    }

    fn scope(self) -> Option<&'static str> {
        match self {
            Self::Catalog => Some("catalog"),
            Self::Orders => Some("orders"),
            Self::Discounts => Some("discounts"),
            Self::Access => None,
        }
    }
}

/// An authenticated caller of `/api/v1/admin`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// The configured bootstrap `admin_token`: every permission, for first set-up and scripts.
    BootstrapToken,
    /// A member of staff logged in with the session cookie.
    Staff { id: Uuid, role: StaffRole },
    /// An API token with its scopes.
    ApiToken { id: Uuid, scopes: Vec<String> },
}

impl Principal {
    /// How this caller appears in order events.
    pub fn actor(&self) -> Actor {
        match self {
            Self::BootstrapToken => Actor::ApiToken(None),
            Self::Staff { id, .. } => Actor::Staff(*id),
            Self::ApiToken { id, .. } => Actor::ApiToken(Some(*id)),
        }
    }

    pub fn may(&self, permission: Permission) -> bool {
        match self {
            Self::BootstrapToken => true,
            Self::Staff {
                role: StaffRole::Admin,
                ..
            } => true,
            Self::Staff {
                role: StaffRole::Staff,
                ..
            } => matches!(permission, Permission::Catalog | Permission::Orders),
            Self::ApiToken { scopes, .. } => permission
                .scope()
                .is_some_and(|scope| scopes.iter().any(|s| s == scope)),
        }
    }

    /// The member of staff behind the request, if it is one.
    pub fn staff_id(&self) -> Option<Uuid> {
        match self {
            Self::Staff { id, .. } => Some(*id),
            _ => None,
        }
    }
}

/// The acting principal of an admin request, as an order-event [`Actor`]. Outside the admin
/// guard (a route that is not under `/api/v1/admin`) it is a 401.
pub struct AdminActor(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for AdminActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let principal = Principal::from_request_parts(parts, state).await?;
        Ok(Self(principal.actor()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or(ApiError::Unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_their_area() {
        for (path, area) in [
            ("/api/v1/admin/products/x", Permission::Catalog),
            ("/api/v1/admin/orders", Permission::Orders),
            ("/api/v1/admin/staff/1", Permission::Access),
            ("/api/v1/admin/api-tokens", Permission::Access),
            ("/api/v1/admin/discount-codes/A", Permission::Discounts),
        ] {
            assert_eq!(Permission::for_path(path), area, "{path}");
        }
    }

    #[test]
    fn an_unknown_area_needs_the_strictest_permission() {
        for path in [
            "/api/v1/admin/reports",
            "/api/v1/admin/",
            "/api/v1/admin/Products/x",
            "/api/v1/admin/settings/payments",
        ] {
            assert_eq!(Permission::for_path(path), Permission::Access, "{path}");
        }
        let staff = Principal::Staff {
            id: Uuid::nil(),
            role: StaffRole::Staff,
        };
        assert!(!staff.may(Permission::for_path("/api/v1/admin/reports")));
    }

    #[test]
    fn every_admin_route_has_a_decided_area() {
        let (_, document, _) = crate::app::api_routers();
        for path in document.paths.paths.keys() {
            let Some(rest) = path.strip_prefix("/api/v1/admin/") else {
                continue;
            };
            let area = rest.split('/').next().unwrap_or_default();
            let access = matches!(area, "staff" | "api-tokens");
            assert_eq!(
                Permission::for_path(path) == Permission::Access,
                access,
                "{path}: add its area to Permission::for_path"
            );
        }
    }

    #[test]
    fn tokens_never_manage_access() {
        let token = Principal::ApiToken {
            id: Uuid::nil(),
            scopes: TOKEN_SCOPES.map(String::from).to_vec(),
        };
        assert!(token.may(Permission::Orders));
        assert!(!token.may(Permission::Access));
    }
}
