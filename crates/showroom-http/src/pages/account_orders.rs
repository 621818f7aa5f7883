//! The signed-in customer's own pages: `/account` (who they are, their orders newest first, the
//! way to change the password or sign out) and `/account/orders/{id}` (one order). Signed out,
//! both send the shopper to sign in and come back. Another customer's order, like an unknown
//! one, is a 404: ids cannot be probed.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use uuid::Uuid;

use super::account::{signed_in_customer, with_signed_in_hint};
use super::checkout::{order_view, state_words};
use super::chrome::Chrome;
use super::errors::PageError;
use super::format;
use super::forms::take_flash;
use super::render::private_page;
use crate::shopper::Shopper;
use crate::state::AppState;

/// How many orders the history lists (like the API's `GET /api/v1/account/orders`).
const HISTORY: u32 = 100;

pub struct OrderRow {
    pub href: String,
    pub number: String,
    pub placed_on: String,
    pub state: String,
    pub items: i64,
    pub total: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    csrf_token: String,
    email: String,
    member_since: String,
    message: Option<String>,
    orders: Vec<OrderRow>,
}

/// `GET /account`.
pub async fn overview(
    State(state): State<AppState>,
    shopper: Shopper,
) -> Result<Response, PageError> {
    let customer = match signed_in_customer(&state, &shopper, "/account").await? {
        Ok(customer) => customer,
        Err(to_sign_in) => return Ok(to_sign_in),
    };
    let orders = state
        .catalog
        .orders_for_customer(customer.id, HISTORY)
        .await?
        .into_iter()
        .map(|order| OrderRow {
            href: format!("/account/orders/{}", order.id),
            number: order.number.to_string(),
            placed_on: format::date(order.created_at),
            state: state_words(order.state),
            items: order.lines.iter().map(|l| i64::from(l.quantity)).sum(),
            total: format::money(order.totals.grand_total),
        })
        .collect();
    let chrome = Chrome::private(&state, "Your account", Some(customer.id)).await?;
    let page = AccountPage {
        chrome,
        csrf_token: shopper.csrf_token().await?,
        email: customer.email.as_typed().to_owned(),
        member_since: format::date(customer.created_at),
        message: take_flash(&shopper.session).await?,
        orders,
    };
    Ok(with_signed_in_hint(private_page(&page)?))
}

/// `GET /account/orders/{id}`: one of the signed-in customer's orders.
pub async fn order(
    State(state): State<AppState>,
    shopper: Shopper,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let here = format!("/account/orders/{id}");
    let customer = match signed_in_customer(&state, &shopper, &here).await? {
        Ok(customer) => customer,
        Err(to_sign_in) => return Ok(to_sign_in),
    };
    let id = Uuid::parse_str(&id).map_err(|_| PageError::not_found())?;
    let order = state
        .catalog
        .order_by_id(id)
        .await?
        .filter(|order| order.customer_id == Some(customer.id))
        .ok_or_else(PageError::not_found)?;
    let chrome =
        Chrome::private(&state, format!("Order {}", order.number), Some(customer.id)).await?;
    let page = order_view(chrome, &order, false, None, true);
    Ok(with_signed_in_hint(private_page(&page)?))
}
