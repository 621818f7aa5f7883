//! The error responses that several routes document alike, in sets, so each handler's OpenAPI
//! entry lists its successes and its own refusals and names a set instead of repeating the shared
//! problem responses. Every variant is an RFC 9457 problem document (see `crate::error`).

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

/// What a route of a staff area (orders, discount codes, staff and API tokens) answers a caller
/// it does not let in. The descriptions are single lines: each becomes the document's text as is.
#[derive(IntoResponses)]
#[expect(dead_code, reason = "documentation only: handlers return ApiError")]
pub enum StaffAreaRefusals {
    /// Not authenticated
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// Not allowed: staff and API tokens are for admins, discount codes for admins and `discounts` tokens, orders for staff and `orders` tokens
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
}

/// What a login (customer or staff) can answer besides success.
#[derive(IntoResponses)]
#[expect(dead_code, reason = "documentation only: handlers return ApiError")]
pub enum LoginRefusals {
    /// Wrong email or password (`invalid_credentials`), or a deactivated staff account
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// Missing or wrong `X-CSRF-Token` for a request with the session cookie
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// Malformed email
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
    /// Too many failed logins (`Retry-After` says when to retry)
    #[response(status = 429, content_type = "application/problem+json")]
    TooManyRequests(Problem),
}

/// What a customer's registration can answer besides the new account.
#[derive(IntoResponses)]
#[expect(dead_code, reason = "documentation only: handlers return ApiError")]
pub enum RegistrationRefusals {
    /// Missing or wrong `X-CSRF-Token` for a request with the session cookie
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// An account with this email exists
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// Invalid email, or a password the policy refuses (the detail says why)
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
}

/// What a checkout (of given lines or of the cart) can answer besides the order.
#[derive(IntoResponses)]
#[expect(dead_code, reason = "documentation only: handlers return ApiError")]
pub enum CheckoutRefusals {
    /// Missing or malformed `Idempotency-Key`, or malformed JSON
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// The payment failed (`payment_declined`, `insufficient_funds`, `payment_error`, `payment_timeout`); the stock was released (and a cart kept)
    #[response(status = 402, content_type = "application/problem+json")]
    PaymentRequired(Problem),
    /// A line sold out (`sold_out`) or its last units are held by pending payments (`stock_held`, with `Retry-After`), the key was used for another checkout (`conflict`), or the first attempt is still paying (`checkout_in_progress`)
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// The body is too large
    #[response(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Problem),
    /// The body is not JSON
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
    /// A field is invalid (named in `field`): an unknown field such as a price, a quantity, an unknown or unpublished variant, an email or address; for a cart, an empty cart (`lines`) or a line no longer for sale
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
    /// The database is unavailable
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// What a route that reads the database answers while it cannot reach it.
#[derive(IntoResponses)]
#[expect(dead_code, reason = "documentation only: handlers return ApiError")]
pub enum DatabaseUnavailable {
    /// The database is unavailable
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// What a customer's own route answers a visitor who is not logged in.
#[derive(IntoResponses)]
#[expect(dead_code, reason = "documentation only: handlers return ApiError")]
pub enum NotLoggedIn {
    /// Not logged in
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
}

/// What a write with the session cookie answers without the session's CSRF token.
#[derive(IntoResponses)]
#[expect(dead_code, reason = "documentation only: handlers return ApiError")]
pub enum CsrfRefusal {
    /// Missing or wrong `X-CSRF-Token`
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
}

/// What a route about one order answers when the id names none.
#[derive(IntoResponses)]
#[expect(dead_code, reason = "documentation only: handlers return ApiError")]
pub enum NoSuchOrder {
    /// No such order
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
}

/// What a route about one discount code answers when the path names none.
#[derive(IntoResponses)]
#[expect(dead_code, reason = "documentation only: handlers return ApiError")]
pub enum NoSuchDiscountCode {
    /// No such code
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
}

/// What a file under `/assets` can answer besides the file (or `304 Not Modified`).
#[derive(IntoResponses)]
#[expect(dead_code, reason = "documentation only: handlers return ApiError")]
pub enum AssetRefusals {
    /// A malformed `expires`
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Missing CDN origin secret, or an expired or wrong signature
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such asset, or one that is not public
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// No byte of the file is in the range (`Content-Range: bytes */SIZE`)
    #[response(status = 416, content_type = "application/problem+json")]
    RangeNotSatisfiable(Problem),
}
