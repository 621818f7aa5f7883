//! The one error every parser in this crate returns: a plain sentence a shopper or merchant can
//! read, without the name of the field (the caller knows which field it parsed).

/// Why a value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DomainError(pub String);

impl DomainError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}
