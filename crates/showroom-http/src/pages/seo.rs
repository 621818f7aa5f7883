//! `robots.txt` and `sitemap.xml`: every published product and every category with its
//! `lastmod`, as absolute URLs on `public_url`. The sitemap pages through the whole catalog with
//! the store's cursor (the protocol's limit of 50,000 URLs per file is far above a demo shop; a
//! larger catalog would split it into a sitemap index).

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use showroom_store::{ProductQuery, ProductSort, MAX_PAGE_SIZE};
use time::format_description::well_known::Rfc3339;

use super::chrome::{absolute, categories};
use super::errors::PageError;
use crate::state::AppState;

const MAX_URLS: usize = 50_000;

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

fn date(unix_ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

pub async fn robots(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nDisallow: /cart\nDisallow: /checkout\nDisallow: /account\nDisallow: /orders\nDisallow: /search\nDisallow: /api/\n\nSitemap: {}\n",
        absolute(&state, "/sitemap.xml")
    );
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body,
    )
        .into_response()
}

pub async fn sitemap(State(state): State<AppState>) -> Result<Response, PageError> {
    let mut entries: Vec<(String, Option<String>)> = vec![(absolute(&state, "/"), None)];
    let mut newest_product = 0i64;
    let mut query = ProductQuery {
        status: Some(showroom_domain::ProductStatus::Published),
        sort: ProductSort::Title,
        limit: MAX_PAGE_SIZE,
        ..ProductQuery::default()
    };
    let mut products = Vec::new();
    loop {
        let page = state.catalog.list_products(&query).await?;
        for item in page.items {
            newest_product = newest_product.max(item.created_at);
            products.push((
                absolute(&state, &format!("/products/{}", item.slug.as_str())),
                Some(date(item.created_at)),
            ));
        }
        match page.next {
            Some(next) if products.len() < MAX_URLS => query.after = Some(next),
            _ => break,
        }
    }
    for category in categories(&state).await? {
        entries.push((
            absolute(&state, &format!("/c/{}", category.slug.as_str())),
            (newest_product > 0).then(|| date(newest_product)),
        ));
    }
    entries.extend(products);
    entries.truncate(MAX_URLS);
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in entries {
        xml.push_str("  <url><loc>");
        xml.push_str(&xml_escape(&loc));
        xml.push_str("</loc>");
        if let Some(lastmod) = lastmod {
            xml.push_str("<lastmod>");
            xml.push_str(&lastmod);
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/xml; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(super::render::PUBLIC_PAGE),
            ),
        ],
        xml,
    )
        .into_response())
}
