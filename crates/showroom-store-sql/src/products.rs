//! Writing products. A product's row, its search entry (kept by the schema), its words in the
//! search vocabulary and its listing columns change together in one transaction; changing the declared options is refused while a
//! variant still uses a value the new options drop.

use async_trait::async_trait;
use showroom_domain::ProductStatus;
use showroom_store::{NewProduct, Product, ProductPatch, ProductStore, StoreError};
use uuid::Uuid;

use crate::error::{db, on_write};
use crate::read::{self, written_product, ProductKey};
use crate::sql::now_millis;
use crate::{search_terms, validate, SqlCatalog};

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Internal(Box::new(e)))
}

#[async_trait]
impl ProductStore for SqlCatalog {
    async fn create_product(&self, new: NewProduct) -> Result<Product, StoreError> {
        validate::options(&new.options)?;
        let id = Uuid::now_v7();
        let now = now_millis();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO products (id, slug, title, title_key, description, status, category_id, \
             attributes, options, available, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $10)",
        )
        .bind(id.to_string())
        .bind(new.slug.as_str())
        .bind(new.title.as_str())
        .bind(new.title.as_str().to_lowercase())
        .bind(new.description.as_str())
        .bind(new.status.as_str())
        .bind(new.category_id.map(|c| c.to_string()))
        .bind(json(&new.attributes)?)
        .bind(json(&new.options)?)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(on_write("category_id"))?;
        search_terms::remember(&mut tx, &[new.title.as_str(), new.description.as_str()]).await?;
        let product = written_product(&mut tx, id).await?;
        tx.commit().await.map_err(db)?;
        Ok(product)
    }

    async fn update_product(&self, id: Uuid, patch: ProductPatch) -> Result<Product, StoreError> {
        if let Some(options) = &patch.options {
            validate::options(options)?;
        }
        let mut tx = self.begin_write().await?;
        self.lock_product(&mut tx, id).await?;
        let current = read::product(&mut tx, ProductKey::Id(id))
            .await?
            .ok_or(StoreError::NotFound { what: "product" })?;
        if let Some(options) = &patch.options {
            for variant in &current.variants {
                validate::option_values(options, &variant.option_values).map_err(|_| {
                    StoreError::invalid(
                        "options",
                        "a variant still uses an option value these options drop",
                    )
                })?;
            }
        }
        let title = patch.title.unwrap_or(current.title);
        let description = patch.description.unwrap_or(current.description);
        search_terms::remember(&mut tx, &[title.as_str(), description.as_str()]).await?;
        sqlx::query(
            "UPDATE products SET slug = $2, title = $3, title_key = $4, description = $5, category_id = $6, \
             attributes = $7, options = $8, updated_at = $9 WHERE id = $1",
        )
        .bind(id.to_string())
        .bind(patch.slug.unwrap_or(current.slug).as_str().to_owned())
        .bind(title.as_str().to_owned())
        .bind(title.as_str().to_lowercase())
        .bind(description.as_str().to_owned())
        .bind(patch.category_id.unwrap_or(current.category_id).map(|c| c.to_string()))
        .bind(json(&patch.attributes.unwrap_or(current.attributes))?)
        .bind(json(&patch.options.unwrap_or(current.options))?)
        .bind(now_millis())
        .execute(&mut *tx)
        .await
        .map_err(on_write("category_id"))?;
        let product = written_product(&mut tx, id).await?;
        tx.commit().await.map_err(db)?;
        Ok(product)
    }

    async fn set_product_status(
        &self,
        id: Uuid,
        status: ProductStatus,
    ) -> Result<Product, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE products SET status = $2, updated_at = $3 WHERE id = $1")
            .bind(id.to_string())
            .bind(status.as_str())
            .bind(now_millis())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "product" });
        }
        let product = written_product(&mut tx, id).await?;
        tx.commit().await.map_err(db)?;
        Ok(product)
    }
}
