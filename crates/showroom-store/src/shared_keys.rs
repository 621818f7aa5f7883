//! Secrets that every instance of one shop must share — the signing key of asset URLs and the
//! key of guest order links — generated once and kept in the database, so that instances agree
//! without an operator copying secrets between them and a restart keeps every link working.
//!
//! Guarantee: for one name, every caller on every instance gets the same value forever (until
//! someone deletes the row). The first caller's candidate wins; concurrent first calls race on
//! the primary key and the losers read the winner's value.

use async_trait::async_trait;

use crate::StoreError;

/// Keys kept in the database under a name.
#[async_trait]
pub trait SharedKeyStore: Send + Sync {
    /// The key stored under `name`, storing `candidate` first when there is none yet.
    async fn shared_key(&self, name: &str, candidate: &str) -> Result<String, StoreError>;
}
