//! Catalog imports as background jobs, for the admin API: the same [`CatalogImport`] as the CLI,
//! on a task of its own, reading a file the caller already put on local disk.
//!
//! Where an import stands — its progress, then its report or why it failed — is kept in the
//! shared cache under [`IMPORTS_NAMESPACE`] for [`KEPT_FOR`], so every instance that shares the
//! cache (Redis, in a fleet) can answer for an import another one runs. With the in-process
//! cache only the instance that took the file knows it. A finished, non-dry import invalidates
//! the catalog's cached answers, as every catalog write does.
//!
//! Guarantees: the status is written before [`CatalogImportJobs::start`] returns, at most about
//! every batch while the import runs, and once more when it ends; a status that cannot be
//! written (the cache is down) is logged and the import goes on — its rows are written either
//! way, and the next write tries again.

use std::io::{BufReader, Seek, SeekFrom};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use showroom_cache::{Cache, CacheError};
use showroom_domain::Currency;
use showroom_store::DynCatalogStore;
use tokio::sync::watch;
use uuid::Uuid;

use super::group::RowProblem;
use super::import::{CatalogImport, ImportProgress, ImportReport};
use crate::{invalidate_catalog, ShopError};

/// The cache namespace import statuses live in.
pub const IMPORTS_NAMESPACE: &str = "catalog-imports";

/// How long an import's status is kept after its last change.
pub const KEPT_FOR: Duration = Duration::from_secs(24 * 60 * 60);

/// Refused records listed in a status; the rest are only counted.
pub const MAX_LISTED_PROBLEMS: usize = 200;

/// Where an import stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportState {
    Running,
    Done,
    Failed,
}

impl ImportState {
    /// `running`, `done` or `failed`, as stored and as the API answers.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }
}

/// What an import did, as a status shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub created: u64,
    pub updated: u64,
    pub variants: u64,
    /// In a dry run: the products that would be written.
    pub checked: u64,
    pub categories_created: u64,
    pub images_skipped: u64,
    /// The first [`MAX_LISTED_PROBLEMS`] refused records, by line.
    pub problems: Vec<RowProblem>,
    /// Every refused record.
    pub problems_total: u64,
}

impl From<ImportReport> for ImportSummary {
    fn from(report: ImportReport) -> Self {
        let problems_total = report.problems.len() as u64;
        let mut problems = report.problems;
        problems.truncate(MAX_LISTED_PROBLEMS);
        Self {
            created: report.created,
            updated: report.updated,
            variants: report.variants,
            checked: report.checked,
            categories_created: report.categories_created,
            images_skipped: report.images_skipped,
            problems,
            problems_total,
        }
    }
}

/// One import's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStatus {
    pub id: Uuid,
    pub state: ImportState,
    pub dry_run: bool,
    /// The file's size.
    pub bytes_total: u64,
    /// Bytes of it read so far.
    pub bytes_read: u64,
    /// Products read so far.
    pub products: u64,
    /// Unix milliseconds.
    pub started_at: i64,
    pub finished_at: Option<i64>,
    /// Once done.
    pub report: Option<ImportSummary>,
    /// Once failed: why, in words.
    pub failure: Option<String>,
}

impl ImportStatus {
    /// How much of the file is read, 0–100 (100 once finished).
    pub fn percent(&self) -> u8 {
        if self.state != ImportState::Running {
            return 100;
        }
        match self.bytes_total {
            0 => 0,
            total => (self.bytes_read.min(total) * 99 / total) as u8,
        }
    }
}

/// Starts imports and tells where they stand. Cheap to build per request.
pub struct CatalogImportJobs {
    store: DynCatalogStore,
    cache: Arc<dyn Cache>,
    currency: Currency,
}

impl CatalogImportJobs {
    pub fn new(store: DynCatalogStore, cache: Arc<dyn Cache>, currency: Currency) -> Self {
        Self {
            store,
            cache,
            currency,
        }
    }

    /// Imports `file` (`bytes_total` long, read from its start) on a task of its own and returns
    /// its first status. The task owns the file; an anonymous temporary file disappears when
    /// the import ends. A file without a product CSV's header row is refused at once (`Invalid`
    /// on `file`), before any job exists.
    pub async fn start(
        &self,
        mut file: std::fs::File,
        bytes_total: u64,
        dry_run: bool,
    ) -> Result<ImportStatus, ShopError> {
        CatalogImport::check_header(&mut file)?;
        file.seek(SeekFrom::Start(0)).map_err(ShopError::internal)?;
        let status = ImportStatus {
            id: Uuid::new_v4(),
            state: ImportState::Running,
            dry_run,
            bytes_total,
            bytes_read: 0,
            products: 0,
            started_at: showroom_store::unix_millis(),
            finished_at: None,
            report: None,
            failure: None,
        };
        put(self.cache.as_ref(), &status)
            .await
            .map_err(|e| ShopError::Unavailable {
                detail: format!("the import's status cannot be kept: {e}"),
            })?;
        let mut import = CatalogImport::new(self.store.clone(), self.currency);
        import.dry_run = dry_run;
        let cache = self.cache.clone();
        let first = status.clone();
        tokio::spawn(async move {
            let finished = run(&import, cache.as_ref(), first, file).await;
            if finished.state == ImportState::Done && !dry_run {
                invalidate_catalog(cache.as_ref()).await;
            }
            save(cache.as_ref(), &finished).await;
            tracing::info!(
                import = %finished.id,
                state = ?finished.state,
                products = finished.products,
                "catalog import finished"
            );
        });
        Ok(status)
    }

    /// The import's status; `None` for an unknown (or long finished) import.
    pub async fn status(&self, id: Uuid) -> Result<Option<ImportStatus>, ShopError> {
        let stored = self
            .cache
            .get(IMPORTS_NAMESPACE, &id.to_string())
            .await
            .map_err(|e| ShopError::Unavailable {
                detail: format!("the import's status cannot be read: {e}"),
            })?;
        Ok(stored.and_then(|bytes| serde_json::from_slice(&bytes).ok()))
    }
}

/// Runs the import, saving its progress as it goes; returns the final status (not yet saved).
async fn run(
    import: &CatalogImport,
    cache: &dyn Cache,
    mut status: ImportStatus,
    file: std::fs::File,
) -> ImportStatus {
    let (progress, mut changes) = watch::channel(ImportProgress::default());
    let running = status.clone();
    let reporter = async move {
        let mut shown = running;
        while changes.changed().await.is_ok() {
            let now = *changes.borrow_and_update();
            shown.bytes_read = now.bytes;
            shown.products = now.products;
            save(cache, &shown).await;
        }
    };
    let reader = BufReader::with_capacity(1 << 20, file);
    // `progress` is dropped when the import returns, which ends the reporter.
    let work = async move {
        import
            .run(reader, |now| {
                progress.send_replace(now);
            })
            .await
    };
    let (result, ()) = tokio::join!(work, reporter);
    status.finished_at = Some(showroom_store::unix_millis());
    status.bytes_read = status.bytes_total;
    match result {
        Ok(report) => {
            status.products = report.created + report.updated + report.checked;
            status.state = ImportState::Done;
            status.report = Some(report.into());
        }
        Err(error) => {
            status.state = ImportState::Failed;
            status.failure = Some(error.to_string());
        }
    }
    status
}

/// Saves the status while the import runs: a failure is logged, the import goes on.
async fn save(cache: &dyn Cache, status: &ImportStatus) {
    if let Err(error) = put(cache, status).await {
        tracing::warn!(%error, import = %status.id, "the import's status could not be saved");
    }
}

async fn put(cache: &dyn Cache, status: &ImportStatus) -> Result<(), CacheError> {
    let encoded = Bytes::from(serde_json::to_vec(status).unwrap_or_default());
    cache
        .put(
            IMPORTS_NAMESPACE,
            &status.id.to_string(),
            encoded,
            Some(KEPT_FOR),
        )
        .await
}
