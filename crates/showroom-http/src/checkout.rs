//! Guest checkout as a service, kept out of the handlers so HTML pages can reuse it:
//! [`run_checkout`] places the order (one store transaction: stock reserved, lines snapshotted,
//! idempotency key recorded), then pays it through the [`PaymentProvider`] *outside* that
//! transaction, bounded by `payment_timeout`, and records the outcome:
//!
//! - paid → [`OrderStore::mark_paid`](showroom_store::OrderStore::mark_paid): the stock is sold;
//! - declined, insufficient funds, processing error or timeout →
//!   [`ReleaseReason::PaymentFailed`] with the failure's stable code at the start of its detail,
//!   so the stock goes back and a retry can answer with the same failure;
//! - the provider's webhook decided first (see [`crate::payment_webhook`]; checkout records the
//!   payment reference at authorization so the webhook can find the order): checkout answers
//!   with what the webhook recorded, paid or failed.
//!
//! A retry with the same idempotency key never charges again: the store hands back the existing
//! order (`created = false`), and [`replay`] answers from it — paid: the order; cancelled: the
//! payment failure read back from the order's history; still pending (the first attempt is
//! paying right now): it waits for that attempt to finish.
//!
//! The flow runs in its own task, so a client that hangs up or a request deadline cannot leave
//! an order half-paid: the payment outcome is always recorded.
//!
//! `/metrics` counts checkouts by outcome: `showroom_checkouts_total{outcome="paid|replayed|
//! sold_out|payment_declined|insufficient_funds|payment_error|payment_timeout|refused"}`.
//!
//! [`order_token`] is the guest's proof of owning an order: HMAC-SHA256 of the order id under the
//! server's signing key, domain-separated from signed asset URLs.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use showroom_domain::{OrderState, PricingRules};
use showroom_store::{DynCatalogStore, NewOrder, Order, ReleaseReason, StoreError};
use uuid::Uuid;

use crate::error::ApiError;
use crate::payments::{AuthorizeRequest, PaymentError, PaymentProvider};
use crate::retry::while_unavailable;

/// How checkout runs, built by the binary from `[checkout]`.
#[derive(Clone)]
pub struct CheckoutSettings {
    pub provider: Arc<dyn PaymentProvider>,
    /// How long stock stays reserved for a pending payment.
    pub payment_hold: Duration,
    /// The longest the provider may take before the payment counts as failed.
    pub payment_timeout: Duration,
    /// The shop's tax and shipping rules.
    pub pricing: PricingRules,
}

/// A checkout that went through: the paid order, and whether this call created it.
pub struct Placed {
    pub order: Order,
    pub created: bool,
}

/// How often a retry looks whether the first attempt has finished paying.
const REPLAY_POLL: Duration = Duration::from_millis(50);

/// Places and pays `new` (see the module docs). Errors: 409 `sold_out`, 402 with the payment
/// failure's code, and the store's validation errors.
pub async fn run_checkout(
    store: DynCatalogStore,
    settings: Arc<CheckoutSettings>,
    new: NewOrder,
    payment_method: String,
) -> Result<Placed, ApiError> {
    let task = tokio::spawn(async move {
        let (order, created) = store
            .place_order(new, settings.payment_hold)
            .await
            .map_err(sold_out)?;
        if created {
            pay(&store, &settings, order, &payment_method).await
        } else {
            replay(&store, &settings, order).await
        }
    });
    let result = task.await.map_err(ApiError::internal)?;
    let outcome = match &result {
        Ok(Placed { created: true, .. }) => "paid",
        Ok(Placed { created: false, .. }) => "replayed",
        Err(ApiError::Refused { code, .. }) => code,
        Err(_) => "refused",
    };
    metrics::counter!("showroom_checkouts_total", "outcome" => outcome).increment(1);
    result
}

/// A sold-out line is its own answer: the shopper can change the cart.
fn sold_out(error: StoreError) -> ApiError {
    match error {
        StoreError::Conflict {
            field: "stock",
            message,
        } => ApiError::Refused {
            status: axum::http::StatusCode::CONFLICT,
            code: "sold_out",
            detail: message,
        },
        other => other.into(),
    }
}

pub(crate) fn payment_refused(error: &PaymentError) -> ApiError {
    ApiError::Refused {
        status: axum::http::StatusCode::PAYMENT_REQUIRED,
        code: error.code(),
        detail: format!("{error}; the order was cancelled and nothing was charged"),
    }
}

#[tracing::instrument(skip_all, fields(order = %order.number, provider = settings.provider.name()))]
async fn pay(
    store: &DynCatalogStore,
    settings: &CheckoutSettings,
    order: Order,
    payment_method: &str,
) -> Result<Placed, ApiError> {
    let order_ref = order.number.to_string();
    // One key per order: a retried call to the provider is the same payment.
    let idempotency_key = format!("order-{}", order.id);
    let provider = &settings.provider;
    let charge = async {
        let authorization = provider
            .authorize(AuthorizeRequest {
                order_ref: &order_ref,
                amount: order.totals.grand_total,
                payment_method,
                idempotency_key: &idempotency_key,
            })
            .await?;
        // Remembered before the capture, so the provider's webhook finds the order even if this
        // task never learns the outcome. Best effort: the capture's own record is what counts.
        if let Err(error) = store
            .record_authorization(order.id, &authorization.payment_ref)
            .await
        {
            tracing::warn!(%error, "could not record the payment's authorization");
        }
        provider.capture(&authorization).await
    };
    let outcome = tokio::time::timeout(settings.payment_timeout, charge)
        .await
        .unwrap_or(Err(PaymentError::Timeout));
    match outcome {
        Ok(settlement) => match record_paid(store, order.id, &settlement.payment_ref).await {
            Ok(order) => Ok(Placed {
                order,
                created: true,
            }),
            // The sweeper released the order between the hold's end and the payment: give the
            // money back rather than sell stock that is no longer reserved.
            Err(StoreError::Conflict { field: "state", .. }) => {
                tracing::warn!("payment arrived after the reservation was released; refunding");
                let refund_key = format!("refund-{}", order.id);
                if let Err(error) = provider
                    .refund(&settlement.payment_ref, settlement.amount, &refund_key)
                    .await
                {
                    tracing::error!(%error, "refund of a late payment failed");
                }
                Err(payment_refused(&PaymentError::Timeout))
            }
            // Whether the write landed is unknown, so no automatic refund: leave a trail to
            // reconcile with the provider.
            Err(other) => {
                tracing::error!(payment_ref = %settlement.payment_ref, error = %other,
                    "a captured payment could not be recorded; reconcile it with the provider");
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
                    return Err(payment_refused(&recorded_failure(store, order.id).await?));
                }
                Err(other) => return Err(other.into()),
            }
            Err(payment_refused(&failure))
        }
    }
}

/// Records a captured payment, retrying while the database is briefly unavailable (a
/// failover): the money has moved, so giving up at once would leave a charged customer with an
/// order the sweeper later cancels.
async fn record_paid(
    store: &DynCatalogStore,
    order_id: Uuid,
    payment_ref: &str,
) -> Result<Order, StoreError> {
    while_unavailable(|| store.mark_paid(order_id, payment_ref)).await
}

/// Answers a retry from the order the first attempt created.
async fn replay(
    store: &DynCatalogStore,
    settings: &CheckoutSettings,
    mut order: Order,
) -> Result<Placed, ApiError> {
    // The first attempt is paying: it finishes within the payment timeout (and its own store
    // writes), so wait a little longer than that.
    let deadline = tokio::time::Instant::now() + settings.payment_timeout + Duration::from_secs(5);
    while order.state == OrderState::PendingPayment && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(REPLAY_POLL).await;
        order = store
            .order_by_id(order.id)
            .await?
            .ok_or(ApiError::NotFound { what: "order" })?;
    }
    match order.state {
        OrderState::PendingPayment => Err(ApiError::Refused {
            status: axum::http::StatusCode::CONFLICT,
            code: "checkout_in_progress",
            detail: "this checkout is still being paid; retry in a few seconds".into(),
        }),
        OrderState::Cancelled => Err(payment_refused(&recorded_failure(store, order.id).await?)),
        _ => Ok(Placed {
            order,
            created: false,
        }),
    }
}

/// The payment failure recorded when the order was released; an expired hold reads as a
/// timeout.
async fn recorded_failure(store: &DynCatalogStore, id: Uuid) -> Result<PaymentError, ApiError> {
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

type HmacSha256 = Hmac<Sha256>;

fn token_mac(key: &SecretString, order_id: Uuid) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key.expose_secret().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    // The prefix keeps these MACs apart from signed asset URLs made with the same key.
    mac.update(b"showroom-order-token:v1:");
    mac.update(order_id.as_bytes());
    mac
}

/// The guest's proof of owning `order_id` (64 hex characters).
pub fn order_token(key: &SecretString, order_id: Uuid) -> String {
    hex::encode(token_mac(key, order_id).finalize().into_bytes())
}

/// Checks a token in constant time.
pub fn verify_order_token(key: &SecretString, order_id: Uuid, token: &str) -> bool {
    hex::decode(token).is_ok_and(|raw| token_mac(key, order_id).verify_slice(&raw).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_token_verifies_only_for_its_order_and_key() {
        let key = SecretString::from("k1".to_owned());
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let token = order_token(&key, a);
        assert!(verify_order_token(&key, a, &token));
        assert!(!verify_order_token(&key, b, &token));
        assert!(!verify_order_token(
            &SecretString::from("k2".to_owned()),
            a,
            &token
        ));
        assert!(!verify_order_token(&key, a, "zz"));
    }
}
