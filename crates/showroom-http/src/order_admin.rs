//! Staff actions on orders that involve more than the store: the query string of the order list
//! parsed into an [`OrderQuery`], and cancellation, which refunds a paid order through the
//! payment provider **before** the store cancels it and returns its stock. A refund the
//! provider refuses changes nothing (`502 refund_failed`); the order stays as it was.

use axum::http::StatusCode;
use showroom_domain::{OrderNumber, OrderState};
use showroom_store::{Actor, Order, OrderQuery, ReleaseReason};
use uuid::Uuid;

use crate::error::{ApiError, FieldContext};
use crate::state::AppState;

/// Orders per page when the caller does not say.
pub(crate) const DEFAULT_LIMIT: u32 = 50;

/// `state=&q=&limit=&before=` → an [`OrderQuery`]; a bad value is a 400 naming its parameter.
pub(crate) fn parse_list_query(raw: &str) -> Result<OrderQuery, ApiError> {
    let mut query = OrderQuery {
        limit: DEFAULT_LIMIT,
        ..OrderQuery::default()
    };
    for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
        match name.as_ref() {
            "state" => query.state = Some(OrderState::parse(&value).field("state")?),
            "q" => query.search = Some(value.into_owned()).filter(|q| !q.trim().is_empty()),
            "before" => query.before_number = Some(OrderNumber::parse(&value).field("before")?),
            "limit" => {
                query.limit = value
                    .parse::<u32>()
                    .ok()
                    .filter(|l| (1..=100).contains(l))
                    .ok_or_else(|| {
                        ApiError::validation("limit", "`limit` is a whole number from 1 to 100")
                    })?
            }
            other => {
                return Err(ApiError::BadRequest {
                    code: "invalid_query",
                    detail: format!("`{other}` is not a parameter of the order list"),
                    field: Some(other.to_owned()),
                })
            }
        }
    }
    Ok(query)
}

/// Cancels an order for `actor`: a paid (or partly refunded), unshipped order is refunded in
/// full through the provider first, then the store cancels it and puts its stock back. Orders
/// that cannot be cancelled are the store's `409` (and nothing is refunded).
pub(crate) async fn cancel(state: &AppState, id: Uuid, actor: Actor) -> Result<Order, ApiError> {
    let order = state
        .catalog
        .order_by_id(id)
        .await?
        .ok_or(ApiError::NotFound { what: "order" })?;
    let refundable = matches!(
        order.state,
        OrderState::Paid | OrderState::PartiallyRefunded
    ) && order.tracking.is_none();
    if refundable {
        let payment_ref = order.payment_ref.as_deref().ok_or_else(|| {
            ApiError::Internal(format!("paid order {id} has no payment reference").into())
        })?;
        let mut amount = order.totals.grand_total;
        amount.amount_minor -= order.refunded.amount_minor;
        state
            .checkout
            .provider
            .refund(payment_ref, amount, &format!("cancel-{id}"))
            .await
            .map_err(|e| ApiError::Refused {
                status: StatusCode::BAD_GATEWAY,
                code: "refund_failed",
                detail: format!("the payment provider refused the refund ({e}); nothing changed"),
            })?;
    }
    Ok(state
        .catalog
        .release(id, ReleaseReason::Cancelled { by: actor })
        .await?)
}
