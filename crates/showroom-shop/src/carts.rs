//! [`Carts`]: the shopper's cart, for the API and the pages alike.
//!
//! - [`Carts::shopper_cart`] / [`Carts::cart_to_change`] find the cart of a shopper: a
//!   customer's by their id (created on first use), a guest's by the id the caller keeps for them
//!   (in the session), or a new guest cart when there is none yet or the old one was swept.
//! - The line and discount-code changes are the store's, one transaction each (see
//!   [`showroom_store::CartStore`]): a variant must be for sale, a quantity sane and within the
//!   units available (`Conflict` on `stock` saying how many are left).
//! - [`Carts::quote`] prices a cart with the shop's [`PricingRules`] for an optional destination
//!   country and shipping method: always at the variants' current prices, read by the store.
//!   Lines whose product is no longer for sale (or sells in another currency than the shop) stay
//!   in the cart for the shopper to see, marked unsellable, and count for nothing. A discount code
//!   that does not fit the cart is left out of the totals with the reason beside them.

use std::sync::Arc;

use showroom_domain::{
    CountryCode, Currency, DiscountCode, DiscountUse, LineTotals, PriceLine, PricingError,
    PricingRequest, PricingRules, ProductStatus, Slug, TaxClass, Totals, UnixTime,
};
use showroom_store::DynCartStore;
use showroom_store::{Cart, CartLine, DiscountRecord, DiscountStore, LineChange};
use uuid::Uuid;

use crate::error::ShopError;

/// Whose cart a request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CartOwner {
    /// A signed-in customer.
    Customer(Uuid),
    /// A guest, with the cart id kept for them (in their session) if they have one.
    Guest(Option<Uuid>),
}

/// Where the cart would ship, for the totals preview.
#[derive(Debug, Clone, Default)]
pub struct Destination {
    pub country: Option<CountryCode>,
    pub shipping_method: Option<Slug>,
}

/// A cart and its totals. `lines[i]` is `Some` with the line's totals when it was priced, `None`
/// when it is not for sale. `cart` is `None` for a guest who has none yet (an empty cart).
#[derive(Debug, Clone)]
pub struct CartQuote {
    pub cart: Option<Cart>,
    pub lines: Vec<Option<LineTotals>>,
    pub totals: Totals,
    /// Why the cart's discount code was left out of the totals, if it was.
    pub discount_problem: Option<String>,
}

/// The cart's discount code as the checkout will judge it: `Ok(record)` when it exists and is
/// active, `Err(why)` otherwise, `None` without a code.
pub type CartDiscount = Option<Result<DiscountRecord, String>>;

/// The cart service: carts, the discount codes they name, and the shop's pricing.
#[derive(Clone)]
pub struct Carts {
    carts: DynCartStore,
    discounts: Arc<dyn DiscountStore>,
    pricing: Arc<PricingRules>,
    currency: Currency,
}

impl Carts {
    pub fn new(
        carts: DynCartStore,
        discounts: Arc<dyn DiscountStore>,
        pricing: Arc<PricingRules>,
        currency: Currency,
    ) -> Self {
        Self {
            carts,
            discounts,
            pricing,
            currency,
        }
    }

    /// The shopper's cart for reading; `None` for a guest without one (an empty cart), or whose
    /// cart is gone or belongs to a customer.
    pub async fn shopper_cart(&self, owner: CartOwner) -> Result<Option<Cart>, ShopError> {
        Ok(match owner {
            CartOwner::Customer(id) => Some(self.carts.customer_cart(id).await?),
            CartOwner::Guest(Some(id)) => self
                .carts
                .cart(id)
                .await?
                .filter(|c| c.customer_id.is_none()),
            CartOwner::Guest(None) => None,
        })
    }

    /// The shopper's cart for changing, created when there is none. The flag says whether a new
    /// guest cart was made, whose id the caller must keep for the guest (in the session).
    pub async fn cart_to_change(&self, owner: CartOwner) -> Result<(Cart, bool), ShopError> {
        match self.shopper_cart(owner).await? {
            Some(cart) => Ok((cart, false)),
            None => Ok((self.carts.create_guest_cart().await?, true)),
        }
    }

    /// Adds units of a variant to a line, or sets the line's quantity (0 removes it). Refusals:
    /// `Invalid` on `variant_id` (unknown or not for sale), `quantity` or `lines` (more than 100),
    /// `Conflict` on `stock` (not that many available; the detail says how many are left).
    pub async fn change_line(
        &self,
        cart_id: Uuid,
        variant_id: Uuid,
        change: LineChange,
    ) -> Result<Cart, ShopError> {
        Ok(self
            .carts
            .change_cart_line(cart_id, variant_id, change)
            .await?)
    }

    /// Removes a line; removing a line that is not there is not an error.
    pub async fn remove_line(&self, cart_id: Uuid, variant_id: Uuid) -> Result<Cart, ShopError> {
        Ok(self.carts.remove_cart_line(cart_id, variant_id).await?)
    }

    /// Sets (`Some`) or clears (`None`) the cart's discount code; only its length is checked here
    /// (`Invalid` on `code`), whether it applies shows in the [`quote`](Self::quote).
    pub async fn set_discount_code(
        &self,
        cart_id: Uuid,
        code: Option<&str>,
    ) -> Result<Cart, ShopError> {
        Ok(self.carts.set_cart_discount_code(cart_id, code).await?)
    }

    /// Prices `cart` for `destination` with its discount code (see the module docs). An unknown
    /// shipping method is `Invalid` on `shipping_method`.
    pub async fn quote(
        &self,
        cart: Option<Cart>,
        destination: &Destination,
    ) -> Result<CartQuote, ShopError> {
        let code = cart.as_ref().and_then(|c| c.discount_code.as_deref());
        let discount = self.cart_discount(code).await?;
        quote(
            cart,
            &self.pricing,
            self.currency,
            destination,
            discount.as_ref(),
        )
    }

    /// Looks up a cart's code for a preview (the checkout checks it again in its transaction).
    pub async fn cart_discount(&self, code: Option<&str>) -> Result<CartDiscount, ShopError> {
        let Some(raw) = code else { return Ok(None) };
        let Ok(code) = DiscountCode::parse(raw) else {
            return Ok(Some(Err(format!("`{raw}` is not a discount code"))));
        };
        Ok(Some(
            self.discounts
                .discount_by_code(&code)
                .await?
                .filter(|record| record.active)
                .ok_or_else(|| {
                    format!("discount code {code} does not exist or is no longer active")
                }),
        ))
    }
}

fn unix_now() -> UnixTime {
    UnixTime(showroom_store::unix_millis() / 1_000)
}

/// Whether a line counts in the totals: its product is for sale, in the shop's currency.
fn priced(line: &CartLine, currency: Currency) -> bool {
    line.status == ProductStatus::Published && line.unit_price.currency == currency
}

/// Prices a cart (see the module docs) with a discount already looked up. An unknown shipping
/// method is `Invalid` on `shipping_method`.
pub fn quote(
    cart: Option<Cart>,
    rules: &PricingRules,
    currency: Currency,
    destination: &Destination,
    discount: Option<&Result<DiscountRecord, String>>,
) -> Result<CartQuote, ShopError> {
    let cart_lines = cart.as_ref().map_or(&[][..], |c| c.lines.as_slice());
    let price_lines: Vec<PriceLine> = cart_lines
        .iter()
        .filter(|line| priced(line, currency))
        .map(|line| PriceLine {
            unit_price: line.unit_price,
            quantity: line.quantity,
            tax_class: TaxClass::Standard,
        })
        .collect();
    let mut discount_problem = None;
    let discount_use = match discount {
        Some(Ok(record)) => Some(DiscountUse {
            discount: &record.discount,
            now: unix_now(),
            times_used: record.times_used,
        }),
        Some(Err(why)) => {
            discount_problem = Some(why.clone());
            None
        }
        None => None,
    };
    let request = PricingRequest {
        currency,
        lines: &price_lines,
        discount: discount_use,
        shipping_method: destination.shipping_method.as_ref(),
        country: destination.country.as_ref(),
    };
    // A code that does not fit this cart (expired, used up, below its minimum) is shown as a
    // problem beside the totals without it, rather than making the cart unreadable.
    let totals = match rules.price(&request) {
        Err(
            error @ (PricingError::DiscountExpired { .. }
            | PricingError::DiscountExhausted { .. }
            | PricingError::DiscountBelowMinimum { .. }),
        ) => {
            discount_problem = Some(error.to_string());
            rules
                .price(&PricingRequest {
                    discount: None,
                    ..request
                })
                .map_err(pricing_error)?
        }
        other => other.map_err(pricing_error)?,
    };
    let mut priced_totals = totals.lines.iter().copied();
    let lines = cart_lines
        .iter()
        .map(|line| {
            priced(line, currency)
                .then(|| priced_totals.next())
                .flatten()
        })
        .collect();
    Ok(CartQuote {
        cart,
        lines,
        totals,
        discount_problem,
    })
}

fn pricing_error(error: PricingError) -> ShopError {
    match error {
        PricingError::UnknownShippingMethod { .. } => {
            ShopError::invalid("shipping_method", error.to_string())
        }
        other => ShopError::invalid("pricing", other.to_string()),
    }
}

#[cfg(test)]
#[path = "carts_tests.rs"]
mod tests;
