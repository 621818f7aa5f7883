//! Storefront reads: the product list (filters, sort, search, cursor pages), one product by slug,
//! and the category tree. Only published products are visible here. Responses are cached as
//! serialized JSON (per instance, or in Redis), invalidated by every admin write, and marked
//! cacheable for a CDN for a short time.

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use showroom_domain::{ProductStatus, Slug};
use showroom_store::{build_category_tree, Cursor, ProductQuery, ProductSort, MAX_PAGE_SIZE};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, Problem};
use crate::facet_counts::product_facets;
use crate::response_cache::{cached_json, Namespace};
use crate::routes::dto::{price_band_starts, CategoryNodeDto, ProductDto, ProductPageDto};
use crate::routes::refusals::DatabaseUnavailable;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_products))
        .routes(routes!(get_product))
        .routes(routes!(category_tree))
}

/// The orders a product list can come in (documentation of the `sort` parameter).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[expect(
    dead_code,
    reason = "only documents the accepted values; parsing is ProductSort::parse"
)]
pub enum SortOrder {
    /// Newest first.
    Newest,
    /// Cheapest variant, lowest first.
    PriceAsc,
    /// Cheapest variant, highest first.
    PriceDesc,
    /// Title A→Z.
    Title,
    /// Best match for `q` first (searched words in the title), then products in stock.
    Relevance,
}

/// Shared caches may keep a storefront response briefly and serve it stale while refetching.
const PUBLIC_CACHE_CONTROL: &str = "public, max-age=0, s-maxage=30, stale-while-revalidate=60";

const DEFAULT_PAGE_SIZE: u32 = 24;

/// List published products.
///
/// Filters combine with AND. `option` may repeat (`option=Color:Oak&option=Size:L`).
/// Prices are integer minor units of the shop's currency.
#[utoipa::path(
    get, path = "/api/v1/products", tag = "storefront",
    params(
        ("category" = Option<String>, Query, description = "Category slug; includes its descendants", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 96),
        ("price_min" = Option<i64>, Query, description = "Lowest price, minor units", minimum = 0),
        ("price_max" = Option<i64>, Query, description = "Highest price, minor units", minimum = 0),
        ("option" = Option<Vec<String>>, Query, description = "`Name:Value`, repeatable", explode = true),
        ("in_stock" = Option<bool>, Query, description = "Only products with units available"),
        ("q" = Option<String>, Query, description = "Full-text search over title and description; every word must match, as a prefix, or one typo away when no word begins with it"),
        ("sort" = inline(Option<SortOrder>), Query, description = "Order of the list; `relevance` by default with `q`, else `newest`"),
        ("limit" = Option<u32>, Query, description = "Page size, default 24", minimum = 1, maximum = 100),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
        ("facets" = Option<bool>, Query, description = "Also count the filtered products per category, option value and price band"),
    ),
    responses(
        (status = 200, description = "A page of products", body = ProductPageDto),
        (status = 400, description = "A malformed parameter", body = Problem, content_type = "application/problem+json"),
        DatabaseUnavailable,
    )
)]
pub async fn list_products(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let raw = raw.as_deref().unwrap_or_default();
    let mut query = parse_list_query(raw)?;
    query.status = Some(ProductStatus::Published);
    let with_facets = parse_facets_flag(raw)?;
    let key = format!("{}|facets={with_facets}", cache_key(&query));
    let bands = with_facets.then(|| price_band_starts(state.shop.currency()));
    let (app, query, bands) = (&state, &query, &bands);
    let cached = cached_json(
        &state,
        Namespace::ProductLists,
        &key,
        &headers,
        move || async move {
            let page = app.catalog.list_products(query).await?;
            let facets = match bands {
                Some(bands) => Some(product_facets(app, query, bands).await?.into()),
                None => None,
            };
            Ok(ProductPageDto {
                next_cursor: page.next.map(|c| c.encode()),
                items: page.items.into_iter().map(Into::into).collect(),
                facets,
            })
        },
    )
    .await?;
    Ok(public(cached.into_response()))
}

/// One published product with its variants, stock state and media.
#[utoipa::path(
    get, path = "/api/v1/products/{slug}", tag = "storefront",
    params(("slug" = String, Path, description = "The product's slug")),
    responses(
        (status = 200, description = "The product", body = ProductDto),
        (status = 404, description = "No published product has this slug", body = Problem, content_type = "application/problem+json"),
        DatabaseUnavailable,
    )
)]
pub async fn get_product(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // A malformed slug cannot name a product: to a shopper that is simply "not found".
    let slug = Slug::parse(&slug).map_err(|_| ApiError::NotFound { what: "product" })?;
    let (catalog, slug) = (&state.catalog, &slug);
    let cached = cached_json(
        &state,
        Namespace::Products,
        slug.as_str(),
        &headers,
        move || async move {
            match catalog.product_by_slug(slug).await? {
                Some(product) if product.status.is_visible_to_shoppers() => {
                    Ok(ProductDto::new(product, false))
                }
                _ => Err(ApiError::NotFound { what: "product" }),
            }
        },
    )
    .await?;
    Ok(public(cached.into_response()))
}

/// The category tree.
#[utoipa::path(
    get, path = "/api/v1/categories", tag = "storefront",
    responses(
        (status = 200, description = "Top-level categories with their children", body = Vec<CategoryNodeDto>),
        DatabaseUnavailable,
    )
)]
pub async fn category_tree(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let catalog = &state.catalog;
    let cached = cached_json(
        &state,
        Namespace::Categories,
        "tree",
        &headers,
        move || async move {
            let tree = build_category_tree(catalog.list_categories().await?);
            Ok(tree
                .into_iter()
                .map(CategoryNodeDto::from)
                .collect::<Vec<_>>())
        },
    )
    .await?;
    Ok(public(cached.into_response()))
}

fn public(mut response: Response) -> Response {
    if response.status().is_success() {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(PUBLIC_CACHE_CONTROL),
        );
    }
    response
}

fn bad_param(field: &str, detail: impl Into<String>) -> ApiError {
    ApiError::BadRequest {
        code: "invalid_query",
        detail: detail.into(),
        field: Some(field.to_owned()),
    }
}

/// Parses the list query by hand: `option` repeats, which `serde_urlencoded` cannot express.
pub fn parse_list_query(raw: &str) -> Result<ProductQuery, ApiError> {
    let mut query = ProductQuery {
        limit: DEFAULT_PAGE_SIZE,
        ..ProductQuery::default()
    };
    let mut cursor = None;
    let mut sort_given = false;
    for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
        match name.as_ref() {
            "category" => {
                query.category = Some(Slug::parse(&value).map_err(|e| bad_param("category", e.0))?)
            }
            "price_min" => query.price_min = Some(parse_price(&value, "price_min")?),
            "price_max" => query.price_max = Some(parse_price(&value, "price_max")?),
            "option" => {
                let (option, choice) = value
                    .split_once(':')
                    .filter(|(n, v)| !n.trim().is_empty() && !v.trim().is_empty())
                    .ok_or_else(|| {
                        bad_param(
                            "option",
                            "an option filter is `Name:Value`, like `Color:Oak`",
                        )
                    })?;
                if query.option_values.len() >= 10 || value.len() > 200 {
                    return Err(bad_param(
                        "option",
                        "at most 10 option filters of 200 characters",
                    ));
                }
                query
                    .option_values
                    .push((option.trim().to_owned(), choice.trim().to_owned()));
            }
            "in_stock" => {
                query.in_stock = match value.as_ref() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => return Err(bad_param("in_stock", "`true` or `false`")),
                }
            }
            "q" => {
                if value.chars().count() > 200 {
                    return Err(bad_param("q", "a search is at most 200 characters"));
                }
                let trimmed = value.trim();
                query.search = (!trimmed.is_empty()).then(|| trimmed.to_owned());
            }
            "sort" => {
                sort_given = true;
                query.sort = ProductSort::parse(&value).ok_or_else(|| {
                    bad_param(
                        "sort",
                        "`newest`, `price_asc`, `price_desc`, `title` or `relevance`",
                    )
                })?
            }
            "limit" => {
                query.limit = value
                    .parse::<u32>()
                    .ok()
                    .filter(|l| (1..=MAX_PAGE_SIZE).contains(l))
                    .ok_or_else(|| {
                        bad_param("limit", format!("a number from 1 to {MAX_PAGE_SIZE}"))
                    })?
            }
            "cursor" => {
                cursor = Some(Cursor::decode(&value).map_err(|e| bad_param("cursor", e.0))?)
            }
            _ => {}
        }
    }
    if !sort_given && query.search.is_some() {
        query.sort = ProductSort::Relevance;
    }
    if let (Some(min), Some(max)) = (query.price_min, query.price_max) {
        if min > max {
            return Err(bad_param("price_min", "`price_min` is above `price_max`"));
        }
    }
    if let Some(cursor) = cursor {
        if cursor.sort != query.sort {
            return Err(bad_param(
                "cursor",
                "this cursor belongs to another sort order",
            ));
        }
        query.after = Some(cursor);
    }
    Ok(query)
}

/// `facets=true|1|false|0`; absent is false.
fn parse_facets_flag(raw: &str) -> Result<bool, ApiError> {
    let mut wanted = false;
    for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
        if name == "facets" {
            wanted = match value.as_ref() {
                "true" | "1" => true,
                "false" | "0" => false,
                _ => return Err(bad_param("facets", "`true` or `false`")),
            };
        }
    }
    Ok(wanted)
}

fn parse_price(raw: &str, field: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|p| (0..=showroom_domain::MAX_MINOR_UNITS).contains(p))
        .ok_or_else(|| bad_param(field, "a price in minor units, 0 or more"))
}

/// The cache key is the parsed query, not the raw string, so `?a=1&b=2` and `?b=2&a=1` share it.
fn cache_key(query: &ProductQuery) -> String {
    format!(
        "{}|{:?}|{:?}|{:?}|{:?}|{}|{:?}|{}|{}|{}",
        query.status.map(|s| s.as_str()).unwrap_or("any"),
        query.category.as_ref().map(Slug::as_str),
        query.price_min,
        query.price_max,
        query.option_values,
        query.in_stock,
        query.search,
        query.sort.as_str(),
        query.limit,
        query.after.as_ref().map(Cursor::encode).unwrap_or_default(),
    )
}
