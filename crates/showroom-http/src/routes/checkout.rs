//! Guest checkout over HTTP: `POST /api/v1/checkout` and the guest's order read
//! `GET /api/v1/orders/{id}?token=`. The handlers only translate: the JSON body becomes a
//! checkout's details, which the shop's [`Checkout`] parses into an order in one step (every bad
//! field is a 4xx naming it); the flow itself lives there too.
//!
//! Prices never come from the client: the body has no field for one, and `deny_unknown_fields`
//! refuses a body that tries (`422`, naming the field). Every response is
//! `Cache-Control: private, no-store`: it carries a customer's address.
//!
//! Status codes: `201` for the checkout that created the order, `200` with the same body for a
//! retry with the same `Idempotency-Key`; a retry of a failed payment gets the same `402`.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use showroom_domain::{IdempotencyKey, RawAddress};
use showroom_shop::{order_token, verify_order_token, Checkout, CheckoutDetails, RequestedLine};
use showroom_store::Order;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::routes::dto::{rfc3339, MoneyDto};
use crate::routes::refusals::{CheckoutRefusals, DatabaseUnavailable};
use crate::shopper::Shopper;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(checkout))
        .routes(routes!(guest_order))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutRequest {
    /// Where the confirmation goes; also the guest's name for the order.
    pub email: String,
    pub shipping_address: AddressInput,
    /// A configured shipping method (`standard`, `express`); absent ships nothing.
    #[serde(default)]
    pub shipping_method: Option<String>,
    /// 1 to 100 lines. No prices: the server's current prices are used.
    pub lines: Vec<LineInput>,
    /// A discount code; refused (422 on `discount_code`) when unknown, inactive, expired, used
    /// up or when the goods are below its minimum.
    #[serde(default)]
    pub discount_code: Option<String>,
    pub payment: PaymentInput,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    pub name: String,
    pub line1: String,
    #[serde(default)]
    pub line2: Option<String>,
    pub postal_code: String,
    pub city: String,
    /// ISO 3166-1 alpha-2 (`US`, `DE`).
    pub country: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    pub variant_id: Uuid,
    /// 1 to 1,000,000.
    pub quantity: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    /// A card number (the `test` provider's test cards, see the README) or a provider token.
    pub card_number: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDto {
    pub id: Uuid,
    /// Human-friendly and sequential: `SR-000042`.
    pub number: String,
    /// `pending_payment`, `paid`, `fulfilled`, `cancelled`, `partially_refunded`, `refunded`.
    pub state: String,
    pub email: String,
    pub shipping_address: AddressDto,
    pub shipping_method: Option<String>,
    pub lines: Vec<OrderLineDto>,
    pub totals: TotalsDto,
    /// Proof of ownership for `GET /api/v1/orders/{id}?token=`; keep it secret.
    pub order_token: String,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AddressDto {
    pub name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub postal_code: String,
    pub city: String,
    pub country: String,
}

/// A line as sold: title, SKU and price are snapshots taken at checkout.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderLineDto {
    pub variant_id: Uuid,
    pub product_id: Uuid,
    pub title: String,
    pub sku: String,
    pub unit_price: MoneyDto,
    pub quantity: i64,
    pub subtotal: MoneyDto,
    pub discount: MoneyDto,
    pub tax: MoneyDto,
    pub total: MoneyDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TotalsDto {
    /// `tax_inclusive` (tax is contained in the prices) or `tax_exclusive` (added to them).
    pub price_mode: String,
    pub subtotal: MoneyDto,
    pub discount: MoneyDto,
    pub shipping: MoneyDto,
    pub tax: MoneyDto,
    pub grand_total: MoneyDto,
}

impl OrderDto {
    pub(crate) fn new(order: Order, token: String) -> Self {
        let address = &order.shipping_address;
        Self {
            id: order.id,
            number: order.number.to_string(),
            state: order.state.as_str().to_owned(),
            email: order.email.to_string(),
            shipping_address: AddressDto {
                name: address.name().to_owned(),
                line1: address.line1().to_owned(),
                line2: address.line2().map(str::to_owned),
                postal_code: address.postal_code().to_owned(),
                city: address.city().to_owned(),
                country: address.country().to_string(),
            },
            shipping_method: order.shipping_method.as_ref().map(|m| m.to_string()),
            lines: order
                .lines
                .into_iter()
                .map(|line| OrderLineDto {
                    variant_id: line.variant_id,
                    product_id: line.product_id,
                    title: line.title,
                    sku: line.sku.to_string(),
                    unit_price: line.unit_price.into(),
                    quantity: i64::from(line.quantity),
                    subtotal: line.subtotal.into(),
                    discount: line.discount.into(),
                    tax: line.tax.into(),
                    total: line.total.into(),
                })
                .collect(),
            totals: TotalsDto {
                price_mode: match order.totals.price_mode {
                    showroom_domain::PriceMode::TaxInclusive => "tax_inclusive",
                    showroom_domain::PriceMode::TaxExclusive => "tax_exclusive",
                }
                .to_owned(),
                subtotal: order.totals.subtotal.into(),
                discount: order.totals.discount.into(),
                shipping: order.totals.shipping.into(),
                tax: order.totals.tax.into(),
                grand_total: order.totals.grand_total.into(),
            },
            order_token: token,
            created_at: rfc3339(order.created_at),
        }
    }
}

/// Reads the `Idempotency-Key` header: required, 8–255 visible ASCII characters.
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<IdempotencyKey, ApiError> {
    let raw = headers.get("idempotency-key").ok_or(ApiError::BadRequest {
        code: "missing_idempotency_key",
        detail: "this request requires an `Idempotency-Key` header, unique per attempt".into(),
        field: Some("Idempotency-Key".into()),
    })?;
    raw.to_str()
        .ok()
        .and_then(|raw| IdempotencyKey::parse(raw).ok())
        .ok_or_else(|| ApiError::BadRequest {
            code: "invalid_idempotency_key",
            detail: "an `Idempotency-Key` has 8 to 255 visible ASCII characters and no spaces"
                .into(),
            field: Some("Idempotency-Key".into()),
        })
}

impl AddressInput {
    fn into_raw(self) -> RawAddress {
        RawAddress {
            name: self.name,
            line1: self.line1,
            line2: self.line2,
            postal_code: self.postal_code,
            city: self.city,
            country: self.country,
        }
    }
}

/// A checkout body's details for the shop (also the cart's checkout).
pub(crate) fn checkout_details(
    email: String,
    address: AddressInput,
    shipping_method: Option<String>,
    payment: PaymentInput,
) -> CheckoutDetails {
    CheckoutDetails {
        email,
        shipping_address: address.into_raw(),
        shipping_method,
        card_number: payment.card_number,
    }
}

/// Place and pay an order as a guest.
///
/// One transaction reserves the stock (never below zero), snapshots the lines at the server's
/// current prices and records the `Idempotency-Key`; the payment provider is called after it,
/// with a timeout. A failed payment cancels the order and returns the stock. Retrying with the
/// same key never charges twice: it answers `200` with the same order, or the same `402`.
/// Test cards of the built-in `test` provider: `4242 4242 4242 4242` succeeds,
/// `4000 0000 0000 0002` is declined, `4000 0000 0000 9995` has insufficient funds,
/// `4000 0000 0000 0119` fails to process, `4000 0000 0000 3220` times out.
#[utoipa::path(
    post, path = "/api/v1/checkout", tag = "checkout",
    request_body = CheckoutRequest,
    params(("Idempotency-Key" = String, Header, description = "8–255 visible ASCII characters, unique per checkout attempt; reuse it to retry", min_length = 8, max_length = 255)),
    responses(
        (status = 201, description = "The order, paid", body = OrderDto),
        (status = 200, description = "A retry with the same key: the same order and body", body = OrderDto),
        CheckoutRefusals,
    )
)]
#[tracing::instrument(skip_all)]
pub async fn checkout(
    State(state): State<AppState>,
    shopper: Shopper,
    headers: HeaderMap,
    body: Result<ApiJson<CheckoutRequest>, ApiError>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let ApiJson(body) = body?;
    let checkout: &Checkout = &state.shop.checkout;
    let lines: Vec<RequestedLine> = body
        .lines
        .iter()
        .map(|line| RequestedLine {
            variant_id: line.variant_id,
            quantity: line.quantity,
        })
        .collect();
    let details = checkout_details(
        body.email,
        body.shipping_address,
        body.shipping_method,
        body.payment,
    );
    let discount_code = body.discount_code.as_deref();
    let (new, card) =
        checkout.guest_order(key, &shopper.buyer(), details, discount_code, &lines)?;
    let placed = checkout.place_order(new, card).await?;
    let status = if placed.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let token = order_token(&state.delivery.settings.order_link_key, placed.order.id);
    Ok((status, axum::Json(OrderDto::new(placed.order, token))).into_response())
}

/// Documents the query of the guest order read; parsed by hand so that no query, however
/// malformed, answers anything but the order or a 404.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "only documents the query; `token_of` reads it")]
pub struct TokenQuery {
    /// The `order_token` from the checkout response.
    pub token: Option<String>,
}

/// The first `token` in the query; empty when there is none.
fn token_of(raw: Option<&str>) -> String {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(name, _)| name == "token")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

/// A guest's order, with the `order_token` from checkout as proof of ownership.
///
/// A wrong or missing token answers `404`, like an unknown id, so ids cannot be probed.
#[utoipa::path(
    get, path = "/api/v1/orders/{id}", tag = "checkout",
    params(("id" = Uuid, Path, description = "The order's id"), TokenQuery),
    responses(
        (status = 200, description = "The order", body = OrderDto),
        (status = 404, description = "No such order, or the token does not prove ownership", body = Problem, content_type = "application/problem+json"),
        DatabaseUnavailable,
    )
)]
#[tracing::instrument(skip_all)]
pub async fn guest_order(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let not_found = ApiError::NotFound { what: "order" };
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound { what: "order" })?;
    let key = &state.delivery.settings.order_link_key;
    let token = token_of(query.as_deref());
    if !verify_order_token(key, id, &token) {
        return Err(not_found);
    }
    let order = state.catalog.order_by_id(id).await?.ok_or(not_found)?;
    Ok(axum::Json(OrderDto::new(order, token)).into_response())
}
