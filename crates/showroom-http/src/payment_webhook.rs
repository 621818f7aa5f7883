//! The payment provider's webhooks: asynchronous news about a payment, verified by the provider's
//! own signature check and applied through the order store.
//!
//! They matter when checkout never learned the outcome itself (the provider answered after
//! `payment_timeout_secs`, or the instance died mid-payment). Checkout records the payment
//! reference at authorization, so the order is found by it:
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
//! A webhook that does not verify is a `400`; one that verifies is always acknowledged with
//! `200` and the [`WebhookOutcome`], so the provider stops resending it.

use serde::Serialize;
use showroom_domain::OrderState;
use showroom_store::{DynCatalogStore, Order, ReleaseReason, StoreError};
use utoipa::ToSchema;

use crate::checkout::CheckoutSettings;
use crate::error::ApiError;
use crate::payments::{PaymentError, WebhookEvent};
use crate::retry::while_unavailable;

/// What a verified webhook did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
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

/// Verifies and applies one webhook delivery.
#[tracing::instrument(skip_all, fields(provider = settings.provider.name()))]
pub async fn handle_webhook(
    store: &DynCatalogStore,
    settings: &CheckoutSettings,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<WebhookOutcome, ApiError> {
    let event = settings
        .provider
        .verify_webhook(headers, body)
        .map_err(|error| ApiError::BadRequest {
            code: error.code(),
            detail: "the webhook's signature does not verify, or its body is malformed".into(),
            field: None,
        })?;
    let outcome = apply(store, settings, &event).await?;
    tracing::info!(kind = %event.kind, payment_ref = %event.payment_ref, ?outcome, "webhook");
    metrics::counter!("showroom_payment_webhooks_total", "outcome" => outcome.as_str())
        .increment(1);
    Ok(outcome)
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
    store: &DynCatalogStore,
    settings: &CheckoutSettings,
    event: &WebhookEvent,
) -> Result<WebhookOutcome, ApiError> {
    let succeeded = match event.kind.as_str() {
        PAYMENT_SUCCEEDED => true,
        PAYMENT_FAILED => false,
        _ => return Ok(WebhookOutcome::Ignored),
    };
    let Some(order) = store.order_by_payment_ref(&event.payment_ref).await? else {
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
                .ok_or(ApiError::NotFound { what: "order" })?;
            if succeeded && never_paid(&now) {
                refund_late_payment(settings, &now, &event.payment_ref).await
            } else {
                Ok(WebhookOutcome::AlreadyRecorded)
            }
        }
        other => Ok(other?),
    }
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
) -> Result<WebhookOutcome, ApiError> {
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
            ApiError::Refused {
                status: axum::http::StatusCode::BAD_GATEWAY,
                code: "refund_failed",
                detail: format!("refunding the late payment failed ({error}); resend later"),
            }
        })?;
    Ok(WebhookOutcome::RefundedLatePayment)
}
