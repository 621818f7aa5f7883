//! Orders: checkout that cannot oversell, retried safely, and the order's life after it.
//!
//! [`CheckoutStore::place_order`] is the checkout. In **one transaction** it records the idempotency
//! key, reserves every line's units with a conditional update (`reserved + q <= on_hand`, so stock
//! available to sell never goes below zero, whatever the concurrency), snapshots the lines (title,
//! SKU and the variant's *current* unit price: prices are always the server's), prices them with
//! the domain's [`PricingRules`], takes the next order number and writes the order
//! `pending_payment` with its first history entry. It either happens whole or not at all: a sold
//! out line leaves no order, no key and no reservation behind.
//!
//! Retries: the same [`IdempotencyKey`] always yields the same order, also when the calls race
//! (exactly one of them creates it; the others wait for it and return it with `created = false`).
//! A key reused for a *different* checkout (other email or lines) is a conflict, not a silent
//! replay of someone else's order.
//!
//! Afterwards the payment layer moves the order through the domain's state machine
//! ([`showroom_domain::transition`]); the store persists each step together with its stock effect,
//! a history entry and the customer's mail when there is one ([`crate::OutboxStore`]), in one
//! transaction, and refuses an illegal step with
//! `Conflict { field: "state" }` (also when two calls race for the same step: one wins):
//!
//! - [`OrderStateStore::mark_paid`]: the reserved units leave the shelf (`on_hand -= q`,
//!   `reserved -= q`);
//! - [`OrderStateStore::release`]: declined, failed, expired or cancelled; a pending order's
//!   reservation is returned (`reserved -= q`), a paid, unshipped order's units go back on the
//!   shelf (`on_hand += q`; the caller has refunded through the provider first). Stock is released
//!   at most once per order, because `cancelled` is final.
//!
//! A reservation holds for the `hold` given at checkout; [`OrderStateStore::expired_reservations`]
//! lists the pending orders whose hold ran out, for the sweeper to release with
//! [`ReleaseReason::PaymentExpired`]. A payment that arrives after the hold but before the sweeper
//! is still accepted: the units were still reserved for it.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use showroom_domain::{
    Currency, DiscountCode, Email, IdempotencyKey, Money, OrderNumber, OrderState, PriceMode,
    PricingRules, Quantity, ShippingAddress, Sku, Slug, TrackingNumber,
};
use uuid::Uuid;

use crate::refunds::RefundStore;
use crate::StoreError;

/// Most lines one order may have; more is an input error, not a cart.
pub const MAX_ORDER_LINES: usize = 100;

/// One line of a checkout: which variant and how many. No price: the store reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewOrderLine {
    pub variant_id: Uuid,
    pub quantity: Quantity,
}

/// A checkout request, already parsed into domain types.
#[derive(Debug, Clone)]
pub struct NewOrder {
    pub idempotency_key: IdempotencyKey,
    /// The logged-in customer placing it; `None` for a guest.
    pub customer_id: Option<Uuid>,
    pub email: Email,
    pub shipping_address: ShippingAddress,
    /// The currency the shopper saw; every variant must sell in it (`Invalid { field: "currency" }`).
    pub currency: Currency,
    /// 1 to [`MAX_ORDER_LINES`] lines of positive quantities; a variant named twice counts once,
    /// with the quantities added.
    pub lines: Vec<NewOrderLine>,
    /// `None` ships nothing (zero shipping).
    pub shipping_method: Option<Slug>,
    /// A discount code to apply: checked (active, not expired, not exhausted, minimum met) and
    /// counted in the checkout transaction; any failure is `Invalid { field: "discount_code" }`.
    pub discount_code: Option<DiscountCode>,
    /// The shop's tax and shipping configuration, applied to the variants' current prices. Every
    /// line is taxed at the standard rate of the address's country (the catalog has no tax
    /// classes yet).
    pub pricing: PricingRules,
}

/// A line as it was sold: a snapshot that later catalog edits do not touch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub variant_id: Uuid,
    pub product_id: Uuid,
    pub title: String,
    pub sku: Sku,
    pub unit_price: Money,
    pub quantity: Quantity,
    /// `unit_price × quantity`.
    pub subtotal: Money,
    pub discount: Money,
    pub tax: Money,
    /// `subtotal − discount (+ tax when prices exclude it)`.
    pub total: Money,
}

/// The order's money, as priced at checkout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderTotals {
    pub price_mode: PriceMode,
    pub subtotal: Money,
    pub discount: Money,
    pub shipping: Money,
    /// Contained in the grand total when prices include tax, added to it when they exclude it.
    pub tax: Money,
    pub grand_total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: Uuid,
    pub number: OrderNumber,
    pub state: OrderState,
    /// The customer account that placed it; `None` for a guest checkout.
    pub customer_id: Option<Uuid>,
    pub email: Email,
    pub shipping_address: ShippingAddress,
    pub shipping_method: Option<Slug>,
    /// The discount code the order used.
    pub discount_code: Option<DiscountCode>,
    pub lines: Vec<OrderLine>,
    pub totals: OrderTotals,
    /// What went back to the customer so far.
    pub refunded: Money,
    pub tracking: Option<TrackingNumber>,
    /// The payment provider's reference, once paid.
    pub payment_ref: Option<String>,
    /// Unix milliseconds until which the stock is held for payment; `None` once the order has
    /// left `pending_payment`.
    pub reserved_until: Option<i64>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// Who did something to an order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Actor {
    Customer,
    Staff(Uuid),
    /// Automation with an API token; `None` is the configured bootstrap `admin_token`.
    ApiToken(Option<Uuid>),
    /// The payment provider's answer (or its webhook).
    PaymentProvider,
    /// The sweeper of abandoned checkouts.
    Sweeper,
}

impl Actor {
    /// The stored form: `customer`, `staff:<uuid>`, `api_token`, `api_token:<uuid>`,
    /// `payment_provider`, `sweeper`.
    pub fn to_stored(&self) -> String {
        match self {
            Self::Customer => "customer".into(),
            Self::Staff(id) => format!("staff:{id}"),
            Self::ApiToken(None) => "api_token".into(),
            Self::ApiToken(Some(id)) => format!("api_token:{id}"),
            Self::PaymentProvider => "payment_provider".into(),
            Self::Sweeper => "sweeper".into(),
        }
    }

    pub fn from_stored(raw: &str) -> Option<Self> {
        Some(match raw {
            "customer" => Self::Customer,
            "payment_provider" => Self::PaymentProvider,
            "sweeper" => Self::Sweeper,
            "api_token" => Self::ApiToken(None),
            _ => match raw.split_once(':')? {
                ("staff", id) => Self::Staff(Uuid::parse_str(id).ok()?),
                ("api_token", id) => Self::ApiToken(Some(Uuid::parse_str(id).ok()?)),
                _ => return None,
            },
        })
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_stored())
    }
}

/// One entry of an order's history: who did what, when, and where it left the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderHistoryEntry {
    /// Unix milliseconds.
    pub at: i64,
    pub actor: Actor,
    /// `placed`, or the domain's event name (`payment_succeeded`, `payment_failed`, …).
    pub what: String,
    /// `None` for `placed`.
    pub from: Option<OrderState>,
    pub to: OrderState,
    /// A payment reference, a decline reason.
    pub note: Option<String>,
}

/// Why an order's stock goes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseReason {
    /// The provider declined or failed the payment; `detail` is its reason, kept in the history.
    PaymentFailed { detail: String },
    /// The hold ran out without a payment result.
    PaymentExpired,
    /// The customer or staff cancelled.
    Cancelled { by: Actor },
}

/// Which orders staff want to see: [`OrderReads::list_orders`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderQuery {
    /// Only orders in this state.
    pub state: Option<OrderState>,
    /// An order number (`SR-000042`, `42`) or part of the customer's email, any case.
    pub search: Option<String>,
    /// Only orders numbered below this one: the keyset cursor of the next page.
    pub before_number: Option<OrderNumber>,
    /// Clamped to 1..=100.
    pub limit: u32,
}

/// The checkout: the one write that creates orders. Guarantees that stock is never oversold and
/// that one idempotency key always yields one order (see the module docs).
#[async_trait]
pub trait CheckoutStore: Send + Sync + 'static {
    /// The checkout (see the module docs). Returns the order and whether this call created it.
    ///
    /// Errors, with nothing written: `Conflict { field: "stock" }` naming the line that sold out
    /// and how many are left; `Conflict { field: "idempotency_key" }` for a key used by another
    /// checkout; `Invalid` with field `lines`, `quantity`, `variant_id` (unknown, or its product
    /// is not published), `currency` or `pricing` (the rules refused the cart).
    async fn place_order(&self, new: NewOrder, hold: Duration)
        -> Result<(Order, bool), StoreError>;
}

/// An order's life after checkout: each step of the domain's state machine is persisted with its
/// stock effect, a history entry and the customer's mail in one transaction, and an illegal step
/// (also the loser of a race) is `Conflict { field: "state" }`.
#[async_trait]
pub trait OrderStateStore: Send + Sync + 'static {
    /// `pending_payment → paid`: the reserved units are sold. `payment_ref` is the provider's id.
    async fn mark_paid(&self, order_id: Uuid, payment_ref: &str) -> Result<Order, StoreError>;

    /// The checkout's record of a payment the provider has just captured for an order it placed
    /// (`placed` as [`CheckoutStore::place_order`] returned it): the capture mark
    /// ([`OrderStateStore::mark_captured`]) and the payment ([`OrderStateStore::mark_paid`]) in
    /// one write — the same rows as those two calls — where the backend has such a write.
    /// `Ok(None)`, with nothing written, when it has none or the order is no longer
    /// `pending_payment`: the caller then marks the capture and records the payment step by step,
    /// which answers every case. A backend may use what `placed` tells (its lines, its mail's
    /// content: everything of an order but its state, payment and refunds is fixed when it is
    /// placed), as long as the write is conditional on the order being `pending_payment`.
    async fn pay_captured(
        &self,
        placed: &Order,
        payment_ref: &str,
    ) -> Result<Option<Order>, StoreError> {
        let _ = (placed, payment_ref);
        Ok(None)
    }

    /// `→ cancelled`, returning the stock. `Conflict { field: "state" }` when the order cannot be
    /// cancelled (already cancelled, shipped, …): a second release never releases twice.
    async fn release(&self, order_id: Uuid, reason: ReleaseReason) -> Result<Order, StoreError>;

    /// Pending orders whose hold ended before `now` (Unix ms), oldest hold first, at most `limit`
    /// — without those marked captured ([`OrderStateStore::mark_captured`]): they were charged.
    async fn expired_reservations(&self, now: i64, limit: u32) -> Result<Vec<Uuid>, StoreError>;

    /// Marks a pending order's payment (`payment_ref`) as captured by the provider, before checkout records it
    /// as paid: if that recording fails, the sweeper finds the mark
    /// ([`OrderStateStore::unrecorded_captures`]) and records the payment instead of releasing the
    /// stock. A no-op once the order has left `pending_payment`.
    async fn mark_captured(&self, order_id: Uuid, payment_ref: &str) -> Result<(), StoreError>;

    /// Pending orders marked captured whose hold ended before `now` (Unix ms), with their
    /// payment reference, at most `limit`.
    async fn unrecorded_captures(
        &self,
        now: i64,
        limit: u32,
    ) -> Result<Vec<(Uuid, String)>, StoreError>;

    /// `paid → fulfilled` (or a partially refunded, unshipped order records its shipment): the
    /// tracking number is kept and the history names `actor`, in one transaction. An order that
    /// cannot ship (pending, cancelled, already fulfilled) is `Conflict { field: "state" }`.
    async fn fulfil(
        &self,
        order_id: Uuid,
        tracking: TrackingNumber,
        actor: Actor,
    ) -> Result<Order, StoreError>;

    /// Remembers the provider's payment reference of a pending order as soon as the payment is
    /// authorized, so the provider's webhook can find the order even when checkout never learns
    /// the outcome. `Conflict { field: "state" }` once the order has left `pending_payment`.
    async fn record_authorization(
        &self,
        order_id: Uuid,
        payment_ref: &str,
    ) -> Result<(), StoreError>;
}

/// Reads of orders and their history. Never writes and takes no lock.
#[async_trait]
pub trait OrderReads: Send + Sync + 'static {
    async fn order_by_id(&self, id: Uuid) -> Result<Option<Order>, StoreError>;

    async fn order_by_number(&self, number: OrderNumber) -> Result<Option<Order>, StoreError>;

    /// The orders placed with this (normalized) email, newest (highest number) first, at most
    /// `limit`.
    async fn orders_for_email(&self, email: &Email, limit: u32) -> Result<Vec<Order>, StoreError>;

    /// The orders of one customer account, newest (highest number) first, at most `limit`.
    async fn orders_for_customer(
        &self,
        customer_id: Uuid,
        limit: u32,
    ) -> Result<Vec<Order>, StoreError>;

    /// Staff's order list: newest (highest number) first, filtered by `query`, at most
    /// `query.limit` (clamped to 1..=100); the next page passes the last number as
    /// `before_number`.
    async fn list_orders(&self, query: &OrderQuery) -> Result<Vec<Order>, StoreError>;

    /// Every state change of the order, oldest first; empty for an unknown order.
    async fn order_history(&self, id: Uuid) -> Result<Vec<OrderHistoryEntry>, StoreError>;

    /// The order paid (or being paid) under this provider reference.
    async fn order_by_payment_ref(&self, payment_ref: &str) -> Result<Option<Order>, StoreError>;
}

/// Everything about orders: checkout, state changes, reads and refunds. It has no methods of its
/// own; [`crate::DynOrderStore`] names it, and every type that implements the four order traits
/// implements it.
pub trait OrderStore:
    CheckoutStore + OrderStateStore + OrderReads + RefundStore + Send + Sync + 'static
{
}

impl<T> OrderStore for T where T: CheckoutStore + OrderStateStore + OrderReads + RefundStore + ?Sized
{}
