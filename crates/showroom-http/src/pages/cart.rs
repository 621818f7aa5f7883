//! The cart page and its forms: add (from the product page), change a quantity, remove. Each
//! POST changes the session's cart through the same cart service as the API and redirects to
//! `GET /cart` (POST → redirect → GET), so a reload never repeats it. A refusal (sold out, not
//! enough left) comes back as a message on the cart page.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use showroom_shop::Destination;
use showroom_store::{Cart, LineChange};
use uuid::Uuid;

use super::chrome::Chrome;
use super::errors::PageError;
use super::format;
use super::forms::{csrf_ok, flash, see_other, set_cart_count, take_flash};
use super::render::private_page;
use crate::error::ApiError;
use crate::shopper::Shopper;
use crate::state::AppState;

pub struct LineView {
    pub variant_id: Uuid,
    /// The product page, on the variant in the cart.
    pub href: String,
    pub title: String,
    pub sku: String,
    pub unit_price: String,
    pub quantity: i64,
    pub total: String,
    pub problem: Option<String>,
}

pub struct TotalsView {
    pub subtotal: String,
    pub discount: Option<String>,
    pub shipping: String,
    pub tax: String,
    pub tax_included: bool,
    pub total: String,
}

#[derive(Template)]
#[template(path = "cart.html")]
struct CartPage {
    chrome: Chrome,
    csrf_token: String,
    lines: Vec<LineView>,
    totals: TotalsView,
    message: Option<String>,
    can_checkout: bool,
}

pub(super) fn item_count(cart: Option<&Cart>) -> i64 {
    cart.map_or(0, |c| c.lines.iter().map(|l| i64::from(l.quantity)).sum())
}

/// The cart's lines and totals as the pages show them.
pub(super) async fn priced(
    state: &AppState,
    cart: Option<Cart>,
    destination: &Destination,
) -> Result<(Vec<LineView>, TotalsView, bool), ApiError> {
    let quote = state.shop.carts.quote(cart, destination).await?;
    let cart_lines = quote
        .cart
        .as_ref()
        .map(|c| c.lines.clone())
        .unwrap_or_default();
    let mut sellable = !cart_lines.is_empty();
    let lines = cart_lines
        .into_iter()
        .zip(quote.lines.iter())
        .map(|(line, totals)| {
            let quantity = i64::from(line.quantity);
            let problem = match totals {
                None => Some("No longer for sale".to_owned()),
                Some(_) if line.available < quantity => Some(match line.available {
                    0 => "Sold out".to_owned(),
                    n => format!("Only {n} left"),
                }),
                Some(_) => None,
            };
            sellable &= problem.is_none();
            LineView {
                variant_id: line.variant_id,
                href: format!(
                    "/products/{}?variant={}",
                    line.product_slug.as_str(),
                    line.variant_id
                ),
                title: line.title,
                sku: line.sku.to_string(),
                unit_price: format::money(line.unit_price),
                quantity,
                total: totals
                    .map(|t| format::money(t.total))
                    .unwrap_or_else(|| "—".into()),
                problem,
            }
        })
        .collect();
    let t = &quote.totals;
    let totals = TotalsView {
        subtotal: format::money(t.subtotal),
        discount: (t.discount.amount_minor != 0).then(|| format::money(t.discount)),
        shipping: format::money(t.shipping),
        tax: format::money(t.tax),
        tax_included: matches!(t.price_mode, showroom_domain::PriceMode::TaxInclusive),
        total: format::money(t.grand_total),
    };
    Ok((lines, totals, sellable))
}

pub async fn cart_page(
    State(state): State<AppState>,
    shopper: Shopper,
) -> Result<Response, PageError> {
    let cart = shopper.cart(&state.shop.carts).await?;
    let count = item_count(cart.as_ref());
    let (lines, totals, can_checkout) = priced(&state, cart, &Destination::default()).await?;
    let chrome = Chrome::private(&state, "Your cart", shopper.customer).await?;
    let page = CartPage {
        chrome,
        csrf_token: shopper.form_csrf_token().await?,
        message: take_flash(&shopper.session).await?,
        lines,
        totals,
        can_checkout,
    };
    let mut response = private_page(&page)?;
    set_cart_count(&mut response, count);
    Ok(response)
}

#[derive(Deserialize)]
pub struct LineForm {
    #[serde(default)]
    csrf_token: String,
    variant_id: String,
    #[serde(default)]
    quantity: String,
}

/// Applies one change to the shopper's cart; refusals become the cart page's message.
async fn change(
    state: &AppState,
    shopper: &Shopper,
    form: &LineForm,
    change: impl FnOnce(i64) -> LineChange,
) -> Result<Response, PageError> {
    if !csrf_ok(shopper, &form.csrf_token).await? {
        flash(&shopper.session, "That form had expired; please try again.").await?;
        return Ok(see_other("/cart", None));
    }
    let Ok(variant_id) = Uuid::parse_str(form.variant_id.trim()) else {
        flash(&shopper.session, "That item is not in our catalog.").await?;
        return Ok(see_other("/cart", None));
    };
    let quantity = match form.quantity.trim() {
        "" => 1,
        raw => match raw.parse::<i64>() {
            Ok(q) if (0..=999).contains(&q) => q,
            _ => {
                flash(
                    &shopper.session,
                    "Quantities are whole numbers from 1 to 999.",
                )
                .await?;
                return Ok(see_other("/cart", None));
            }
        },
    };
    let cart = shopper.cart_to_change(&state.shop.carts).await?;
    match state
        .shop
        .carts
        .change_line(cart.id, variant_id, change(quantity))
        .await
    {
        Ok(cart) => Ok(see_other("/cart", Some(item_count(Some(&cart))))),
        Err(error) => {
            let refusal = ApiError::from(error);
            let message = match &refusal {
                ApiError::Conflict { detail, .. } | ApiError::Validation { detail, .. } => {
                    detail.clone()
                }
                ApiError::NotFound { .. } => "That item is no longer for sale.".into(),
                _ => return Err(refusal.into()),
            };
            flash(&shopper.session, message).await?;
            Ok(see_other("/cart", None))
        }
    }
}

pub async fn add(
    State(state): State<AppState>,
    shopper: Shopper,
    Form(form): Form<LineForm>,
) -> Result<Response, PageError> {
    change(&state, &shopper, &form, |q| LineChange::Add(q.max(1))).await
}

pub async fn update(
    State(state): State<AppState>,
    shopper: Shopper,
    Form(form): Form<LineForm>,
) -> Result<Response, PageError> {
    change(&state, &shopper, &form, LineChange::Set).await
}

pub async fn remove(
    State(state): State<AppState>,
    shopper: Shopper,
    Form(mut form): Form<LineForm>,
) -> Result<Response, PageError> {
    form.quantity = "0".into();
    change(&state, &shopper, &form, LineChange::Set).await
}
