//! Orders in the admin API (staff, admins and `orders`-scoped tokens): list and search, read one
//! with its history and refunds, fulfil with a tracking number, refund all or part, cancel. Every
//! change is recorded in the order's history under the acting principal; the rules live in the
//! shop's [`OrderDesk`](showroom_shop::OrderDesk) and the store.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use showroom_shop::{order_token, RefundRequest};
use showroom_store::{Order, OrderHistoryEntry, OutboxMail, Refund};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::principal::AdminActor;
use crate::routes::checkout::{idempotency_key, OrderDto};
use crate::routes::dto::{rfc3339, MoneyDto};
use crate::routes::params::{parse_order_query, IdPath};
use crate::routes::refusals::{NoSuchOrder, StaffAreaRefusals};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orders))
        .routes(routes!(get_order))
        .routes(routes!(fulfil_order))
        .routes(routes!(cancel_order))
        .routes(routes!(refund_order))
}

/// An order as staff see it: the customer's view plus payment, shipment and refunds.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminOrderDto {
    #[serde(flatten)]
    pub order: OrderDto,
    pub payment_ref: Option<String>,
    pub tracking_number: Option<String>,
    pub refunded: MoneyDto,
}

/// One step of an order's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderEventDto {
    pub at: String,
    /// `customer`, `staff:<uuid>`, `api_token`, `api_token:<uuid>`, `payment_provider`, `sweeper`.
    pub actor: String,
    /// `placed`, `payment_succeeded`, `fulfill`, `cancel`, …
    pub what: String,
    pub from: Option<String>,
    pub to: String,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminOrderDetailDto {
    #[serde(flatten)]
    pub order: AdminOrderDto,
    /// Oldest first.
    pub history: Vec<OrderEventDto>,
    /// Every refund and cancellation refund, pending, succeeded or failed, oldest first.
    pub refunds: Vec<RefundDto>,
    /// The mail sent (or waiting to be sent) to the customer about this order, oldest first.
    pub mail: Vec<OrderMailDto>,
}

/// One mail to the customer, as queued in the outbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderMailDto {
    /// `order_confirmed`, `order_shipped`, `order_cancelled`, `refund_issued`.
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub created_at: String,
    /// When it went out (or was logged, without SMTP); absent while queued or given up.
    pub sent_at: Option<String>,
    pub attempts: u32,
    /// The last delivery failure.
    pub last_error: Option<String>,
}

impl From<OutboxMail> for OrderMailDto {
    fn from(mail: OutboxMail) -> Self {
        Self {
            kind: mail.kind.as_str().to_owned(),
            recipient: mail.recipient,
            subject: mail.subject,
            created_at: rfc3339(mail.created_at),
            sent_at: mail.sent_at.map(rfc3339),
            attempts: mail.attempts,
            last_error: mail.last_error,
        }
    }
}

/// A refund of some or all of an order's payment.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefundDto {
    pub id: Uuid,
    /// `refund`, or `cancellation` (the full refund that cancelled the order).
    pub kind: String,
    pub amount: MoneyDto,
    /// `pending` (the provider has not confirmed yet), `succeeded`, `failed`.
    pub state: String,
    pub reason: Option<String>,
    pub actor: String,
    /// The provider's id of the refund, once it succeeded.
    pub provider_ref: Option<String>,
    /// The provider's reason, when it failed.
    pub failure: Option<String>,
    pub created_at: String,
}

impl From<Refund> for RefundDto {
    fn from(refund: Refund) -> Self {
        Self {
            id: refund.id,
            kind: refund.kind.as_str().to_owned(),
            amount: refund.amount.into(),
            state: refund.state.as_str().to_owned(),
            reason: refund.reason,
            actor: refund.actor.to_stored(),
            provider_ref: refund.provider_ref,
            failure: refund.failure,
            created_at: rfc3339(refund.created_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundInput {
    /// Minor units of the order's currency; absent refunds everything still refundable.
    #[serde(default)]
    pub amount: Option<i64>,
    /// Why, for the order's history: 1–500 characters on one line.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The refund and the order as it now stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefundResultDto {
    pub refund: RefundDto,
    pub order: AdminOrderDto,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FulfilInput {
    /// 1–64 characters on one line.
    pub tracking_number: String,
}

fn admin_dto(state: &AppState, order: Order) -> AdminOrderDto {
    let token = order_token(&state.delivery.settings.order_link_key, order.id);
    AdminOrderDto {
        payment_ref: order.payment_ref.clone(),
        tracking_number: order.tracking.as_ref().map(|t| t.as_str().to_owned()),
        refunded: order.refunded.into(),
        order: OrderDto::new(order, token),
    }
}

fn event_dto(entry: OrderHistoryEntry) -> OrderEventDto {
    OrderEventDto {
        at: rfc3339(entry.at),
        actor: entry.actor.to_stored(),
        what: entry.what,
        from: entry.from.map(|s| s.as_str().to_owned()),
        to: entry.to.as_str().to_owned(),
        note: entry.note,
    }
}

fn json<T: Serialize>(body: T) -> Response {
    axum::Json(body).into_response()
}

/// Orders, newest first: filter by `state`, search by order number or email (`q`), page with
/// `before` (the last number of the previous page).
#[utoipa::path(get, path = "/api/v1/admin/orders", tag = "admin",
    params(
        ("state" = Option<String>, Query, description = "`pending_payment`, `paid`, `fulfilled`, `cancelled`, `partially_refunded`, `refunded`"),
        ("q" = Option<String>, Query, description = "An order number (`SR-000042`, `42`) or part of the email, any case"),
        ("limit" = Option<u32>, Query, description = "1–100, default 50"),
        ("before" = Option<String>, Query, description = "Only orders numbered below this one"),
    ),
    responses(
        (status = 200, description = "The orders", body = [AdminOrderDto]),
        (status = 400, description = "A bad parameter", body = Problem, content_type = "application/problem+json"),
        StaffAreaRefusals,
        (status = 422, description = "A bad parameter value", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_orders(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let query = parse_order_query(raw.as_deref().unwrap_or_default())?;
    let orders = state.catalog.list_orders(&query).await?;
    let body: Vec<AdminOrderDto> = orders.into_iter().map(|o| admin_dto(&state, o)).collect();
    Ok(json(body))
}

/// One order with its history, refunds and the mail its customer was sent.
#[utoipa::path(get, path = "/api/v1/admin/orders/{id}", tag = "admin",
    params(("id" = String, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The order", body = AdminOrderDetailDto),
        (status = 400, description = "A malformed id", body = Problem, content_type = "application/problem+json"),
        StaffAreaRefusals,
        NoSuchOrder,
    ))]
pub async fn get_order(
    State(state): State<AppState>,
    IdPath(id): IdPath,
) -> Result<Response, ApiError> {
    let order = state
        .catalog
        .order_by_id(id)
        .await?
        .ok_or(ApiError::NotFound { what: "order" })?;
    let history = state.catalog.order_history(id).await?;
    let refunds = state.catalog.refunds_for_order(id).await?;
    let mail = state.catalog.mail_for_order(id).await?;
    Ok(json(AdminOrderDetailDto {
        order: admin_dto(&state, order),
        history: history.into_iter().map(event_dto).collect(),
        refunds: refunds.into_iter().map(RefundDto::from).collect(),
        mail: mail.into_iter().map(OrderMailDto::from).collect(),
    }))
}

/// Ships a paid order: `paid → fulfilled`, keeping the tracking number.
#[utoipa::path(post, path = "/api/v1/admin/orders/{id}/fulfil", tag = "admin",
    params(("id" = String, Path, description = "The order's id")),
    request_body = FulfilInput,
    responses(
        (status = 200, description = "The shipped order", body = AdminOrderDto),
        (status = 400, description = "A malformed id or body", body = Problem, content_type = "application/problem+json"),
        StaffAreaRefusals,
        NoSuchOrder,
        (status = 409, description = "The order cannot ship (unpaid, cancelled, already shipped)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad tracking number", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn fulfil_order(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<FulfilInput>,
) -> Result<Response, ApiError> {
    let order = state
        .shop
        .order_desk
        .fulfil(id, &body.tracking_number, actor)
        .await?;
    Ok(json(admin_dto(&state, order)))
}

/// Cancels a pending or paid, unshipped order; a paid one is refunded in full first.
#[utoipa::path(post, path = "/api/v1/admin/orders/{id}/cancel", tag = "admin",
    params(("id" = String, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The cancelled order", body = AdminOrderDto),
        (status = 400, description = "A malformed id", body = Problem, content_type = "application/problem+json"),
        StaffAreaRefusals,
        NoSuchOrder,
        (status = 409, description = "The order cannot be cancelled (shipped, already cancelled, a refund in progress)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The payment provider refused the refund; nothing changed", body = Problem, content_type = "application/problem+json"),
        (status = 504, description = "The payment provider did not answer; cancel again to finish", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn cancel_order(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    IdPath(id): IdPath,
) -> Result<Response, ApiError> {
    let order = state.shop.order_desk.cancel(id, actor).await?;
    Ok(json(admin_dto(&state, order)))
}

/// Refunds some or all of a paid order through the payment provider. The `Idempotency-Key`
/// names the refund: the same key answers with the same refund (`200`) instead of refunding
/// twice, and finishes one the provider had not confirmed.
#[utoipa::path(post, path = "/api/v1/admin/orders/{id}/refunds", tag = "admin",
    params(
        ("id" = String, Path, description = "The order's id"),
        ("Idempotency-Key" = String, Header, description = "8–255 visible ASCII characters, unique per refund"),
    ),
    request_body = RefundInput,
    responses(
        (status = 201, description = "Refunded", body = RefundResultDto),
        (status = 200, description = "The same key again: the refund it made", body = RefundResultDto),
        (status = 400, description = "A malformed id or body, or no Idempotency-Key", body = Problem, content_type = "application/problem+json"),
        StaffAreaRefusals,
        NoSuchOrder,
        (status = 409, description = "Nothing to refund (unpaid, cancelled, fully refunded) or the key was used for another refund", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad amount (not positive, more than is left) or reason", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The payment provider refused the refund; nothing changed", body = Problem, content_type = "application/problem+json"),
        (status = 504, description = "The payment provider did not answer; send the same request again to finish", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn refund_order(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    IdPath(id): IdPath,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RefundInput>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let request = RefundRequest {
        key,
        amount_minor: body.amount,
        reason: body.reason,
    };
    let done = state.shop.order_desk.refund(id, request, actor).await?;
    let status = if done.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let body = RefundResultDto {
        refund: done.refund.into(),
        order: admin_dto(&state, done.order),
    };
    Ok((status, axum::Json(body)).into_response())
}
