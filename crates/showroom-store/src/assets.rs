//! Uploaded 3D assets and the queue of jobs that process them.
//!
//! An asset is addressed by the SHA-256 of its original upload, so registering the same bytes
//! twice finds the first record (deduplication) instead of making a second one. Its status moves
//! `uploaded → processing → ready | failed`; a failed asset carries a readable reason.
//!
//! Jobs are rows, not in-memory tasks: any instance's worker may claim one, and a claim is a
//! *lease*. A worker that crashes or is killed stops renewing its lease, and once the lease runs
//! out the job is claimable again, so no upload is stuck in `processing` forever. A job that
//! fails with a retryable error is put back with a backoff; after `max_attempts` claims it fails
//! for good. Only the holder of the current lease (its `worker` id) can report progress on, finish
//! or fail a job: a worker whose lease was taken over learns so and stops.

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{ContentHash, StoreError};

/// Where an asset is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AssetStatus {
    /// Stored and queued, not yet picked up.
    Uploaded,
    Processing,
    /// Every derived file (optimized models, posters, USDZ) is stored.
    Ready,
    /// Processing gave up; `failure` says why.
    Failed,
}

impl AssetStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Uploaded => "uploaded",
            Self::Processing => "processing",
            Self::Ready => "ready",
            Self::Failed => "failed",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "uploaded" => Self::Uploaded,
            "processing" => Self::Processing,
            "ready" => Self::Ready,
            "failed" => Self::Failed,
            _ => return None,
        })
    }
}

/// What kind of upload the original is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UploadFormat {
    /// A binary glTF.
    Glb,
    /// A zip holding one `.gltf` with its `.bin` and image files.
    Zip,
}

impl UploadFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Glb => "glb",
            Self::Zip => "zip",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "glb" => Some(Self::Glb),
            "zip" => Some(Self::Zip),
            _ => None,
        }
    }
}

/// A freshly stored upload.
#[derive(Debug, Clone)]
pub struct NewAsset {
    pub hash: ContentHash,
    /// The merchant's file name, for display only (never used to build a key).
    pub original_name: String,
    pub format: UploadFormat,
    pub byte_size: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetRecord {
    pub hash: ContentHash,
    pub original_name: String,
    pub format: UploadFormat,
    pub byte_size: i64,
    pub status: AssetStatus,
    /// 0–100 while processing; 100 when ready.
    pub progress: u8,
    /// The current or last step (`validate`, `optimize`, `posters`, …).
    pub stage: String,
    /// Why processing failed, in words a merchant can act on.
    pub failure: Option<String>,
    /// The pipeline's report (validation, inspection, optimization, files), once there is one.
    pub report: Option<serde_json::Value>,
    /// How many times a worker has claimed the current job.
    pub attempts: u32,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// A job a worker holds the lease of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    pub id: Uuid,
    pub asset_hash: ContentHash,
    pub format: UploadFormat,
    /// This claim's number, from 1.
    pub attempt: u32,
    pub max_attempts: u32,
}

/// Whether a failed attempt may be tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The input itself is bad (invalid model): retrying cannot help.
    Permanent,
    /// Storage or another dependency failed: retried after `backoff`, up to `max_attempts`.
    Retryable { backoff: Duration },
}

/// Upload records. Guarantees one record per content hash (registering the same bytes again
/// finds the first record) and that an asset is queued for processing in the same transaction
/// that records it.
#[async_trait]
pub trait AssetStore: Send + Sync + 'static {
    /// Records an upload and queues its processing job in one transaction. When the hash is
    /// already known, nothing is written and the existing record comes back with `false`.
    async fn register_asset(
        &self,
        new: NewAsset,
        max_attempts: u32,
    ) -> Result<(AssetRecord, bool), StoreError>;

    async fn asset(&self, hash: &ContentHash) -> Result<Option<AssetRecord>, StoreError>;

    /// Newest first, at most `limit`.
    async fn list_assets(&self, limit: u32) -> Result<Vec<AssetRecord>, StoreError>;

    /// Queues a new processing run of a `ready` or `failed` asset (status back to `uploaded`).
    /// `Conflict { field: "status" }` while a job for it is queued or running.
    async fn reprocess_asset(
        &self,
        hash: &ContentHash,
        max_attempts: u32,
    ) -> Result<AssetRecord, StoreError>;
}

/// The processing queue the workers take jobs from, under a lease (see the module docs). Only
/// the holder of a job's current lease can report progress on, finish or fail it.
#[async_trait]
pub trait JobQueue: Send + Sync + 'static {
    /// Takes the oldest due job — queued and past its backoff, or running with an expired lease
    /// — for `lease`. Jobs out of attempts are failed on the way. `None` when nothing is due.
    async fn claim_job(
        &self,
        worker: &str,
        lease: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError>;

    /// Records progress and renews the lease. `Conflict { field: "lease" }` when `worker` no
    /// longer holds the job (its lease ran out and another worker took it).
    async fn report_progress(
        &self,
        job: Uuid,
        worker: &str,
        percent: u8,
        stage: &str,
        lease: Duration,
    ) -> Result<(), StoreError>;

    /// Marks the job done and the asset `ready` with its report. Same lease rule.
    async fn complete_job(
        &self,
        job: Uuid,
        worker: &str,
        report: serde_json::Value,
    ) -> Result<(), StoreError>;

    /// A failed attempt: requeued after the backoff while attempts remain and the failure is
    /// retryable, else the asset is `failed` with `reason` (and the report, when there is one).
    async fn fail_job(
        &self,
        job: Uuid,
        worker: &str,
        reason: &str,
        kind: FailureKind,
        report: Option<serde_json::Value>,
    ) -> Result<(), StoreError>;
}
