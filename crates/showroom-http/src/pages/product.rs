//! The product page: the selected variant's poster as the largest paint, `<model-viewer>` loaded
//! later by `web/js/viewer.js` at the poster's camera, a variant picker made of links
//! (`?variant=<id>`, so it works without JavaScript; `web/js/product.js` switches in place),
//! AR links that follow the chosen look, the real size, and structured data for search engines.
//!
//! The page without a session and without `?variant=` — where shoppers and search engines land —
//! is cached whole, like the product's JSON: in the `product` namespace, one entry per encoding,
//! so admin writes drop it at once and stock changes within a second (`StockFreshness`), the same
//! freshness as the API. A page whose model is still being processed is never cached (its end
//! invalidates nothing). A shopper with a session (the page carries their CSRF token) and a chosen
//! variant get the page rendered for the request, from the store.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use showroom_domain::Slug;
use showroom_store::{Product, Variant};
use tower_sessions::Session;
use uuid::Uuid;

use super::chrome::{self, Chrome};
use super::errors::PageError;
use super::format;
use super::model_facts::{model_facts, ModelFacts};
use super::render::{private_page, public_page, public_response};
use super::static_files;
use super::structured_data;
use crate::error::ApiError;
use crate::response_cache::{cached_body, Namespace};
use crate::state::AppState;

pub struct SelectedVariant {
    pub id: Uuid,
    pub price: String,
    pub compare_at: Option<String>,
    pub stock: &'static str,
    pub stock_class: &'static str,
    pub sold_out: bool,
    pub sku: String,
}

pub struct Choice {
    pub value: String,
    pub href: String,
    pub variant_id: String,
    pub selected: bool,
    pub available: bool,
}

pub struct OptionPicker {
    pub name: String,
    pub selected: String,
    pub choices: Vec<Choice>,
}

pub struct PosterView {
    pub webp_srcset: String,
    pub png_srcset: String,
    pub fallback: String,
    pub alt: String,
}

pub struct ViewerView {
    pub model_src: String,
    pub orbit: String,
    pub target: String,
    pub fov: String,
    pub variant_name: String,
    pub ios_src: String,
    pub library: &'static str,
    pub draco: String,
    pub ktx2: String,
    pub meshopt: &'static str,
    pub alt: String,
}

pub struct ArView {
    pub quick_look: String,
    pub thumb: String,
    pub scene_viewer: Option<String>,
}

pub struct SizeView {
    pub cm: String,
    pub inches: String,
    pub hint: String,
}

pub struct CategoryLink {
    pub slug: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "product.html")]
struct ProductPage {
    chrome: Chrome,
    title: String,
    description: String,
    category: Option<CategoryLink>,
    selected: SelectedVariant,
    options: Vec<OptionPicker>,
    poster: Option<PosterView>,
    preload_poster: Option<String>,
    viewer: Option<ViewerView>,
    ar: Option<ArView>,
    size: Option<SizeView>,
    csrf_token: Option<String>,
    data_json: String,
}

#[derive(Deserialize)]
pub struct ProductParams {
    variant: Option<String>,
}

pub async fn product_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(params): Query<ProductParams>,
    session: Session,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let slug = Slug::parse(&slug).map_err(|_| PageError::not_found())?;
    if crate::shopper::has_session_cookie(&headers) {
        let (mut page, _) = product_view(&state, &slug, params.variant.as_deref()).await?;
        page.csrf_token = Some(crate::shopper::csrf_token(&session).await?);
        return private_page(&page);
    }
    if params.variant.is_some() {
        return public_page(
            &product_view(&state, &slug, params.variant.as_deref())
                .await?
                .0,
        );
    }
    // The page everyone without a session lands on: cached like the product's JSON (same
    // namespace, so the same writes and stock changes drop it), unless its model is still
    // being processed — the page changes when that ends, which invalidates nothing.
    let cached = cached_body(
        &state,
        Namespace::Products,
        &format!("page|{}", slug.as_str()),
        &headers,
        "text/html; charset=utf-8",
        || async {
            let (page, settled) = product_view(&state, &slug, None)
                .await
                .map_err(NotCached::Failed)?;
            let html = page
                .render()
                .map_err(|e| NotCached::Failed(ApiError::internal(e).into()))?;
            if settled {
                Ok(html.into_bytes())
            } else {
                Err(NotCached::Unsettled(html))
            }
        },
    )
    .await;
    match cached {
        Ok(cached) => Ok(public_response(cached.into_response())),
        Err(NotCached::Unsettled(html)) => Ok(public_response(Html(html).into_response())),
        Err(NotCached::Failed(error)) => Err(error),
    }
}

/// Why a page was not taken from or put in the cache.
enum NotCached {
    Failed(PageError),
    /// Rendered while its model is still being processed.
    Unsettled(String),
}

/// The page for `slug` with the variant `wanted` selected (see [`pick_variant`]), for a shopper
/// without a session (no CSRF token), and whether it is settled: no model still being processed.
async fn product_view(
    state: &AppState,
    slug: &Slug,
    wanted: Option<&str>,
) -> Result<(ProductPage, bool), PageError> {
    let product = state
        .catalog
        .product_by_slug(slug)
        .await?
        .filter(|p| p.status.is_visible_to_shoppers())
        .ok_or_else(PageError::not_found)?;
    let Some(selected) = pick_variant(&product, wanted) else {
        return Err(PageError::not_found());
    };
    let facts = model_facts(state, &product.media).await?;
    let settled = facts.as_ref().is_none_or(|f| f.ready);
    let look_label = |variant: &Variant| -> Option<String> {
        let facts = facts.as_ref()?;
        Some(
            facts
                .look(variant.material_variant.as_deref())?
                .label
                .clone(),
        )
    };
    let title = product.title.as_str().to_owned();
    let path = format!("/products/{}", slug.as_str());
    let category = match product.category_id {
        Some(id) => chrome::categories(state)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .map(|c| CategoryLink {
                slug: c.slug.to_string(),
                name: c.name,
            }),
        None => None,
    };

    let label = look_label(selected);
    let poster = facts
        .as_ref()
        .filter(|f| f.has_posters())
        .zip(label.as_ref())
        .map(|(facts, label)| poster_view(facts, label, &title, selected));
    let viewer = facts
        .as_ref()
        .filter(|f| f.viewable())
        .map(|facts| viewer_view(facts, selected, label.as_deref(), &title));
    let ar = facts
        .as_ref()
        .zip(label.as_ref())
        .and_then(|(facts, label)| ar_view(state, facts, label, &title, &path));
    let size = facts.as_ref().and_then(|f| f.dimensions_m).map(|m| {
        let (cm, inches) = format::dimensions(m);
        SizeView {
            cm,
            inches,
            hint: format::size_hint(m),
        }
    });

    let mut chrome = Chrome::new(state, title.clone())
        .await?
        .canonical_path(state, &path);
    chrome.og_type = "product";
    chrome.description = summary(product.description.as_str());
    chrome.current = category
        .as_ref()
        .map(|c| c.slug.clone())
        .unwrap_or_default();
    let og_image = facts.as_ref().filter(|f| f.has_posters()).and_then(|f| {
        let label = label.as_ref()?;
        f.poster_url(label, 1024, "png")
    });
    chrome.og_image = og_image.as_ref().map(|u| chrome::absolute(state, u));
    chrome.json_ld = structured_data::product(
        state,
        &product,
        &path,
        chrome.og_image.as_deref(),
        category
            .as_ref()
            .map(|c| (c.slug.as_str(), c.name.as_str())),
    );
    chrome.modules = vec![static_files::url("js/product.js")];

    let data_json = chrome::json_ld(&product_data(
        &product,
        facts.as_deref(),
        &look_label,
        state,
        &title,
        &path,
    ));
    let page = ProductPage {
        preload_poster: poster.as_ref().map(|p| p.webp_srcset.clone()),
        description: product.description.as_str().to_owned(),
        selected: selected_view(selected),
        options: pickers(&product, selected, &path),
        title,
        category,
        poster,
        viewer,
        ar,
        size,
        csrf_token: None,
        data_json,
        chrome,
    };
    Ok((page, settled))
}

/// The variant named by `?variant=`, else the first one in stock, else the first.
fn pick_variant<'a>(product: &'a Product, wanted: Option<&str>) -> Option<&'a Variant> {
    let wanted = wanted.and_then(|raw| Uuid::parse_str(raw).ok());
    wanted
        .and_then(|id| product.variants.iter().find(|v| v.id == id))
        .or_else(|| product.variants.iter().find(|v| v.available() > 0))
        .or_else(|| product.variants.first())
}

fn selected_view(variant: &Variant) -> SelectedVariant {
    let (stock, stock_class) = format::stock(variant.available());
    SelectedVariant {
        id: variant.id,
        price: format::money(variant.price),
        compare_at: variant
            .compare_at_price
            .filter(|c| c.amount_minor > variant.price.amount_minor)
            .map(format::money),
        stock,
        stock_class,
        sold_out: variant.available() <= 0,
        sku: variant.sku.to_string(),
    }
}

/// One picker per option; each value links to the variant that has it and keeps the other
/// options as they are (or the first variant that has it).
fn pickers(product: &Product, selected: &Variant, path: &str) -> Vec<OptionPicker> {
    product
        .options
        .iter()
        .map(|option| {
            let choices = option
                .values
                .iter()
                .filter_map(|value| {
                    let has = |v: &&Variant| v.option_values.get(&option.name) == Some(value);
                    let keeps_others = |v: &&Variant| {
                        v.option_values.iter().all(|(k, x)| {
                            k == &option.name || selected.option_values.get(k) == Some(x)
                        })
                    };
                    let target = product
                        .variants
                        .iter()
                        .filter(has)
                        .find(keeps_others)
                        .or_else(|| product.variants.iter().find(has))?;
                    Some(Choice {
                        value: value.clone(),
                        href: format!("{path}?variant={}", target.id),
                        variant_id: target.id.to_string(),
                        selected: target.id == selected.id,
                        available: target.available() > 0,
                    })
                })
                .collect();
            OptionPicker {
                selected: selected
                    .option_values
                    .get(&option.name)
                    .cloned()
                    .unwrap_or_default(),
                name: option.name.clone(),
                choices,
            }
        })
        .collect()
}

fn alt_text(title: &str, variant: &Variant) -> String {
    let options: Vec<&str> = variant.option_values.values().map(String::as_str).collect();
    if options.is_empty() {
        title.to_owned()
    } else {
        format!("{title} in {}", options.join(", "))
    }
}

fn poster_view(facts: &ModelFacts, label: &str, title: &str, variant: &Variant) -> PosterView {
    PosterView {
        webp_srcset: facts.srcset(label, "webp"),
        png_srcset: facts.srcset(label, "png"),
        fallback: facts.poster_url(label, 1024, "png").unwrap_or_default(),
        alt: alt_text(title, variant),
    }
}

fn viewer_view(
    facts: &ModelFacts,
    variant: &Variant,
    label: Option<&str>,
    title: &str,
) -> ViewerView {
    let camera = facts.camera;
    ViewerView {
        model_src: facts.url(&facts.model_file),
        orbit: camera.map(|c| c.orbit()).unwrap_or_default(),
        target: camera.map(|c| c.target()).unwrap_or_default(),
        fov: camera.map(|c| c.field_of_view()).unwrap_or_default(),
        variant_name: variant.material_variant.clone().unwrap_or_default(),
        ios_src: label.and_then(|l| facts.usdz_url(l)).unwrap_or_default(),
        library: static_files::url("vendor/model-viewer/model-viewer.min.js"),
        draco: static_files::folder_url("vendor/draco"),
        ktx2: static_files::folder_url("vendor/basis"),
        meshopt: static_files::url("vendor/meshopt/meshopt_decoder.js"),
        alt: format!("3D model of the {}", alt_text(title, variant)),
    }
}

/// Scene Viewer on Android opens the plain GLB by intent; its fallback is this page.
fn scene_viewer_intent(state: &AppState, glb: &str, title: &str, page: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("file", &chrome::absolute(state, glb))
        .append_pair("mode", "ar_preferred")
        .append_pair("title", title)
        .finish();
    let fallback: String =
        url::form_urlencoded::byte_serialize(chrome::absolute(state, page).as_bytes()).collect();
    format!(
        "intent://arvr.google.com/scene-viewer/1.0?{query}#Intent;scheme=https;\
         package=com.google.ar.core;action=android.intent.action.VIEW;\
         S.browser_fallback_url={fallback};end;"
    )
}

fn ar_view(
    state: &AppState,
    facts: &ModelFacts,
    label: &str,
    title: &str,
    page: &str,
) -> Option<ArView> {
    Some(ArView {
        quick_look: facts.usdz_url(label)?,
        thumb: facts.poster_url(label, 256, "png")?,
        scene_viewer: facts
            .plain_glb_url()
            .map(|glb| scene_viewer_intent(state, &glb, title, page)),
    })
}

fn summary(description: &str) -> String {
    let mut text: String = description.chars().take(155).collect();
    if description.chars().count() > 155 {
        text.push('…');
    }
    text
}

/// Everything `product.js` needs to switch variants without a reload.
fn product_data(
    product: &Product,
    facts: Option<&ModelFacts>,
    look_label: &dyn Fn(&Variant) -> Option<String>,
    state: &AppState,
    title: &str,
    path: &str,
) -> serde_json::Value {
    let variants: Vec<serde_json::Value> = product
        .variants
        .iter()
        .map(|variant| {
            let selected = selected_view(variant);
            let label = look_label(variant);
            let poster = facts
                .filter(|f| f.has_posters())
                .zip(label.as_ref())
                .map(|(f, l)| poster_view(f, l, title, variant));
            let ar = facts
                .zip(label.as_ref())
                .and_then(|(f, l)| ar_view(state, f, l, title, path));
            json!({
                "id": variant.id,
                "options": variant.option_values,
                "price": selected.price,
                "compare_at": selected.compare_at,
                "stock": selected.stock,
                "stock_class": selected.stock_class,
                "sold_out": selected.sold_out,
                "sku": selected.sku,
                "variant_name": variant.material_variant,
                "poster": poster.map(|p| json!({
                    "webp_srcset": p.webp_srcset,
                    "png_srcset": p.png_srcset,
                    "fallback": p.fallback,
                    "alt": p.alt,
                })),
                "ios_src": ar.as_ref().map(|a| a.quick_look.clone()),
                "scene_viewer": ar.and_then(|a| a.scene_viewer),
            })
        })
        .collect();
    json!({ "slug": product.slug.as_str(), "variants": variants })
}
