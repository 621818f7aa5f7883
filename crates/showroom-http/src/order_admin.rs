//! Staff actions on orders that involve more than the store: the query string of the order list
//! parsed into an [`OrderQuery`], refunds, and cancellation, which refunds a paid order through
//! the payment provider **before** the store cancels it and returns its stock.
//!
//! Both go through the store's two-step refunds: a pending row first (so concurrent refunds
//! cannot exceed the paid total), the provider's call outside any transaction, then the result.
//! A refund the provider refuses changes nothing (`502 refund_failed`); one it does not answer in
//! time stays pending (`504 refund_pending`) and the same request finishes it.

use axum::http::StatusCode;
use showroom_domain::{IdempotencyKey, Money, OrderNumber, OrderState};
use showroom_store::{
    Actor, NewRefund, Order, OrderQuery, Refund, RefundKind, RefundState, ReleaseReason, StoreError,
};
use uuid::Uuid;

use crate::error::{ApiError, FieldContext};
use crate::retry::while_unavailable;
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

/// What staff asked to refund.
pub(crate) struct RefundRequest {
    pub key: IdempotencyKey,
    /// Minor units of the order's currency; `None` refunds everything still refundable.
    pub amount_minor: Option<i64>,
    pub reason: Option<String>,
}

/// A refund as it ended, and whether this call started it.
pub(crate) struct Refunded {
    pub refund: Refund,
    pub order: Order,
    pub created: bool,
}

/// Refunds some or all of a paid order (see [`showroom_store::refunds`]): a pending refund row,
/// the provider's refund, then the order's new state. The same key replays the same outcome; a
/// refund left pending by a provider that did not answer is finished by the retry.
pub(crate) async fn refund(
    state: &AppState,
    id: Uuid,
    request: RefundRequest,
    actor: Actor,
) -> Result<Refunded, ApiError> {
    let order = find(state, id).await?;
    let amount = request
        .amount_minor
        .map(|minor| Money::new(minor, order.totals.grand_total.currency))
        .transpose()
        .field("amount")?;
    let (refund, created) = state
        .catalog
        .begin_refund(
            id,
            NewRefund {
                key: request.key,
                kind: RefundKind::Refund,
                amount,
                reason: request.reason,
                actor,
            },
        )
        .await?;
    settle(state, refund, created).await
}

/// Cancels an order for `actor`. A paid, unshipped order with money to give back is refunded
/// in full through the provider first, as a cancellation refund (so it cannot race a partial
/// refund); a provider that refuses leaves the order as it was (`502 refund_failed`). A pending
/// order simply releases its stock. Orders that cannot be cancelled are the store's `409`.
pub(crate) async fn cancel(state: &AppState, id: Uuid, actor: Actor) -> Result<Order, ApiError> {
    let order = find(state, id).await?;
    let paid_and_unshipped = matches!(
        order.state,
        OrderState::Paid | OrderState::PartiallyRefunded
    ) && order.tracking.is_none();
    if !paid_and_unshipped || order.refunded == order.totals.grand_total {
        return Ok(state
            .catalog
            .release(id, ReleaseReason::Cancelled { by: actor })
            .await?);
    }
    let key = cancellation_key(state, id).await?;
    let (refund, created) = state
        .catalog
        .begin_refund(
            id,
            NewRefund {
                key,
                kind: RefundKind::Cancellation,
                amount: None,
                reason: Some("order cancelled".into()),
                actor,
            },
        )
        .await?;
    Ok(settle(state, refund, created).await?.order)
}

/// The key of this cancellation attempt: the pending one's, so a repeated cancel resumes it
/// (and two concurrent cancels share one refund), or a fresh one after failed attempts, so a
/// provider's refusal does not block cancelling for good.
async fn cancellation_key(state: &AppState, id: Uuid) -> Result<IdempotencyKey, ApiError> {
    let refunds = state.catalog.refunds_for_order(id).await?;
    let cancellations = refunds
        .iter()
        .filter(|r| r.kind == RefundKind::Cancellation);
    let raw = match cancellations
        .clone()
        .find(|r| r.state == RefundState::Pending)
    {
        Some(pending) => pending.key.clone(),
        None => format!("order-cancellation-{}", cancellations.count() + 1),
    };
    IdempotencyKey::parse(&raw).map_err(|e| ApiError::internal(e.0))
}

async fn find(state: &AppState, id: Uuid) -> Result<Order, ApiError> {
    state
        .catalog
        .order_by_id(id)
        .await?
        .ok_or(ApiError::NotFound { what: "order" })
}

/// Carries a refund row to its end: replays a finished one, otherwise asks the provider (bounded
/// by the payment timeout) and records the answer.
async fn settle(state: &AppState, refund: Refund, created: bool) -> Result<Refunded, ApiError> {
    match refund.state {
        RefundState::Succeeded => {
            let order = find(state, refund.order_id).await?;
            return Ok(Refunded {
                refund,
                order,
                created,
            });
        }
        RefundState::Failed => {
            return Err(refund_failed(refund.failure.as_deref().unwrap_or("failed")))
        }
        RefundState::Pending => {}
    }
    let order = find(state, refund.order_id).await?;
    let payment_ref = order.payment_ref.as_deref().ok_or_else(|| {
        ApiError::Internal(format!("paid order {} has no payment reference", order.id).into())
    })?;
    let provider = &state.checkout.provider;
    let provider_key = refund.provider_key();
    let call = provider.refund(payment_ref, refund.amount, &provider_key);
    let answer = tokio::time::timeout(state.checkout.payment_timeout, call).await;
    match answer {
        Ok(Ok(settlement)) => {
            let (refund, order) = while_unavailable(|| {
                state
                    .catalog
                    .complete_refund(refund.id, &settlement.payment_ref)
            })
            .await
            .inspect_err(|error| {
                tracing::error!(refund = %refund.id, provider_ref = %settlement.payment_ref,
                    %error, "the provider refunded but the refund could not be recorded; \
                    retry with the same key or reconcile it");
            })?;
            Ok(Refunded {
                refund,
                order,
                created,
            })
        }
        Ok(Err(error)) => {
            let failure = format!("{}: {error}", error.code());
            match state.catalog.fail_refund(refund.id, &failure).await {
                Ok(_) | Err(StoreError::Conflict { .. }) => {}
                Err(other) => return Err(other.into()),
            }
            Err(refund_failed(&failure))
        }
        Err(_elapsed) => Err(ApiError::Refused {
            status: StatusCode::GATEWAY_TIMEOUT,
            code: "refund_pending",
            detail: "the payment provider did not answer in time; the refund is still pending: \
                     send the same request again (same Idempotency-Key) to finish it"
                .into(),
        }),
    }
}

fn refund_failed(failure: &str) -> ApiError {
    ApiError::Refused {
        status: StatusCode::BAD_GATEWAY,
        code: "refund_failed",
        detail: format!("the payment provider refused the refund ({failure}); nothing changed"),
    }
}
