//! The one error type of this crate.
//!
//! Every variant names what was wrong in words a caller can pass on: a bad store URL, a hash or
//! file name that cannot form a safe key, an unsatisfiable byte range, or a failure of the
//! storage engine underneath (kept as the `source` so it can be logged with its cause chain).

use std::ops::Range;

/// What went wrong while talking to blob storage or validating a key.
#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    /// The blob store URL could not be turned into a store.
    #[error("invalid blob store URL `{url}`: {reason}")]
    InvalidStoreUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        reason: String,
    },

    /// A content hash was not 64 lowercase hex digits.
    #[error("invalid content hash: {0}")]
    InvalidHash(String),

    /// A file name was not a single safe path segment.
    #[error("invalid file name: {0}")]
    InvalidFileName(String),

    /// A byte range that no byte of the object can satisfy.
    #[error("byte range {}..{} cannot be satisfied by an object of {size} bytes", range.start, range.end)]
    InvalidRange {
        /// The range that was asked for.
        range: Range<u64>,
        /// The object's size (0 when the range was empty or reversed before any lookup).
        size: u64,
    },

    /// The local store directory could not be created.
    #[error("cannot create blob store directory `{path}`: {source}")]
    CreateDir {
        /// The directory.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },

    /// An upload went past the size limit; nothing was stored.
    #[error("the upload is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },

    /// An upload is not a kind of file we take; the reason says which kinds are.
    #[error("{0}")]
    Unsupported(String),

    /// An upload had no bytes.
    #[error("the upload is empty")]
    Empty,

    /// The upload's body stream failed (the client went away); nothing was stored.
    #[error("the upload was interrupted: {0}")]
    Interrupted(String),

    /// The storage engine failed (network, permissions, disk).
    #[error("blob storage failed: {0}")]
    Storage(#[from] object_store::Error),
}

impl AssetError {
    /// True when the error was caused by the caller's input (a 4xx at the HTTP edge), false when
    /// the storage itself failed (a 5xx).
    pub fn is_client_error(&self) -> bool {
        matches!(
            self,
            Self::InvalidHash(_)
                | Self::InvalidFileName(_)
                | Self::InvalidRange { .. }
                | Self::TooLarge { .. }
                | Self::Empty
                | Self::Unsupported(_)
                | Self::Interrupted(_)
        )
    }
}
