//! [`SharedKeyStore`] in SQL: an insert that does nothing when the name exists, then a read, so
//! the first writer's key wins on both engines.

use async_trait::async_trait;
use showroom_store::{unix_millis, SharedKeyStore, StoreError};

use crate::error::db;
use crate::rows::get;
use crate::SqlCatalog;

#[async_trait]
impl SharedKeyStore for SqlCatalog {
    async fn shared_key(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        if name.is_empty() || candidate.is_empty() {
            return Err(StoreError::Invalid {
                field: "shared_key",
                message: "a shared key needs a name and a value".into(),
            });
        }
        sqlx::query(
            "INSERT INTO shared_keys (name, secret, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(candidate)
        .bind(unix_millis())
        .execute(&self.pool)
        .await
        .map_err(db)?;
        let row = sqlx::query("SELECT secret FROM shared_keys WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        get(&row, "secret")
    }
}
