//! Which stored file a derived file's plain name means now.
//!
//! The pipeline keeps derived files under its revision (`<hash>/v2-1a2b3c4d/model.glb`, see
//! `showroom_assets::pipeline`). Those revisioned addresses are what the API and the pages link,
//! and they are immutable: reprocessing with another pipeline writes new ones. The plain name
//! (`/assets/<hash>/model.glb`) stays a working link to the newest revision — for older links and
//! for anyone who wants "the current model" — so it is served with a short `Cache-Control`
//! ([`LATEST_CACHE_CONTROL`]) instead of a year's.
//!
//! Guarantees: a name that already carries a revision, an original upload, and a file of an
//! asset processed before revisions are served as named; the newest revision is read from the
//! asset's record and remembered per address for [`REMEMBERED`] at most, so a reprocessed
//! asset's plain links follow within that time.

use std::sync::Arc;
use std::time::Duration;

use showroom_assets::{ContentAddress, FileName, ORIGINAL_GLB, ORIGINAL_ZIP};
use showroom_store::ContentHash;

use crate::error::ApiError;
use crate::state::AppState;

/// `Cache-Control` of a plain-name link to the newest revision: it may change on reprocess.
pub const LATEST_CACHE_CONTROL: &str = "public, max-age=60";

/// How long the newest revision of an address is remembered.
pub const REMEMBERED: Duration = Duration::from_secs(10);

/// The newest revision per address, remembered briefly.
pub struct Revisions {
    newest: moka::sync::Cache<ContentAddress, Arc<str>>,
}

impl Default for Revisions {
    fn default() -> Self {
        Self {
            newest: moka::sync::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(REMEMBERED)
                .build(),
        }
    }
}

/// The stored file a request names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub file: FileName,
    /// The request named a derived file by its plain name and got the newest revision: the
    /// answer may change, so caches keep it briefly.
    pub latest: bool,
}

/// What `file` under `address` means now (see the module docs).
pub async fn resolve(
    state: &AppState,
    address: &ContentAddress,
    file: &FileName,
) -> Result<Resolved, ApiError> {
    let as_named = Resolved {
        file: file.clone(),
        latest: false,
    };
    if file.revision().is_some() || matches!(file.as_str(), ORIGINAL_GLB | ORIGINAL_ZIP) {
        return Ok(as_named);
    }
    let revision = newest_revision(state, address).await?;
    if revision.is_empty() {
        return Ok(as_named);
    }
    match FileName::in_revision(&revision, file) {
        Ok(file) => Ok(Resolved { file, latest: true }),
        Err(_) => Ok(as_named),
    }
}

/// Whether the file `file` names now is stored (see [`resolve`]).
pub async fn is_stored(
    state: &AppState,
    address: &ContentAddress,
    file: &FileName,
) -> Result<bool, ApiError> {
    let kept = resolve(state, address, file).await?;
    let meta = state
        .blobs
        .head(address, &kept.file)
        .await
        .map_err(|e| ApiError::Unavailable {
            detail: format!("object storage: {e}"),
        })?;
    Ok(meta.is_some())
}

async fn newest_revision(state: &AppState, address: &ContentAddress) -> Result<Arc<str>, ApiError> {
    let revisions = &state.delivery.revisions.newest;
    if let Some(revision) = revisions.get(address) {
        return Ok(revision);
    }
    // A parsed address is always a valid content hash; the store's type just re-states that.
    let hash = ContentHash::parse(address.as_str()).map_err(|e| ApiError::internal(e.0))?;
    let revision: Arc<str> = state
        .catalog
        .asset(&hash)
        .await?
        .and_then(|record| record.report)
        .and_then(|report| report.get("revision")?.as_str().map(Arc::from))
        .unwrap_or_else(|| Arc::from(""));
    revisions.insert(address.clone(), revision.clone());
    Ok(revision)
}
