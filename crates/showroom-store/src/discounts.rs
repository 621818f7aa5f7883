//! Discount codes as the shop keeps them: the domain's [`Discount`] (its value and rules) plus
//! how often it was used and whether it is switched on. The checkout
//! ([`crate::CheckoutStore::place_order`]) checks a code and counts its use inside its own
//! transaction; this trait is how staff manage the codes and how a cart previews one.

use async_trait::async_trait;
use showroom_domain::{Discount, DiscountCode};

use crate::StoreError;

/// A stored code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscountRecord {
    pub discount: Discount,
    /// Orders placed with it (cancelled ones included).
    pub times_used: u32,
    /// A deactivated code is refused like an unknown one.
    pub active: bool,
    /// Unix milliseconds.
    pub created_at: i64,
}

#[async_trait]
pub trait DiscountStore: Send + Sync + 'static {
    /// `Conflict { field: "code" }` when the code exists.
    async fn create_discount(&self, discount: Discount) -> Result<DiscountRecord, StoreError>;
    /// Every code, newest first.
    async fn list_discounts(&self) -> Result<Vec<DiscountRecord>, StoreError>;
    async fn discount_by_code(
        &self,
        code: &DiscountCode,
    ) -> Result<Option<DiscountRecord>, StoreError>;
    /// Switches a code on or off; `NotFound` for an unknown code.
    async fn set_discount_active(
        &self,
        code: &DiscountCode,
        active: bool,
    ) -> Result<DiscountRecord, StoreError>;
}
