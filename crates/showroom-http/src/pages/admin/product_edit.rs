//! The product editor: details (title, web address, description, category, attributes,
//! options), the variants grid ([`super::variants`]), the 3D model's state with a link to its
//! page ([`super::models`]), and the status buttons — publish, archive, back to draft — each
//! through a confirmation page. Every form of the page re-renders it whole when refused
//! ([`Overlay`] says which part comes back as typed), so nothing typed is lost.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use showroom_domain::ProductStatus;
use showroom_store::{MediaKind, Product, ProductPatch};
use uuid::Uuid;

use super::confirm::{confirmation_page, Confirmation};
use super::form::{FieldErrors, FormData, Refusal};
use super::layout::{page_with_status, AdminChrome, Reply};
use super::named::Named;
use super::product_form::{category_choices, form_field, CategoryChoice, ProductForm};
use super::signed_in::{done, Flash, SignedIn};
use super::variants::VariantGrid;
use crate::pages::chrome::categories;
use crate::pages::errors::PageError;
use crate::response_cache::invalidate_catalog;
use crate::state::AppState;

/// What part of the editor comes back as typed, after a refused form.
pub enum Overlay {
    None,
    Details {
        form: FormData,
        refusal: Refusal,
    },
    Grid {
        form: FormData,
        errors: BTreeMap<String, String>,
    },
    NewVariant {
        form: FormData,
        errors: FieldErrors,
    },
    Stock {
        variant_id: Uuid,
        form: FormData,
        message: String,
    },
}

/// The product's 3D model as the editor summarises it.
pub struct ModelSummary {
    /// `none`, `uploaded`, `processing`, `ready`, `failed`.
    pub status: &'static str,
    pub detail: String,
    pub href: String,
}

pub struct StatusAction {
    pub to: &'static str,
    pub label: &'static str,
    pub tone: &'static str,
}

#[derive(Template)]
#[template(path = "admin/product_edit.html")]
struct EditorPage {
    chrome: AdminChrome,
    id: String,
    heading: String,
    status: &'static str,
    shop_href: Option<String>,
    actions: Vec<StatusAction>,
    form: ProductForm,
    categories: Vec<CategoryChoice>,
    errors: FieldErrors,
    problem: Option<String>,
    grid: VariantGrid,
    model: ModelSummary,
}

async fn model_summary(state: &AppState, product: &Product) -> Result<ModelSummary, PageError> {
    let href = format!("/admin/products/{}/model", product.id);
    let Some(media) = product.media.iter().find(|m| m.kind == MediaKind::Model) else {
        return Ok(ModelSummary {
            status: "none",
            detail: "No 3D model yet. Upload one so shoppers can turn it and see it in their room."
                .into(),
            href,
        });
    };
    let record = state.catalog.asset(&media.asset_hash).await?;
    let (status, detail) = match record {
        Some(record) => {
            let status = record.status.as_str();
            let detail = match record.status {
                showroom_store::AssetStatus::Ready => {
                    format!("{} is live on the product.", record.original_name)
                }
                showroom_store::AssetStatus::Failed => format!(
                    "{} could not be processed: {}",
                    record.original_name,
                    record.failure.unwrap_or_default()
                ),
                _ => format!(
                    "{} is being processed ({} %).",
                    record.original_name, record.progress
                ),
            };
            (status, detail)
        }
        None => ("ready", "A 3D model is attached.".to_owned()),
    };
    Ok(ModelSummary {
        status,
        detail,
        href: format!("{href}/{}", media.asset_hash.as_str()),
    })
}

fn status_actions(status: ProductStatus) -> Vec<StatusAction> {
    let publish = StatusAction {
        to: "published",
        label: "Publish",
        tone: "primary",
    };
    let archive = StatusAction {
        to: "archived",
        label: "Archive",
        tone: "danger",
    };
    let draft = StatusAction {
        to: "draft",
        label: "Back to draft",
        tone: "secondary",
    };
    match status {
        ProductStatus::Draft => vec![publish, archive],
        ProductStatus::Published => vec![draft, archive],
        ProductStatus::Archived => vec![draft, publish],
    }
}

/// Renders the editor for `product`, with `overlay`'s part as typed, answering `status`.
pub async fn render_editor(
    state: &AppState,
    user: &SignedIn,
    product: Product,
    overlay: Overlay,
    status: StatusCode,
) -> Result<Response, PageError> {
    let currency = state.shop.currency();
    let mut form = ProductForm::from_product(&product);
    let mut errors = FieldErrors::default();
    let mut problem = None;
    let mut grid = VariantGrid::new(&product, currency);
    match overlay {
        Overlay::None => {}
        Overlay::Details {
            form: typed,
            refusal,
        } => {
            form = ProductForm::from_form(&typed);
            (errors, problem) = refusal.into_parts(form_field)?;
        }
        Overlay::Grid {
            form: typed,
            errors,
        } => {
            grid = grid.typed(&product, &typed, &errors);
            grid.problem = Some("Nothing was saved: fix the rows marked below.".into());
        }
        Overlay::NewVariant {
            form: typed,
            errors,
        } => {
            grid = grid.typed_new(&product, &typed, errors);
        }
        Overlay::Stock {
            variant_id,
            form: typed,
            message,
        } => {
            grid = grid.typed_stock(variant_id, &typed, message);
        }
    }
    let page = EditorPage {
        chrome: AdminChrome::new(user, product.title.as_str(), "/admin/products").await?,
        id: product.id.to_string(),
        heading: product.title.as_str().to_owned(),
        status: product.status.as_str(),
        shop_href: (product.status == ProductStatus::Published)
            .then(|| format!("/products/{}", product.slug.as_str())),
        actions: status_actions(product.status),
        categories: category_choices(categories(state).await?, &form.category_id),
        model: model_summary(state, &product).await?,
        form,
        errors,
        problem,
        grid,
    };
    page_with_status(status, &page)
}

pub async fn page(State(state): State<AppState>, Named(user, product): Named<Product>) -> Reply {
    Ok(render_editor(&state, &user, product, Overlay::None, StatusCode::OK).await?)
}

/// Saves the details form.
pub async fn save(
    State(state): State<AppState>,
    Named(user, product): Named<Product>,
    form: FormData,
) -> Reply {
    let saved = async {
        let patch = ProductPatch::try_from(ProductForm::from_form(&form).update_input()?)?;
        Ok::<_, Refusal>(state.catalog.update_product(product.id, patch).await?)
    }
    .await;
    match saved {
        Ok(saved) => {
            invalidate_catalog(&state).await;
            let flash = Flash::ok(format!("{} saved.", saved.title.as_str()));
            Ok(done(&user, flash, &format!("/admin/products/{}", saved.id)).await?)
        }
        Err(refusal) => {
            let status = refusal.status();
            let overlay = Overlay::Details { form, refusal };
            Ok(render_editor(&state, &user, product, overlay, status).await?)
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct StatusQuery {
    to: Option<String>,
}

fn target_status(raw: Option<&str>) -> Result<ProductStatus, PageError> {
    raw.and_then(|r| ProductStatus::parse(r).ok())
        .ok_or_else(PageError::not_found)
}

/// "Publish", "Archive" or "Back to draft": the confirmation page.
pub async fn confirm_status(
    Named(user, product): Named<Product>,
    Query(query): Query<StatusQuery>,
) -> Reply {
    let to = target_status(query.to.as_deref())?;
    let title = product.title.as_str();
    let (heading, lines, button, tone) = match to {
        ProductStatus::Published => (
            format!("Publish {title}?"),
            vec![
                "Shoppers will see it in the shop, in search and in its category, and can buy its variants that are in stock.".to_owned(),
                format!("{} variant(s), {} unit(s) available.", product.variants.len(), product.variants.iter().map(|v| v.available()).sum::<i64>()),
            ],
            "Publish",
            "primary",
        ),
        ProductStatus::Archived => (
            format!("Archive {title}?"),
            vec![
                "It disappears from the shop at once; shoppers with a link see a page saying it is gone.".to_owned(),
                "Past orders keep it. You can bring it back as a draft later.".to_owned(),
            ],
            "Archive",
            "danger",
        ),
        ProductStatus::Draft => (
            format!("Move {title} back to draft?"),
            vec!["It leaves the shop until you publish it again.".to_owned()],
            "Move to draft",
            "secondary",
        ),
    };
    let confirm = Confirmation {
        title: heading,
        lines,
        action: format!("/admin/products/{}/status", product.id),
        carried: Vec::new(),
        button: button.to_owned(),
        tone,
        back: format!("/admin/products/{}", product.id),
    }
    .carry("to", to.as_str());
    Ok(confirmation_page(&user, "/admin/products", confirm).await?)
}

pub async fn set_status(
    State(state): State<AppState>,
    Named(user, product): Named<Product>,
    form: FormData,
) -> Reply {
    let to = target_status(form.opt("to"))?;
    let changed = state
        .catalog
        .set_product_status(product.id, to)
        .await
        .map_err(PageError::from)?;
    invalidate_catalog(&state).await;
    let text = match to {
        ProductStatus::Published => format!(
            "{} is published: shoppers can see and buy it.",
            changed.title.as_str()
        ),
        ProductStatus::Archived => format!(
            "{} is archived and gone from the shop.",
            changed.title.as_str()
        ),
        ProductStatus::Draft => format!("{} is a draft again.", changed.title.as_str()),
    };
    Ok(done(
        &user,
        Flash::ok(text),
        &format!("/admin/products/{}", changed.id),
    )
    .await?)
}
