//! Refunds of paid orders, recorded in two steps around the payment provider's call.
//!
//! Money leaves through the provider, outside any database transaction, so a refund cannot be a
//! single write. Instead:
//!
//! 1. [`RefundStore::begin_refund`](crate::RefundStore::begin_refund) writes a **pending** refund
//!    row in one transaction with the order row locked. It checks the amount against what is
//!    still refundable *minus every other pending refund*, so two staff members refunding the
//!    same order at once can never together give back more than was paid. The row is keyed by
//!    the caller's idempotency key: the same key returns the same refund.
//! 2. The caller asks the provider to refund, with `refund-<refund id>` as the provider's
//!    idempotency key, so a resumed refund is the same refund at the provider.
//! 3. [`complete_refund`](crate::RefundStore::complete_refund) marks the row **succeeded** and
//!    applies the domain's `Refund` event (or, for a [`RefundKind::Cancellation`], the `Cancel`
//!    event, which also returns the stock) in one transaction; or
//!    [`fail_refund`](crate::RefundStore::fail_refund) marks it **failed** and the order is
//!    untouched.
//!
//! A process that dies between 2 and 3 leaves the row pending; a retry with the same key finds
//! it and resumes at step 2.

use std::fmt;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use showroom_domain::{IdempotencyKey, Money};
use uuid::Uuid;

use crate::{Actor, Order, StoreError};

/// The longest reason kept with a refund, in characters.
pub const MAX_REFUND_REASON: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundState {
    /// Written before the provider's call; counts against what is left to refund.
    Pending,
    Succeeded,
    /// The provider refused; the order did not change.
    Failed,
}

impl RefundState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Pending, Self::Succeeded, Self::Failed]
            .into_iter()
            .find(|state| state.as_str() == raw)
    }
}

impl fmt::Display for RefundState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What completing the refund does to the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundKind {
    /// Some or all of the payment goes back; the order becomes (partially) refunded.
    Refund,
    /// Everything not yet refunded goes back and the unshipped order is cancelled, its stock
    /// returned.
    Cancellation,
}

impl RefundKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Refund => "refund",
            Self::Cancellation => "cancellation",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Refund, Self::Cancellation]
            .into_iter()
            .find(|kind| kind.as_str() == raw)
    }
}

/// A refund to start.
#[derive(Debug, Clone)]
pub struct NewRefund {
    /// Names this refund: the same key on the same order is the same refund.
    pub key: IdempotencyKey,
    pub kind: RefundKind,
    /// In the order's currency; `None` refunds everything still refundable. A cancellation
    /// always refunds everything and ignores this.
    pub amount: Option<Money>,
    /// Why, for the history (at most [`MAX_REFUND_REASON`] characters, one line).
    pub reason: Option<String>,
    pub actor: Actor,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    pub id: Uuid,
    pub order_id: Uuid,
    pub key: String,
    pub kind: RefundKind,
    pub amount: Money,
    pub state: RefundState,
    pub reason: Option<String>,
    pub actor: Actor,
    /// The provider's id of the refund, once it succeeded.
    pub provider_ref: Option<String>,
    /// The provider's reason, when it failed.
    pub failure: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

impl Refund {
    /// The idempotency key to give the provider: stable across resumed attempts.
    pub fn provider_key(&self) -> String {
        format!("refund-{}", self.id)
    }
}

/// The two-step refunds described in the module docs. Guarantees that refunds of one order never
/// together give back more than was paid, and that one idempotency key is one refund.
#[async_trait]
pub trait RefundStore: Send + Sync + 'static {
    /// Step 1 of a refund (see [`crate::refunds`]): a pending refund row, or the existing one
    /// for the same key (`created = false`). Errors, with nothing written: `NotFound` (order);
    /// `Conflict { field: "state" }` when the order was never paid, is cancelled or fully
    /// refunded, or (for a cancellation) has shipped or has another refund pending;
    /// `Invalid { field: "amount" }` for an amount that is not positive, in another currency or
    /// more than what is left after pending refunds; `Conflict { field: "idempotency_key" }`
    /// for a key already used with another amount or kind.
    async fn begin_refund(
        &self,
        order_id: Uuid,
        refund: NewRefund,
    ) -> Result<(Refund, bool), StoreError>;

    /// Step 3: the provider refunded. Marks the refund succeeded and moves the order (refunded or
    /// cancelled) with a history entry, in one transaction. Completing a succeeded refund again
    /// returns it unchanged; a failed one is `Conflict { field: "state" }`.
    async fn complete_refund(
        &self,
        refund_id: Uuid,
        provider_ref: &str,
    ) -> Result<(Refund, Order), StoreError>;

    /// Step 3, the other way: the provider refused. The order is untouched. Failing a refund
    /// that is no longer pending is `Conflict { field: "state" }`.
    async fn fail_refund(&self, refund_id: Uuid, failure: &str) -> Result<Refund, StoreError>;

    /// The order's refunds, oldest first.
    async fn refunds_for_order(&self, order_id: Uuid) -> Result<Vec<Refund>, StoreError>;
}
