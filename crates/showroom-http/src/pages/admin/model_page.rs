//! A model's page (`GET /admin/products/{id}/model/{hash}`) and what can be done from it: while
//! processing, a progress bar (refreshing itself without JavaScript); once ready, the report
//! ([`super::model_report`]), a live preview in the shop's own viewer, "Show on the product"
//! (model and default poster join the gallery, variants link to looks by option value) and the
//! variant ↔ look links; when failed, why and what to do, with "Process it again" and a new
//! upload.

use askama::Template;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use showroom_assets::pipeline::{self, report::PipelineReport};
use showroom_shop::ShopError;
use showroom_store::{
    AssetRecord, AssetStatus, ContentHash, MediaKind, NewMedia, Product, VariantPatch,
};

use super::dashboard::bytes;
use super::form::FormData;
use super::layout::{page_with_status, AdminChrome, Reply};
use super::model_report::{
    failure_advice, report_of, signed_url, validation_of, ReportView, ValidationView,
};
use super::named::PathRecord;
use super::signed_in::{done, Flash, SignedIn};
use crate::pages::camera::poster_camera;
use crate::pages::errors::PageError;
use crate::pages::product::ViewerView;
use crate::pages::static_files;
use crate::principal::Permission;
use crate::response_cache::invalidate_catalog;
use crate::state::AppState;

pub struct LookChoice {
    pub name: String,
    pub selected: bool,
}

pub struct LinkRow {
    pub variant_id: String,
    pub sku: String,
    pub options: String,
    pub choices: Vec<LookChoice>,
    pub unlinked: bool,
}

#[derive(Template)]
#[template(path = "admin/model_report.html")]
struct ReportPage {
    chrome: AdminChrome,
    id: String,
    title: String,
    hash: String,
    name: String,
    size: String,
    status: &'static str,
    progress: u8,
    stage: String,
    failure: Option<String>,
    advice: &'static str,
    status_url: String,
    report: Option<ReportView>,
    validation: Option<ValidationView>,
    attached: bool,
    preview: Option<ViewerView>,
    links: Vec<LinkRow>,
    limit: String,
    /// The upload form's message (none on this page; the form posts to the upload page).
    problem: Option<String>,
}

async fn load_asset(state: &AppState, raw: &str) -> Result<AssetRecord, PageError> {
    let hash = ContentHash::parse(raw).map_err(|_| PageError::not_found())?;
    state
        .catalog
        .asset(&hash)
        .await?
        .ok_or_else(PageError::not_found)
}

/// What a model's page and its actions are about (`/admin/products/{id}/model/{hash}/…`): the
/// member, once their role is known to cover the catalog, the product and the asset the path
/// names (else the 404 page), and the model page's address to come back to.
pub struct NamedModel(SignedIn, Product, AssetRecord, String);

impl FromRequestParts<AppState> for NamedModel {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let user = SignedIn::from_request_parts(parts, state).await?;
        user.require(Permission::Catalog)?;
        let Path((id, hash)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| PageError::not_found().into_response())?;
        let product = Product::load(state, &id).await?;
        let record = load_asset(state, &hash).await?;
        let back = format!(
            "/admin/products/{}/model/{}",
            product.id,
            record.hash.as_str()
        );
        Ok(Self(user, product, record, back))
    }
}

fn is_attached(product: &Product, record: &AssetRecord) -> bool {
    product
        .media
        .iter()
        .any(|m| m.kind == MediaKind::Model && m.asset_hash == record.hash)
}

fn preview(state: &AppState, product: &Product, record: &AssetRecord) -> Option<ViewerView> {
    let report = record
        .report
        .as_ref()
        .filter(|_| record.status == AssetStatus::Ready)?;
    let camera = poster_camera(report);
    Some(ViewerView {
        model_src: signed_url(state, record.hash.as_str(), pipeline::DELIVERY_GLB),
        orbit: camera.map(|c| c.orbit()).unwrap_or_default(),
        target: camera.map(|c| c.target()).unwrap_or_default(),
        fov: camera.map(|c| c.field_of_view()).unwrap_or_default(),
        variant_name: String::new(),
        ios_src: String::new(),
        library: static_files::url("vendor/model-viewer/model-viewer.min.js"),
        draco: static_files::folder_url("vendor/draco"),
        ktx2: static_files::folder_url("vendor/basis"),
        meshopt: static_files::url("vendor/meshopt/meshopt_decoder.js"),
        alt: format!("3D preview of {}", product.title.as_str()),
    })
}

fn link_rows(product: &Product, looks: &[String]) -> Vec<LinkRow> {
    product
        .variants
        .iter()
        .map(|v| {
            let current = v.material_variant.clone().unwrap_or_default();
            LinkRow {
                variant_id: v.id.to_string(),
                sku: v.sku.as_str().to_owned(),
                options: v
                    .option_values
                    .values()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" · "),
                choices: looks
                    .iter()
                    .map(|name| LookChoice {
                        selected: *name == current,
                        name: name.clone(),
                    })
                    .collect(),
                unlinked: current.is_empty(),
            }
        })
        .collect()
}

pub async fn report(
    State(state): State<AppState>,
    NamedModel(user, product, record, _): NamedModel,
) -> Reply {
    let report = report_of(&state, &record);
    let attached = is_attached(&product, &record);
    let looks = report
        .as_ref()
        .map(|r| r.variants.clone())
        .unwrap_or_default();
    let page = ReportPage {
        chrome: AdminChrome::new(
            &user,
            format!("{} · 3D model", product.title.as_str()),
            "/admin/products",
        )
        .await?
        .with_module("js/admin/model.js")
        .with_module("js/admin/upload.js"),
        id: product.id.to_string(),
        title: product.title.as_str().to_owned(),
        hash: record.hash.as_str().to_owned(),
        name: record.original_name.clone(),
        size: bytes(u64::try_from(record.byte_size).unwrap_or(0)),
        status: record.status.as_str(),
        progress: record.progress,
        stage: record.stage.clone(),
        advice: record.failure.as_deref().map(failure_advice).unwrap_or(""),
        failure: record.failure.clone(),
        status_url: format!("/api/v1/admin/assets/{}", record.hash.as_str()),
        validation: report.is_none().then(|| validation_of(&record)).flatten(),
        preview: preview(&state, &product, &record),
        links: if attached && !looks.is_empty() {
            link_rows(&product, &looks)
        } else {
            Vec::new()
        },
        report,
        attached,
        limit: bytes(state.shop.uploads.settings().limit_bytes),
        problem: None,
    };
    Ok(page_with_status(StatusCode::OK, &page)?)
}

/// Shows a ready model on the product: the model and its default poster join the gallery, and
/// variants whose option values name a look are linked to it (links made before are kept).
pub async fn attach(
    State(state): State<AppState>,
    NamedModel(user, product, record, back): NamedModel,
) -> Reply {
    if record.status != AssetStatus::Ready {
        let flash = Flash::error(
            "The model is not ready yet: it can be shown once processing has finished.",
        );
        return Ok(done(&user, flash, &back).await?);
    }
    if is_attached(&product, &record) {
        return Ok(done(
            &user,
            Flash::ok("The model is already on the product."),
            &back,
        )
        .await?);
    }
    let report = record.report.as_ref().and_then(PipelineReport::from_stored);
    let alt = format!("{} in 3D", product.title.as_str());
    let mut media = vec![(MediaKind::Model, pipeline::DELIVERY_GLB.to_owned())];
    media.extend(
        report
            .as_ref()
            .and_then(PipelineReport::default_poster)
            .map(|p| (MediaKind::Image, p.to_owned())),
    );
    for (kind, file_name) in media {
        let new = NewMedia {
            kind,
            asset_hash: record.hash.clone(),
            file_name,
            alt: alt.clone(),
        };
        state
            .catalog
            .add_media(product.id, new)
            .await
            .map_err(PageError::from)?;
    }
    let looks = report.map(|r| r.variants).unwrap_or_default();
    let linked = if looks.is_empty() {
        0
    } else {
        let variants = state
            .catalog
            .link_material_variants(product.id, &looks)
            .await
            .map_err(PageError::from)?;
        variants
            .iter()
            .filter(|v| v.material_variant.is_some())
            .count()
    };
    invalidate_catalog(&state).await;
    let text = if looks.is_empty() {
        "The model is on the product.".to_owned()
    } else {
        format!(
            "The model is on the product; {linked} of {} variant(s) are linked to a look. Check the links below.",
            product.variants.len()
        )
    };
    Ok(done(&user, Flash::ok(text), &back).await?)
}

/// Saves the variant ↔ look links: each variant shows one of the model's looks, or none.
pub async fn save_looks(
    State(state): State<AppState>,
    NamedModel(user, product, record, back): NamedModel,
    form: FormData,
) -> Reply {
    let looks = record
        .report
        .as_ref()
        .and_then(PipelineReport::from_stored)
        .map(|r| r.variants)
        .unwrap_or_default();
    // Check every row before writing any.
    let mut changes = Vec::new();
    for variant in &product.variants {
        let chosen = form.opt(&format!("look.{}", variant.id)).map(str::to_owned);
        if let Some(name) = &chosen {
            if !looks.contains(name) {
                let flash = Flash::error(format!(
                    "“{name}” is not a look of this model; nothing was changed."
                ));
                return Ok(done(&user, flash, &back).await?);
            }
        }
        if chosen != variant.material_variant {
            changes.push((variant.id, chosen));
        }
    }
    for (variant_id, chosen) in &changes {
        let patch = VariantPatch {
            material_variant: Some(chosen.clone()),
            ..VariantPatch::default()
        };
        state
            .catalog
            .update_variant(*variant_id, patch)
            .await
            .map_err(PageError::from)?;
    }
    invalidate_catalog(&state).await;
    let text = match changes.len() {
        0 => "The links were already like that.".to_owned(),
        n => format!("{n} link(s) saved: shoppers who pick those variants see their look."),
    };
    Ok(done(&user, Flash::ok(text), &back).await?)
}

/// Queues the upload for processing again (after a failure).
pub async fn reprocess(
    State(state): State<AppState>,
    NamedModel(user, _, record, back): NamedModel,
) -> Reply {
    let flash = match state.shop.uploads.reprocess(&record.hash).await {
        Ok(_) => Flash::ok("The model is queued to be processed again."),
        Err(ShopError::Conflict { .. }) => {
            Flash::ok("The model is already waiting or being processed.")
        }
        Err(error) => return Err(PageError(error.into()).into()),
    };
    Ok(done(&user, flash, &back).await?)
}
