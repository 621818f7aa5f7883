//! A product's 3D model: upload, processing, the asset report, and the links between the
//! product's variants and the model's looks.
//!
//! - `GET …/model`: the upload form (drag and drop or a file picker) and earlier uploads.
//! - `POST …/model`: a `multipart/form-data` upload (its first part is the CSRF token; see
//!   [`super::csrf`]), streamed to object storage through the same ingest as the admin API, then
//!   `303` to the model's page. A refused file (too large, not a model, empty) comes back on the
//!   upload form in a merchant's words. `web/js/admin/upload.js` sends the same form with
//!   `XMLHttpRequest` to draw the upload's progress, then follows the job's progress by polling
//!   the admin API's asset status with the same session.
//! - `GET …/model/{hash}`: while processing, a progress bar (refreshing itself without
//!   JavaScript); once ready, the report ([`super::model_report`]), a live preview in the shop's
//!   own viewer, "Show on the product" and the variant ↔ look links; when failed, why and what to
//!   do, with "Process again" and a new upload.

use askama::Template;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use futures::TryStreamExt;
use showroom_shop::ShopError;
use showroom_store::{AssetRecord, MediaKind, Product};

use super::csrf::{self, UploadNeedsToken};
use super::dashboard::bytes;
use super::layout::{page_with_status, AdminChrome, Reply};
use super::named::Named;
use super::orders::date_time;
use super::signed_in::{done, Flash, SignedIn};
use crate::pages::errors::PageError;
use crate::routes::admin_uploads::display_name;
use crate::state::AppState;

pub struct UploadRow {
    pub href: String,
    pub name: String,
    pub status: &'static str,
    pub when: String,
}

#[derive(Template)]
#[template(path = "admin/model_upload.html")]
struct UploadPage {
    chrome: AdminChrome,
    id: String,
    title: String,
    current: Option<UploadRow>,
    uploads: Vec<UploadRow>,
    limit: String,
    problem: Option<String>,
}

fn model_of(product: &Product) -> Option<&showroom_store::Media> {
    product.media.iter().find(|m| m.kind == MediaKind::Model)
}

fn row(product: &Product, record: &AssetRecord) -> UploadRow {
    UploadRow {
        href: format!(
            "/admin/products/{}/model/{}",
            product.id,
            record.hash.as_str()
        ),
        name: record.original_name.clone(),
        status: record.status.as_str(),
        when: date_time(record.created_at),
    }
}

async fn render_upload(
    state: &AppState,
    user: &SignedIn,
    product: Product,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let current = match model_of(&product) {
        Some(media) => state
            .catalog
            .asset(&media.asset_hash)
            .await?
            .map(|r| row(&product, &r)),
        None => None,
    };
    let uploads = state
        .catalog
        .list_assets(8)
        .await?
        .iter()
        .map(|r| row(&product, r))
        .collect();
    let page = UploadPage {
        chrome: AdminChrome::new(
            user,
            format!("3D model of {}", product.title.as_str()),
            "/admin/products",
        )
        .await?
        .with_module("js/admin/upload.js"),
        id: product.id.to_string(),
        title: product.title.as_str().to_owned(),
        current,
        uploads,
        limit: bytes(state.shop.uploads.settings().limit_bytes),
        problem,
    };
    page_with_status(status, &page)
}

pub async fn page(State(state): State<AppState>, Named(user, product): Named<Product>) -> Reply {
    Ok(render_upload(&state, &user, product, None, StatusCode::OK).await?)
}

/// An upload refusal in a merchant's words; `Err` for what is not about the file.
fn upload_refusal(error: ShopError) -> Result<(StatusCode, String), PageError> {
    Ok(match error {
        ShopError::UploadTooLarge { limit } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "This file is larger than the {} the shop takes. Shrink its textures (2048 pixels is plenty for a product) or simplify the mesh, then upload it again.",
                bytes(limit)
            ),
        ),
        ShopError::UnsupportedModel { .. } => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "This is not a 3D model the shop can read. Upload a .glb file, or a .zip holding a .gltf file with its .bin and texture files.".to_owned(),
        ),
        ShopError::BadUpload { detail } => (
            StatusCode::BAD_REQUEST,
            format!("The file did not arrive whole ({detail}). Choose it again and upload it."),
        ),
        other => return Err(PageError(other.into())),
    })
}

pub async fn upload(
    State(state): State<AppState>,
    Named(user, product): Named<Product>,
    needs_token: Option<Extension<UploadNeedsToken>>,
    request: Request,
) -> Reply {
    let refuse = |message: String, status: StatusCode| {
        render_upload(&state, &user, product.clone(), Some(message), status)
    };
    let Ok(mut form) = Multipart::from_request(request, &state).await else {
        return Ok(refuse(
            "Choose a .glb or .zip file to upload.".into(),
            StatusCode::BAD_REQUEST,
        )
        .await?);
    };
    if let Some(Extension(UploadNeedsToken(expected))) = needs_token {
        let presented = match form.next_field().await {
            Ok(Some(field)) if field.name() == Some(csrf::FIELD) => field.text().await.ok(),
            _ => None,
        };
        if !csrf::matches(Some(&expected), presented.as_deref()) {
            return Err(csrf::expired());
        }
    }
    let ingested = loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => {
                return Ok(refuse(
                    "Choose a .glb or .zip file to upload.".into(),
                    StatusCode::BAD_REQUEST,
                )
                .await?)
            }
            Err(e) => {
                let message = format!("The upload stopped before the end ({e}). Try again.");
                return Ok(refuse(message, StatusCode::BAD_REQUEST).await?);
            }
        };
        let Some(file_name) = field.file_name().map(str::to_owned) else {
            continue;
        };
        if file_name.is_empty() {
            return Ok(refuse(
                "Choose a .glb or .zip file to upload.".into(),
                StatusCode::BAD_REQUEST,
            )
            .await?);
        }
        let name = display_name(Some(file_name));
        let stream = field.map_err(|e| e.to_string());
        break state.shop.uploads.ingest(stream, name).await;
    };
    let (record, created) = match ingested {
        Ok(done) => done,
        Err(error) => {
            let (status, message) = upload_refusal(error)?;
            return Ok(refuse(message, status).await?);
        }
    };
    tracing::info!(asset = %record.hash.as_str(), created, staff = %user.member.id, "model uploaded in the back office");
    let text = if created {
        format!("{} is uploaded and being processed.", record.original_name)
    } else {
        format!(
            "{} was uploaded before: here is what processing made of it.",
            record.original_name
        )
    };
    let location = format!(
        "/admin/products/{}/model/{}",
        product.id,
        record.hash.as_str()
    );
    Ok(done(&user, Flash::ok(text), &location).await?)
}
