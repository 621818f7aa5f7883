//! The error responses the admin API documents, in two sets, so each handler's OpenAPI entry
//! lists its successes and names one set instead of repeating seven problem responses. Every
//! variant is an RFC 9457 problem document (see `crate::error`).

use utoipa::IntoResponses;

use crate::error::Problem;

/// What an admin read can answer besides success.
#[derive(IntoResponses)]
#[expect(dead_code, reason = "documentation only: handlers return ApiError")]
pub enum AdminReadRefusals {
    /// A malformed id or query parameter.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Missing or wrong admin token.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// No such resource.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
}

/// What an admin write can answer besides success.
#[derive(IntoResponses)]
#[expect(dead_code, reason = "documentation only: handlers return ApiError")]
pub enum AdminWriteRefusals {
    /// Malformed JSON, or a malformed id.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Missing or wrong admin token.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The resource addressed by the path does not exist.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// A unique field (slug, SKU) is taken, or stock would fall below zero.
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// The body is larger than the route accepts.
    #[response(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Problem),
    /// The body is not JSON.
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
    /// A field is invalid; `field` names it.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
}

/// What an upload can answer besides success.
#[derive(IntoResponses)]
#[expect(dead_code, reason = "documentation only: handlers return ApiError")]
pub enum UploadRefusals {
    /// An empty, interrupted or malformed upload (a multipart form without a file part).
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Missing or wrong admin token.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// Larger than `assets.max_upload_bytes`; nothing was stored.
    #[response(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Problem),
    /// Not a `.glb` or a `.zip` (judged from the first bytes); nothing was stored.
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
    /// Object storage or the database is unavailable; try again.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}
