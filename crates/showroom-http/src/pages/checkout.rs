//! The checkout form and the order page.
//!
//! `GET /checkout` mints an idempotency token for this checkout and keeps it in the session; the
//! form carries it back. A double submit or a back-button resubmit sends the same token, and the
//! checkout service answers the second time with the order the first one placed, so there is
//! never a second order. A refused form (a bad field, a declined card, something sold out) is
//! rendered again, filled in as it was, with the message next to its field; after a payment
//! refusal a fresh token is minted (that attempt is over). Success redirects (303) to the order
//! page, whose link carries the guest's order token.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;
use showroom_domain::IdempotencyKey;
use uuid::Uuid;

use super::cart::{item_count, priced, LineView, TotalsView};
use super::chrome::Chrome;
use super::errors::PageError;
use super::format;
use super::forms::{csrf_ok, see_other, set_cart_count, FieldErrors};
use super::render::{page_with_status, private_page};
use crate::error::ApiError;
use crate::routes::checkout::{checkout_details, AddressInput, PaymentInput};
use crate::shopper::{session_failed, Shopper};
use crate::state::AppState;
use showroom_shop::{order_token, verify_order_token, CartCheckout, Destination};

const CHECKOUT_KEY: &str = "checkout_key";

/// The form as typed (every field kept to re-fill a refused form).
#[derive(Debug, Default, Deserialize)]
pub struct CheckoutForm {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(default)]
    pub checkout_token: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub line1: String,
    #[serde(default)]
    pub line2: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub shipping_method: String,
    #[serde(default)]
    pub card_number: String,
}

pub struct MethodChoice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "checkout.html")]
struct CheckoutPage {
    chrome: Chrome,
    csrf_token: String,
    checkout_token: String,
    form: CheckoutForm,
    methods: Vec<MethodChoice>,
    errors: FieldErrors,
    lines: Vec<LineView>,
    totals: TotalsView,
}

async fn checkout_key(shopper: &Shopper, fresh: bool) -> Result<String, ApiError> {
    if !fresh {
        if let Some(key) = shopper
            .session
            .get::<String>(CHECKOUT_KEY)
            .await
            .map_err(session_failed)?
        {
            return Ok(key);
        }
    }
    let key = format!("page-{}", Uuid::new_v4().simple());
    shopper
        .session
        .insert(CHECKOUT_KEY, &key)
        .await
        .map_err(session_failed)?;
    Ok(key)
}

fn methods(state: &AppState, chosen: &str) -> Vec<MethodChoice> {
    let shipping = &state.shop.checkout.settings().pricing.shipping;
    let mut list: Vec<MethodChoice> = shipping
        .methods()
        .map(|(slug, rate)| {
            let name = slug.as_str();
            let mut label = name[..1].to_uppercase() + &name[1..];
            label.push_str(&format!(" — {}", format::money(rate)));
            MethodChoice {
                value: name.to_owned(),
                label,
                checked: name == chosen,
            }
        })
        .collect();
    if !list.iter().any(|m| m.checked) {
        // The cheapest method is the default.
        let cheapest = shipping
            .methods()
            .min_by_key(|(_, rate)| rate.amount_minor)
            .map(|(slug, _)| slug.as_str().to_owned());
        for method in &mut list {
            method.checked = Some(&method.value) == cheapest.as_ref();
        }
    }
    list
}

async fn render(
    state: &AppState,
    shopper: &Shopper,
    form: CheckoutForm,
    errors: FieldErrors,
    fresh_key: bool,
    status: StatusCode,
) -> Result<Response, PageError> {
    let cart = shopper.cart(&state.shop.carts).await?;
    if cart.as_ref().is_none_or(|c| c.lines.is_empty()) && errors.get("form").is_none() {
        return Ok(see_other("/cart", Some(0)));
    }
    let (lines, totals, _) = priced(state, cart, &Destination::default()).await?;
    let chrome = Chrome::private(state, "Checkout", shopper.customer).await?;
    let page = CheckoutPage {
        chrome,
        csrf_token: shopper.form_csrf_token().await?,
        checkout_token: checkout_key(shopper, fresh_key).await?,
        methods: methods(state, &form.shipping_method),
        form,
        errors,
        lines,
        totals,
    };
    page_with_status(status, &page)
}

pub async fn checkout_page(
    State(state): State<AppState>,
    shopper: Shopper,
) -> Result<Response, PageError> {
    // A signed-in customer's email is filled in for them (the order goes to their account).
    let email = match shopper.customer {
        Some(id) => state
            .catalog
            .customer(id)
            .await?
            .map(|c| c.email.as_typed().to_owned())
            .unwrap_or_default(),
        None => String::new(),
    };
    let form = CheckoutForm {
        email,
        country: "US".into(),
        ..CheckoutForm::default()
    };
    render(
        &state,
        &shopper,
        form,
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

/// Where a refusal goes on the form.
fn place(error: &ApiError) -> FieldErrors {
    let mut errors = FieldErrors::default();
    let (field, detail) = match error {
        ApiError::Validation { field, detail } => (Some(field.as_str()), detail.clone()),
        ApiError::Refused { code, detail, .. } => match *code {
            "payment_declined" | "insufficient_funds" | "payment_error" | "payment_timeout" => (
                Some("payment.card_number"),
                format!("{detail} Your cart is kept; try another card."),
            ),
            _ => (None, detail.clone()),
        },
        ApiError::Conflict { detail, .. } | ApiError::BadRequest { detail, .. } => {
            (None, detail.clone())
        }
        other => (None, other.to_string()),
    };
    let lower = detail.to_lowercase();
    match field {
        Some("email") => errors.add("email", detail),
        Some("shipping_method") => errors.add("shipping_method", detail),
        Some("payment.card_number") => errors.add("card_number", detail),
        Some("shipping_address") if lower.contains("postal") || lower.contains("zip") => {
            errors.add("postal_code", detail)
        }
        Some("shipping_address") if lower.contains("country") => errors.add("country", detail),
        Some("shipping_address") => errors.add("address", detail),
        _ => errors.add("form", detail),
    }
    errors
}

pub async fn place_order(
    State(state): State<AppState>,
    shopper: Shopper,
    Form(form): Form<CheckoutForm>,
) -> Result<Response, PageError> {
    if !csrf_ok(&shopper, &form.csrf_token).await? {
        let errors = FieldErrors::one(
            "form",
            "The form had expired; please check it and place the order again.",
        );
        return render(&state, &shopper, form, errors, false, StatusCode::FORBIDDEN).await;
    }
    let key = match IdempotencyKey::parse(form.checkout_token.trim()) {
        Ok(key) => key,
        Err(_) => {
            let errors = FieldErrors::one(
                "form",
                "The form had expired; please place the order again.",
            );
            return render(
                &state,
                &shopper,
                form,
                errors,
                true,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let address = AddressInput {
        name: form.name.clone(),
        line1: form.line1.clone(),
        line2: Some(form.line2.clone()).filter(|l| !l.trim().is_empty()),
        postal_code: form.postal_code.clone(),
        city: form.city.clone(),
        country: form.country.trim().to_uppercase(),
    };
    let payment = PaymentInput {
        card_number: form.card_number.clone(),
    };
    let method = Some(form.shipping_method.clone()).filter(|m| !m.is_empty());
    let details = checkout_details(form.email.clone(), address, method, payment);
    let prepared = state
        .shop
        .checkout
        .order_details(key, &shopper.buyer(), details);
    let (order, card) = match prepared {
        Ok(prepared) => prepared,
        Err(error) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let error = ApiError::from(error);
            return render(&state, &shopper, form, place(&error), false, status).await;
        }
    };
    let cart = shopper.cart(&state.shop.carts).await?;
    let placed = state
        .shop
        .checkout
        .checkout_cart(cart, CartCheckout { order, card })
        .await
        .map_err(ApiError::from);
    match placed {
        Ok(placed) => {
            shopper
                .session
                .remove::<String>(CHECKOUT_KEY)
                .await
                .map_err(session_failed)?;
            let token = order_token(&state.delivery.settings.order_link_key, placed.order.id);
            Ok(see_other(
                &format!("/orders/{}?token={token}&placed=1", placed.order.id),
                Some(0),
            ))
        }
        Err(error @ (ApiError::Internal(_) | ApiError::Unavailable { .. })) => Err(error.into()),
        Err(error) => {
            let status = match &error {
                ApiError::Refused { status, .. } => *status,
                ApiError::Conflict { .. } => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            // A payment refusal ends this attempt: the next one needs a new key.
            let fresh = matches!(error, ApiError::Refused { .. });
            let mut form = form;
            form.card_number.clear();
            render(&state, &shopper, form, place(&error), fresh, status).await
        }
    }
}

#[derive(Template)]
#[template(path = "order.html")]
pub(super) struct OrderPage {
    chrome: Chrome,
    number: String,
    state: String,
    placed_on: String,
    email: String,
    just_placed: bool,
    /// The guest's order link; `None` on the account's own order page.
    link: Option<String>,
    /// Shown on the account's order page: back to the order history.
    in_account: bool,
    lines: Vec<(String, i64, String)>,
    subtotal: String,
    discount: Option<String>,
    shipping: String,
    tax: String,
    total: String,
    address: Vec<String>,
}

/// An order's state as a shopper reads it ("Paid", "Partially refunded").
pub(super) fn state_words(state: showroom_domain::OrderState) -> String {
    let words = state.as_str().replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

/// The order page's content for `order`; `link` is the guest's order link to show, if any.
pub(super) fn order_view(
    chrome: Chrome,
    order: &showroom_store::Order,
    just_placed: bool,
    link: Option<String>,
    in_account: bool,
) -> OrderPage {
    let address = &order.shipping_address;
    OrderPage {
        chrome,
        number: order.number.to_string(),
        state: state_words(order.state),
        placed_on: format::date(order.created_at),
        email: order.email.to_string(),
        just_placed,
        link,
        in_account,
        lines: order
            .lines
            .iter()
            .map(|l| {
                (
                    l.title.clone(),
                    i64::from(l.quantity),
                    format::money(l.total),
                )
            })
            .collect(),
        subtotal: format::money(order.totals.subtotal),
        discount: (order.totals.discount.amount_minor != 0)
            .then(|| format::money(order.totals.discount)),
        shipping: format::money(order.totals.shipping),
        tax: format::money(order.totals.tax),
        total: format::money(order.totals.grand_total),
        address: [
            Some(address.name().to_owned()),
            Some(address.line1().to_owned()),
            address.line2().map(str::to_owned),
            Some(format!("{} {}", address.postal_code(), address.city())),
            Some(address.country().as_str().to_owned()),
        ]
        .into_iter()
        .flatten()
        .collect(),
    }
}

/// A guest's order (the token from checkout proves it is theirs) or a logged-in customer's own.
pub async fn order_page(
    State(state): State<AppState>,
    shopper: Shopper,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::not_found())?;
    let mut token = String::new();
    let mut just_placed = false;
    for (name, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match name.as_ref() {
            "token" => token = value.into_owned(),
            "placed" => just_placed = true,
            _ => {}
        }
    }
    let key = &state.delivery.settings.order_link_key;
    let order = state
        .catalog
        .order_by_id(id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let owned = order.customer_id.is_some() && order.customer_id == shopper.customer;
    if !owned && !verify_order_token(key, id, &token) {
        return Err(PageError::not_found());
    }
    let chrome =
        Chrome::private(&state, format!("Order {}", order.number), shopper.customer).await?;
    let link = super::chrome::absolute(
        &state,
        &format!("/orders/{id}?token={}", order_token(key, id)),
    );
    let page = order_view(chrome, &order, just_placed, Some(link), false);
    let mut response = private_page(&page)?;
    if just_placed {
        set_cart_count(&mut response, item_count(None));
    }
    Ok(response.into_response())
}
