//! Turning a template into a response: `text/html; charset=utf-8`, and the cache policy —
//! catalog pages are shared-cacheable for a short time like the storefront API; pages that
//! belong to one shopper (carrying their CSRF token, their cart) are `private, no-store`.

use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::errors::PageError;
use crate::error::ApiError;

pub const PUBLIC_PAGE: &str = "public, max-age=0, s-maxage=30, stale-while-revalidate=60";
pub const PRIVATE_PAGE: &str = "private, no-store";

fn html(page: &impl Template, cache_control: &'static str) -> Result<Response, PageError> {
    let body = page.render().map_err(ApiError::internal)?;
    Ok(with_policy(Html(body).into_response(), cache_control))
}

fn with_policy(mut response: Response, cache_control: &'static str) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    response
}

/// A page that is the same for everyone, rendered already (or taken from the response cache).
pub fn public_response(response: Response) -> Response {
    with_policy(response, PUBLIC_PAGE)
}

/// A page that is the same for everyone.
pub fn public_page(page: &impl Template) -> Result<Response, PageError> {
    html(page, PUBLIC_PAGE)
}

/// A page for one shopper.
pub fn private_page(page: &impl Template) -> Result<Response, PageError> {
    html(page, PRIVATE_PAGE)
}

/// A page that only says what went wrong (or what happened), with `status` and no cache policy
/// of its own. Should its template fail, the heading alone is sent as text: a refusal is never
/// lost to a rendering error. `what` names the template in the log.
pub fn message_with_status(
    status: StatusCode,
    page: &impl Template,
    heading: &str,
    what: &str,
) -> Response {
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(error) => {
            tracing::error!(%error, "the {what} template failed");
            (status, heading.to_owned()).into_response()
        }
    }
}

/// A page for one shopper with `status` (a refused form is re-rendered with 403, 422, …).
pub fn page_with_status(status: StatusCode, page: &impl Template) -> Result<Response, PageError> {
    let mut response = private_page(page)?;
    *response.status_mut() = status;
    Ok(response)
}
