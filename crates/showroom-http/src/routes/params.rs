//! Path and query parameters parsed into domain types with the app's own errors: a malformed id
//! is a `400 invalid_id` naming the parameter, never axum's plain-text rejection; a bad query
//! value names its parameter.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use showroom_domain::{OrderNumber, OrderState};
use showroom_store::OrderQuery;
use uuid::Uuid;

use crate::error::{ApiError, FieldContext};

pub fn parse_id(raw: &str, field: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::BadRequest {
        code: "invalid_id",
        detail: format!("`{field}` must be a UUID"),
        field: Some(field.to_owned()),
    })
}

/// The `{id}` of an admin route's path, parsed by [`parse_id`]: every route that names a record
/// by id answers a malformed one alike.
pub struct IdPath(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = Path::<String>::from_request_parts(parts, state)
            .await
            .map_or_else(|_| String::new(), |Path(raw)| raw);
        parse_id(&raw, "id").map(IdPath)
    }
}

/// Orders per page of the admin order list when the caller does not say.
pub(crate) const DEFAULT_ORDER_LIMIT: u32 = 50;

/// The admin order list's `state=&q=&limit=&before=` → an [`OrderQuery`]: a malformed value is a
/// 422 naming its parameter, an unknown parameter a 400.
pub(crate) fn parse_order_query(raw: &str) -> Result<OrderQuery, ApiError> {
    let mut query = OrderQuery {
        limit: DEFAULT_ORDER_LIMIT,
        ..OrderQuery::default()
    };
    for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
        match name.as_ref() {
            "state" => query.state = Some(OrderState::parse(&value).field("state")?),
            "q" => query.search = Some(value.into_owned()).filter(|q| !q.trim().is_empty()),
            "before" => query.before_number = Some(OrderNumber::parse(&value).field("before")?),
            "limit" => {
                query.limit = value
                    .parse::<u32>()
                    .ok()
                    .filter(|l| (1..=100).contains(l))
                    .ok_or_else(|| {
                        ApiError::validation("limit", "`limit` is a whole number from 1 to 100")
                    })?
            }
            other => {
                return Err(ApiError::BadRequest {
                    code: "invalid_query",
                    detail: format!("`{other}` is not a parameter of the order list"),
                    field: Some(other.to_owned()),
                })
            }
        }
    }
    Ok(query)
}
