//! [`Checkout`]: placing and paying orders, for the guest checkout, the cart's checkout and the
//! pages alike. [`Checkout::place_order`] places the order (one store transaction: stock
//! reserved, lines snapshotted, idempotency key recorded), then pays it through the
//! [`PaymentProvider`] *outside* that transaction, bounded by `payment_timeout`, and records the
//! outcome:
//!
//! - paid → [`OrderStateStore::mark_paid`](showroom_store::OrderStateStore::mark_paid): the stock is sold;
//! - declined, insufficient funds, processing error or timeout →
//!   [`ReleaseReason::PaymentFailed`](showroom_store::ReleaseReason::PaymentFailed) with the
//!   failure's stable code at the start of its detail, so the stock goes back and a retry can
//!   answer with the same failure;
//! - the provider's webhook decided first (see [`crate::payment_webhook`]; checkout records the
//!   payment reference at authorization so the webhook can find the order): checkout answers
//!   with what the webhook recorded, paid or failed.
//!
//! A retry with the same idempotency key never charges again: the store hands back the existing
//! order (`created = false`), and checkout answers from it — paid: the order; cancelled: the
//! payment failure read back from the order's history; still pending: it waits while the first
//! attempt can still be paying, then, if that attempt is gone (its instance died, the database
//! went away mid-payment), pays the order itself under the same provider idempotency key.
//!
//! The flow runs in its own task, so a caller that hangs up or a request deadline cannot leave
//! an order half-paid: the payment outcome is always recorded.
//!
//! `/metrics` counts checkouts by outcome: `showroom_checkouts_total{outcome="paid|replayed|
//! sold_out|payment_declined|insufficient_funds|payment_error|payment_timeout|refused"}`.

mod cart;
mod details;
mod pay;

use std::sync::Arc;
use std::time::Duration;

use showroom_domain::{Currency, PricingRules};
use showroom_store::{DynCartStore, DynOrderStore};
use showroom_store::{NewOrder, Order, OrderStore, StoreError};

pub use cart::CartCheckout;
pub use details::{Buyer, CheckoutDetails, RequestedLine};

use crate::error::ShopError;
use crate::payments::{CardNumber, PaymentProvider};
use crate::stock_freshness::StockFreshness;

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
    /// Told of every stock change, so cached product answers follow within a moment.
    pub stock: StockFreshness,
}

/// A checkout that went through: the paid order, and whether this call created it (`false`: a
/// retry with the same idempotency key answered with the order the first attempt placed).
#[derive(Debug)]
pub struct Placed {
    pub order: Order,
    pub created: bool,
}

/// The checkout service: orders, carts (a cart's checkout empties it), the payment provider and
/// the pricing rules.
#[derive(Clone)]
pub struct Checkout {
    orders: DynOrderStore,
    carts: DynCartStore,
    settings: Arc<CheckoutSettings>,
    currency: Currency,
}

impl Checkout {
    pub fn new(
        orders: DynOrderStore,
        carts: DynCartStore,
        settings: Arc<CheckoutSettings>,
        currency: Currency,
    ) -> Self {
        Self {
            orders,
            carts,
            settings,
            currency,
        }
    }

    /// The payment provider, hold, timeout and pricing rules.
    pub fn settings(&self) -> &CheckoutSettings {
        &self.settings
    }

    pub(crate) fn orders(&self) -> &dyn OrderStore {
        self.orders.as_ref()
    }

    /// The shop's currency: every order is in it.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Places and pays `new` with `card` (see the module docs). Refusals: [`ShopError::SoldOut`]
    /// naming the item, [`ShopError::PaymentFailed`] with the payment failure,
    /// [`ShopError::CheckoutInProgress`] while a first attempt with the same key pays, a
    /// `Conflict` for a key used for another checkout, and the store's `Invalid` on a field.
    pub async fn place_order(&self, new: NewOrder, card: CardNumber) -> Result<Placed, ShopError> {
        let orders = self.orders.clone();
        let settings = self.settings.clone();
        let task = tokio::spawn(async move {
            let (order, created) = orders
                .place_order(new, settings.payment_hold)
                .await
                .map_err(sold_out)?;
            if created {
                pay::pay(orders.as_ref(), &settings, order, &card).await
            } else {
                pay::replay(orders.as_ref(), &settings, order, &card).await
            }
        });
        let result = task.await.map_err(ShopError::internal)?;
        // Placed (stock reserved) or released after a failed payment: stock changed either way.
        if matches!(
            &result,
            Ok(Placed { created: true, .. }) | Err(ShopError::PaymentFailed { .. })
        ) {
            self.settings.stock.changed().await;
        }
        let outcome = match &result {
            Ok(Placed { created: true, .. }) => "paid",
            Ok(Placed { created: false, .. }) => "replayed",
            Err(
                error @ (ShopError::SoldOut { .. }
                | ShopError::StockHeld { .. }
                | ShopError::PaymentFailed { .. }),
            ) => error.code(),
            Err(ShopError::CheckoutInProgress) => "checkout_in_progress",
            Err(_) => "refused",
        };
        metrics::counter!("showroom_checkouts_total", "outcome" => outcome).increment(1);
        result
    }
}

/// A sold-out line is its own answer: the shopper can change the cart.
fn sold_out(error: StoreError) -> ShopError {
    match error {
        StoreError::Conflict {
            field: "stock",
            message,
        } => ShopError::SoldOut { detail: message },
        other => other.into(),
    }
}
