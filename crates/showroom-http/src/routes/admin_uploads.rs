//! Merchant uploads of 3D models and their processing status.
//!
//! `POST /api/v1/admin/assets` takes a `.glb`, or a `.zip` holding one `.gltf` with its `.bin`
//! and textures, either as the raw request body or as the file part of a `multipart/form-data`
//! form. The body is streamed to object storage under its SHA-256 — never held whole in memory
//! — with the configured size limit, then recorded with a processing job in one transaction. A
//! repeated upload of the same bytes answers `200` with the existing record instead of `202`.
//! The kind of file is judged from its first bytes, not from a name or header the client chose.
//!
//! Status, report and re-processing read and write the asset record; the worker fills it in.

use axum::extract::{FromRequest, Multipart, Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use showroom_assets::{pipeline, ORIGINAL_GLB, ORIGINAL_ZIP};
use showroom_shop::ShopError;
use showroom_store::{AssetRecord, AssetStatus, ContentHash, UploadFormat};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::delivery::links::{asset_url, derived_url};
use crate::error::ApiError;
use crate::routes::dto::rfc3339;
use crate::routes::refusals::{AdminReadRefusals, UploadRefusals};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload_asset, list_assets))
        .routes(routes!(asset_status))
        .routes(routes!(asset_report))
        .routes(routes!(reprocess_asset))
}

/// An uploaded model and where its processing stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetDto {
    /// SHA-256 of the original upload: the asset's address.
    pub hash: String,
    pub original_name: String,
    /// `glb` or `zip`.
    pub format: String,
    pub byte_size: i64,
    /// `uploaded`, `processing`, `ready` or `failed`.
    pub status: String,
    /// 0–100.
    pub progress: u8,
    /// The current or last step.
    pub stage: String,
    /// Why processing failed.
    pub failure: Option<String>,
    /// Processing attempts of the current run.
    pub attempts: u32,
    /// Width, height and depth in metres, once processed.
    pub dimensions_m: Option<[f64; 3]>,
    /// `KHR_materials_variants` names, once processed.
    pub variants: Vec<String>,
    /// Warnings a merchant may want to fix (3D Commerce guidelines, undecodable textures).
    pub warnings: Vec<String>,
    /// Where the posters were taken from, once processed: open `<model-viewer>` here and it
    /// starts on the poster's view.
    pub camera: Option<PosterCameraDto>,
    /// URLs of the stored files (the original at once; derived files once ready).
    pub files: AssetFilesDto,
    pub created_at: String,
    pub updated_at: String,
}

/// The posters' camera as `<model-viewer>` attribute values.
#[derive(Debug, Serialize, ToSchema)]
pub struct PosterCameraDto {
    /// `camera-orbit`: azimuth, polar angle and distance, e.g. `35deg 73deg 2.41m`.
    pub camera_orbit: String,
    /// `camera-target`: the point looked at, e.g. `0m 0.42m 0m`.
    pub camera_target: String,
    /// `field-of-view`: the vertical field of view, e.g. `30deg`.
    pub field_of_view: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssetFilesDto {
    pub original: String,
    /// Delivery GLB (meshopt-compressed, quantized).
    pub model: Option<String>,
    /// GLB without `EXT_*` extensions (Android Scene Viewer).
    pub model_plain: Option<String>,
    /// USDZ for iOS AR Quick Look.
    pub usdz: Option<String>,
    /// The default look's largest PNG poster.
    pub poster: Option<String>,
    pub report: Option<String>,
}

impl From<AssetRecord> for AssetDto {
    fn from(record: AssetRecord) -> Self {
        let hash = record.hash.as_str().to_owned();
        let original = match record.format {
            UploadFormat::Glb => ORIGINAL_GLB,
            UploadFormat::Zip => ORIGINAL_ZIP,
        };
        let report = record
            .report
            .as_ref()
            .and_then(pipeline::PipelineReport::from_stored);
        let ready = record.status == AssetStatus::Ready;
        // Under the revision that made them: the addresses never change their bytes.
        let revision = report
            .as_ref()
            .map(|r| r.revision.clone())
            .unwrap_or_default();
        let derived = |file: &str| ready.then(|| derived_url(&hash, &revision, file));
        let poster = report
            .as_ref()
            .and_then(|r| r.default_poster())
            .and_then(derived);
        let dimensions_m = report.as_ref().map(|r| r.dimensions_m);
        let camera = report
            .as_ref()
            .and_then(|r| r.camera.clone())
            .map(|c| PosterCameraDto {
                camera_orbit: c.camera_orbit,
                camera_target: c.camera_target,
                field_of_view: c.field_of_view,
            });
        let (variants, warnings) = report.map(|r| (r.variants, r.warnings)).unwrap_or_default();
        Self {
            files: AssetFilesDto {
                original: asset_url(&hash, original),
                model: derived(pipeline::DELIVERY_GLB),
                model_plain: derived(pipeline::PLAIN_GLB),
                usdz: derived(pipeline::USDZ),
                poster,
                report: derived(pipeline::REPORT),
            },
            variants,
            warnings,
            camera,
            dimensions_m,
            hash,
            original_name: record.original_name,
            format: record.format.as_str().to_owned(),
            byte_size: record.byte_size,
            status: record.status.as_str().to_owned(),
            progress: record.progress,
            stage: record.stage,
            failure: record.failure,
            attempts: record.attempts,
            created_at: rfc3339(record.created_at),
            updated_at: rfc3339(record.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "documentation of the query string, parsed by hand"
)]
pub struct UploadParams {
    /// The file's name as the merchant knows it, for display (`chair.glb`); default `upload`.
    #[param(max_length = 200)]
    pub name: Option<String>,
}

/// Upload a 3D model (`.glb`, or a `.zip` with a `.gltf` and its files) for processing.
#[utoipa::path(
    post, path = "/api/v1/admin/assets", tag = "admin", security(("admin_token" = [])),
    params(UploadParams),
    request_body(
        description = "The model: raw bytes (`model/gltf-binary`, `application/zip`, `application/octet-stream`) or `multipart/form-data` with one file part",
        content(
            (Vec<u8> = "model/gltf-binary"),
            (Vec<u8> = "application/zip"),
            (Vec<u8> = "application/octet-stream"),
        )
    ),
    responses(
        (status = 202, description = "Stored and queued for processing", body = AssetDto),
        (status = 200, description = "These bytes were uploaded before: the existing asset", body = AssetDto),
        UploadRefusals,
    )
)]
pub async fn upload_asset(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, ApiError> {
    let uploads = &state.shop.uploads;
    let limit = uploads.settings().limit_bytes;
    if let Some(length) = content_length(&headers) {
        if length > limit {
            return Err(ShopError::UploadTooLarge { limit }.into());
        }
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let named = query_value(query.as_deref(), "name");
    let (record, created) = if content_type.starts_with("multipart/form-data") {
        let mut form = Multipart::from_request(request, &state)
            .await
            .map_err(|e| bad_upload(format!("unreadable multipart form: {e}")))?;
        loop {
            let field = form
                .next_field()
                .await
                .map_err(|e| bad_upload(format!("unreadable multipart form: {e}")))?
                .ok_or_else(|| bad_upload("the form has no file part".to_owned()))?;
            let Some(part_name) = field.file_name().map(str::to_owned) else {
                continue;
            };
            let name = display_name(named.or(Some(part_name)));
            let stream = field.map_err(|e| e.to_string());
            break uploads.ingest(stream, name).await?;
        }
    } else {
        let name = display_name(named);
        let stream = request
            .into_body()
            .into_data_stream()
            .map_err(|e| e.to_string());
        uploads.ingest(stream, name).await?
    };
    let status = if created {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    let location = format!("/api/v1/admin/assets/{}", record.hash.as_str());
    let mut response = (status, Json(AssetDto::from(record))).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// A display name: control characters dropped, at most 200 characters; `upload` when none.
pub(crate) fn display_name(raw: Option<String>) -> String {
    let name = raw
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect::<String>();
    match name.trim() {
        "" => "upload".to_owned(),
        trimmed => trimmed.to_owned(),
    }
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

fn bad_upload(detail: String) -> ApiError {
    ShopError::BadUpload { detail }.into()
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "documentation of the query string, parsed by hand"
)]
pub struct ListParams {
    /// At most this many, newest first (default 50, at most 500).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// Uploaded models, newest first.
#[utoipa::path(
    get, path = "/api/v1/admin/assets", tag = "admin", security(("admin_token" = [])),
    params(ListParams),
    responses((status = 200, description = "Uploaded models", body = [AssetDto]), AdminReadRefusals)
)]
pub async fn list_assets(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<AssetDto>>, ApiError> {
    let limit = match query_value(query.as_deref(), "limit") {
        None => 50,
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=500).contains(n))
            .ok_or_else(|| ApiError::BadRequest {
                code: "invalid_query",
                detail: "`limit` must be a whole number from 1 to 500".into(),
                field: Some("limit".into()),
            })?,
    };
    let records = state.catalog.list_assets(limit).await?;
    Ok(Json(records.into_iter().map(AssetDto::from).collect()))
}

/// The first value of `name` in a query string, percent-decoded (malformed escapes are kept).
fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn parse_hash(raw: &str) -> Result<ContentHash, ApiError> {
    // A malformed hash names no asset: 404, like an unknown one, so nothing can be probed.
    ContentHash::parse(raw).map_err(|_| ApiError::NotFound { what: "asset" })
}

/// One upload's status and progress.
#[utoipa::path(
    get, path = "/api/v1/admin/assets/{hash}", tag = "admin", security(("admin_token" = [])),
    params(("hash" = String, Path, description = "SHA-256 of the upload", pattern = "^[0-9a-f]{64}$")),
    responses((status = 200, description = "The asset", body = AssetDto), AdminReadRefusals)
)]
pub async fn asset_status(
    State(state): State<AppState>,
    Path(hash): Path<String>,
) -> Result<Json<AssetDto>, ApiError> {
    let record = state
        .catalog
        .asset(&parse_hash(&hash)?)
        .await?
        .ok_or(ApiError::NotFound { what: "asset" })?;
    Ok(Json(record.into()))
}

/// The processing report: validation problems, inspection, optimization, posters and files.
#[utoipa::path(
    get, path = "/api/v1/admin/assets/{hash}/report", tag = "admin", security(("admin_token" = [])),
    params(("hash" = String, Path, description = "SHA-256 of the upload", pattern = "^[0-9a-f]{64}$")),
    responses(
        (status = 200, description = "The report (an object; its shape is documented in the assets crate)", body = Object),
        AdminReadRefusals,
    )
)]
pub async fn asset_report(
    State(state): State<AppState>,
    Path(hash): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let record = state
        .catalog
        .asset(&parse_hash(&hash)?)
        .await?
        .ok_or(ApiError::NotFound { what: "asset" })?;
    record.report.map(Json).ok_or(ApiError::NotFound {
        what: "report (the asset is not processed yet)",
    })
}

/// Process an upload again (after a failure, or with a newer pipeline).
#[utoipa::path(
    post, path = "/api/v1/admin/assets/{hash}/reprocess", tag = "admin", security(("admin_token" = [])),
    params(("hash" = String, Path, description = "SHA-256 of the upload", pattern = "^[0-9a-f]{64}$")),
    responses(
        (status = 202, description = "Queued", body = AssetDto),
        (status = 409, description = "Already queued or processing", body = crate::error::Problem, content_type = "application/problem+json"),
        AdminReadRefusals,
    )
)]
pub async fn reprocess_asset(
    State(state): State<AppState>,
    Path(hash): Path<String>,
) -> Result<(StatusCode, Json<AssetDto>), ApiError> {
    let record = state.shop.uploads.reprocess(&parse_hash(&hash)?).await?;
    Ok((StatusCode::ACCEPTED, Json(record.into())))
}
