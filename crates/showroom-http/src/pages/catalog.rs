//! The browsing pages: home (featured, best-selling and newest products, categories), a
//! category's listing
//! and search results, both with filters, sort and cursor pages (see [`super::listing`]).

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use showroom_domain::Slug;
use showroom_store::{ProductQuery, ProductSort};

use super::cards::{cards, Card};
use super::chrome::{self, Chrome};
use super::errors::PageError;
use super::facets::{filter_counts, CountLink, Facet};
use super::listing::{ListingForm, SortChoice};
use super::render::public_page;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    featured: Vec<Card>,
    best_sellers: Vec<Card>,
    newest: Vec<Card>,
}

/// Best sellers are the units sold over this many past days.
const BEST_SELLER_DAYS: i64 = 30;

pub async fn home(State(state): State<AppState>) -> Result<Response, PageError> {
    let published = Some(showroom_domain::ProductStatus::Published);
    let featured = state
        .catalog
        .list_products(&ProductQuery {
            status: published,
            sort: ProductSort::PriceDesc,
            in_stock: true,
            limit: 4,
            ..ProductQuery::default()
        })
        .await?;
    let newest = state
        .catalog
        .list_products(&ProductQuery {
            status: published,
            limit: 12,
            ..ProductQuery::default()
        })
        .await?;
    let since = showroom_store::unix_millis() - BEST_SELLER_DAYS * 86_400_000;
    let best_sellers = state.catalog.best_sellers(since, 4).await?;
    let chrome = Chrome::new(&state, "3D furniture, gadgets and fashion")
        .await?
        .canonical_path(&state, "/");
    let page = HomePage {
        featured: cards(&state, featured.items).await?,
        best_sellers: cards(&state, best_sellers).await?,
        newest: cards(&state, newest.items).await?,
        chrome,
    };
    public_page(&page)
}

#[derive(Template)]
#[template(path = "listing.html")]
struct ListingPage {
    chrome: Chrome,
    heading: String,
    summary: String,
    action: String,
    query_text: Option<String>,
    sorts: Vec<SortChoice>,
    currency_symbol: String,
    price_min: String,
    price_max: String,
    facets: Vec<Facet>,
    price_bands: Vec<CountLink>,
    category_counts: Vec<CountLink>,
    in_stock: bool,
    clear_href: String,
    problem: Option<String>,
    cards: Vec<Card>,
    first_href: Option<String>,
    next_href: Option<String>,
}

pub async fn category(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let slug = Slug::parse(&slug).map_err(|_| PageError::not_found())?;
    let all = chrome::categories(&state).await?;
    let category = all
        .iter()
        .find(|c| c.slug == slug)
        .ok_or_else(PageError::not_found)?;
    let path = format!("/c/{}", slug.as_str());
    let mut chrome = Chrome::new(&state, category.name.clone())
        .await?
        .canonical_path(&state, &path);
    chrome.current = slug.to_string();
    chrome.description = format!(
        "{} in 3D: turn, zoom and try every colour, then place it in your room with AR.",
        category.name
    );
    listing(
        &state,
        chrome,
        category.name.clone(),
        path,
        raw.as_deref().unwrap_or(""),
        Some(slug),
    )
    .await
}

pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let raw = raw.unwrap_or_default();
    let mut chrome = Chrome::new(&state, "Search").await?;
    chrome.noindex = true;
    let form = ListingForm::parse(&raw);
    chrome.search = form.q.clone().unwrap_or_default();
    let heading = match &form.q {
        Some(q) => format!("Results for “{q}”"),
        None => "All products".to_owned(),
    };
    listing(&state, chrome, heading, "/search".into(), &raw, None).await
}

async fn listing(
    state: &AppState,
    chrome: Chrome,
    heading: String,
    path: String,
    raw: &str,
    category: Option<Slug>,
) -> Result<Response, PageError> {
    let mut form = ListingForm::parse(raw);
    let mut query = form.query(state.shop.currency());
    query.category = category;
    let page = state.catalog.list_products(&query).await?;
    let count = page.items.len();
    let next = page.next.as_ref().map(|c| c.encode());
    let currency = state.shop.currency();
    let counts = filter_counts(state, &form, &query, &path).await?;
    let summary = match (count, &next) {
        (0, _) => "Nothing here yet with these filters.".to_owned(),
        (1, None) => "1 product".to_owned(),
        (n, None) => format!("{n} products"),
        (n, Some(_)) => format!("Showing {n} products"),
    };
    let listing = ListingPage {
        heading,
        summary,
        action: path.clone(),
        query_text: form.q.clone(),
        sorts: form.sorts(),
        currency_symbol: currency_symbol(currency.code()),
        price_min: form.price_min.map(|p| p.to_string()).unwrap_or_default(),
        price_max: form.price_max.map(|p| p.to_string()).unwrap_or_default(),
        facets: counts.options,
        price_bands: counts.price_bands,
        category_counts: counts.categories,
        in_stock: form.in_stock,
        clear_href: match &form.q {
            Some(q) => format!(
                "{path}?{}",
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("q", q)
                    .finish()
            ),
            None => path.clone(),
        },
        problem: (!form.problems.is_empty())
            .then(|| format!("Some filters were ignored: {}.", form.problems.join("; "))),
        cards: cards(state, page.items).await?,
        first_href: form.after.is_some().then(|| form.href(&path, None)),
        next_href: next.map(|n| form.href(&path, Some(&n))),
        chrome,
    };
    form.problems.clear();
    public_page(&listing)
}

fn currency_symbol(code: &str) -> String {
    match code {
        "USD" => "$".into(),
        "EUR" => "€".into(),
        "GBP" => "£".into(),
        "JPY" => "¥".into(),
        other => other.into(),
    }
}
