//! [`OrderDesk`]: staff actions on orders — ship, refund, cancel — for the admin API and the
//! back office alike. Every change is recorded in the order's history under the acting
//! [`Actor`].
//!
//! Refunds take the store's two steps: a pending row first (so concurrent refunds cannot exceed
//! the paid total), the provider's call outside any transaction, then the result. A refund the
//! provider refuses changes nothing ([`ShopError::RefundFailed`]); one it does not answer in time
//! stays pending ([`ShopError::RefundPending`]) and the same request finishes it. Cancelling a
//! paid order refunds it in full through the provider **before** the store cancels it and
//! returns its stock.

use std::sync::Arc;

use showroom_domain::{IdempotencyKey, Money, OrderState, TrackingNumber};
use showroom_store::DynOrderStore;
use showroom_store::{
    Actor, NewRefund, Order, Refund, RefundKind, RefundState, ReleaseReason, StoreError,
};
use uuid::Uuid;

use crate::checkout::CheckoutSettings;
use crate::error::{FieldContext, ShopError};
use crate::retry::while_unavailable;

/// What staff asked to refund.
#[derive(Debug, Clone)]
pub struct RefundRequest {
    /// Names the refund: the same key again answers with the same refund.
    pub key: IdempotencyKey,
    /// Minor units of the order's currency; `None` refunds everything still refundable.
    pub amount_minor: Option<i64>,
    /// Why, for the order's history: 1–500 characters on one line.
    pub reason: Option<String>,
}

/// A refund as it ended, the order after it, and whether this call started it.
#[derive(Debug)]
pub struct Refunded {
    pub refund: Refund,
    pub order: Order,
    pub created: bool,
}

/// The order desk: the orders, and the payment provider that gives money back.
#[derive(Clone)]
pub struct OrderDesk {
    orders: DynOrderStore,
    settings: Arc<CheckoutSettings>,
}

impl OrderDesk {
    pub fn new(orders: DynOrderStore, settings: Arc<CheckoutSettings>) -> Self {
        Self { orders, settings }
    }

    /// Ships a paid order (`paid → fulfilled`) with its tracking number (`Invalid` on
    /// `tracking_number` when malformed). An order that cannot ship is a `Conflict` on `state`.
    pub async fn fulfil(
        &self,
        id: Uuid,
        tracking_number: &str,
        actor: Actor,
    ) -> Result<Order, ShopError> {
        let tracking = TrackingNumber::parse(tracking_number).field("tracking_number")?;
        Ok(self.orders.fulfil(id, tracking, actor).await?)
    }

    /// Refunds some or all of a paid order (see the module docs). The same key replays the same
    /// outcome; a refund left pending by a provider that did not answer is finished by the
    /// retry. Refusals: `Invalid` on `amount` (not positive, more than is left) or `reason`,
    /// `Conflict` when nothing is refundable, [`ShopError::RefundFailed`],
    /// [`ShopError::RefundPending`].
    pub async fn refund(
        &self,
        id: Uuid,
        request: RefundRequest,
        actor: Actor,
    ) -> Result<Refunded, ShopError> {
        let order = self.find(id).await?;
        let amount = request
            .amount_minor
            .map(|minor| Money::new(minor, order.totals.grand_total.currency))
            .transpose()
            .field("amount")?;
        let (refund, created) = self
            .orders
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
        let refunded = self.settle(refund, created).await?;
        // A refund of everything left restocks the order's lines.
        self.settings.stock.changed().await;
        Ok(refunded)
    }

    /// Cancels an order for `actor`. A paid, unshipped order with money to give back is refunded
    /// in full through the provider first, as a cancellation refund (so it cannot race a partial
    /// refund); a provider that refuses leaves the order as it was ([`ShopError::RefundFailed`]).
    /// A pending order simply releases its stock. An order that cannot be cancelled is a
    /// `Conflict`.
    pub async fn cancel(&self, id: Uuid, actor: Actor) -> Result<Order, ShopError> {
        let order = self.find(id).await?;
        let paid_and_unshipped = matches!(
            order.state,
            OrderState::Paid | OrderState::PartiallyRefunded
        ) && order.tracking.is_none();
        if !paid_and_unshipped || order.refunded == order.totals.grand_total {
            let released = self
                .orders
                .release(id, ReleaseReason::Cancelled { by: actor })
                .await?;
            self.settings.stock.changed().await;
            return Ok(released);
        }
        let key = self.cancellation_key(id).await?;
        let (refund, created) = self
            .orders
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
        let cancelled = self.settle(refund, created).await?.order;
        self.settings.stock.changed().await;
        Ok(cancelled)
    }

    /// The key of this cancellation attempt: the pending one's, so a repeated cancel resumes it
    /// (and two concurrent cancels share one refund), or a fresh one after failed attempts, so a
    /// provider's refusal does not block cancelling for good.
    async fn cancellation_key(&self, id: Uuid) -> Result<IdempotencyKey, ShopError> {
        let refunds = self.orders.refunds_for_order(id).await?;
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
        IdempotencyKey::parse(&raw).map_err(|e| ShopError::internal(e.0))
    }

    async fn find(&self, id: Uuid) -> Result<Order, ShopError> {
        self.orders
            .order_by_id(id)
            .await?
            .ok_or(ShopError::NotFound { what: "order" })
    }

    /// Carries a refund row to its end: replays a finished one, otherwise asks the provider
    /// (bounded by the payment timeout) and records the answer.
    async fn settle(&self, refund: Refund, created: bool) -> Result<Refunded, ShopError> {
        match refund.state {
            RefundState::Succeeded => {
                let order = self.find(refund.order_id).await?;
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
        let order = self.find(refund.order_id).await?;
        let payment_ref = order.payment_ref.as_deref().ok_or_else(|| {
            ShopError::internal(format!("paid order {} has no payment reference", order.id))
        })?;
        let provider = &self.settings.provider;
        let provider_key = refund.provider_key();
        let call = provider.refund(payment_ref, refund.amount, &provider_key);
        let answer = tokio::time::timeout(self.settings.payment_timeout, call).await;
        match answer {
            Ok(Ok(settlement)) => {
                let (refund, order) = while_unavailable(|| {
                    self.orders
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
                match self.orders.fail_refund(refund.id, &failure).await {
                    Ok(_) | Err(StoreError::Conflict { .. }) => {}
                    Err(other) => return Err(other.into()),
                }
                Err(refund_failed(&failure))
            }
            Err(_elapsed) => Err(ShopError::RefundPending),
        }
    }
}

fn refund_failed(failure: &str) -> ShopError {
    ShopError::RefundFailed {
        detail: format!("the payment provider refused the refund ({failure}); nothing changed"),
    }
}
