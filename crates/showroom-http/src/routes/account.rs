//! The shopper's session and account over HTTP: `GET /api/v1/session` (starts the session and
//! hands out the CSRF token), register, login, logout, password change, and the customer's own
//! orders. Handlers translate; the rules live in [`crate::accounts`]. Every answer is
//! `Cache-Control: private, no-store`.
//!
//! Another customer's order, like an unknown one, is a 404: ids cannot be probed.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::{Deserialize, Serialize};
use showroom_domain::Email;
use showroom_shield::ClientIp;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::accounts::{self, LoginError};
use crate::checkout::order_token;
use crate::error::{ApiError, FieldContext, Problem};
use crate::extract::ApiJson;
use crate::routes::checkout::{no_store, OrderDto};
use crate::shopper::Shopper;
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

/// A login failure as its HTTP answer: 401, or 429 with `Retry-After`.
pub(crate) fn login_failure(error: LoginError) -> Response {
    match error {
        LoginError::InvalidCredentials => ApiError::Refused {
            status: StatusCode::UNAUTHORIZED,
            code: "invalid_credentials",
            detail: "the email or the password is not right".into(),
        }
        .into_response(),
        LoginError::Throttled { retry_after_secs } => {
            let mut response = ApiError::Refused {
                status: StatusCode::TOO_MANY_REQUESTS,
                code: "too_many_login_attempts",
                detail: format!("too many failed logins; try again in {retry_after_secs} seconds"),
            }
            .into_response();
            if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        LoginError::Other(error) => error.into_response(),
    }
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

fn answer(result: Result<Response, ApiError>) -> Response {
    no_store(result.unwrap_or_else(IntoResponse::into_response))
}

/// Start (or read) the session: the CSRF token and who is logged in.
#[utoipa::path(get, path = "/api/v1/session", tag = "account",
    responses((status = 200, description = "The session; sets the session cookie", body = SessionDto)))]
pub async fn session(State(state): State<AppState>, shopper: Shopper) -> Response {
    answer(
        async {
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
        .await,
    )
}

/// Create a customer account and log in as it.
#[utoipa::path(post, path = "/api/v1/account/register", tag = "account", request_body = Credentials,
    responses(
        (status = 201, description = "The account; the session is logged in (new session id)", body = CustomerDto),
        (status = 403, description = "Missing or wrong `X-CSRF-Token` for a request with the session cookie", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An account with this email exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid email, or a password the policy refuses (the detail says why)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn register(
    State(state): State<AppState>,
    shopper: Shopper,
    body: Result<ApiJson<Credentials>, ApiError>,
) -> Response {
    answer(
        async {
            let ApiJson(body) = body?;
            let email = Email::parse(&body.email).field("email")?;
            let password = accounts::new_password(&body.password, &email, "password")?;
            let customer =
                accounts::register_customer(&state.catalog, &shopper.session, email, password)
                    .await?;
            Ok((StatusCode::CREATED, axum::Json(customer_dto(&customer))).into_response())
        }
        .await,
    )
}

/// Log in as a customer. Throttled per account and per client address.
#[utoipa::path(post, path = "/api/v1/account/login", tag = "account", request_body = Credentials,
    responses(
        (status = 200, description = "Logged in; the session id is new and a guest cart was merged", body = CustomerDto),
        (status = 401, description = "Wrong email or password (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing or wrong `X-CSRF-Token` for a request with the session cookie", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Malformed email", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed logins (`Retry-After` says when to retry)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    State(state): State<AppState>,
    shopper: Shopper,
    ip: Option<Extension<ClientIp>>,
    body: Result<ApiJson<Credentials>, ApiError>,
) -> Response {
    let (email, password) = match parse_credentials(body) {
        Ok(parsed) => parsed,
        Err(error) => return answer(Err(error)),
    };
    let throttle = state.settings.login_throttle;
    let logged_in = accounts::login_customer(
        &state.catalog,
        &throttle,
        &shopper.session,
        &email,
        &password,
        client_ip(ip),
    )
    .await;
    login_answer(logged_in.map(|customer| customer_dto(&customer)))
}

/// A login body as an email and the password typed.
pub(crate) fn parse_credentials(
    body: Result<ApiJson<Credentials>, ApiError>,
) -> Result<(Email, String), ApiError> {
    let ApiJson(body) = body?;
    Ok((Email::parse(&body.email).field("email")?, body.password))
}

/// A login's answer: the account as JSON, or its failure.
pub(crate) fn login_answer(result: Result<impl Serialize, LoginError>) -> Response {
    no_store(match result {
        Ok(account) => axum::Json(account).into_response(),
        Err(error) => login_failure(error),
    })
}

/// End the session (customer or staff).
#[utoipa::path(post, path = "/api/v1/account/logout", tag = "account",
    responses(
        (status = 204, description = "Logged out; the session is deleted"),
        (status = 403, description = "Missing or wrong `X-CSRF-Token`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn logout(shopper: Shopper) -> Response {
    answer(
        async {
            accounts::logout(&shopper.session).await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        .await,
    )
}

/// The logged-in customer.
#[utoipa::path(get, path = "/api/v1/account", tag = "account",
    responses(
        (status = 200, description = "The account", body = CustomerDto),
        (status = 401, description = "Not logged in (`login_required`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn me(State(state): State<AppState>, shopper: Shopper) -> Response {
    answer(
        async {
            let customer = current_customer(&state, &shopper).await?;
            Ok(axum::Json(customer_dto(&customer)).into_response())
        }
        .await,
    )
}

/// Change the password; the session id is rotated.
#[utoipa::path(post, path = "/api/v1/account/password", tag = "account", request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing or wrong `X-CSRF-Token`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong current password (`wrong_password`) or a new password the policy refuses", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    shopper: Shopper,
    body: Result<ApiJson<PasswordChange>, ApiError>,
) -> Response {
    answer(
        async {
            let customer = current_customer(&state, &shopper).await?;
            let ApiJson(body) = body?;
            accounts::change_customer_password(
                &state.catalog,
                &shopper.session,
                &customer,
                &body.current_password,
                &body.new_password,
            )
            .await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        .await,
    )
}

/// The logged-in customer's orders, newest first (at most 100).
#[utoipa::path(get, path = "/api/v1/account/orders", tag = "account",
    responses(
        (status = 200, description = "Their orders", body = [OrderDto]),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn my_orders(State(state): State<AppState>, shopper: Shopper) -> Response {
    answer(
        async {
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
        .await,
    )
}

/// One of the logged-in customer's orders; anyone else's is a 404.
#[utoipa::path(get, path = "/api/v1/account/orders/{id}", tag = "account",
    params(("id" = Uuid, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The order", body = OrderDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order among theirs", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn my_order(
    State(state): State<AppState>,
    shopper: Shopper,
    Path(id): Path<String>,
) -> Response {
    answer(
        async {
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
        .await,
    )
}
