//! The catalog file through the admin API, as `showroom catalog import|export` does it on the
//! command line (Shopify's product CSV, see `showroom_shop::catalog_file`):
//!
//! - `POST /api/v1/admin/catalog/imports[?dry_run=true]` streams the body to an anonymous
//!   temporary file (bounded memory; refused with 413 past `assets.max_upload_bytes`, before a
//!   byte is read when `Content-Length` says so), refuses a file whose first row is not a
//!   product CSV's header with 422, starts the import as a background job and answers 202 with
//!   its status and `Location`;
//! - `GET /api/v1/admin/catalog/imports/{id}` tells where it stands: bytes read, products, the
//!   percentage, then the report (created, updated, every refused record by line) or why it
//!   failed;
//! - `GET /api/v1/admin/catalog/export` streams the whole catalog as CSV from a temporary file,
//!   so memory stays small whatever the catalog's size.

use std::io::{Seek, SeekFrom};

use axum::body::Body;
use axum::extract::{RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::TryStreamExt;
use serde::Serialize;
use showroom_shop::catalog_file::jobs::ImportSummary;
use showroom_shop::catalog_file::{export_catalog, CatalogImportJobs, ImportStatus};
use showroom_shop::ShopError;
use tokio::io::AsyncWriteExt;
use tokio_util::io::ReaderStream;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::delivery::csv_attachment;
use crate::error::ApiError;
use crate::routes::params::IdPath;
use crate::routes::refusals::{AdminReadRefusals, DatabaseUnavailable, UploadRefusals};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start_import))
        .routes(routes!(import_status))
        .routes(routes!(export_csv))
}

/// One refused record of the file.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportProblemDto {
    /// The record's line in the file (1 is the header).
    pub line: u64,
    pub reason: String,
}

/// What a finished import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportDto {
    pub created: u64,
    pub updated: u64,
    pub variants: u64,
    /// In a dry run: the products that would be written.
    pub checked: u64,
    pub categories_created: u64,
    /// Image-only records (pictures are uploaded, not linked by URL).
    pub images_skipped: u64,
    /// The first 200 refused records; the good ones were kept.
    pub problems: Vec<ImportProblemDto>,
    pub problems_total: u64,
}

impl From<ImportSummary> for ImportReportDto {
    fn from(summary: ImportSummary) -> Self {
        Self {
            created: summary.created,
            updated: summary.updated,
            variants: summary.variants,
            checked: summary.checked,
            categories_created: summary.categories_created,
            images_skipped: summary.images_skipped,
            problems: summary
                .problems
                .into_iter()
                .map(|p| ImportProblemDto {
                    line: p.line,
                    reason: p.reason,
                })
                .collect(),
            problems_total: summary.problems_total,
        }
    }
}

/// A catalog import and where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogImportDto {
    pub id: Uuid,
    /// `running`, `done` or `failed`.
    pub state: String,
    pub dry_run: bool,
    pub bytes_total: u64,
    pub bytes_read: u64,
    /// How much of the file is read, 0–100.
    pub percent: u8,
    /// Products read so far.
    pub products: u64,
    /// Unix milliseconds.
    pub started_at: i64,
    pub finished_at: Option<i64>,
    /// Once `done`.
    pub report: Option<ImportReportDto>,
    /// Once `failed`: why (e.g. the file is not a product CSV), in words.
    pub failure: Option<String>,
}

impl From<ImportStatus> for CatalogImportDto {
    fn from(status: ImportStatus) -> Self {
        let percent = status.percent();
        Self {
            id: status.id,
            state: status.state.as_str().to_owned(),
            dry_run: status.dry_run,
            bytes_total: status.bytes_total,
            bytes_read: status.bytes_read,
            percent,
            products: status.products,
            started_at: status.started_at,
            finished_at: status.finished_at,
            report: status.report.map(Into::into),
            failure: status.failure,
        }
    }
}

fn jobs(state: &AppState) -> CatalogImportJobs {
    CatalogImportJobs::new(
        state.catalog.clone(),
        state.cache.clone(),
        state.shop.currency(),
    )
}

/// Import a Shopify product CSV as a background job.
///
/// Products are created or updated by `Handle`, variants by `Variant SKU`; categories named by
/// `Type` are created as needed; bad records are reported by line and the good ones kept.
/// `dry_run=true` reads and checks every record and writes nothing. Poll the `Location` for
/// progress and the report.
#[utoipa::path(
    post, path = "/api/v1/admin/catalog/imports", tag = "admin",
    params(("dry_run" = Option<bool>, Query, description = "Check every record, write nothing")),
    request_body(
        description = "The CSV file, as Shopify exports it",
        content((Vec<u8> = "text/csv"), (Vec<u8> = "application/octet-stream"))
    ),
    responses(
        (status = 202, description = "Stored and started; `Location` names its status", body = CatalogImportDto),
        (status = 422, description = "Not a Shopify product CSV: its first row lacks the columns an import needs (`field` is `file`)", body = crate::error::Problem, content_type = "application/problem+json"),
        UploadRefusals,
    )
)]
pub async fn start_import(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, ApiError> {
    let dry_run = dry_run(query.as_deref())?;
    let limit = state.shop.uploads.settings().limit_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(ShopError::UploadTooLarge { limit }.into());
    }
    let (file, size) = spool(request.into_body(), limit).await?;
    let status = jobs(&state).start(file, size, dry_run).await?;
    let location = format!("/api/v1/admin/catalog/imports/{}", status.id);
    let mut response = (StatusCode::ACCEPTED, Json(CatalogImportDto::from(status))).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// Where a catalog import stands: progress while it runs, then its report or why it failed.
#[utoipa::path(
    get, path = "/api/v1/admin/catalog/imports/{id}", tag = "admin",
    params(("id" = String, Path, description = "The import's id (from `POST /api/v1/admin/catalog/imports`)")),
    responses(
        (status = 200, description = "The import", body = CatalogImportDto),
        AdminReadRefusals,
        (status = 503, description = "The shared cache that keeps import statuses is unavailable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn import_status(
    State(state): State<AppState>,
    IdPath(id): IdPath,
) -> Result<Json<CatalogImportDto>, ApiError> {
    let status = jobs(&state)
        .status(id)
        .await?
        .ok_or(ApiError::NotFound { what: "import" })?;
    Ok(Json(status.into()))
}

/// The whole catalog as Shopify product CSV, one record per variant (what `import` reads back).
#[utoipa::path(
    get, path = "/api/v1/admin/catalog/export", tag = "admin",
    responses(
        (status = 200, description = "The catalog", content_type = "text/csv", body = String),
        AdminReadRefusals,
        DatabaseUnavailable,
    )
)]
pub async fn export_csv(State(state): State<AppState>) -> Result<Response, ApiError> {
    let mut file = tempfile::tempfile().map_err(ApiError::internal)?;
    // The CSV writer buffers and flushes (reporting a full disk) before it returns.
    let writer = file.try_clone().map_err(ApiError::internal)?;
    export_catalog(&state.catalog, writer, |_| {}).await?;
    let length = file.seek(SeekFrom::End(0)).map_err(ApiError::internal)?;
    file.seek(SeekFrom::Start(0)).map_err(ApiError::internal)?;
    // Fused: the compression layer may poll once more after the end.
    let chunks = ReaderStream::new(tokio::fs::File::from_std(file));
    let body = Body::from_stream(futures::StreamExt::fuse(chunks));
    let mut response = csv_attachment(body, "products.csv");
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    Ok(response)
}

/// Streams `body` into an anonymous temporary file, at most `limit` bytes; returns the file,
/// positioned at its start, and its size.
async fn spool(body: Body, limit: u64) -> Result<(std::fs::File, u64), ApiError> {
    let file = tempfile::tempfile().map_err(ApiError::internal)?;
    let mut writer = tokio::fs::File::from_std(file.try_clone().map_err(ApiError::internal)?);
    let mut stream = body.into_data_stream();
    let mut size = 0u64;
    while let Some(chunk) = stream
        .try_next()
        .await
        .map_err(|e| bad_file(format!("the upload was interrupted: {e}")))?
    {
        size += chunk.len() as u64;
        if size > limit {
            return Err(ShopError::UploadTooLarge { limit }.into());
        }
        writer.write_all(&chunk).await.map_err(ApiError::internal)?;
    }
    writer.flush().await.map_err(ApiError::internal)?;
    if size == 0 {
        return Err(bad_file("the file is empty".to_owned()));
    }
    let mut file = file;
    file.seek(SeekFrom::Start(0)).map_err(ApiError::internal)?;
    Ok((file, size))
}

fn bad_file(detail: String) -> ApiError {
    ShopError::BadUpload { detail }.into()
}

/// `dry_run`: absent or `false` → false, `true` → true; anything else is a 400.
fn dry_run(query: Option<&str>) -> Result<bool, ApiError> {
    let value = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(key, _)| key == "dry_run")
        .map(|(_, value)| value.into_owned());
    match value.as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::BadRequest {
            code: "invalid_query",
            detail: "`dry_run` must be `true` or `false`".into(),
            field: Some("dry_run".into()),
        }),
    }
}
