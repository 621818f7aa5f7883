//! The one error type of the crate.
//!
//! A [`CacheError`] never carries a secret: URLs inside it have their password replaced by
//! `***`, and backend errors are kept only as a `source` for logging. Callers on the request
//! path are expected to log the error and carry on as if the cache had missed.

use std::time::Duration;

/// The boxed cause of a backend failure, kept for the log and never shown to a user.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a cache operation or a cache connection failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CacheError {
    /// The cache URL could not be parsed. The URL itself is not repeated because it may hold a
    /// password in a form we could not redact.
    #[error("invalid cache URL: {reason}")]
    InvalidUrl {
        /// What is wrong with it.
        reason: String,
    },

    /// The URL scheme names no cache backend this crate knows.
    #[error(
        "unsupported cache URL scheme `{scheme}` in {url} (expected memory://, redis:// or rediss://)"
    )]
    UnsupportedScheme {
        /// The scheme as written.
        scheme: String,
        /// The URL with its password redacted.
        url: String,
    },

    /// A namespace name that could make two namespaces share keys.
    #[error(
        "invalid cache namespace `{namespace}`: use 1 to 64 ASCII letters, digits, `-`, `_` or `.`"
    )]
    InvalidNamespace {
        /// The namespace as given.
        namespace: String,
    },

    /// The Redis server could not be reached or refused the connection.
    #[error("cannot connect to the Redis cache at {url}")]
    Connect {
        /// The URL with its password redacted.
        url: String,
        /// The cause, for the log.
        #[source]
        source: BoxError,
    },

    /// Connecting to Redis took longer than the configured bound.
    #[error("timed out after {timeout:?} connecting to the Redis cache at {url}")]
    ConnectTimeout {
        /// The URL with its password redacted.
        url: String,
        /// The bound that was exceeded.
        timeout: Duration,
    },

    /// The backend failed a moment ago and its circuit breaker is open: the command was not
    /// sent. Treated like any other error (a miss, "not stored"), but not logged per request.
    #[error("{backend} cache skipped: it failed recently and is being given time to recover")]
    CircuitOpen {
        /// [`crate::Cache::backend_name`] of the skipped backend.
        backend: &'static str,
    },

    /// A command against a connected backend failed (network error, timeout, server error).
    #[error("{backend} cache command `{operation}` failed")]
    Backend {
        /// [`crate::Cache::backend_name`] of the failing backend.
        backend: &'static str,
        /// The operation that failed, such as `get` or `invalidate_namespace`.
        operation: &'static str,
        /// The cause, for the log.
        #[source]
        source: BoxError,
    },
}

impl CacheError {
    /// The error and its whole chain of causes on one line, for a log field.
    pub fn display_chain(&self) -> String {
        let mut line = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(err) = cause {
            line.push_str(": ");
            line.push_str(&err.to_string());
            cause = err.source();
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::CacheError;

    #[test]
    fn display_chain_includes_the_cause() {
        let err = CacheError::Backend {
            backend: "redis",
            operation: "get",
            source: "connection reset".into(),
        };
        assert_eq!(
            err.display_chain(),
            "redis cache command `get` failed: connection reset"
        );
    }
}
