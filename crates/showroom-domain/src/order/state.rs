//! The states of an order and the events that move it.
//!
//! ```text
//!                 PaymentSucceeded          Fulfill
//! PendingPayment ─────────────────▶ Paid ───────────▶ Fulfilled
//!   │ PaymentFailed / Expired /      │ Cancel             │ Refund
//!   │ Cancel                         ▼                    ▼
//!   └──────────────────────────▶ Cancelled      PartiallyRefunded ──▶ Refunded
//! ```
//!
//! `Cancelled` and `Refunded` are final. The names as stored and sent over the API are the
//! snake_case forms from [`OrderState::as_str`] and [`OrderEventKind::as_str`].

use serde::{Deserialize, Serialize};

use crate::{DomainError, Money};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Stock is held; waiting for the payment provider.
    PendingPayment,
    Paid,
    /// Handed to the carrier.
    Fulfilled,
    /// Final; the stock went back on the shelf.
    Cancelled,
    /// Some but not all of the paid amount went back to the customer.
    PartiallyRefunded,
    /// Final; everything paid went back to the customer.
    Refunded,
}

impl OrderState {
    pub const ALL: [Self; 6] = [
        Self::PendingPayment,
        Self::Paid,
        Self::Fulfilled,
        Self::Cancelled,
        Self::PartiallyRefunded,
        Self::Refunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PendingPayment => "pending_payment",
            Self::Paid => "paid",
            Self::Fulfilled => "fulfilled",
            Self::Cancelled => "cancelled",
            Self::PartiallyRefunded => "partially_refunded",
            Self::Refunded => "refunded",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|state| state.as_str() == raw)
            .ok_or_else(|| DomainError::new(format!("`{raw}` is not an order state")))
    }

    /// No event leaves this state.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Cancelled | Self::Refunded)
    }
}

/// A carrier's tracking number: 1–64 printable characters without spaces at either end.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TrackingNumber(String);

impl TrackingNumber {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let trimmed = raw.trim();
        let length = trimmed.chars().count();
        if !(1..=64).contains(&length) || trimmed.chars().any(char::is_control) {
            return Err(DomainError::new(
                "a tracking number has 1 to 64 characters and no line breaks",
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Something that happened to an order, or a command a member of staff gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderEvent {
    /// The provider captured the payment. The caller has checked the captured amount equals the
    /// order total before sending this.
    PaymentSucceeded,
    /// The provider declined or failed the payment.
    PaymentFailed,
    /// The payment window closed without a result (the sweeper of abandoned checkouts).
    PaymentExpired,
    Fulfill {
        tracking: TrackingNumber,
    },
    Cancel,
    Refund {
        amount: Money,
    },
}

impl OrderEvent {
    pub fn kind(&self) -> OrderEventKind {
        match self {
            Self::PaymentSucceeded => OrderEventKind::PaymentSucceeded,
            Self::PaymentFailed => OrderEventKind::PaymentFailed,
            Self::PaymentExpired => OrderEventKind::PaymentExpired,
            Self::Fulfill { .. } => OrderEventKind::Fulfill,
            Self::Cancel => OrderEventKind::Cancel,
            Self::Refund { .. } => OrderEventKind::Refund,
        }
    }
}

/// The name of an [`OrderEvent`] without its data, for errors and the order events table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderEventKind {
    PaymentSucceeded,
    PaymentFailed,
    PaymentExpired,
    Fulfill,
    Cancel,
    Refund,
}

impl OrderEventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PaymentSucceeded => "payment_succeeded",
            Self::PaymentFailed => "payment_failed",
            Self::PaymentExpired => "payment_expired",
            Self::Fulfill => "fulfill",
            Self::Cancel => "cancel",
            Self::Refund => "refund",
        }
    }
}

string_conversions!(TrackingNumber);
display_as_str!(OrderState, OrderEventKind);
