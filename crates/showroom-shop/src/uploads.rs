//! [`Uploads`]: taking in model uploads, the same way for the admin API, the back office and
//! `showroom assets import`: stream the bytes to object storage under their SHA-256 (see
//! `BlobStore::put_upload`: bounded memory, nothing stored on refusal), then record the asset
//! with its processing job in one transaction. The same bytes again find the existing record
//! (`created = false`). Workers pick the job up from the queue.

use std::sync::Arc;

use bytes::Bytes;
use futures::Stream;
use showroom_assets::{AssetError, BlobStore, UploadKind, ORIGINAL_ZIP};
use showroom_store::DynAssetStore;
use showroom_store::{AssetRecord, ContentHash, NewAsset, UploadFormat};

use crate::error::ShopError;

/// Limits of uploads, from `[assets]`.
#[derive(Debug, Clone, Copy)]
pub struct UploadSettings {
    /// Largest upload in bytes (streamed, never held in memory).
    pub limit_bytes: u64,
    /// Processing attempts per upload before it fails for good.
    pub max_attempts: u32,
}

/// The uploads service: the asset records and their queue, and object storage.
#[derive(Clone)]
pub struct Uploads {
    assets: DynAssetStore,
    blobs: Arc<BlobStore>,
    settings: UploadSettings,
}

impl Uploads {
    pub fn new(assets: DynAssetStore, blobs: Arc<BlobStore>, settings: UploadSettings) -> Self {
        Self {
            assets,
            blobs,
            settings,
        }
    }

    pub fn settings(&self) -> UploadSettings {
        self.settings
    }

    /// Stores `body` and records it as an asset named `original_name` (for display only), queued
    /// for processing; `true` when these bytes are new. Refusals, with nothing stored:
    /// [`ShopError::UploadTooLarge`], [`ShopError::UnsupportedModel`] (not a `.glb` or a `.zip`,
    /// judged from the first bytes), [`ShopError::BadUpload`] (empty or interrupted), and
    /// [`ShopError::Unavailable`] when object storage or the database fails.
    pub async fn ingest<S, E>(
        &self,
        body: S,
        original_name: String,
    ) -> Result<(AssetRecord, bool), ShopError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        let limit = self.settings.limit_bytes;
        let stored = self
            .blobs
            .put_upload(body, limit, UploadKind::original_file_for)
            .await
            .map_err(|error| upload_error(error, limit))?;
        let format = if stored.file_name.as_str() == ORIGINAL_ZIP {
            UploadFormat::Zip
        } else {
            UploadFormat::Glb
        };
        let new = NewAsset {
            hash: ContentHash::parse(stored.address.as_str())
                .map_err(|e| ShopError::internal(e.0))?,
            original_name,
            format,
            byte_size: i64::try_from(stored.size).unwrap_or(i64::MAX),
        };
        Ok(self
            .assets
            .register_asset(new, self.settings.max_attempts)
            .await?)
    }

    /// Queues an upload for processing again (after a failure, or with a newer pipeline); a
    /// `Conflict` while it is queued or processing, `NotFound` for an unknown hash.
    pub async fn reprocess(&self, hash: &ContentHash) -> Result<AssetRecord, ShopError> {
        Ok(self
            .assets
            .reprocess_asset(hash, self.settings.max_attempts)
            .await?)
    }
}

/// An upload refused by object storage, in shop terms.
fn upload_error(error: AssetError, limit: u64) -> ShopError {
    match error {
        AssetError::TooLarge { .. } => ShopError::UploadTooLarge { limit },
        AssetError::Unsupported(detail) => ShopError::UnsupportedModel { detail },
        AssetError::Empty => ShopError::BadUpload {
            detail: "the upload is empty".into(),
        },
        AssetError::Interrupted(why) => ShopError::BadUpload {
            detail: format!("the upload was interrupted: {why}"),
        },
        other => ShopError::Unavailable {
            detail: format!("object storage: {other}"),
        },
    }
}
