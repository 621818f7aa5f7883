//! The store's error: a small set of outcomes the HTTP edge maps to statuses
//! (`NotFound` → 404, `Conflict` and `StockHeld` → 409, `Invalid` → 422, `Unavailable` → 503). Anything else is
//! `Internal`, logged with its cause and never shown to users.

pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The named thing does not exist (or is not visible to this caller).
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// A unique field is already taken, or a conditional update lost (stock, state).
    #[error("{message}")]
    Conflict {
        field: &'static str,
        message: String,
    },
    /// Not enough units are free, but enough are on the shelf: pending payments hold the rest.
    /// They are back if those payments fail, at the latest when the earliest hold ends, in
    /// `retry_after_secs`.
    #[error("{message}")]
    StockHeld {
        message: String,
        retry_after_secs: u64,
    },
    /// The input is well-typed but refers to something impossible (unknown parent, a cycle).
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// The database cannot be reached right now; retrying later may work.
    #[error("the database is unavailable")]
    Unavailable(#[source] BoxError),
    #[error("storage failure")]
    Internal(#[source] BoxError),
}

impl StoreError {
    pub fn conflict(field: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            field,
            message: message.into(),
        }
    }
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }
}
