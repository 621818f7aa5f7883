//! Carts: what a shopper means to buy, before checkout.
//!
//! A cart belongs either to a guest (found by its id, which the HTTP layer keeps in the session)
//! or to a customer (found by the customer's id; at most one cart per customer, created on first
//! use). A cart stores only *which* variants and *how many*: every read joins the lines to the
//! variants' **current** price, SKU, title, product status and available stock, so a price shown
//! from a cart is always the server's.
//!
//! Every method is one transaction. Changing a line checks, under the cart's row lock, that the
//! variant exists and its product is published (`Invalid { field: "variant_id" }` otherwise),
//! that the quantity is sane (`Invalid { field: "quantity" }`), that it fits the units available
//! right now (`Conflict { field: "stock" }` saying how many are left) and that the cart stays
//! within [`MAX_ORDER_LINES`](crate::MAX_ORDER_LINES) lines (`Invalid { field: "lines" }`). Stock is
//! not reserved by a cart: checkout reserves it, and a line that no longer fits by then is refused
//! there.
//!
//! [`CartStore::merge_into_customer`] runs at login: the guest's lines move into the customer's
//! cart in one transaction, quantities of a variant in both carts are added and capped at the
//! available stock, and the guest cart is deleted. It is idempotent: once the guest cart is gone
//! a second merge (also one racing the first) changes nothing.

use async_trait::async_trait;
use showroom_domain::{IdempotencyKey, Money, ProductStatus, Quantity, Sku, Slug};
use uuid::Uuid;

use crate::{Order, StoreError};

/// One line of a cart, joined to the catalog as it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartLine {
    pub variant_id: Uuid,
    pub product_id: Uuid,
    /// The product's current slug, for a link to its page.
    pub product_slug: Slug,
    /// The product's title.
    pub title: String,
    pub sku: Sku,
    /// The variant's current price.
    pub unit_price: Money,
    /// The product's current status: a line whose product was archived after it was added stays
    /// in the cart (so the shopper sees why), but checkout refuses it.
    pub status: ProductStatus,
    /// Units on hand not reserved by pending orders, now (never negative).
    pub available: i64,
    pub quantity: Quantity,
    /// Unix milliseconds.
    pub added_at: i64,
}

impl CartLine {
    /// Whether checkout would accept this line as it stands.
    pub fn sellable(&self) -> bool {
        self.status == ProductStatus::Published && i64::from(self.quantity) <= self.available
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cart {
    pub id: Uuid,
    /// `None` for a guest's cart.
    pub customer_id: Option<Uuid>,
    /// The code the shopper entered, as entered; whether it applies is the pricing's business.
    pub discount_code: Option<String>,
    /// Oldest line first.
    pub lines: Vec<CartLine>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// How a line's quantity changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineChange {
    /// The line holds exactly this many afterwards; 0 removes it.
    Set(i64),
    /// This many more units (at least 1) than the line holds now (0 when absent).
    Add(i64),
}

#[async_trait]
pub trait CartStore: Send + Sync + 'static {
    /// A new, empty guest cart.
    async fn create_guest_cart(&self) -> Result<Cart, StoreError>;

    /// The customer's cart, created empty on first use (also when two calls race: one cart).
    async fn customer_cart(&self, customer_id: Uuid) -> Result<Cart, StoreError>;

    /// A cart by id, guest or customer; `None` when there is no such cart.
    async fn cart(&self, cart_id: Uuid) -> Result<Option<Cart>, StoreError>;

    /// Changes one line (see the module docs for the checks). `NotFound { what: "cart" }` for an
    /// unknown cart. Removing a line that is not there is not an error.
    async fn change_cart_line(
        &self,
        cart_id: Uuid,
        variant_id: Uuid,
        change: LineChange,
    ) -> Result<Cart, StoreError>;

    /// Removes one line; a line that is not there is not an error.
    async fn remove_cart_line(&self, cart_id: Uuid, variant_id: Uuid) -> Result<Cart, StoreError>;

    /// Removes every line (after a paid checkout); the discount code goes too.
    async fn clear_cart(&self, cart_id: Uuid) -> Result<Cart, StoreError>;

    /// Sets (`Some`) or clears (`None`) the discount code. The store checks only its length
    /// (1 to 64 characters, `Invalid { field: "code" }`); whether it exists is the pricing's.
    async fn set_cart_discount_code(
        &self,
        cart_id: Uuid,
        code: Option<&str>,
    ) -> Result<Cart, StoreError>;

    /// Moves a guest cart's lines into the customer's cart (see the module docs) and returns the
    /// customer's cart. An unknown (already merged) guest cart, or one that belongs to a customer,
    /// merges nothing. A guest's discount code is kept when the customer's cart has none.
    async fn merge_into_customer(
        &self,
        guest_cart_id: Uuid,
        customer_id: Uuid,
    ) -> Result<Cart, StoreError>;

    /// Deletes guest carts last changed before `before` (Unix ms), at most `limit`; returns how
    /// many went. Customer carts are never swept.
    async fn sweep_guest_carts(&self, before: i64, limit: u32) -> Result<u64, StoreError>;

    /// The order a checkout with this idempotency key created, if any: a retried checkout from
    /// a cart that the first attempt already emptied replays that order's lines.
    async fn order_for_checkout_key(
        &self,
        key: &IdempotencyKey,
    ) -> Result<Option<Order>, StoreError>;
}
