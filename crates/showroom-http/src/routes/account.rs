//! The shopper's session and account over HTTP: `GET /api/v1/session` (hands out the CSRF
//! token, storing nothing for a visitor without a session), register, login, logout, password change, and the customer's own
//! orders. Handlers translate; the rules live in the shop's [`Accounts`](showroom_shop::Accounts)
//! and the session's part in [`crate::shopper`]. Every answer is `Cache-Control: private,
//! no-store`.
//!
//! Another customer's order, like an unknown one, is a 404: ids cannot be probed.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::{Deserialize, Serialize};
use showroom_domain::Email;
use showroom_shield::ClientIp;
use showroom_shop::order_token;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::error::{ApiError, FieldContext, Problem};
use crate::extract::ApiJson;
use crate::routes::checkout::OrderDto;
use crate::routes::refusals::{CsrfRefusal, LoginRefusals, NotLoggedIn, RegistrationRefusals};
use crate::sessions::{csrf_cookie, CUSTOMER_ID};
use crate::shopper::{end_session, renew_after_password_change, start_account_session, Shopper};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(session))
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(change_password))
        .routes(routes!(my_orders))
        .routes(routes!(my_order))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    /// 10 to 128 characters; not a common password, a straight run or the email address.
    pub new_password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerDto {
    pub id: Uuid,
    pub email: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionDto {
    /// Send it as `X-CSRF-Token` with every POST, PUT, PATCH and DELETE made with this session's
    /// cookie.
    pub csrf_token: String,
    /// The logged-in customer, if any.
    pub customer: Option<CustomerDto>,
    /// The logged-in member of staff's id, if any.
    pub staff_id: Option<Uuid>,
}

fn customer_dto(customer: &showroom_store::Customer) -> CustomerDto {
    CustomerDto {
        id: customer.id,
        email: customer.email.as_typed().to_owned(),
    }
}

/// The client's address as the shield resolved it (behind trusted proxies), for the throttle.
pub(crate) fn client_ip(ip: Option<Extension<ClientIp>>) -> Option<std::net::IpAddr> {
    ip.map(|Extension(ClientIp(ip))| ip)
}

async fn current_customer(
    state: &AppState,
    shopper: &Shopper,
) -> Result<showroom_store::Customer, ApiError> {
    let id = shopper.customer.ok_or(ApiError::Refused {
        status: StatusCode::UNAUTHORIZED,
        code: "login_required",
        detail: "log in first (POST /api/v1/account/login)".into(),
    })?;
    state.catalog.customer(id).await?.ok_or(ApiError::Refused {
        status: StatusCode::UNAUTHORIZED,
        code: "login_required",
        detail: "this account no longer exists; log in again".into(),
    })
}

/// The CSRF token and who is logged in. Without a session nothing is stored: the token goes
/// into the `showroom_csrf` cookie, and the session that a later write starts adopts it.
#[utoipa::path(get, path = "/api/v1/session", tag = "account",
    responses((status = 200, description = "The session, or for a visitor without one a token kept in the `showroom_csrf` cookie (no session is stored)", body = SessionDto)))]
pub async fn session(
    State(state): State<AppState>,
    headers: HeaderMap,
    shopper: Shopper,
) -> Result<Response, ApiError> {
    if shopper.session.id().is_none() {
        let token = csrf_cookie::token_from_cookie(&headers).unwrap_or_else(csrf_cookie::new_token);
        let mut response = axum::Json(SessionDto {
            csrf_token: token.clone(),
            customer: None,
            staff_id: None,
        })
        .into_response();
        csrf_cookie::set_token_cookie(&mut response, &token);
        return Ok(response);
    }
    let customer = match shopper.customer {
        Some(id) => state.catalog.customer(id).await?,
        None => None,
    };
    Ok(axum::Json(SessionDto {
        csrf_token: shopper.csrf_token().await?,
        customer: customer.as_ref().map(customer_dto),
        staff_id: shopper.staff_id().await?,
    })
    .into_response())
}

/// Create a customer account and log in as it.
#[utoipa::path(post, path = "/api/v1/account/register", tag = "account", request_body = Credentials,
    responses(
        (status = 201, description = "The account; the session is logged in (new session id) and a guest cart was merged", body = CustomerDto),
        RegistrationRefusals,
    ))]
pub async fn register(
    State(state): State<AppState>,
    shopper: Shopper,
    body: Result<ApiJson<Credentials>, ApiError>,
) -> Result<Response, ApiError> {
    let ApiJson(body) = body?;
    let email = Email::parse(&body.email).field("email")?;
    let guest_cart = shopper.guest_cart_id().await?;
    let accounts = &state.shop.accounts;
    let customer = accounts
        .register_customer(email, &body.password, guest_cart)
        .await?;
    start_account_session(&state, &shopper.session, CUSTOMER_ID, customer.id).await?;
    Ok((StatusCode::CREATED, axum::Json(customer_dto(&customer))).into_response())
}

/// Log in as a customer. Throttled per account and per client address.
#[utoipa::path(post, path = "/api/v1/account/login", tag = "account", request_body = Credentials,
    responses(
        (status = 200, description = "Logged in; the session id is new and a guest cart was merged", body = CustomerDto),
        LoginRefusals,
    ))]
pub async fn login(
    State(state): State<AppState>,
    shopper: Shopper,
    ip: Option<Extension<ClientIp>>,
    body: Result<ApiJson<Credentials>, ApiError>,
) -> Result<Response, ApiError> {
    let (email, password) = parse_credentials(body)?;
    let guest_cart = shopper.guest_cart_id().await?;
    let customer = state
        .shop
        .accounts
        .login_customer(&email, &password, client_ip(ip), guest_cart)
        .await?;
    start_account_session(&state, &shopper.session, CUSTOMER_ID, customer.id).await?;
    Ok(axum::Json(customer_dto(&customer)).into_response())
}

/// A login body as an email and the password typed.
pub(crate) fn parse_credentials(
    body: Result<ApiJson<Credentials>, ApiError>,
) -> Result<(Email, String), ApiError> {
    let ApiJson(body) = body?;
    Ok((Email::parse(&body.email).field("email")?, body.password))
}

/// End the session (customer or staff).
#[utoipa::path(post, path = "/api/v1/account/logout", tag = "account",
    responses(
        (status = 204, description = "Logged out; the session is deleted"),
        CsrfRefusal,
    ))]
pub async fn logout(shopper: Shopper) -> Result<Response, ApiError> {
    end_session(&shopper.session).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The logged-in customer.
#[utoipa::path(get, path = "/api/v1/account", tag = "account",
    responses(
        (status = 200, description = "The account", body = CustomerDto),
        (status = 401, description = "Not logged in (`login_required`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn me(State(state): State<AppState>, shopper: Shopper) -> Result<Response, ApiError> {
    let customer = current_customer(&state, &shopper).await?;
    Ok(axum::Json(customer_dto(&customer)).into_response())
}

/// Change the password; the session id is rotated, and every other session of the account is
/// logged out.
#[utoipa::path(post, path = "/api/v1/account/password", tag = "account", request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed"),
        NotLoggedIn,
        CsrfRefusal,
        (status = 422, description = "Wrong current password (`wrong_password`) or a new password the policy refuses", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    shopper: Shopper,
    body: Result<ApiJson<PasswordChange>, ApiError>,
) -> Result<Response, ApiError> {
    let customer = current_customer(&state, &shopper).await?;
    let ApiJson(body) = body?;
    state
        .shop
        .accounts
        .change_customer_password(&customer, &body.current_password, &body.new_password)
        .await?;
    renew_after_password_change(&state, &shopper.session, customer.id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The logged-in customer's orders, newest first (at most 100).
#[utoipa::path(get, path = "/api/v1/account/orders", tag = "account",
    responses(
        (status = 200, description = "Their orders", body = [OrderDto]),
        NotLoggedIn,
    ))]
pub async fn my_orders(
    State(state): State<AppState>,
    shopper: Shopper,
) -> Result<Response, ApiError> {
    let customer = current_customer(&state, &shopper).await?;
    let key = &state.delivery.settings.order_link_key;
    let orders: Vec<OrderDto> = state
        .catalog
        .orders_for_customer(customer.id, 100)
        .await?
        .into_iter()
        .map(|order| {
            let token = order_token(key, order.id);
            OrderDto::new(order, token)
        })
        .collect();
    Ok(axum::Json(orders).into_response())
}

/// One of the logged-in customer's orders; anyone else's is a 404.
#[utoipa::path(get, path = "/api/v1/account/orders/{id}", tag = "account",
    params(("id" = Uuid, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The order", body = OrderDto),
        NotLoggedIn,
        (status = 404, description = "No such order among theirs", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn my_order(
    State(state): State<AppState>,
    shopper: Shopper,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let customer = current_customer(&state, &shopper).await?;
    let not_found = || ApiError::NotFound { what: "order" };
    let id = Uuid::parse_str(&id).map_err(|_| not_found())?;
    let order = state
        .catalog
        .order_by_id(id)
        .await?
        .filter(|order| order.customer_id == Some(customer.id))
        .ok_or_else(not_found)?;
    let token = order_token(&state.delivery.settings.order_link_key, order.id);
    Ok(axum::Json(OrderDto::new(order, token)).into_response())
}
