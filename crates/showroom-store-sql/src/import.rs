//! Bulk import and export. A batch of products is one write transaction; each product is checked
//! with reads before anything of it is written (SKUs owned by another product, currency, option
//! values), so a refused product leaves the transaction healthy and the rest of the batch is kept.
//! Matching is by the product's slug and each variant's SKU: importing the same file twice
//! updates rows in place. The batch is checked and written a run of products at a time, with a
//! few statements per run (see `import_batch.rs`).

use async_trait::async_trait;
use showroom_store::{
    CatalogImportStore, ImportOutcome, ImportProduct, Product, StoreError, MAX_PAGE_SIZE,
};
use uuid::Uuid;

use crate::error::db;
use crate::import_batch::{import_run, independent_runs};
use crate::read::{self, ProductKey};
use crate::SqlCatalog;

#[async_trait]
impl CatalogImportStore for SqlCatalog {
    async fn import_products(
        &self,
        batch: &[ImportProduct],
    ) -> Result<Vec<ImportOutcome>, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut outcomes = Vec::with_capacity(batch.len());
        for run in independent_runs(batch) {
            outcomes.extend(import_run(&mut tx, run).await?);
        }
        tx.commit().await.map_err(db)?;
        Ok(outcomes)
    }

    async fn export_products(
        &self,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<Product>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let ids = sqlx::query("SELECT id FROM products WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after.map(|a| a.to_string()).unwrap_or_default())
            .bind(i64::from(limit.clamp(1, MAX_PAGE_SIZE)))
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
        let mut products = Vec::with_capacity(ids.len());
        for row in &ids {
            let id = crate::rows::uuid(row, "id")?;
            if let Some(product) = read::product(&mut conn, ProductKey::Id(id)).await? {
                products.push(product);
            }
        }
        Ok(products)
    }

    async fn refresh_statistics(&self) -> Result<(), StoreError> {
        if let Some(statement) = self.dialect.refresh_catalog_statistics() {
            sqlx::query(statement)
                .execute(&self.pool)
                .await
                .map_err(db)?;
        }
        Ok(())
    }
}
