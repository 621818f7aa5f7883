//! The processing queue: claiming a due job under a lease, renewing it with progress, and
//! finishing or failing it. Every write checks that the caller still holds the lease
//! (`locked_by` and `state = 'running'`), in the same statement that writes.
//!
//! Claiming is one write transaction. On PostgreSQL the candidate row is taken with
//! `FOR UPDATE … SKIP LOCKED` (from the dialect), so concurrent workers each get a different job
//! without waiting for one another; SQLite's `BEGIN IMMEDIATE` serializes claims instead.

use std::time::Duration;

use async_trait::async_trait;
use showroom_store::{
    duration_millis, ClaimedJob, ContentHash, FailureKind, JobQueue, StoreError, UploadFormat,
};
use sqlx::any::Any;
use sqlx::Transaction;
use uuid::Uuid;

use crate::error::{corrupt, db};
use crate::rows;
use crate::sql::now_millis;
use crate::SqlCatalog;

/// Jobs out of attempts that one claim fails on its way before giving up for this call.
const MAX_EXHAUSTED_PER_CLAIM: usize = 32;

fn lost_lease() -> StoreError {
    StoreError::conflict(
        "lease",
        "this worker no longer holds the job: its lease expired and another worker took it",
    )
}

#[async_trait]
impl JobQueue for SqlCatalog {
    async fn claim_job(
        &self,
        worker: &str,
        lease: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        let mut tx = self.begin_write().await?;
        let now = now_millis();
        let sql = format!(
            "SELECT j.id, j.asset_hash, j.attempts, j.max_attempts, j.last_error, a.format \
             FROM asset_jobs j JOIN assets a ON a.hash = j.asset_hash \
             WHERE (j.state = 'queued' AND j.run_after <= $1) \
                OR (j.state = 'running' AND j.locked_until < $1) \
             ORDER BY j.run_after, j.created_at, j.id LIMIT 1{}",
            self.dialect.skip_locked("j")
        );
        for _ in 0..MAX_EXHAUSTED_PER_CLAIM {
            let Some(row) = sqlx::query(&sql)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?
            else {
                break;
            };
            let id = rows::uuid(&row, "id")?;
            let hash: String = rows::get(&row, "asset_hash")?;
            let hash = ContentHash::parse(&hash).map_err(|e| corrupt("job asset", e))?;
            let attempts: i64 = rows::get(&row, "attempts")?;
            let max_attempts: i64 = rows::get(&row, "max_attempts")?;
            if attempts >= max_attempts {
                // Only a job whose worker died mid-run gets here: a failed attempt is requeued
                // only while attempts remain.
                let last: Option<String> = rows::get(&row, "last_error")?;
                let reason = format!(
                    "processing stopped {attempts} time(s) without finishing (the worker was \
                     stopped or ran out of time){}",
                    last.map(|l| format!("; last error: {l}"))
                        .unwrap_or_default()
                );
                finish_failed(&mut tx, id, &hash, &reason, None, now).await?;
                continue;
            }
            let format: String = rows::get(&row, "format")?;
            sqlx::query(
                "UPDATE asset_jobs SET state = 'running', attempts = attempts + 1, locked_by = $2, \
                 locked_until = $3, updated_at = $4 WHERE id = $1",
            )
            .bind(id.to_string())
            .bind(worker)
            .bind(now.saturating_add(duration_millis(lease)))
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            sqlx::query(
                "UPDATE assets SET status = 'processing', progress = 0, stage = 'starting', \
                 failure = NULL, updated_at = $2 WHERE hash = $1",
            )
            .bind(hash.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            tx.commit().await.map_err(db)?;
            return Ok(Some(ClaimedJob {
                id,
                asset_hash: hash,
                format: UploadFormat::parse(&format)
                    .ok_or_else(|| corrupt("asset format", &format))?,
                attempt: u32::try_from(attempts + 1).unwrap_or(u32::MAX),
                max_attempts: u32::try_from(max_attempts).unwrap_or(u32::MAX),
            }));
        }
        tx.commit().await.map_err(db)?;
        Ok(None)
    }

    async fn report_progress(
        &self,
        job: Uuid,
        worker: &str,
        percent: u8,
        stage: &str,
        lease: Duration,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let now = now_millis();
        let hash = take_held(
            &mut tx,
            job,
            worker,
            Some(now.saturating_add(duration_millis(lease))),
            now,
        )
        .await?;
        sqlx::query("UPDATE assets SET progress = $2, stage = $3, updated_at = $4 WHERE hash = $1")
            .bind(hash.as_str())
            .bind(i64::from(percent.min(99)))
            .bind(stage)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn complete_job(
        &self,
        job: Uuid,
        worker: &str,
        report: serde_json::Value,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let now = now_millis();
        let hash = take_held(&mut tx, job, worker, None, now).await?;
        sqlx::query(
            "UPDATE asset_jobs SET state = 'done', locked_by = NULL, locked_until = NULL, \
             updated_at = $2 WHERE id = $1",
        )
        .bind(job.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        // The revision the worker stored the derived files under (see `rows::media`).
        let revision = report
            .get("revision")
            .and_then(|r| r.as_str())
            .unwrap_or_default()
            .to_owned();
        sqlx::query(
            "UPDATE assets SET status = 'ready', progress = 100, stage = 'done', failure = NULL, \
             report = $2, updated_at = $3, revision = $4 WHERE hash = $1",
        )
        .bind(hash.as_str())
        .bind(report.to_string())
        .bind(now)
        .bind(revision)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn fail_job(
        &self,
        job: Uuid,
        worker: &str,
        reason: &str,
        kind: FailureKind,
        report: Option<serde_json::Value>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let now = now_millis();
        let hash = take_held(&mut tx, job, worker, None, now).await?;
        let row = sqlx::query("SELECT attempts, max_attempts FROM asset_jobs WHERE id = $1")
            .bind(job.to_string())
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        let attempts: i64 = rows::get(&row, "attempts")?;
        let max_attempts: i64 = rows::get(&row, "max_attempts")?;
        match kind {
            FailureKind::Retryable { backoff } if attempts < max_attempts => {
                sqlx::query(
                    "UPDATE asset_jobs SET state = 'queued', run_after = $2, locked_by = NULL, \
                     locked_until = NULL, last_error = $3, updated_at = $4 WHERE id = $1",
                )
                .bind(job.to_string())
                .bind(now.saturating_add(duration_millis(backoff)))
                .bind(reason)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
                sqlx::query(
                    "UPDATE assets SET status = 'uploaded', stage = $2, updated_at = $3 WHERE hash = $1",
                )
                .bind(hash.as_str())
                .bind(format!(
                    "retrying in {}s after attempt {attempts} of {max_attempts}: {reason}",
                    backoff.as_secs().max(1)
                ))
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            }
            _ => finish_failed(&mut tx, job, &hash, reason, report, now).await?,
        }
        tx.commit().await.map_err(db)
    }
}

/// Checks that `worker` holds `job` (optionally renewing the lease to `renew_until`) and returns
/// the job's asset; `Conflict { field: "lease" }` otherwise.
async fn take_held(
    tx: &mut Transaction<'static, Any>,
    job: Uuid,
    worker: &str,
    renew_until: Option<i64>,
    now: i64,
) -> Result<ContentHash, StoreError> {
    let row = sqlx::query(
        "UPDATE asset_jobs SET locked_until = COALESCE($3, locked_until), updated_at = $4 \
         WHERE id = $1 AND locked_by = $2 AND state = 'running' RETURNING asset_hash",
    )
    .bind(job.to_string())
    .bind(worker)
    .bind(renew_until)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db)?
    .ok_or_else(lost_lease)?;
    let hash: String = rows::get(&row, "asset_hash")?;
    ContentHash::parse(&hash).map_err(|e| corrupt("job asset", e))
}

async fn finish_failed(
    tx: &mut Transaction<'static, Any>,
    job: Uuid,
    hash: &ContentHash,
    reason: &str,
    report: Option<serde_json::Value>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE asset_jobs SET state = 'failed', locked_by = NULL, locked_until = NULL, \
         last_error = $2, updated_at = $3 WHERE id = $1",
    )
    .bind(job.to_string())
    .bind(reason)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    sqlx::query(
        "UPDATE assets SET status = 'failed', stage = 'failed', failure = $2, \
         report = COALESCE($3, report), updated_at = $4 WHERE hash = $1",
    )
    .bind(hash.as_str())
    .bind(reason)
    .bind(report.map(|r| r.to_string()))
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    Ok(())
}
