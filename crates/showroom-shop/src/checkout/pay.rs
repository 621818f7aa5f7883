//! Paying a placed order, and answering a retry from the order the first attempt placed (see
//! the module docs of [`crate::checkout`]).

use std::time::Duration;

use showroom_domain::OrderState;
use showroom_store::{duration_millis, unix_millis, Order, OrderStore, ReleaseReason, StoreError};
use uuid::Uuid;

use super::{CheckoutSettings, Placed};
use crate::error::ShopError;
use crate::payments::{Authorization, AuthorizeRequest, CardNumber, PaymentError};
use crate::retry::while_unavailable;

/// How often a retry looks whether the first attempt has finished paying.
const REPLAY_POLL: Duration = Duration::from_millis(50);

/// How long after its payment timeout a first attempt may still be recording the outcome.
const REPLAY_MARGIN: Duration = Duration::from_secs(5);

/// Whether checkout writes `authorization`'s payment reference on the order before capturing it
/// (one write transaction more per order). Needed when the provider's webhooks may not name the
/// order: then the reference is the only way a webhook about this payment finds it. When they
/// do, only a capture that waits for the customer is recorded first, so staff see the pending
/// payment's reference meanwhile; a capture that follows at once is recorded with it.
fn records_authorization(webhooks_name_the_order: bool, authorization: &Authorization) -> bool {
    !webhooks_name_the_order || authorization.awaits_customer
}

fn payment_failed(failure: PaymentError) -> ShopError {
    ShopError::PaymentFailed { failure }
}

#[tracing::instrument(skip_all, fields(order = %order.number, provider = settings.provider.name()))]
pub(super) async fn pay(
    store: &dyn OrderStore,
    settings: &CheckoutSettings,
    order: Order,
    card: &CardNumber,
) -> Result<Placed, ShopError> {
    let order_ref = order.number.to_string();
    // One key per order: a retried call to the provider is the same payment.
    let idempotency_key = format!("order-{}", order.id);
    let provider = &settings.provider;
    let charge = async {
        let authorization = provider
            .authorize(AuthorizeRequest {
                order_ref: &order_ref,
                amount: order.totals.grand_total,
                card,
                idempotency_key: &idempotency_key,
            })
            .await?;
        if records_authorization(provider.webhooks_name_the_order(), &authorization) {
            // Remembered before the capture, so the provider's webhook finds the order even if
            // this task never learns the outcome. Best effort: the capture's own record is what
            // counts.
            if let Err(error) = store
                .record_authorization(order.id, &authorization.payment_ref)
                .await
            {
                tracing::warn!(%error, "could not record the payment's authorization");
            }
        }
        provider.capture(&authorization).await
    };
    let outcome = tokio::time::timeout(settings.payment_timeout, charge)
        .await
        .unwrap_or(Err(PaymentError::Timeout));
    if let Ok(settlement) = &outcome {
        // The capture mark and the payment in one write, where the store has one; nothing is
        // written when it cannot decide, and an error leaves it unknown whether it was: either
        // way the steps below answer (marking a paid order's capture is a no-op, and paying it
        // again a conflict that reads the paid order).
        match store.pay_captured(&order, &settlement.payment_ref).await {
            Ok(Some(paid)) => {
                return Ok(Placed {
                    order: paid,
                    created: true,
                })
            }
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(%error, "could not record the captured payment in one write");
            }
        }
        // The money has moved: mark it first (one small write), so that if recording the
        // payment below fails the sweeper records it later instead of releasing the stock.
        if let Err(error) = store.mark_captured(order.id, &settlement.payment_ref).await {
            tracing::warn!(%error, "could not mark the captured payment");
        }
    }
    match outcome {
        Ok(settlement) => match record_paid(store, order.id, &settlement.payment_ref).await {
            Ok(order) => Ok(Placed {
                order,
                created: true,
            }),
            // The order moved meanwhile: paid by the provider's webhook, which reported this
            // very payment first (answer with that order), or released by the sweeper between
            // the hold's end and the payment: give the money back rather than sell stock that
            // is no longer reserved.
            Err(StoreError::Conflict { field: "state", .. }) => {
                let now = store
                    .order_by_id(order.id)
                    .await?
                    .ok_or(ShopError::NotFound { what: "order" })?;
                match now.state {
                    OrderState::Cancelled => {
                        tracing::warn!(
                            "payment arrived after the reservation was released; refunding"
                        );
                        let refund_key = format!("refund-{}", order.id);
                        if let Err(error) = provider
                            .refund(&settlement.payment_ref, settlement.amount, &refund_key)
                            .await
                        {
                            tracing::error!(%error, "refund of a late payment failed");
                        }
                        Err(payment_failed(PaymentError::Timeout))
                    }
                    // Captured and marked: a retry answers once the payment is recorded.
                    OrderState::PendingPayment => Err(ShopError::CheckoutInProgress),
                    _ => Ok(Placed {
                        order: now,
                        created: true,
                    }),
                }
            }
            // Whether the write landed is unknown, so no automatic refund: the capture mark
            // makes the sweeper record the payment when the hold ends.
            Err(other) => {
                tracing::error!(payment_ref = %settlement.payment_ref, error = %other,
                    "a captured payment could not be recorded yet; the sweeper records it when \
                     the hold ends");
                Err(other.into())
            }
        },
        Err(failure) => {
            tracing::info!(code = failure.code(), "payment failed; releasing the stock");
            let reason = ReleaseReason::PaymentFailed {
                detail: format!("{}: {failure}", failure.code()),
            };
            match store.release(order.id, reason).await {
                Ok(_) => {}
                // The order moved meanwhile: released by the sweeper (the stock is back either
                // way), or paid by the provider's webhook while this call waited.
                Err(StoreError::Conflict { field: "state", .. }) => {
                    let now = store.order_by_id(order.id).await?;
                    if let Some(paid) = now.filter(|o| o.state != OrderState::Cancelled) {
                        return Ok(Placed {
                            order: paid,
                            created: true,
                        });
                    }
                    return Err(payment_failed(recorded_failure(store, order.id).await?));
                }
                Err(other) => return Err(other.into()),
            }
            Err(payment_failed(failure))
        }
    }
}

/// Records a captured payment, retrying while the database is briefly unavailable (a
/// failover): the money has moved, so giving up at once would leave a charged customer with an
/// order the sweeper later cancels.
async fn record_paid(
    store: &dyn OrderStore,
    order_id: Uuid,
    payment_ref: &str,
) -> Result<Order, StoreError> {
    while_unavailable(|| store.mark_paid(order_id, payment_ref)).await
}

/// Answers a retry from the order the first attempt created. While that attempt can still be
/// paying — until the payment timeout, plus a margin for its own writes, has passed since the
/// order was placed — the retry waits for its outcome. An order still awaiting payment after
/// that lost its first attempt (the instance died, or the database went away mid-payment), so
/// the retry pays it with its own card: the provider sees the same payment (one idempotency
/// key per order), and should the first attempt record it after all, the second record
/// conflicts and answers with the paid order (see [`pay`]).
pub(super) async fn replay(
    store: &dyn OrderStore,
    settings: &CheckoutSettings,
    mut order: Order,
    card: &CardNumber,
) -> Result<Placed, ShopError> {
    let first_attempt_ends = order
        .created_at
        .saturating_add(duration_millis(settings.payment_timeout + REPLAY_MARGIN));
    while order.state == OrderState::PendingPayment && unix_millis() < first_attempt_ends {
        tokio::time::sleep(REPLAY_POLL).await;
        order = store
            .order_by_id(order.id)
            .await?
            .ok_or(ShopError::NotFound { what: "order" })?;
    }
    match order.state {
        OrderState::PendingPayment => {
            tracing::warn!(order = %order.number,
                "the first attempt of this checkout never recorded its payment; the retry pays");
            let paid = pay(store, settings, order, card).await?;
            Ok(Placed {
                order: paid.order,
                created: false,
            })
        }
        OrderState::Cancelled => Err(payment_failed(recorded_failure(store, order.id).await?)),
        _ => Ok(Placed {
            order,
            created: false,
        }),
    }
}

/// The payment failure recorded when the order was released; an expired hold reads as a
/// timeout.
async fn recorded_failure(store: &dyn OrderStore, id: Uuid) -> Result<PaymentError, ShopError> {
    let history = store.order_history(id).await?;
    let release = history
        .iter()
        .rev()
        .find(|entry| entry.to == OrderState::Cancelled);
    let code = release
        .and_then(|entry| entry.note.as_deref())
        .and_then(|note| note.split(':').next());
    Ok(code
        .and_then(PaymentError::from_code)
        .unwrap_or(PaymentError::Timeout))
}

#[cfg(test)]
mod tests {
    use showroom_domain::{Currency, Money};

    use super::*;

    fn authorization(awaits_customer: bool) -> Authorization {
        Authorization {
            payment_ref: "pi_1".into(),
            amount: Money::new(100, Currency::parse("USD").unwrap()).unwrap(),
            awaits_customer,
        }
    }

    #[test]
    fn the_authorization_is_recorded_unless_webhooks_name_the_order_and_the_capture_is_at_once() {
        assert!(records_authorization(false, &authorization(false)));
        assert!(records_authorization(false, &authorization(true)));
        assert!(records_authorization(true, &authorization(true)));
        assert!(!records_authorization(true, &authorization(false)));
    }
}
