//! Taking in one model upload, the same way for the admin API and `showroom assets import`:
//! stream the bytes to object storage under their SHA-256 (see `BlobStore::put_upload`: bounded
//! memory, nothing stored on refusal), then record the asset with its processing job in one
//! transaction. The same bytes again find the existing record (`created = false`).

use bytes::Bytes;
use futures::Stream;
use showroom_assets::{AssetError, BlobStore, UploadKind, ORIGINAL_ZIP};
use showroom_store::{
    AssetRecord, ContentHash, DynCatalogStore, NewAsset, StoreError, UploadFormat,
};

/// Why an upload was not taken in.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The upload itself (too large, empty, interrupted, not a model) or object storage.
    #[error(transparent)]
    Upload(#[from] AssetError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Stores `body` and records it as an asset named `original_name` (for display only).
pub async fn ingest_upload<S, E>(
    catalog: &DynCatalogStore,
    blobs: &BlobStore,
    body: S,
    limit: u64,
    original_name: String,
    max_attempts: u32,
) -> Result<(AssetRecord, bool), IngestError>
where
    S: Stream<Item = Result<Bytes, E>> + Send,
    E: std::fmt::Display,
{
    let stored = blobs
        .put_upload(body, limit, UploadKind::original_file_for)
        .await?;
    let format = if stored.file_name.as_str() == ORIGINAL_ZIP {
        UploadFormat::Zip
    } else {
        UploadFormat::Glb
    };
    let new = NewAsset {
        hash: ContentHash::parse(stored.address.as_str())
            .map_err(|e| StoreError::Internal(e.0.into()))?,
        original_name,
        format,
        byte_size: i64::try_from(stored.size).unwrap_or(i64::MAX),
    };
    Ok(catalog.register_asset(new, max_attempts).await?)
}
