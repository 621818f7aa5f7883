//! The product list (search, status filter, cursor pages — every status, as the admin API lists
//! them) and "New product", which creates a draft and opens its editor.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use showroom_store::{NewProduct, ProductSummary};

use super::allowed::{Allowed, Catalog};
use super::form::{FieldErrors, FormData, Refusal};
use super::layout::{page_with_status, AdminChrome, Reply};
use super::product_form::{category_choices, form_field, CategoryChoice, ProductForm};
use super::signed_in::{done, Flash, SignedIn};
use crate::pages::chrome::categories;
use crate::pages::errors::PageError;
use crate::pages::format;
use crate::response_cache::invalidate_catalog;
use crate::routes::admin_catalog::admin_product_query;
use crate::state::AppState;

const PAGE_SIZE: u32 = 25;

pub struct ProductRow {
    pub href: String,
    pub title: String,
    pub slug: String,
    pub status: &'static str,
    pub price: String,
    pub available: i64,
    pub stock_class: &'static str,
}

impl From<ProductSummary> for ProductRow {
    fn from(product: ProductSummary) -> Self {
        let price = match (product.price_min, product.price_max) {
            (Some(min), Some(max)) if min != max => {
                format!("{} – {}", format::money(min), format::money(max))
            }
            (Some(min), _) => format::money(min),
            _ => "No variants yet".to_owned(),
        };
        Self {
            href: format!("/admin/products/{}", product.id),
            title: product.title.as_str().to_owned(),
            slug: product.slug.as_str().to_owned(),
            status: product.status.as_str(),
            price,
            available: product.available,
            stock_class: format::stock(product.available).1,
        }
    }
}

pub struct StatusChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "admin/products.html")]
struct ListPage {
    chrome: AdminChrome,
    q: String,
    statuses: Vec<StatusChoice>,
    rows: Vec<ProductRow>,
    next_href: Option<String>,
    first_href: Option<String>,
    problem: Option<String>,
}

fn query_value(raw: &str, name: &str) -> String {
    url::form_urlencoded::parse(raw.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

struct Listed {
    rows: Vec<ProductRow>,
    next_href: Option<String>,
    problem: Option<String>,
    status: StatusCode,
}

pub async fn list(
    State(state): State<AppState>,
    user: Allowed<Catalog>,
    RawQuery(raw): RawQuery,
) -> Reply {
    let raw = raw.unwrap_or_default();
    let status = query_value(&raw, "status");
    let statuses = ["", "draft", "published", "archived"]
        .into_iter()
        .zip(["Every status", "Drafts", "Published", "Archived"])
        .map(|(value, label)| StatusChoice {
            value,
            label,
            selected: value == status,
        })
        .collect();
    let listed = match admin_product_query(&raw) {
        Err(error) => Listed {
            rows: Vec::new(),
            next_href: None,
            problem: Some(error.to_string()),
            status: StatusCode::BAD_REQUEST,
        },
        Ok(mut query) => {
            query.limit = PAGE_SIZE;
            let page = state
                .catalog
                .list_products(&query)
                .await
                .map_err(PageError::from)?;
            Listed {
                next_href: page.next.map(|cursor| {
                    let mut params = filter_params(&raw);
                    params.append_pair("cursor", &cursor.encode());
                    format!("/admin/products?{}", params.finish())
                }),
                rows: page.items.into_iter().map(ProductRow::from).collect(),
                problem: None,
                status: StatusCode::OK,
            }
        }
    };
    let page = ListPage {
        chrome: AdminChrome::new(&user, "Products", "/admin/products").await?,
        q: query_value(&raw, "q"),
        statuses,
        rows: listed.rows,
        first_href: (!query_value(&raw, "cursor").is_empty())
            .then(|| format!("/admin/products?{}", filter_params(&raw).finish())),
        next_href: listed.next_href,
        problem: listed.problem,
    };
    Ok(page_with_status(listed.status, &page)?)
}

/// The list's filters (search and status) as the start of a query string.
fn filter_params(raw: &str) -> url::form_urlencoded::Serializer<'static, String> {
    let mut params = url::form_urlencoded::Serializer::new(String::new());
    for name in ["q", "status"] {
        let value = query_value(raw, name);
        if !value.is_empty() {
            params.append_pair(name, &value);
        }
    }
    params
}

#[derive(Template)]
#[template(path = "admin/product_new.html")]
struct NewPage {
    chrome: AdminChrome,
    form: ProductForm,
    categories: Vec<CategoryChoice>,
    errors: FieldErrors,
    problem: Option<String>,
}

async fn render_new(
    state: &AppState,
    user: &SignedIn,
    form: ProductForm,
    refusal: Option<Refusal>,
) -> Result<Response, PageError> {
    let status = refusal.as_ref().map_or(StatusCode::OK, Refusal::status);
    let (errors, problem) = match refusal {
        Some(refusal) => refusal.into_parts(form_field)?,
        None => (FieldErrors::default(), None),
    };
    let page = NewPage {
        chrome: AdminChrome::new(user, "New product", "/admin/products").await?,
        categories: category_choices(categories(state).await?, &form.category_id),
        form,
        errors,
        problem,
    };
    page_with_status(status, &page)
}

pub async fn new_form(State(state): State<AppState>, user: Allowed<Catalog>) -> Reply {
    Ok(render_new(&state, &user, ProductForm::empty(), None).await?)
}

pub async fn create(
    State(state): State<AppState>,
    user: Allowed<Catalog>,
    form: FormData,
) -> Reply {
    let typed = ProductForm::from_form(&form);
    let created = async {
        let new = NewProduct::try_from(typed.create_input()?)?;
        Ok::<_, Refusal>(state.catalog.create_product(new).await?)
    }
    .await;
    Ok(match created {
        Ok(product) => {
            invalidate_catalog(&state).await;
            done(
                &user,
                Flash::ok(format!(
                    "{} was created as a draft. Add its variants, then publish it.",
                    product.title.as_str()
                )),
                &format!("/admin/products/{}", product.id),
            )
            .await?
        }
        Err(refusal) => render_new(&state, &user, typed, Some(refusal)).await?,
    })
}
