//! The category tree. A category's parent must exist (the foreign key says so) and a move may
//! never make a category its own ancestor: the move is written first and then checked by walking
//! the new ancestors with `WITH RECURSIVE`, and a cycle rolls the whole move back.

use async_trait::async_trait;
use showroom_store::{Category, CategoryPatch, CategoryStore, NewCategory, StoreError};
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::error::{db, on_write};
use crate::rows::{self, CATEGORY_COLUMNS};
use crate::sql::now_millis;
use crate::SqlCatalog;

#[async_trait]
impl CategoryStore for SqlCatalog {
    async fn list_categories(&self) -> Result<Vec<Category>, StoreError> {
        let sql = format!("SELECT {CATEGORY_COLUMNS} FROM categories c ORDER BY c.name, c.id");
        let found = sqlx::query(&sql).fetch_all(&self.pool).await.map_err(db)?;
        found.iter().map(rows::category).collect()
    }

    async fn create_category(&self, new: NewCategory) -> Result<Category, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO categories (id, slug, name, parent_id, created_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id, slug, name, parent_id",
        )
        .bind(Uuid::now_v7().to_string())
        .bind(new.slug.as_str())
        .bind(new.name.as_str())
        .bind(new.parent_id.map(|p| p.to_string()))
        .bind(now_millis())
        .fetch_one(&mut *tx)
        .await
        .map_err(on_write("parent_id"))?;
        let category = rows::category(&row)?;
        tx.commit().await.map_err(db)?;
        Ok(category)
    }

    async fn update_category(
        &self,
        id: Uuid,
        patch: CategoryPatch,
    ) -> Result<Category, StoreError> {
        let mut tx = self.begin_write().await?;
        if let Some(lock) = self.dialect.lock_category_tree() {
            sqlx::query(lock).execute(&mut *tx).await.map_err(db)?;
        }
        let current = category(&mut tx, id)
            .await?
            .ok_or(StoreError::NotFound { what: "category" })?;
        let parent_id = patch.parent_id.unwrap_or(current.parent_id);
        if parent_id == Some(id) {
            return Err(cycle());
        }
        let row = sqlx::query(
            "UPDATE categories SET slug = $2, name = $3, parent_id = $4 WHERE id = $1 \
             RETURNING id, slug, name, parent_id",
        )
        .bind(id.to_string())
        .bind(
            patch
                .slug
                .as_ref()
                .map_or(current.slug.as_str(), |s| s.as_str()),
        )
        .bind(
            patch
                .name
                .as_ref()
                .map_or(current.name.as_str(), |n| n.as_str()),
        )
        .bind(parent_id.map(|p| p.to_string()))
        .fetch_one(&mut *tx)
        .await
        .map_err(on_write("parent_id"))?;
        if parent_id.is_some()
            && parent_id != current.parent_id
            && is_own_ancestor(&mut tx, id).await?
        {
            return Err(cycle());
        }
        let updated = rows::category(&row)?;
        tx.commit().await.map_err(db)?;
        Ok(updated)
    }
}

fn cycle() -> StoreError {
    StoreError::invalid(
        "parent_id",
        "a category cannot move under itself or one of its descendants",
    )
}

async fn category(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Category>, StoreError> {
    let sql = format!("SELECT {CATEGORY_COLUMNS} FROM categories c WHERE c.id = $1");
    let row = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(conn)
        .await
        .map_err(db)?;
    row.as_ref().map(rows::category).transpose()
}

/// Walks up from the category's parent; `UNION` (not `UNION ALL`) stops the walk even if the data
/// already held a cycle.
async fn is_own_ancestor(conn: &mut AnyConnection, id: Uuid) -> Result<bool, StoreError> {
    let row = sqlx::query(
        "WITH RECURSIVE up(id) AS ( \
             SELECT parent_id FROM categories WHERE id = $1 \
             UNION SELECT c.parent_id FROM categories c JOIN up ON c.id = up.id \
         ) SELECT CAST(COUNT(*) AS BIGINT) AS n FROM up WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_one(conn)
    .await
    .map_err(db)?;
    Ok(rows::get::<i64>(&row, "n")? > 0)
}
