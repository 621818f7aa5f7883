//! Discount codes in the admin API (admins and `discounts`-scoped tokens): create, list, read,
//! switch on or off. A code is a percentage (`percent_basis_points`, 1 % = 100) or a fixed
//! amount (`amount`, in the shop's currency), with an optional minimum subtotal, expiry and
//! usage limit; the checkout enforces them all.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use showroom_domain::{BasisPoints, Discount, DiscountCode, DiscountValue, UnixTime};
use showroom_store::DiscountRecord;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, FieldContext, Problem};
use crate::extract::ApiJson;
use crate::routes::dto::{rfc3339, MoneyDto};
use crate::routes::input::MoneyInput;
use crate::routes::refusals::{NoSuchDiscountCode, StaffAreaRefusals};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_codes, create_code))
        .routes(routes!(get_code, update_code))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDiscountInput {
    /// 3–32 letters, digits, `-`, `_`; stored uppercase.
    pub code: String,
    /// A percentage off the goods, in basis points (1 % = 100, at most 10000). Give this or
    /// `amount`.
    #[serde(default)]
    pub percent_basis_points: Option<u32>,
    /// A fixed amount off, in the shop's currency.
    #[serde(default)]
    pub amount: Option<MoneyInput>,
    /// The goods must come to at least this much.
    #[serde(default)]
    pub minimum_subtotal: Option<MoneyInput>,
    /// RFC 3339; the code stops working at this instant.
    #[serde(default)]
    pub expires_at: Option<String>,
    /// How many orders may use it in all.
    #[serde(default)]
    pub usage_limit: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscountPatchInput {
    /// `false` switches the code off (it is then refused like an unknown one).
    pub active: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiscountDto {
    pub code: String,
    pub percent_basis_points: Option<u32>,
    pub amount: Option<MoneyDto>,
    pub minimum_subtotal: Option<MoneyDto>,
    pub expires_at: Option<String>,
    pub usage_limit: Option<u32>,
    pub times_used: u32,
    pub active: bool,
    pub created_at: String,
}

impl From<DiscountRecord> for DiscountDto {
    fn from(record: DiscountRecord) -> Self {
        let discount = &record.discount;
        let (percent_basis_points, amount) = match discount.value() {
            DiscountValue::Percentage(rate) => (Some(rate.get()), None),
            DiscountValue::Fixed(money) => (None, Some(money.into())),
        };
        Self {
            code: discount.code().as_str().to_owned(),
            percent_basis_points,
            amount,
            minimum_subtotal: discount.minimum_subtotal().map(Into::into),
            expires_at: discount
                .expires_at()
                .map(|t| rfc3339(t.0.saturating_mul(1000))),
            usage_limit: discount.usage_limit(),
            times_used: record.times_used,
            active: record.active,
            created_at: rfc3339(record.created_at),
        }
    }
}

fn parse_code(raw: &str) -> Result<DiscountCode, ApiError> {
    DiscountCode::parse(raw).field("code")
}

/// The body as a domain [`Discount`]; the error names the first bad field.
pub(crate) fn discount(state: &AppState, body: NewDiscountInput) -> Result<Discount, ApiError> {
    let code = parse_code(&body.code)?;
    let currency = state.shop.currency();
    let mut discount = match (body.percent_basis_points, &body.amount) {
        (Some(bp), None) => {
            let rate = BasisPoints::new(bp).field("percent_basis_points")?;
            if rate.get() == 0 {
                return Err(ApiError::validation(
                    "percent_basis_points",
                    "a percentage discount takes at least 1 basis point off",
                ));
            }
            Discount::percentage(code, rate)
        }
        (None, Some(amount)) => {
            Discount::fixed(code, amount.parse("amount", currency)?).field("amount")?
        }
        _ => {
            return Err(ApiError::validation(
                "percent_basis_points",
                "give either `percent_basis_points` or `amount`, not both",
            ))
        }
    };
    if let Some(minimum) = &body.minimum_subtotal {
        discount = discount.with_minimum_subtotal(minimum.parse("minimum_subtotal", currency)?);
    }
    if let Some(raw) = &body.expires_at {
        let at = time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
            .map_err(|_| {
            ApiError::validation("expires_at", "an RFC 3339 time, e.g. 2027-01-31T23:59:59Z")
        })?;
        discount = discount.with_expiry(UnixTime(at.unix_timestamp()));
    }
    if let Some(limit) = body.usage_limit {
        discount = discount.with_usage_limit(limit);
    }
    Ok(discount)
}

/// Every discount code, newest first.
#[utoipa::path(get, path = "/api/v1/admin/discount-codes", tag = "admin",
    responses(
        (status = 200, description = "The codes", body = [DiscountDto]),
        StaffAreaRefusals,
    ))]
pub async fn list_codes(State(state): State<AppState>) -> Result<Response, ApiError> {
    let codes: Vec<DiscountDto> = state
        .catalog
        .list_discounts()
        .await?
        .into_iter()
        .map(DiscountDto::from)
        .collect();
    Ok(axum::Json(codes).into_response())
}

/// Create a discount code.
#[utoipa::path(post, path = "/api/v1/admin/discount-codes", tag = "admin", request_body = NewDiscountInput,
    responses(
        (status = 201, description = "Created", body = DiscountDto),
        StaffAreaRefusals,
        (status = 409, description = "The code exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid (named in `field`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_code(
    State(state): State<AppState>,
    body: Result<ApiJson<NewDiscountInput>, ApiError>,
) -> Result<Response, ApiError> {
    let ApiJson(body) = body?;
    let record = state
        .catalog
        .create_discount(discount(&state, body)?)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(DiscountDto::from(record))).into_response())
}

/// One discount code, with how often it was used.
#[utoipa::path(get, path = "/api/v1/admin/discount-codes/{code}", tag = "admin",
    params(("code" = String, Path, description = "The code, any letter case")),
    responses(
        (status = 200, description = "The code", body = DiscountDto),
        StaffAreaRefusals,
        NoSuchDiscountCode,
    ))]
pub async fn get_code(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound {
        what: "discount code",
    };
    let code = DiscountCode::parse(&code).map_err(|_| not_found())?;
    let record = state
        .catalog
        .discount_by_code(&code)
        .await?
        .ok_or_else(not_found)?;
    Ok(axum::Json(DiscountDto::from(record)).into_response())
}

/// Switch a code on or off.
#[utoipa::path(patch, path = "/api/v1/admin/discount-codes/{code}", tag = "admin", request_body = DiscountPatchInput,
    params(("code" = String, Path, description = "The code, any letter case")),
    responses(
        (status = 200, description = "Changed", body = DiscountDto),
        StaffAreaRefusals,
        NoSuchDiscountCode,
        (status = 422, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_code(
    State(state): State<AppState>,
    Path(code): Path<String>,
    body: Result<ApiJson<DiscountPatchInput>, ApiError>,
) -> Result<Response, ApiError> {
    let code = DiscountCode::parse(&code).map_err(|_| ApiError::NotFound {
        what: "discount code",
    })?;
    let ApiJson(body) = body?;
    let record = state
        .catalog
        .set_discount_active(&code, body.active)
        .await?;
    Ok(axum::Json(DiscountDto::from(record)).into_response())
}
