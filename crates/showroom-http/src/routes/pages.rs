//! Server-rendered pages: a plain product list at `/` and a product page at `/products/<slug>`,
//! until the web front end lands. All text from the catalog is HTML-escaped here; the pages
//! carry no script.

use std::fmt::Write;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use showroom_domain::{ProductStatus, Slug};
use showroom_store::{MediaKind, ProductQuery, MAX_PAGE_SIZE};

use crate::error::ApiError;
use crate::routes::dto::asset_url;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/products/{slug}", get(product_page))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn layout(title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{} · Showroom</title><style>body{{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}}\
         ul.grid{{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:1rem}}\
         ul.grid li{{border:1px solid #ddd;border-radius:8px;padding:1rem}}a{{color:#0b5394}}.muted{{color:#666}}</style></head>\
         <body><header><a href=\"/\"><strong>Showroom</strong></a> <span class=\"muted\">3D shop · <a href=\"/api/openapi.json\">API</a></span></header>{}</body></html>",
        escape(title),
        body
    );
    (
        [(
            header::CACHE_CONTROL,
            "public, max-age=0, s-maxage=30, stale-while-revalidate=60",
        )],
        Html(html),
    )
        .into_response()
}

async fn home(State(state): State<AppState>) -> Result<Response, ApiError> {
    let query = ProductQuery {
        status: Some(ProductStatus::Published),
        limit: MAX_PAGE_SIZE,
        ..ProductQuery::default()
    };
    let page = state.catalog.list_products(&query).await?;
    let mut body = String::from("<h1>Products</h1><ul class=\"grid\">");
    for item in &page.items {
        let price = item.price_min.map(|m| m.to_string()).unwrap_or_default();
        let stock = if item.available > 0 {
            "in stock"
        } else {
            "sold out"
        };
        let _ = write!(
            body,
            "<li><a href=\"/products/{slug}\">{title}</a><br><span>{price}</span> <span class=\"muted\">{stock}</span></li>",
            slug = escape(item.slug.as_str()),
            title = escape(item.title.as_str()),
            price = escape(&price),
        );
    }
    body.push_str("</ul>");
    if page.items.is_empty() {
        body.push_str("<p>No products yet. Start with <code>showroom serve --demo</code> for a demo catalog.</p>");
    }
    Ok(layout("Products", &body))
}

async fn product_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let not_found = || {
        (
            StatusCode::NOT_FOUND,
            layout("Not found", "<h1>Not found</h1><p>No such product.</p>"),
        )
            .into_response()
    };
    let Ok(slug) = Slug::parse(&slug) else {
        return Ok(not_found());
    };
    let Some(product) = state
        .catalog
        .product_by_slug(&slug)
        .await?
        .filter(|p| p.status.is_visible_to_shoppers())
    else {
        return Ok(not_found());
    };
    let mut body = format!(
        "<h1>{}</h1><p>{}</p><h2>Variants</h2><ul>",
        escape(product.title.as_str()),
        escape(product.description.as_str())
    );
    for variant in &product.variants {
        let options: Vec<String> = variant
            .option_values
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        let _ = write!(
            body,
            "<li>{} — {} — {} <span class=\"muted\">({} available)</span></li>",
            escape(variant.sku.as_str()),
            escape(&options.join(", ")),
            escape(&variant.price.to_string()),
            variant.available()
        );
    }
    body.push_str("</ul>");
    for media in product.media.iter().filter(|m| m.kind == MediaKind::Model) {
        let _ = write!(
            body,
            "<p><a href=\"{}\" download>Download the 3D model (GLB)</a></p>",
            escape(&asset_url(media))
        );
    }
    Ok(layout(product.title.as_str(), &body))
}
