//! Asset records: registering an upload (with its first job, in one transaction), reading them,
//! and queueing a new run. A record's `attempts` is read from its newest job, so the record and
//! the queue can never disagree about it.

use async_trait::async_trait;
use showroom_store::{
    AssetRecord, AssetStatus, AssetStore, ContentHash, NewAsset, StoreError, UploadFormat,
};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::error::{corrupt, db};
use crate::rows;
use crate::sql::{insert_if_absent, now_millis};
use crate::SqlCatalog;

const ASSET_COLUMNS: &str =
    "a.hash, a.original_name, a.format, a.byte_size, a.status, a.progress, \
     a.stage, a.failure, a.report, a.created_at, a.updated_at, \
     CAST(COALESCE((SELECT j.attempts FROM asset_jobs j WHERE j.asset_hash = a.hash \
     ORDER BY j.created_at DESC, j.id DESC LIMIT 1), 0) AS BIGINT) AS attempts";

#[async_trait]
impl AssetStore for SqlCatalog {
    async fn register_asset(
        &self,
        new: NewAsset,
        max_attempts: u32,
    ) -> Result<(AssetRecord, bool), StoreError> {
        let mut tx = self.begin_write().await?;
        let now = now_millis();
        let inserted = insert_if_absent(
            sqlx::query(
                "INSERT INTO assets (hash, original_name, format, byte_size, status, progress, stage, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, 'uploaded', 0, 'queued', $5, $5) ON CONFLICT (hash) DO NOTHING",
            )
            .bind(new.hash.as_str())
            .bind(new.original_name.as_str())
            .bind(new.format.as_str())
            .bind(new.byte_size)
            .bind(now),
            &mut tx,
        )
        .await?;
        if inserted {
            insert_job(&mut tx, &new.hash, max_attempts, now).await?;
        }
        let record = read_asset(&mut tx, &new.hash)
            .await?
            .ok_or(StoreError::NotFound { what: "asset" })?;
        tx.commit().await.map_err(db)?;
        Ok((record, inserted))
    }

    async fn asset(&self, hash: &ContentHash) -> Result<Option<AssetRecord>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        read_asset(&mut conn, hash).await
    }

    async fn list_assets(&self, limit: u32) -> Result<Vec<AssetRecord>, StoreError> {
        let sql = format!(
            "SELECT {ASSET_COLUMNS} FROM assets a ORDER BY a.created_at DESC, a.hash DESC LIMIT $1"
        );
        let rows = sqlx::query(&sql)
            .bind(i64::from(limit.clamp(1, 500)))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(asset).collect()
    }

    async fn reprocess_asset(
        &self,
        hash: &ContentHash,
        max_attempts: u32,
    ) -> Result<AssetRecord, StoreError> {
        let mut tx = self.begin_write().await?;
        let now = now_millis();
        // Touching the row first takes its lock, so two concurrent re-process calls queue here
        // and the second sees the first one's job.
        let found = sqlx::query("UPDATE assets SET updated_at = $2 WHERE hash = $1")
            .bind(hash.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db)?
            .rows_affected();
        if found == 0 {
            return Err(StoreError::NotFound { what: "asset" });
        }
        let pending = sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM asset_jobs \
             WHERE asset_hash = $1 AND state IN ('queued', 'running')",
        )
        .bind(hash.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        if rows::get::<i64>(&pending, "n")? > 0 {
            return Err(StoreError::conflict(
                "status",
                "the asset is already queued or processing",
            ));
        }
        insert_job(&mut tx, hash, max_attempts, now).await?;
        sqlx::query(
            "UPDATE assets SET status = 'uploaded', progress = 0, stage = 'queued', failure = NULL \
             WHERE hash = $1",
        )
        .bind(hash.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let record = read_asset(&mut tx, hash)
            .await?
            .ok_or(StoreError::NotFound { what: "asset" })?;
        tx.commit().await.map_err(db)?;
        Ok(record)
    }
}

async fn insert_job(
    conn: &mut AnyConnection,
    hash: &ContentHash,
    max_attempts: u32,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO asset_jobs (id, asset_hash, state, attempts, max_attempts, run_after, created_at, updated_at) \
         VALUES ($1, $2, 'queued', 0, $3, $4, $4, $4)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(hash.as_str())
    .bind(i64::from(max_attempts.max(1)))
    .bind(now)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

pub(crate) async fn read_asset(
    conn: &mut AnyConnection,
    hash: &ContentHash,
) -> Result<Option<AssetRecord>, StoreError> {
    let sql = format!("SELECT {ASSET_COLUMNS} FROM assets a WHERE a.hash = $1");
    let row = sqlx::query(&sql)
        .bind(hash.as_str())
        .fetch_optional(conn)
        .await
        .map_err(db)?;
    row.as_ref().map(asset).transpose()
}

fn asset(row: &AnyRow) -> Result<AssetRecord, StoreError> {
    let hash: String = rows::get(row, "hash")?;
    let format: String = rows::get(row, "format")?;
    let status: String = rows::get(row, "status")?;
    let progress: i64 = rows::get(row, "progress")?;
    let attempts: i64 = rows::get(row, "attempts")?;
    let report: Option<String> = rows::get(row, "report")?;
    let report = report
        .map(|text| serde_json::from_str(&text).map_err(|e| corrupt("asset report", e)))
        .transpose()?;
    Ok(AssetRecord {
        hash: ContentHash::parse(&hash).map_err(|e| corrupt("asset hash", e))?,
        original_name: rows::get(row, "original_name")?,
        format: UploadFormat::parse(&format).ok_or_else(|| corrupt("asset format", &format))?,
        byte_size: rows::get(row, "byte_size")?,
        status: AssetStatus::parse(&status).ok_or_else(|| corrupt("asset status", &status))?,
        progress: u8::try_from(progress.clamp(0, 100)).unwrap_or(0),
        stage: rows::get(row, "stage")?,
        failure: rows::get(row, "failure")?,
        report,
        attempts: u32::try_from(attempts.max(0)).unwrap_or(u32::MAX),
        created_at: rows::get(row, "created_at")?,
        updated_at: rows::get(row, "updated_at")?,
    })
}
