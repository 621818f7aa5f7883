//! Staff over HTTP: log in and out with the session cookie (`/api/v1/staff/login`), and, for
//! admins, manage staff accounts and API tokens under `/api/v1/admin/staff` and
//! `/api/v1/admin/api-tokens` (the admin guard allows only admins and the bootstrap token there).
//!
//! An API token is shown once, when it is created (`srt_` and 64 hex digits); only its SHA-256 is
//! kept.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::{Deserialize, Serialize};
use showroom_domain::Email;
use showroom_shield::ClientIp;
use showroom_store::{ApiTokenRecord, StaffMember, StaffRole};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::error::{ApiError, FieldContext, Problem};
use crate::extract::ApiJson;
use crate::principal::Principal;
use crate::routes::account::{client_ip, parse_credentials, Credentials};
use crate::routes::dto::rfc3339;
use crate::routes::refusals::{LoginRefusals, StaffAreaRefusals};
use crate::sessions::STAFF_ID;
use crate::shopper::{start_account_session, Shopper};
use crate::state::AppState;

/// Staff login: public (it is how staff get in).
pub fn login_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(staff_login))
}

/// Staff and token management: behind the admin guard.
pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_staff, create_staff))
        .routes(routes!(update_staff))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffDto {
    pub id: Uuid,
    pub email: String,
    /// `admin` or `staff`.
    pub role: String,
    pub active: bool,
    pub created_at: String,
}

impl From<StaffMember> for StaffDto {
    fn from(member: StaffMember) -> Self {
        Self {
            id: member.id,
            email: member.email.as_typed().to_owned(),
            role: member.role.as_str().to_owned(),
            active: member.active,
            created_at: rfc3339(member.created_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaffInput {
    pub email: String,
    pub password: String,
    /// `admin` or `staff`.
    pub role: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffPatchInput {
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenDto {
    pub id: Uuid,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_by: Option<Uuid>,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    /// Only in the answer that created it: the token itself. Store it now; it is not kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl ApiTokenDto {
    fn new(record: ApiTokenRecord, token: Option<String>) -> Self {
        Self {
            id: record.id,
            name: record.name,
            scopes: record.scopes,
            created_by: record.created_by,
            created_at: rfc3339(record.created_at),
            last_used_at: record.last_used_at.map(rfc3339),
            revoked_at: record.revoked_at.map(rfc3339),
            token,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenInput {
    /// What it is for (`nightly importer`); 1 to 100 characters.
    pub name: String,
    /// Any of `catalog`, `orders`, `discounts`; at least one.
    pub scopes: Vec<String>,
}

fn role(raw: &str) -> Result<StaffRole, ApiError> {
    raw.parse::<StaffRole>()
        .map_err(|_| ApiError::validation("role", "a role is `admin` or `staff`"))
}

/// Log in as staff (session cookie). Throttled like customer logins.
#[utoipa::path(post, path = "/api/v1/staff/login", tag = "staff", request_body = Credentials,
    responses(
        (status = 200, description = "Logged in; the session id is new", body = StaffDto),
        LoginRefusals,
    ))]
pub async fn staff_login(
    State(state): State<AppState>,
    shopper: Shopper,
    ip: Option<Extension<ClientIp>>,
    body: Result<ApiJson<Credentials>, ApiError>,
) -> Result<Response, ApiError> {
    let (email, password) = parse_credentials(body)?;
    let member = state
        .shop
        .accounts
        .login_staff(&email, &password, client_ip(ip))
        .await?;
    start_account_session(&state, &shopper.session, STAFF_ID, member.id).await?;
    Ok(axum::Json(StaffDto::from(member)).into_response())
}

/// Every member of staff, oldest first.
#[utoipa::path(get, path = "/api/v1/admin/staff", tag = "staff",
    responses(
        (status = 200, description = "The staff", body = [StaffDto]),
        StaffAreaRefusals,
    ))]
pub async fn list_staff(State(state): State<AppState>) -> Result<Response, ApiError> {
    let staff: Vec<StaffDto> = state
        .catalog
        .list_staff()
        .await?
        .into_iter()
        .map(StaffDto::from)
        .collect();
    Ok(axum::Json(staff).into_response())
}

/// Add a member of staff.
#[utoipa::path(post, path = "/api/v1/admin/staff", tag = "staff", request_body = NewStaffInput,
    responses(
        (status = 201, description = "Created", body = StaffDto),
        StaffAreaRefusals,
        (status = 409, description = "The email is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid email, role or password", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_staff(
    State(state): State<AppState>,
    body: Result<ApiJson<NewStaffInput>, ApiError>,
) -> Result<Response, ApiError> {
    let ApiJson(body) = body?;
    let email = Email::parse(&body.email).field("email")?;
    let role = role(&body.role)?;
    let member = state
        .shop
        .accounts
        .create_staff(email, &body.password, role)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(StaffDto::from(member))).into_response())
}

/// Change a member's role or deactivate them (their sessions stop working at once). The last
/// active admin cannot be demoted or deactivated.
#[utoipa::path(patch, path = "/api/v1/admin/staff/{id}", tag = "staff", request_body = StaffPatchInput,
    params(("id" = Uuid, Path, description = "The member's id")),
    responses(
        (status = 200, description = "Changed", body = StaffDto),
        StaffAreaRefusals,
        (status = 404, description = "No such member", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It would leave no active admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid role", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_staff(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Result<ApiJson<StaffPatchInput>, ApiError>,
) -> Result<Response, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound {
        what: "staff member",
    })?;
    let ApiJson(body) = body?;
    let role = body.role.as_deref().map(role).transpose()?;
    let member = state.catalog.update_staff(id, role, body.active).await?;
    Ok(axum::Json(StaffDto::from(member)).into_response())
}

/// Every API token, newest first, revoked ones included (never the tokens themselves).
#[utoipa::path(get, path = "/api/v1/admin/api-tokens", tag = "staff",
    responses(
        (status = 200, description = "The tokens", body = [ApiTokenDto]),
        StaffAreaRefusals,
    ))]
pub async fn list_tokens(State(state): State<AppState>) -> Result<Response, ApiError> {
    let tokens: Vec<ApiTokenDto> = state
        .catalog
        .list_api_tokens()
        .await?
        .into_iter()
        .map(|record| ApiTokenDto::new(record, None))
        .collect();
    Ok(axum::Json(tokens).into_response())
}

/// Create an API token. The answer is the only time the token is shown.
#[utoipa::path(post, path = "/api/v1/admin/api-tokens", tag = "staff", request_body = NewTokenInput,
    responses(
        (status = 201, description = "Created; `token` holds the secret", body = ApiTokenDto),
        StaffAreaRefusals,
        (status = 422, description = "Invalid name or scopes", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_token(
    State(state): State<AppState>,
    principal: Principal,
    body: Result<ApiJson<NewTokenInput>, ApiError>,
) -> Result<Response, ApiError> {
    let ApiJson(body) = body?;
    let issued = state
        .shop
        .accounts
        .create_api_token(&body.name, body.scopes, principal.staff_id())
        .await?;
    let dto = ApiTokenDto::new(issued.record, Some(issued.token));
    Ok((StatusCode::CREATED, axum::Json(dto)).into_response())
}

/// Revoke an API token; it stops working at once. Revoking twice is harmless.
#[utoipa::path(delete, path = "/api/v1/admin/api-tokens/{id}", tag = "staff",
    params(("id" = Uuid, Path, description = "The token's id")),
    responses(
        (status = 200, description = "Revoked", body = ApiTokenDto),
        StaffAreaRefusals,
        (status = 404, description = "No such token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn revoke_token(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound { what: "API token" })?;
    let record = state.catalog.revoke_api_token(id).await?;
    Ok(axum::Json(ApiTokenDto::new(record, None)).into_response())
}
