//! Path parameters parsed into domain types with the app's own errors: a malformed id is a
//! `400 invalid_id` naming the parameter, never axum's plain-text rejection.

use uuid::Uuid;

use crate::error::ApiError;

pub fn parse_id(raw: &str, field: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::BadRequest {
        code: "invalid_id",
        detail: format!("`{field}` must be a UUID"),
        field: Some(field.to_owned()),
    })
}
