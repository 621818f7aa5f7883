//! [`ShopError`]: why a use case did not happen, in the shop's own terms. It knows nothing of
//! HTTP: the API maps it to a problem document in one place (`showroom-http`'s `error.rs`), a
//! page shows [`ShopError::to_string`] next to the form field [`ShopError::field`] names, and the
//! CLI prints it.
//!
//! Every variant has a stable machine [`code`](ShopError::code) (the same the API answers with).
//! Causes of [`ShopError::Internal`] are for the log, never for the shopper.

use showroom_store::StoreError;

use crate::payments::PaymentError;

/// Any error, as the cause of an internal one.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum ShopError {
    /// Input that breaks a rule, on a named field (`email`, `lines[2].quantity`,
    /// `payment.card_number`, `shipping_method`).
    #[error("{detail}")]
    Invalid { field: String, detail: String },
    /// A line cannot be had in the quantity asked; the detail names the item and how many are
    /// left ("Lamp (LAMP-1) is sold out (2 left)"). Nothing was reserved or charged.
    #[error("{detail}")]
    SoldOut { detail: String },
    /// The units asked for exist but are reserved by other shoppers' pending payments; they come
    /// back if those payments fail or their holds end, at the latest in `retry_after_secs`.
    #[error("{detail}")]
    StockHeld {
        detail: String,
        retry_after_secs: u64,
    },
    /// The payment did not go through (declined, insufficient funds, a processing error, a
    /// timeout): the order was cancelled, its stock returned, nothing charged.
    #[error("{failure}; the order was cancelled and nothing was charged")]
    PaymentFailed { failure: PaymentError },
    /// The thing addressed does not exist, or is not the caller's to see.
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// The request does not fit the current state: a taken email or SKU, an order that cannot take
    /// this step, more units than are available; `field` names what, when known.
    #[error("{detail}")]
    Conflict {
        field: Option<String>,
        detail: String,
    },
    /// An earlier attempt with the same idempotency key is still paying; retry in a moment.
    #[error("this checkout is still being paid; retry in a few seconds")]
    CheckoutInProgress,
    /// Unknown email or wrong password (indistinguishable on purpose).
    #[error("the email or the password is not right")]
    InvalidCredentials,
    /// Too many failed logins for this account or address.
    #[error("too many failed logins; try again in {retry_after_secs} seconds")]
    Throttled { retry_after_secs: u64 },
    /// A password change whose current password is not the account's.
    #[error("the current password is not right")]
    WrongPassword,
    /// The payment provider refused a refund; the detail says why and what it left as it was.
    #[error("{detail}")]
    RefundFailed { detail: String },
    /// The payment provider did not answer a refund in time; it stays pending, and the same
    /// request (same idempotency key) finishes it.
    #[error(
        "the payment provider did not answer in time; the refund is still pending: send the same \
         request again (same Idempotency-Key) to finish it"
    )]
    RefundPending,
    /// A payment webhook whose signature does not verify, or whose body is malformed.
    #[error("the webhook's signature does not verify, or its body is malformed")]
    InvalidWebhook,
    /// An upload over the size limit; nothing was stored.
    #[error("the upload is larger than the limit of {limit} bytes")]
    UploadTooLarge { limit: u64 },
    /// An upload that is not a model this shop takes (judged from its first bytes).
    #[error("{detail}")]
    UnsupportedModel { detail: String },
    /// An empty, interrupted or unreadable upload.
    #[error("{detail}")]
    BadUpload { detail: String },
    /// Too much of a costly kind of work (password hashing) is running; retry in a few seconds.
    #[error("{detail}")]
    Busy { detail: String },
    /// A dependency (the database, object storage) cannot be reached; retrying later may work.
    #[error("{detail}")]
    Unavailable { detail: String },
    /// A failure the shopper cannot act on; its cause is logged, never shown.
    #[error("internal error")]
    Internal(#[source] BoxError),
}

impl ShopError {
    /// A rule broken on `field`.
    pub fn invalid(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            detail: detail.into(),
        }
    }

    pub fn internal(cause: impl Into<BoxError>) -> Self {
        Self::Internal(cause.into())
    }

    /// The stable machine code, as the API answers it: `validation_failed`, `sold_out`,
    /// `payment_declined`, `not_found`, `conflict`, `too_many_login_attempts`, …
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "validation_failed",
            Self::SoldOut { .. } => "sold_out",
            Self::StockHeld { .. } => "stock_held",
            Self::PaymentFailed { failure } => failure.code(),
            Self::NotFound { .. } => "not_found",
            Self::Conflict { .. } => "conflict",
            Self::CheckoutInProgress => "checkout_in_progress",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Throttled { .. } => "too_many_login_attempts",
            Self::WrongPassword => "wrong_password",
            Self::RefundFailed { .. } => "refund_failed",
            Self::RefundPending => "refund_pending",
            Self::InvalidWebhook => "invalid_webhook",
            Self::UploadTooLarge { .. } => "upload_too_large",
            Self::UnsupportedModel { .. } => "unsupported_model_format",
            Self::BadUpload { .. } => "invalid_upload",
            Self::Unavailable { .. } | Self::Busy { .. } => "unavailable",
            Self::Internal(_) => "internal",
        }
    }

    /// The form field a page should show the error next to, when there is one. A wrong current
    /// password belongs to `current_password`; a failed payment to `payment.card_number`.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            Self::Conflict { field, .. } => field.as_deref(),
            Self::WrongPassword => Some("current_password"),
            Self::PaymentFailed { .. } => Some("payment.card_number"),
            _ => None,
        }
    }
}

impl From<StoreError> for ShopError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { what } => Self::NotFound { what },
            StoreError::Conflict { field, message } => Self::Conflict {
                field: Some(field.to_owned()),
                detail: message,
            },
            StoreError::Invalid { field, message } => Self::invalid(field, message),
            StoreError::StockHeld {
                message,
                retry_after_secs,
            } => Self::StockHeld {
                detail: message,
                retry_after_secs,
            },
            StoreError::Unavailable(cause) => {
                tracing::warn!(error = %error_chain(cause.as_ref()), "database unavailable");
                Self::Unavailable {
                    detail: "the database is unavailable, try again shortly".into(),
                }
            }
            StoreError::Internal(cause) => Self::Internal(cause),
        }
    }
}

/// Attaches the field name to a domain parse error: `Email::parse(s).field("email")?`.
pub trait FieldContext<T> {
    fn field(self, field: &str) -> Result<T, ShopError>;
}

impl<T> FieldContext<T> for Result<T, showroom_domain::DomainError> {
    fn field(self, field: &str) -> Result<T, ShopError> {
        self.map_err(|e| ShopError::invalid(field, e.0))
    }
}

/// An address names its own bad field: `shipping_address` becomes `shipping_address.country`.
impl<T> FieldContext<T> for Result<T, showroom_domain::AddressError> {
    fn field(self, field: &str) -> Result<T, ShopError> {
        self.map_err(|e| ShopError::invalid(format!("{field}.{}", e.field), e.message))
    }
}

/// An error and its causes on one line, for logs.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}
