//! Error pages. A page handler returns [`PageError`]; it becomes an HTML page with the right
//! status — 404 for anything a shopper cannot see, 400 for a malformed address, 503 while a
//! dependency is down, 500 for a bug (logged with its cause, never shown) — instead of the API's
//! problem+json. Errors are `no-store` (the cache-policy layer sees to it).

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::chrome::{Chrome, NavCategory};
use super::static_files;
use crate::error::ApiError;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    status: u16,
    heading: &'a str,
    detail: &'a str,
}

/// What a page handler can fail with.
#[derive(Debug)]
pub struct PageError(pub ApiError);

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        Self(error)
    }
}

impl From<showroom_store::StoreError> for PageError {
    fn from(error: showroom_store::StoreError) -> Self {
        Self(error.into())
    }
}

impl PageError {
    pub fn not_found() -> Self {
        Self(ApiError::NotFound { what: "page" })
    }
}

/// A minimal layout for error pages: no store reads, so it renders while the database is down.
fn bare_chrome(title: &str) -> Chrome {
    Chrome {
        title: title.to_owned(),
        description: String::new(),
        canonical: None,
        og_image: None,
        og_type: "website",
        json_ld: Vec::new(),
        nav: Vec::<NavCategory>::new(),
        current: String::new(),
        noindex: true,
        search: String::new(),
        css: static_files::url("css/site.css"),
        icon: static_files::url("img/icon.svg"),
        site_js: static_files::url("js/site.js"),
        modules: Vec::new(),
        account: super::chrome::AccountLink::Unknown,
    }
}

/// The HTML page for `status`.
pub fn error_page(status: StatusCode, heading: &str, detail: &str) -> Response {
    let page = ErrorPage {
        chrome: bare_chrome(heading),
        status: status.as_u16(),
        heading,
        detail,
    };
    super::render::message_with_status(status, &page, heading, "error page")
}

pub fn not_found_page() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "We can't find that page",
        "The product may have sold out for good or moved. Try the search, or start again from the home page.",
    )
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self.0 {
            ApiError::NotFound { .. } => not_found_page(),
            ApiError::BadRequest { detail, .. } | ApiError::Validation { detail, .. } => {
                error_page(
                    StatusCode::BAD_REQUEST,
                    "That address is not quite right",
                    &detail,
                )
            }
            ApiError::Unavailable { detail } => {
                tracing::warn!(%detail, "page unavailable");
                error_page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The shop is catching its breath",
                    "Part of the shop is unavailable for a moment. Please try again in a few seconds.",
                )
            }
            other => {
                // Logged with its cause chain by the API error's own rendering rules.
                let status = other.into_response().status();
                let status = if status.is_server_error() {
                    status
                } else {
                    StatusCode::INTERNAL_SERVER_ERROR
                };
                error_page(
                    status,
                    "Something went wrong on our side",
                    "We have been told about it. Please try again; your cart is safe.",
                )
            }
        }
    }
}
