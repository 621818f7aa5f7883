//! The order state machine as one pure function, [`transition()`].
//!
//! [`OrderProgress`] is everything the rules need to know about an order: its [`OrderState`],
//! the total the customer pays, how much of it was refunded, and the shipment if it shipped. It
//! can only be built by [`OrderProgress::new`] (a new order awaiting payment), by
//! [`OrderProgress::restore`] (which refuses combinations no sequence of events can produce), or
//! by a transition; so it is always consistent.
//!
//! The rules, beyond the diagram in [`state`](super::state):
//!
//! - A failed, expired or cancelled payment cancels the order and **releases the stock**. Stock
//!   is released only on entering `Cancelled`, which is final, so at most once per order.
//! - The customer is mailed ([`Effects::notify`]) when an order is confirmed, ships, is refunded,
//!   or is cancelled **after it was paid**. An order that was never paid is cancelled silently:
//!   the shopper already saw the decline at checkout, or walked away from it.
//! - Cancelling a paid order that has not shipped refunds everything not yet refunded and
//!   releases the stock. A shipped order cannot be cancelled, only refunded.
//! - A refund is a positive amount in the order's currency, at most what was paid and not yet
//!   refunded: **refunds never exceed the paid total**. Reaching the total makes the order
//!   `Refunded`, anything less `PartiallyRefunded`. Refunds do not touch stock: returned goods go
//!   back on the shelf through an inventory adjustment, after someone has looked at them.
//! - A partially refunded order that has not shipped can still be fulfilled (an item was out of
//!   stock and refunded, the rest ships); it stays `PartiallyRefunded` and records the shipment.
//! - Everything else — including a second `PaymentSucceeded` (a webhook delivered twice) or a
//!   late `PaymentExpired` after success — is an [`IllegalTransition`]; the caller decides whether
//!   a duplicate is harmless.
//!
//! The function is pure, so the caller can compute the transition, carry out the [`Effects`]
//! that can fail (the provider's refund call) and only then persist the new progress together
//! with the event row and the stock release, in one transaction.

use crate::{DomainError, Money};

use super::state::{OrderEvent, OrderEventKind, OrderState, TrackingNumber};

/// Where an order stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderProgress {
    state: OrderState,
    total: Money,
    refunded: Money,
    shipment: Option<TrackingNumber>,
}

impl OrderProgress {
    /// A new order of `total`, awaiting payment.
    pub fn new(total: Money) -> Result<Self, DomainError> {
        if total.amount_minor < 0 {
            return Err(DomainError::new("an order total cannot be negative"));
        }
        Ok(Self {
            state: OrderState::PendingPayment,
            total,
            refunded: Money {
                amount_minor: 0,
                currency: total.currency,
            },
            shipment: None,
        })
    }

    /// An order as stored; refuses a combination no sequence of events can produce.
    pub fn restore(
        state: OrderState,
        total: Money,
        refunded: Money,
        shipment: Option<TrackingNumber>,
    ) -> Result<Self, DomainError> {
        let base = Self::new(total)?;
        let (t, r) = (total.amount_minor, refunded.amount_minor);
        let consistent = refunded.currency == total.currency
            && (0..=t).contains(&r)
            && match state {
                OrderState::PendingPayment | OrderState::Paid => r == 0 && shipment.is_none(),
                OrderState::Fulfilled => r == 0 && shipment.is_some(),
                OrderState::PartiallyRefunded => 0 < r && r < t,
                OrderState::Refunded => r == t,
                OrderState::Cancelled => (r == 0 || r == t) && shipment.is_none(),
            };
        if !consistent {
            return Err(DomainError::new(format!(
                "a {state} order of {total} cannot have {refunded} refunded{}",
                if shipment.is_some() {
                    " and a shipment"
                } else {
                    ""
                }
            )));
        }
        Ok(Self {
            state,
            refunded,
            shipment,
            ..base
        })
    }

    pub fn state(&self) -> OrderState {
        self.state
    }

    pub fn total(&self) -> Money {
        self.total
    }

    pub fn refunded(&self) -> Money {
        self.refunded
    }

    pub fn shipment(&self) -> Option<&TrackingNumber> {
        self.shipment.as_ref()
    }

    /// What can still be refunded: the paid total minus refunds, zero when nothing was paid.
    pub fn refundable(&self) -> Money {
        let paid = matches!(
            self.state,
            OrderState::Paid | OrderState::Fulfilled | OrderState::PartiallyRefunded
        );
        self.money(if paid {
            self.total.amount_minor - self.refunded.amount_minor
        } else {
            0
        })
    }

    fn money(&self, amount_minor: i64) -> Money {
        Money {
            amount_minor,
            currency: self.total.currency,
        }
    }
}

/// What the caller must do after a transition.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Effects {
    /// Put the order's quantities back into stock (in the same transaction as the new state).
    pub release_stock: bool,
    /// Refund this amount through the payment provider.
    pub refund: Option<Money>,
    /// Mail the customer about it (through the outbox).
    pub notify: Option<CustomerNotice>,
}

/// Which message the customer gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CustomerNotice {
    OrderConfirmed,
    OrderShipped,
    OrderCancelled,
    RefundIssued,
}

impl CustomerNotice {
    /// The stored name: `order_confirmed`, `order_shipped`, `order_cancelled`, `refund_issued`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrderConfirmed => "order_confirmed",
            Self::OrderShipped => "order_shipped",
            Self::OrderCancelled => "order_cancelled",
            Self::RefundIssued => "refund_issued",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::OrderConfirmed,
            Self::OrderShipped,
            Self::OrderCancelled,
            Self::RefundIssued,
        ]
        .into_iter()
        .find(|notice| notice.as_str() == raw)
    }
}

/// Why an event cannot apply to an order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IllegalTransition {
    #[error("an order cannot go from `{from}` to `{to}` (event `{event}`)")]
    NotAllowed {
        from: OrderState,
        to: OrderState,
        event: OrderEventKind,
    },
    #[error("cannot refund {requested}: only {refundable} of the paid total is left to refund")]
    RefundExceedsPaid { requested: Money, refundable: Money },
    #[error("a refund is a positive amount, not {requested}")]
    RefundNotPositive { requested: Money },
    #[error("cannot refund in {found} an order paid in {expected}")]
    RefundCurrency {
        expected: crate::Currency,
        found: crate::Currency,
    },
}

/// Applies `event` to `order`: the next progress and the effects to carry out, or why not.
pub fn transition(
    order: &OrderProgress,
    event: &OrderEvent,
) -> Result<(OrderProgress, Effects), IllegalTransition> {
    use OrderState::*;
    let unshipped = order.shipment.is_none();
    let mut next = order.clone();
    let effects = match (order.state, event) {
        (PendingPayment, OrderEvent::PaymentSucceeded) => {
            next.state = Paid;
            notice(CustomerNotice::OrderConfirmed)
        }
        (
            PendingPayment,
            OrderEvent::PaymentFailed | OrderEvent::PaymentExpired | OrderEvent::Cancel,
        ) => {
            // Nothing was paid: the shopper saw the decline (or walked away), so there is
            // nothing to tell them by mail.
            next.state = Cancelled;
            Effects {
                release_stock: true,
                ..Effects::default()
            }
        }
        (Paid | PartiallyRefunded, OrderEvent::Cancel) if unshipped => {
            let remaining = order.refundable();
            next.refunded = order.total;
            next.state = Cancelled;
            Effects {
                release_stock: true,
                refund: Some(remaining).filter(|m| m.amount_minor > 0),
                notify: Some(CustomerNotice::OrderCancelled),
            }
        }
        (Paid | PartiallyRefunded, OrderEvent::Fulfill { tracking }) if unshipped => {
            next.shipment = Some(tracking.clone());
            if order.state == Paid {
                next.state = Fulfilled;
            }
            notice(CustomerNotice::OrderShipped)
        }
        (Paid | Fulfilled | PartiallyRefunded, OrderEvent::Refund { amount }) => {
            let amount = checked_refund(order, *amount)?;
            next.refunded = order.money(order.refunded.amount_minor + amount.amount_minor);
            next.state = if next.refunded == order.total {
                Refunded
            } else {
                PartiallyRefunded
            };
            Effects {
                refund: Some(amount),
                ..notice(CustomerNotice::RefundIssued)
            }
        }
        (from, event) => {
            return Err(IllegalTransition::NotAllowed {
                from,
                to: intended_state(order, event),
                event: event.kind(),
            })
        }
    };
    Ok((next, effects))
}

fn checked_refund(order: &OrderProgress, amount: Money) -> Result<Money, IllegalTransition> {
    if amount.currency != order.total.currency {
        return Err(IllegalTransition::RefundCurrency {
            expected: order.total.currency,
            found: amount.currency,
        });
    }
    if amount.amount_minor <= 0 {
        return Err(IllegalTransition::RefundNotPositive { requested: amount });
    }
    let refundable = order.refundable();
    if amount.amount_minor > refundable.amount_minor {
        return Err(IllegalTransition::RefundExceedsPaid {
            requested: amount,
            refundable,
        });
    }
    Ok(amount)
}

/// The state an event aims at, named in the error when it cannot get there.
fn intended_state(order: &OrderProgress, event: &OrderEvent) -> OrderState {
    match event {
        OrderEvent::PaymentSucceeded => OrderState::Paid,
        OrderEvent::PaymentFailed | OrderEvent::PaymentExpired | OrderEvent::Cancel => {
            OrderState::Cancelled
        }
        OrderEvent::Fulfill { .. } => OrderState::Fulfilled,
        OrderEvent::Refund { amount } => {
            let left = order.total.amount_minor - order.refunded.amount_minor;
            if amount.amount_minor >= left {
                OrderState::Refunded
            } else {
                OrderState::PartiallyRefunded
            }
        }
    }
}

fn notice(notice: CustomerNotice) -> Effects {
    Effects {
        notify: Some(notice),
        ..Effects::default()
    }
}
