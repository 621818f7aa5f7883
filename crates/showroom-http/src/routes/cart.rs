//! The shopper's cart over HTTP, `/api/v1/cart`: read it with its totals, add, change and remove
//! lines, set or clear a discount code, and check out. The handlers only translate; the rules
//! live in the shop's [`Carts`] and [`Checkout`](showroom_shop::Checkout), and the store.
//!
//! Whose cart: a signed-in customer's (by account), else the guest's whose id the session holds
//! (a guest cart is made on the first change). Nobody can name a cart id, so another session's
//! cart can neither be read nor changed.
//!
//! Prices never come from the client: bodies have no field for one and `deny_unknown_fields`
//! refuses a body that tries (`422`, naming the field). Every read and change answers the cart
//! priced at the server's current prices; `?country=DE&shipping_method=standard` previews tax and
//! shipping for a destination. Every response is `Cache-Control: private, no-store`.

use std::future::Future;

use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use showroom_domain::{CountryCode, Slug};
use showroom_shop::{order_token, CartCheckout, Carts, Destination, ShopError};
use showroom_store::{Cart, LineChange};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::error::{ApiError, FieldContext, Problem};
use crate::extract::ApiJson;
use crate::routes::checkout::{
    checkout_details, idempotency_key, AddressInput, OrderDto, PaymentInput,
};
use crate::routes::dto::CartDto;
use crate::routes::refusals::{CheckoutRefusals, DatabaseUnavailable};
use crate::shopper::Shopper;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_cart))
        .routes(routes!(add_line))
        .routes(routes!(set_line, remove_line))
        .routes(routes!(set_discount_code, clear_discount_code))
        .routes(routes!(checkout))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddLineRequest {
    pub variant_id: Uuid,
    /// Units to add to the line: 1 to 1,000,000, and no more than are available.
    pub quantity: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetLineRequest {
    /// The line's new quantity, 0 (removes it) to the units available.
    pub quantity: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscountCodeRequest {
    /// 1 to 64 characters.
    pub code: String,
}

/// A checkout of the cart: like `POST /api/v1/checkout`, without lines (the cart's are used).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CartCheckoutRequest {
    pub email: String,
    pub shipping_address: AddressInput,
    /// A configured shipping method (`standard`, `express`); absent ships nothing.
    #[serde(default)]
    pub shipping_method: Option<String>,
    pub payment: PaymentInput,
}

/// Documents the totals preview query; parsed by hand so a bad value is a 422 naming it.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "only documents the query; `destination` reads it")]
pub struct DestinationQuery {
    /// ISO 3166-1 alpha-2 country whose tax rates apply (the default rates when absent).
    pub country: Option<String>,
    /// A configured shipping method to quote (no shipping when absent).
    pub shipping_method: Option<String>,
}

fn destination(raw: Option<&str>) -> Result<Destination, ApiError> {
    let mut destination = Destination::default();
    for (name, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        if value.is_empty() {
            continue;
        }
        match name.as_ref() {
            "country" => {
                destination.country = Some(CountryCode::parse(&value).field("country")?);
            }
            "shipping_method" => {
                destination.shipping_method = Some(Slug::parse(&value).field("shipping_method")?);
            }
            _ => {}
        }
    }
    Ok(destination)
}

/// What every cart route but checkout works on: the shop's carts, whose cart it is, and the raw
/// query naming the destination the answer is priced for (read after the change, as before).
pub struct CartRequest {
    state: AppState,
    shopper: Shopper,
    query: Option<String>,
}

impl FromRequestParts<AppState> for CartRequest {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let shopper = Shopper::from_request_parts(parts, state).await?;
        let RawQuery(query) = RawQuery::from_request_parts(parts, state)
            .await
            .unwrap_or(RawQuery(None));
        Ok(Self {
            state: state.clone(),
            shopper,
            query,
        })
    }
}

impl CartRequest {
    fn carts(&self) -> &Carts {
        &self.state.shop.carts
    }

    /// The answer of every cart route but checkout: the cart, priced for the query's
    /// destination.
    async fn answer(&self, cart: Option<Cart>) -> Result<Response, ApiError> {
        let destination = destination(self.query.as_deref())?;
        let quote = self.carts().quote(cart, &destination).await?;
        Ok(axum::Json(CartDto::new(quote, &destination)).into_response())
    }

    /// The shopper's cart as it is.
    async fn read(&self) -> Result<Response, ApiError> {
        self.answer(self.shopper.cart(self.carts()).await?).await
    }

    /// Applies `change` to the shopper's cart (a guest's first change creates it) and answers
    /// with the cart after it.
    async fn change<'a, F, Fut>(&'a self, change: F) -> Result<Response, ApiError>
    where
        F: FnOnce(&'a Carts, Uuid) -> Fut,
        Fut: Future<Output = Result<Cart, ShopError>> + 'a,
    {
        let cart = self.shopper.cart_to_change(self.carts()).await?;
        let cart = change(self.carts(), cart.id).await?;
        self.answer(Some(cart)).await
    }

    /// Like [`Self::change`] for a change that means nothing without a cart (removing
    /// something): a guest without a cart gets the empty cart and none is created.
    async fn change_existing<'a, F, Fut>(&'a self, change: F) -> Result<Response, ApiError>
    where
        F: FnOnce(&'a Carts, Uuid) -> Fut,
        Fut: Future<Output = Result<Cart, ShopError>> + 'a,
    {
        let cart = match self.shopper.cart(self.carts()).await? {
            Some(cart) => Some(change(self.carts(), cart.id).await?),
            None => None,
        };
        self.answer(cart).await
    }
}

fn variant_path(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::validation("variant_id", "not a variant id (UUID)"))
}

/// The shopper's cart with its totals.
///
/// A guest without a cart gets an empty one (`id: null`). Totals count only lines whose product
/// is for sale, at the server's current prices.
#[utoipa::path(
    get, path = "/api/v1/cart", tag = "cart",
    params(DestinationQuery),
    responses(
        (status = 200, description = "The cart", body = CartDto),
        (status = 422, description = "A malformed `country`, or an unknown `shipping_method`", body = Problem, content_type = "application/problem+json"),
        DatabaseUnavailable,
    )
)]
#[tracing::instrument(skip_all)]
pub async fn get_cart(request: CartRequest) -> Result<Response, ApiError> {
    request.read().await
}

/// Add units of a variant to the cart (a line's quantity grows when it is already there).
#[utoipa::path(
    post, path = "/api/v1/cart/lines", tag = "cart",
    params(DestinationQuery),
    request_body = AddLineRequest,
    responses(
        (status = 200, description = "The cart after the change", body = CartDto),
        (status = 409, description = "Not that many units are available (`field: stock`; the detail says how many are left)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown or unpublished variant, a quantity below 1 or absurd, more than 100 lines, or an unknown field such as a price", body = Problem, content_type = "application/problem+json"),
        DatabaseUnavailable,
    )
)]
#[tracing::instrument(skip_all)]
pub async fn add_line(
    request: CartRequest,
    body: Result<ApiJson<AddLineRequest>, ApiError>,
) -> Result<Response, ApiError> {
    let ApiJson(body) = body?;
    let change = LineChange::Add(body.quantity);
    request
        .change(|carts, cart| carts.change_line(cart, body.variant_id, change))
        .await
}

/// Set a line's quantity; 0 removes the line.
#[utoipa::path(
    put, path = "/api/v1/cart/lines/{variant_id}", tag = "cart",
    params(("variant_id" = Uuid, Path, description = "The variant of the line"), DestinationQuery),
    request_body = SetLineRequest,
    responses(
        (status = 200, description = "The cart after the change", body = CartDto),
        (status = 409, description = "Not that many units are available (`field: stock`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown or unpublished variant, a negative or absurd quantity, or an unknown field such as a price", body = Problem, content_type = "application/problem+json"),
        DatabaseUnavailable,
    )
)]
#[tracing::instrument(skip_all)]
pub async fn set_line(
    request: CartRequest,
    Path(variant_id): Path<String>,
    body: Result<ApiJson<SetLineRequest>, ApiError>,
) -> Result<Response, ApiError> {
    let variant_id = variant_path(&variant_id)?;
    let ApiJson(body) = body?;
    let change = LineChange::Set(body.quantity);
    request
        .change(|carts, cart| carts.change_line(cart, variant_id, change))
        .await
}

/// Remove a line; removing a line that is not there is not an error.
#[utoipa::path(
    delete, path = "/api/v1/cart/lines/{variant_id}", tag = "cart",
    params(("variant_id" = Uuid, Path, description = "The variant of the line"), DestinationQuery),
    responses(
        (status = 200, description = "The cart after the change", body = CartDto),
        (status = 422, description = "The path is not a variant id", body = Problem, content_type = "application/problem+json"),
        DatabaseUnavailable,
    )
)]
#[tracing::instrument(skip_all)]
pub async fn remove_line(
    request: CartRequest,
    Path(variant_id): Path<String>,
) -> Result<Response, ApiError> {
    let variant_id = variant_path(&variant_id)?;
    request
        .change_existing(|carts, cart| carts.remove_line(cart, variant_id))
        .await
}

/// Enter a discount code (replacing any other).
#[utoipa::path(
    put, path = "/api/v1/cart/discount-code", tag = "cart",
    params(DestinationQuery),
    request_body = DiscountCodeRequest,
    responses(
        (status = 200, description = "The cart after the change", body = CartDto),
        (status = 422, description = "An empty or overlong code, or an unknown field", body = Problem, content_type = "application/problem+json"),
        DatabaseUnavailable,
    )
)]
#[tracing::instrument(skip_all)]
pub async fn set_discount_code(
    request: CartRequest,
    body: Result<ApiJson<DiscountCodeRequest>, ApiError>,
) -> Result<Response, ApiError> {
    let ApiJson(body) = body?;
    request
        .change(|carts, cart| async move { carts.set_discount_code(cart, Some(&body.code)).await })
        .await
}

/// Remove the discount code.
#[utoipa::path(
    delete, path = "/api/v1/cart/discount-code", tag = "cart",
    params(DestinationQuery),
    responses(
        (status = 200, description = "The cart after the change", body = CartDto),
        (status = 422, description = "A malformed `country`, or an unknown `shipping_method`", body = Problem, content_type = "application/problem+json"),
        DatabaseUnavailable,
    )
)]
#[tracing::instrument(skip_all)]
pub async fn clear_discount_code(request: CartRequest) -> Result<Response, ApiError> {
    request
        .change_existing(|carts, cart| carts.set_discount_code(cart, None))
        .await
}

/// Place and pay an order for the cart's lines.
///
/// Like `POST /api/v1/checkout` (same body without `lines`, same `Idempotency-Key` rules, same
/// test cards), with the cart's lines at the server's current prices. The cart is emptied only
/// when the order is paid; a retry with the same key answers the same order, also after that.
#[utoipa::path(
    post, path = "/api/v1/cart/checkout", tag = "cart",
    request_body = CartCheckoutRequest,
    params(("Idempotency-Key" = String, Header, description = "8–255 visible ASCII characters, unique per checkout attempt; reuse it to retry", min_length = 8, max_length = 255)),
    responses(
        (status = 201, description = "The order, paid; the cart is now empty", body = OrderDto),
        (status = 200, description = "A retry with the same key: the same order and body", body = OrderDto),
        CheckoutRefusals,
    )
)]
#[tracing::instrument(skip_all)]
pub async fn checkout(
    State(state): State<AppState>,
    shopper: Shopper,
    headers: HeaderMap,
    body: Result<ApiJson<CartCheckoutRequest>, ApiError>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let ApiJson(body) = body?;
    let checkout = &state.shop.checkout;
    let details = checkout_details(
        body.email,
        body.shipping_address,
        body.shipping_method,
        body.payment,
    );
    let (order, card) = checkout.order_details(key, &shopper.buyer(), details)?;
    let cart = shopper.cart(&state.shop.carts).await?;
    let placed = checkout
        .checkout_cart(cart, CartCheckout { order, card })
        .await?;
    let status = if placed.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let token = order_token(&state.delivery.settings.order_link_key, placed.order.id);
    let dto = OrderDto::new(placed.order, token);
    Ok((status, axum::Json(dto)).into_response())
}
