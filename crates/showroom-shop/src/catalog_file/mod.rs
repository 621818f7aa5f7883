//! Moving a whole catalog in and out in Shopify's product CSV format, so a merchant arrives with
//! the file their old platform exports and leaves with one any platform reads.
//!
//! - [`format`]: the columns, and turning one CSV record into typed fields (prices to minor
//!   units, body HTML sanitized to the plain text the storefront shows).
//! - [`group`]: consecutive records of one `Handle` become one product with its variants; bad
//!   records are set aside with their line number and reason, the good ones kept.
//! - [`import`]: the use case: categories made as needed, products written in batches (one
//!   transaction each), a progress callback, `dry_run`, and a report.
//! - [`export`]: the catalog back out as the same CSV, one record per variant.
//! - [`jobs`]: an import as a background job with its status in the shared cache (the admin
//!   API's).

pub mod export;
pub mod format;
pub mod group;
pub mod import;
pub mod jobs;

pub use export::export_catalog;
pub use format::COLUMNS;
pub use group::{FileProduct, RowProblem};
pub use import::{CatalogImport, ImportProgress, ImportReport};
pub use jobs::{CatalogImportJobs, ImportState, ImportStatus, ImportSummary};
