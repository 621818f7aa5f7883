//! The payment provider's webhooks: asynchronous news about a payment, verified by the provider's
//! own signature check and applied through the order store.
//!
//! They matter when checkout never learned the outcome itself (the provider answered after
//! `payment_timeout_secs`, or the instance died mid-payment). The order is found by the payment
//! reference recorded on it (at authorization when the capture waits for the customer or the
//! provider's webhooks may not name the order, otherwise with the capture), else by the order
//! number the webhook names ([`WebhookEvent::order_ref`]) when that order has no payment
//! reference yet — an order recorded with another payment is not this payment's:
//!
//! | event                           | order is…                | what happens                       |
//! |---------------------------------|--------------------------|------------------------------------|
//! | `payment_intent.succeeded`      | `pending_payment`        | paid: the reserved stock is sold   |
//! |                                 | cancelled, never paid    | the late payment is refunded       |
//! |                                 | anything else            | nothing (a repeated delivery)      |
//! | `payment_intent.payment_failed` | `pending_payment`        | cancelled: the stock goes back     |
//! |                                 | anything else            | nothing                            |
//! | any other type                  |                          | nothing                            |
//!
//! Every step is idempotent, because providers deliver a webhook at least once: the store's
//! state changes are conditional, and the refund of a late payment uses a key derived from the
//! order, so a second delivery refunds nothing more at a provider that honours keys.
//!
//! A webhook that does not verify is [`ShopError::InvalidWebhook`]; one that verifies always
//! answers with its [`WebhookOutcome`], so the provider can be told to stop resending it.

use showroom_domain::{OrderNumber, OrderState};
use showroom_store::{Order, OrderStore, ReleaseReason, StoreError};

use crate::checkout::{Checkout, CheckoutSettings};
use crate::error::ShopError;
use crate::payments::{PaymentError, WebhookEvent};
use crate::retry::while_unavailable;

/// What a verified webhook did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookOutcome {
    /// A pending order is now paid.
    Paid,
    /// A pending order is now cancelled and its stock released.
    Released,
    /// The payment arrived for an order already cancelled: it was refunded.
    RefundedLatePayment,
    /// The order already reflects this news (a repeated delivery).
    AlreadyRecorded,
    /// No order has this payment reference.
    UnknownPayment,
    /// An event type the shop does not act on.
    Ignored,
}

pub const PAYMENT_SUCCEEDED: &str = "payment_intent.succeeded";
pub const PAYMENT_FAILED: &str = "payment_intent.payment_failed";

impl Checkout {
    /// Verifies and applies one webhook delivery: `headers` as received (names lowercase) and
    /// the raw body, exactly as the provider signed it. A refund of a late payment that the
    /// provider refuses is [`ShopError::RefundFailed`]: the provider should resend later.
    #[tracing::instrument(skip_all, fields(provider = self.settings().provider.name()))]
    pub async fn handle_payment_webhook(
        &self,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<WebhookOutcome, ShopError> {
        let settings = self.settings();
        let event = settings
            .provider
            .verify_webhook(headers, body)
            .map_err(|_| ShopError::InvalidWebhook)?;
        let outcome = apply(self.orders(), settings, &event).await?;
        if outcome == WebhookOutcome::Released {
            settings.stock.changed().await;
        }
        tracing::info!(kind = %event.kind, payment_ref = %event.payment_ref, ?outcome, "webhook");
        metrics::counter!("showroom_payment_webhooks_total", "outcome" => outcome.as_str())
            .increment(1);
        Ok(outcome)
    }
}

impl WebhookOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Paid => "paid",
            Self::Released => "released",
            Self::RefundedLatePayment => "refunded_late_payment",
            Self::AlreadyRecorded => "already_recorded",
            Self::UnknownPayment => "unknown_payment",
            Self::Ignored => "ignored",
        }
    }
}

async fn apply(
    store: &dyn OrderStore,
    settings: &CheckoutSettings,
    event: &WebhookEvent,
) -> Result<WebhookOutcome, ShopError> {
    let succeeded = match event.kind.as_str() {
        PAYMENT_SUCCEEDED => true,
        PAYMENT_FAILED => false,
        _ => return Ok(WebhookOutcome::Ignored),
    };
    let Some(order) = order_of(store, event).await? else {
        return Ok(WebhookOutcome::UnknownPayment);
    };
    if order.state != OrderState::PendingPayment {
        return if succeeded && never_paid(&order) {
            refund_late_payment(settings, &order, &event.payment_ref).await
        } else {
            Ok(WebhookOutcome::AlreadyRecorded)
        };
    }
    let written = if succeeded {
        while_unavailable(|| store.mark_paid(order.id, &event.payment_ref))
            .await
            .map(|_| WebhookOutcome::Paid)
    } else {
        let reason = ReleaseReason::PaymentFailed {
            detail: format!("{}: reported by webhook", PaymentError::Declined.code()),
        };
        store
            .release(order.id, reason)
            .await
            .map(|_| WebhookOutcome::Released)
    };
    match written {
        // Checkout (or the sweeper) recorded an outcome meanwhile: read what it was.
        Err(StoreError::Conflict { field: "state", .. }) => {
            let now = store
                .order_by_id(order.id)
                .await?
                .ok_or(ShopError::NotFound { what: "order" })?;
            if succeeded && never_paid(&now) {
                refund_late_payment(settings, &now, &event.payment_ref).await
            } else {
                Ok(WebhookOutcome::AlreadyRecorded)
            }
        }
        other => Ok(other?),
    }
}

/// The order `event` is about: the one recorded with its payment reference, else the one it
/// names, provided no payment is recorded on it yet.
async fn order_of(
    store: &dyn OrderStore,
    event: &WebhookEvent,
) -> Result<Option<Order>, ShopError> {
    if let Some(order) = store.order_by_payment_ref(&event.payment_ref).await? {
        return Ok(Some(order));
    }
    let Some(number) = event
        .order_ref
        .as_deref()
        .and_then(|named| OrderNumber::parse(named).ok())
    else {
        return Ok(None);
    };
    let named = store.order_by_number(number).await?;
    Ok(named.filter(|order| {
        let unpaid = order.payment_ref.is_none();
        if !unpaid {
            tracing::warn!(order = %order.number, payment_ref = %event.payment_ref,
                "a webhook names an order recorded with another payment; ignored");
        }
        unpaid
    }))
}

/// Cancelled without ever being paid: released while pending, so nothing was refunded either.
fn never_paid(order: &Order) -> bool {
    order.state == OrderState::Cancelled
        && order.refunded.amount_minor == 0
        && order.totals.grand_total.amount_minor > 0
}

async fn refund_late_payment(
    settings: &CheckoutSettings,
    order: &Order,
    payment_ref: &str,
) -> Result<WebhookOutcome, ShopError> {
    tracing::warn!(order = %order.number, "a payment arrived for a cancelled order; refunding");
    settings
        .provider
        .refund(
            payment_ref,
            order.totals.grand_total,
            &format!("late-payment-{}", order.id),
        )
        .await
        .map_err(|error| {
            tracing::error!(%error, order = %order.number,
                "refunding a late payment failed; the provider will resend the webhook");
            ShopError::RefundFailed {
                detail: format!("refunding the late payment failed ({error}); resend later"),
            }
        })?;
    Ok(WebhookOutcome::RefundedLatePayment)
}
