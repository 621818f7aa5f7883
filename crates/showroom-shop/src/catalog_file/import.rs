//! The catalog import use case. The file is read record by record (a 100,000-product file is
//! never held whole), products are written in batches of [`CatalogImport::batch_size`], each batch
//! one transaction, and categories named by `Type` are created the first time they are seen.
//!
//! A batch the store refuses as a whole (a content error it could only find by writing) is
//! written again one product at a time, so one bad product costs only itself. Reading is
//! synchronous (`std::io::Read`): callers with a file or a buffered upload run it as is; the
//! writes are async.

use std::collections::HashMap;
use std::io::Read;

use showroom_domain::{Currency, Slug, Title};
use showroom_store::{DynCatalogStore, ImportOutcome, NewCategory, StoreError};
use uuid::Uuid;

use super::format::Header;
use super::group::{FileProduct, Grouper, RowProblem};
use crate::ShopError;

/// How far an import has come, after each batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportProgress {
    /// Bytes of the file read so far.
    pub bytes: u64,
    /// Products read so far (written, or checked in a dry run).
    pub products: u64,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: u64,
    pub updated: u64,
    pub variants: u64,
    /// In a dry run: the products that would be written (new or not is not looked up).
    pub checked: u64,
    pub categories_created: u64,
    /// Image-only records: media are uploaded as 3D models and pictures, not linked by URL.
    pub images_skipped: u64,
    /// Every record set aside, by line.
    pub problems: Vec<RowProblem>,
}

/// One import: where to write, in what currency the file's prices are.
#[derive(Clone)]
pub struct CatalogImport {
    pub store: DynCatalogStore,
    pub currency: Currency,
    /// Products per transaction.
    pub batch_size: usize,
    /// Read and check every record, write nothing.
    pub dry_run: bool,
}

impl CatalogImport {
    pub fn new(store: DynCatalogStore, currency: Currency) -> Self {
        Self {
            store,
            currency,
            batch_size: 500,
            dry_run: false,
        }
    }

    /// Checks that `reader` starts with a Shopify product CSV's header row (`Invalid` on the
    /// field `file`, saying what is missing, when it does not), reading only that row: what an
    /// upload is refused for at once instead of becoming an import that fails.
    pub fn check_header(reader: impl Read) -> Result<(), ShopError> {
        header_of(&mut csv_reader(reader)).map(|_| ())
    }

    /// Imports a Shopify product CSV; `progress` is called after every batch. `Err` only when the
    /// file is not a product CSV at all or the store fails; bad records are in the report.
    pub async fn run(
        &self,
        reader: impl Read,
        mut progress: impl FnMut(ImportProgress),
    ) -> Result<ImportReport, ShopError> {
        let mut csv = csv_reader(reader);
        let header = header_of(&mut csv)?;
        let mut grouper = Grouper::new(header, self.currency);
        let mut report = ImportReport::default();
        let mut batches: u64 = 0;
        let mut categories = self.known_categories().await?;
        let mut batch = Vec::with_capacity(self.batch_size);
        let mut record = csv::StringRecord::new();
        let mut seen = ImportProgress::default();
        loop {
            let more = match csv.read_record(&mut record) {
                Ok(more) => more,
                Err(error) => {
                    // A broken record (bad UTF-8, an unclosed quote) is reported; reading goes on
                    // when the reader can resynchronize, and stops at a real I/O error.
                    let line = error.position().map_or(0, csv::Position::line);
                    report.problems.push(RowProblem {
                        line,
                        reason: format!("unreadable record: {error}"),
                    });
                    if matches!(error.kind(), csv::ErrorKind::Io(_)) {
                        return Err(unreadable(error));
                    }
                    continue;
                }
            };
            let finished = if more {
                grouper.push(&record)
            } else {
                grouper.finish()
            };
            if let Some(product) = finished {
                seen.products += 1;
                batch.push(product);
            }
            if batch.len() >= self.batch_size || (!more && !batch.is_empty()) {
                self.write(&mut batch, &mut categories, &mut report).await?;
                batches += 1;
                if !self.dry_run && batches.is_power_of_two() {
                    self.refresh_statistics().await;
                }
                seen.bytes = csv.position().byte();
                progress(seen);
            }
            if !more {
                break;
            }
        }
        report.images_skipped = grouper.skipped_images();
        report.problems.extend(grouper.take_problems());
        report.problems.sort_by_key(|p| p.line);
        if report.created + report.updated > 0 {
            self.refresh_statistics().await;
        }
        Ok(report)
    }

    async fn known_categories(&self) -> Result<HashMap<String, Uuid>, ShopError> {
        Ok(self
            .store
            .list_categories()
            .await?
            .into_iter()
            .map(|c| (c.slug.as_str().to_owned(), c.id))
            .collect())
    }

    /// Writes (or, in a dry run, counts) one batch and empties it.
    /// Refreshes the planner's statistics of the catalog tables. Done after batches 1, 2, 4, 8, …
    /// and at the end: PostgreSQL plans a repeated statement once from the statistics it has, so
    /// without this the check of every product scanned the whole, growing `variants` table (a
    /// plan made when it was empty) and a 100,000-product import slowed to under 100 products/s.
    /// The rows are written either way, so a failure is only logged.
    async fn refresh_statistics(&self) {
        if let Err(error) = self.store.refresh_statistics().await {
            tracing::warn!(%error, "the catalog's planner statistics were not refreshed");
        }
    }

    async fn write(
        &self,
        batch: &mut Vec<FileProduct>,
        categories: &mut HashMap<String, Uuid>,
        report: &mut ImportReport,
    ) -> Result<(), ShopError> {
        let products = std::mem::take(batch);
        if self.dry_run {
            report.checked += products.len() as u64;
            report.variants += products
                .iter()
                .map(|p| p.item.variants.len() as u64)
                .sum::<u64>();
            return Ok(());
        }
        let mut items = Vec::with_capacity(products.len());
        for product in &products {
            let mut item = product.item.clone();
            item.product.category_id = match &product.category {
                Some(name) => Some(self.category(name, categories, report).await?),
                None => None,
            };
            items.push(item);
        }
        let outcomes = match self.store.import_products(&items).await {
            Ok(outcomes) => outcomes,
            Err(StoreError::Invalid { .. } | StoreError::Conflict { .. }) => {
                let mut outcomes = Vec::with_capacity(items.len());
                for item in &items {
                    outcomes.push(
                        match self.store.import_products(std::slice::from_ref(item)).await {
                            Ok(mut one) => one.pop().unwrap_or(ImportOutcome::Created),
                            Err(
                                StoreError::Invalid { field, message }
                                | StoreError::Conflict { field, message },
                            ) => ImportOutcome::Refused { field, message },
                            Err(other) => return Err(other.into()),
                        },
                    );
                }
                outcomes
            }
            Err(other) => return Err(other.into()),
        };
        for ((product, item), outcome) in products.iter().zip(&items).zip(outcomes) {
            match outcome {
                ImportOutcome::Created => report.created += 1,
                ImportOutcome::Updated => report.updated += 1,
                ImportOutcome::Refused { field, message } => {
                    report.problems.push(RowProblem {
                        line: product.line,
                        reason: format!("{} refused ({field}): {message}", item.product.slug),
                    });
                    continue;
                }
            }
            report.variants += item.variants.len() as u64;
        }
        Ok(())
    }

    /// The id of the category named `name`, created the first time (its slug made from the name).
    async fn category(
        &self,
        name: &Title,
        categories: &mut HashMap<String, Uuid>,
        report: &mut ImportReport,
    ) -> Result<Uuid, ShopError> {
        let slug = Slug::from_title(name.as_str()).map_err(|e| ShopError::Invalid {
            field: "Type".into(),
            detail: e.to_string(),
        })?;
        if let Some(id) = categories.get(slug.as_str()) {
            return Ok(*id);
        }
        let created = self
            .store
            .create_category(NewCategory {
                slug: slug.clone(),
                name: name.clone(),
                parent_id: None,
            })
            .await;
        let id = match created {
            Ok(category) => {
                report.categories_created += 1;
                category.id
            }
            // Another writer made it meanwhile.
            Err(StoreError::Conflict { .. }) => *self
                .known_categories()
                .await?
                .get(slug.as_str())
                .ok_or(ShopError::NotFound { what: "category" })?,
            Err(other) => return Err(other.into()),
        };
        categories.insert(slug.as_str().to_owned(), id);
        Ok(id)
    }
}

fn unreadable(error: csv::Error) -> ShopError {
    ShopError::Invalid {
        field: "file".into(),
        detail: format!("the file cannot be read as CSV: {error}"),
    }
}

fn csv_reader<R: Read>(reader: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(reader)
}

fn header_of<R: Read>(csv: &mut csv::Reader<R>) -> Result<Header, ShopError> {
    let header = csv.headers().map_err(unreadable)?.clone();
    Header::parse(&header).map_err(|detail| ShopError::Invalid {
        field: "file".into(),
        detail,
    })
}
