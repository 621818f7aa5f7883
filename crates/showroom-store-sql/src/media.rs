//! Appending media to a product's gallery, and asking who may see an asset. Positions are dense
//! from 0 in insertion order; the product row is locked first, so two concurrent uploads cannot
//! claim the same position. Visibility is one portable aggregate over media joined to products.

use async_trait::async_trait;
use showroom_store::{AssetVisibility, ContentHash, Media, MediaStore, NewMedia, StoreError};
use uuid::Uuid;

use crate::error::{db, on_write};
use crate::rows::{self, MEDIA_COLUMNS};
use crate::sql::now_millis;
use crate::SqlCatalog;

#[async_trait]
impl MediaStore for SqlCatalog {
    async fn add_media(&self, product_id: Uuid, new: NewMedia) -> Result<Media, StoreError> {
        let mut tx = self.begin_write().await?;
        self.lock_product(&mut tx, product_id).await?;
        let next = sqlx::query("SELECT CAST(COALESCE(MAX(position) + 1, 0) AS BIGINT) AS next FROM media WHERE product_id = $1")
            .bind(product_id.to_string())
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        let position: i64 = rows::get(&next, "next")?;
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO media (id, product_id, kind, asset_hash, file_name, alt, position, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.to_string())
        .bind(product_id.to_string())
        .bind(new.kind.as_str())
        .bind(new.asset_hash.as_str())
        .bind(new.file_name.as_str())
        .bind(new.alt.as_str())
        .bind(position)
        .bind(now_millis())
        .execute(&mut *tx)
        .await
        .map_err(on_write("product_id"))?;
        let sql = format!("SELECT {MEDIA_COLUMNS} FROM media m WHERE m.id = $1");
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        let media = rows::media(&row)?;
        tx.commit().await.map_err(db)?;
        Ok(media)
    }

    async fn asset_visibility(&self, hash: &ContentHash) -> Result<AssetVisibility, StoreError> {
        let row = sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT) AS uses, \
             CAST(COALESCE(SUM(CASE WHEN p.status = 'published' THEN 1 ELSE 0 END), 0) AS BIGINT) AS published \
             FROM media m JOIN products p ON p.id = m.product_id WHERE m.asset_hash = $1",
        )
        .bind(hash.as_str())
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        let uses: i64 = rows::get(&row, "uses")?;
        let published: i64 = rows::get(&row, "published")?;
        Ok(match (uses, published) {
            (0, _) => AssetVisibility::Unknown,
            (_, 0) => AssetVisibility::Private,
            _ => AssetVisibility::Public,
        })
    }
}
