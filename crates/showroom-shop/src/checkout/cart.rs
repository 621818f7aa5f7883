//! The cart's checkout: the cart's lines, placed and paid through [`Checkout::place_order`]. The
//! cart is emptied only once the order is paid — also when a retry replays the paid order, in
//! case the first attempt was cut off before emptying it. A retry with the same idempotency key
//! after the cart was emptied replays the first order.

use showroom_domain::{DiscountCode, IdempotencyKey};
use showroom_store::{Cart, NewOrder, NewOrderLine, StoreError};

use super::{Checkout, Placed};
use crate::error::{FieldContext, ShopError};
use crate::payments::CardNumber;

/// A checkout of the shopper's cart: the order's details without its lines (see
/// [`Checkout::order_details`]), which come from the cart.
#[derive(Debug)]
pub struct CartCheckout {
    /// Everything but the lines (they are replaced).
    pub order: NewOrder,
    pub card: CardNumber,
}

impl Checkout {
    /// Places and pays the cart's lines with the cart's discount code (see the module docs). An
    /// empty cart is `Invalid` on `lines`, unless the key names an order placed before (the retry
    /// of a checkout that emptied the cart). Other refusals as [`Checkout::place_order`].
    pub async fn checkout_cart(
        &self,
        cart: Option<Cart>,
        mut checkout: CartCheckout,
    ) -> Result<Placed, ShopError> {
        let lines: Vec<NewOrderLine> = cart
            .iter()
            .flat_map(|cart| &cart.lines)
            .map(|line| NewOrderLine {
                variant_id: line.variant_id,
                quantity: line.quantity,
            })
            .collect();
        if let Some(raw) = cart.as_ref().and_then(|c| c.discount_code.as_deref()) {
            checkout.order.discount_code = Some(DiscountCode::parse(raw).field("discount_code")?);
        }
        checkout.order.lines = if lines.is_empty() {
            self.earlier_lines(&checkout.order.idempotency_key).await?
        } else {
            lines
        };
        let placed = self.place_order(checkout.order, checkout.card).await?;
        // Also on a replay: a retry whose first attempt paid but was cut off before emptying the
        // cart sent the same lines (the key's fingerprint matched), so they are bought.
        if let Some(cart) = cart {
            match self.carts.clear_cart(cart.id).await {
                Ok(_) | Err(StoreError::NotFound { .. }) => {}
                // The order is paid; a cart left full is an annoyance, not a reason to fail.
                Err(error) => {
                    tracing::warn!(%error, cart = %cart.id, "a paid cart was not emptied")
                }
            }
        }
        Ok(placed)
    }

    /// The lines of the order an earlier checkout with this key placed.
    async fn earlier_lines(&self, key: &IdempotencyKey) -> Result<Vec<NewOrderLine>, ShopError> {
        let earlier = self
            .carts
            .order_for_checkout_key(key)
            .await?
            .ok_or_else(|| {
                ShopError::invalid("lines", "the cart is empty: add something before checkout")
            })?;
        Ok(earlier
            .lines
            .iter()
            .map(|line| NewOrderLine {
                variant_id: line.variant_id,
                quantity: line.quantity,
            })
            .collect())
    }
}
