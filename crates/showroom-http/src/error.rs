//! The one error type of the HTTP edge, rendered as RFC 9457 `application/problem+json`.
//! 4xx errors carry a message meant for the caller, a stable machine `code`, and for validation
//! the offending `field` (a JSON pointer-like dotted path). 5xx errors are logged with their whole
//! cause chain here, once, and leave with a generic message: causes are never sent.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use showroom_domain::DomainError;
use showroom_shop::{error_chain, ShopError};
use showroom_store::StoreError;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`about:blank` style: it names, it does not resolve).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    pub status: u16,
    /// What went wrong in this request, in plain words.
    pub detail: String,
    /// Stable machine-readable code, e.g. `validation_failed`, `not_found`, `conflict`.
    pub code: String,
    /// The input field at fault, when there is one (`price.amount_minor`, `slug`, `cursor`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{detail}")]
    BadRequest {
        code: &'static str,
        detail: String,
        field: Option<String>,
    },
    #[error("{detail}")]
    Validation { field: String, detail: String },
    #[error("{what} not found")]
    NotFound { what: &'static str },
    #[error("{detail}")]
    Conflict {
        field: Option<String>,
        detail: String,
    },
    /// A refusal with its own status and stable code (413 for an upload over its limit, 415 for
    /// a file that is not a model).
    #[error("{detail}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        detail: String,
    },
    #[error("a valid admin API token is required")]
    Unauthorized,
    #[error("the request body is larger than this route accepts")]
    PayloadTooLarge,
    #[error("the request body must be `application/json`")]
    UnsupportedMediaType,
    #[error("{detail}")]
    Unavailable { detail: String },
    /// A refusal that may succeed later: `status` (429, or 409 for stock held by pending
    /// payments) with `Retry-After`.
    #[error("{detail}")]
    RetryLater {
        status: StatusCode,
        code: &'static str,
        detail: String,
        retry_after_secs: u64,
    },
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn validation(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            detail: detail.into(),
        }
    }

    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(cause.into())
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Refused { status, .. } => *status,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::RetryLater { status, .. } => *status,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. } => code,
            Self::Validation { .. } => "validation_failed",
            Self::NotFound { .. } => "not_found",
            Self::Conflict { .. } => "conflict",
            Self::Refused { code, .. } => code,
            Self::Unauthorized => "unauthorized",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::Unavailable { .. } => "unavailable",
            Self::RetryLater { code, .. } => code,
            Self::Internal(_) => "internal",
        }
    }

    fn field(&self) -> Option<String> {
        match self {
            Self::BadRequest { field, .. } | Self::Conflict { field, .. } => field.clone(),
            Self::Validation { field, .. } => Some(field.clone()),
            _ => None,
        }
    }

    pub fn to_problem(&self) -> Problem {
        let status = self.status();
        Problem {
            kind: format!(
                "https://showroom.dev/problems/{}",
                self.code().replace('_', "-")
            ),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: self.to_string(),
            code: self.code().to_owned(),
            field: self.field(),
        }
    }
}

/// Renders a problem document with the right content type; shared by [`ApiError`] and the
/// middleware layers (timeouts, panics, body limits) that produce errors outside handlers.
pub fn problem_response(status: StatusCode, problem: &Problem) -> Response {
    let body = serde_json::to_vec(problem).unwrap_or_default();
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            Self::Internal(cause) => {
                tracing::error!(error = %error_chain(cause.as_ref()), "request failed")
            }
            Self::Unavailable { .. } => tracing::warn!(error = %self, "dependency unavailable"),
            _ => tracing::debug!(error = %self, code = self.code(), "request refused"),
        }
        let mut response = problem_response(status, &self.to_problem());
        if matches!(self, Self::Unauthorized) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"showroom-admin\""),
            );
        }
        let retry_after = match &self {
            Self::Unavailable { .. } => Some(5),
            Self::RetryLater {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ => None,
        };
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        ShopError::from(error).into()
    }
}

/// The one place a shop refusal becomes an HTTP answer: its status, and the same stable code
/// and field the shop gives it.
impl From<ShopError> for ApiError {
    fn from(error: ShopError) -> Self {
        let refused = |status: StatusCode, error: &ShopError| Self::Refused {
            status,
            code: error.code(),
            detail: error.to_string(),
        };
        match error {
            ShopError::Invalid { field, detail } => Self::Validation { field, detail },
            ShopError::NotFound { what } => Self::NotFound { what },
            ShopError::Conflict { field, detail } => Self::Conflict { field, detail },
            ShopError::Unavailable { detail } | ShopError::Busy { detail } => {
                Self::Unavailable { detail }
            }
            ShopError::Internal(cause) => Self::Internal(cause),
            ShopError::Throttled { retry_after_secs } => Self::RetryLater {
                status: StatusCode::TOO_MANY_REQUESTS,
                code: error.code(),
                detail: error.to_string(),
                retry_after_secs,
            },
            ShopError::StockHeld {
                retry_after_secs, ..
            } => Self::RetryLater {
                status: StatusCode::CONFLICT,
                code: error.code(),
                detail: error.to_string(),
                retry_after_secs,
            },
            ShopError::InvalidWebhook | ShopError::BadUpload { .. } => Self::BadRequest {
                code: error.code(),
                detail: error.to_string(),
                field: None,
            },
            ShopError::SoldOut { .. } | ShopError::CheckoutInProgress => {
                refused(StatusCode::CONFLICT, &error)
            }
            ShopError::PaymentFailed { .. } => refused(StatusCode::PAYMENT_REQUIRED, &error),
            ShopError::InvalidCredentials => refused(StatusCode::UNAUTHORIZED, &error),
            ShopError::WrongPassword => refused(StatusCode::UNPROCESSABLE_ENTITY, &error),
            ShopError::RefundFailed { .. } => refused(StatusCode::BAD_GATEWAY, &error),
            ShopError::RefundPending => refused(StatusCode::GATEWAY_TIMEOUT, &error),
            ShopError::UploadTooLarge { .. } => refused(StatusCode::PAYLOAD_TOO_LARGE, &error),
            ShopError::UnsupportedModel { .. } => {
                refused(StatusCode::UNSUPPORTED_MEDIA_TYPE, &error)
            }
        }
    }
}

/// Attaches the field name to a domain parse error: `Slug::parse(s).field("slug")?`.
pub trait FieldContext<T> {
    fn field(self, field: &str) -> Result<T, ApiError>;
}

impl<T> FieldContext<T> for Result<T, DomainError> {
    fn field(self, field: &str) -> Result<T, ApiError> {
        self.map_err(|e| ApiError::validation(field, e.0))
    }
}
