//! [`SqlCatalog`]: the pool and the dialect, the locking helpers every write starts with, and
//! [`StoreHealth`]. Each storage area's trait is implemented in the module that owns it
//! (`categories.rs`, `checkout.rs`, `jobs.rs`, …).

use std::sync::{Arc, Once};

use async_trait::async_trait;
use showroom_store::{PoolStats, StoreError, StoreHealth};
use sqlx::any::{Any, AnyRow};
use sqlx::{AnyConnection, AnyPool, Transaction};
use uuid::Uuid;

use crate::error::db;
use crate::slug_batches::SlugBatches;
use crate::Dialect;

/// Registers sqlx's SQLite and PostgreSQL drivers with the `Any` driver; safe to call any number
/// of times from any thread.
pub fn install_drivers() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(sqlx::any::install_default_drivers);
}

/// The catalog over one connection pool. Cheap to clone: clones share the pool.
#[derive(Clone)]
pub struct SqlCatalog {
    pub(crate) pool: AnyPool,
    pub(crate) dialect: Arc<dyn Dialect>,
    /// Product look-ups by slug read together (`slug_batches.rs`).
    pub(crate) slug_batches: Arc<SlugBatches>,
}

impl std::fmt::Debug for SqlCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlCatalog")
            .field("backend", &self.dialect.name())
            .finish_non_exhaustive()
    }
}

impl SqlCatalog {
    /// Wraps a pool whose schema the backend crate has already migrated.
    pub fn new(pool: AnyPool, dialect: impl Dialect) -> Self {
        Self {
            pool,
            dialect: Arc::new(dialect),
            slug_batches: Arc::default(),
        }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>, StoreError> {
        self.pool
            .begin_with(self.dialect.begin_write())
            .await
            .map_err(db)
    }

    /// `" AND …"`, to end the `WHERE` clause of a one-statement write whose commit need not
    /// wait for the disk (see [`Dialect::deferred_flush_condition`]); empty where that is moot.
    pub(crate) fn and_deferred_flush(&self) -> String {
        self.dialect
            .deferred_flush_condition()
            .map_or_else(String::new, |condition| format!(" AND {condition}"))
    }

    /// The row that `sql` selects with `$1` bound to `key`, if there is one.
    pub(crate) async fn row_by_key(
        &self,
        sql: &str,
        key: &str,
    ) -> Result<Option<AnyRow>, StoreError> {
        sqlx::query(sql)
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)
    }

    /// Takes the product's row lock (a no-op update) so writes to one product and its variants
    /// queue behind each other. `NotFound` when there is no such product.
    pub(crate) async fn lock_product(
        &self,
        conn: &mut AnyConnection,
        product_id: Uuid,
    ) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE products SET available = available WHERE id = $1")
            .bind(product_id.to_string())
            .execute(conn)
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "product" });
        }
        Ok(())
    }

    /// Locks the product owning a variant and returns its id; `NotFound` for an unknown variant.
    pub(crate) async fn lock_product_of_variant(
        &self,
        conn: &mut AnyConnection,
        variant_id: Uuid,
    ) -> Result<Uuid, StoreError> {
        let row = sqlx::query(
            "UPDATE products SET available = available \
             WHERE id = (SELECT product_id FROM variants WHERE id = $1) RETURNING id",
        )
        .bind(variant_id.to_string())
        .fetch_optional(conn)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound { what: "variant" })?;
        crate::rows::uuid(&row, "id")
    }
}

#[async_trait]
impl StoreHealth for SqlCatalog {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    fn pool_stats(&self) -> PoolStats {
        let idle = u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX);
        PoolStats {
            size: self.pool.size(),
            idle,
            max: self.pool.options().get_max_connections(),
        }
    }

    fn backend_name(&self) -> &'static str {
        self.dialect.name()
    }
}
