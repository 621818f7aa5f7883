//! The cart as a service, kept out of the handlers so HTML pages can reuse it.
//!
//! - [`shopper_cart`] / [`cart_to_change`] find the cart of a request's shopper: a customer's by
//!   their id (created on first use), a guest's by the id kept in their session (a new guest
//!   cart when there is none yet, or the old one was swept).
//! - [`quote`] prices a cart with the shop's [`PricingRules`] for an optional destination country
//!   and shipping method: always at the variants' current prices, read by the store. Lines whose
//!   product is no longer for sale (or sells in another currency than the shop) stay in the cart
//!   for the shopper to see, marked unsellable, and count for nothing.
//! - [`merge_guest_cart`] is what login calls: the guest's lines move into the customer's cart.
//! - [`checkout_cart`] places and pays the cart's lines through [`run_checkout`], and empties the
//!   cart only once the order is paid (also when a retry replays the paid order, in case the
//!   first attempt was cut off before emptying it). A retry with the same idempotency key after
//!   the cart was emptied replays the first order.
//!
//! Discount codes are stored with the cart but not applied yet: pricing them belongs to the
//! discount service (branch `discounts`), which will be called from [`quote`] once it lands.

use std::sync::Arc;

use showroom_domain::{
    CountryCode, Currency, DiscountCode, DiscountUse, IdempotencyKey, LineTotals, PriceLine,
    PricingError, PricingRequest, PricingRules, ProductStatus, Slug, TaxClass, Totals, UnixTime,
};
use showroom_store::{
    Cart, CartLine, DiscountRecord, DynCatalogStore, NewOrder, NewOrderLine, StoreError,
};
use uuid::Uuid;

use crate::checkout::{run_checkout, CheckoutSettings, Placed};
use crate::error::{ApiError, FieldContext};

/// Whose cart a request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CartOwner {
    /// A signed-in customer.
    Customer(Uuid),
    /// A guest, with the cart id from their session if they have one.
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

/// Looks up the cart's code for a preview (the checkout checks it again in its transaction).
pub async fn cart_discount(
    store: &DynCatalogStore,
    code: Option<&str>,
) -> Result<CartDiscount, ApiError> {
    let Some(raw) = code else { return Ok(None) };
    let Ok(code) = DiscountCode::parse(raw) else {
        return Ok(Some(Err(format!("`{raw}` is not a discount code"))));
    };
    Ok(Some(
        store
            .discount_by_code(&code)
            .await?
            .filter(|record| record.active)
            .ok_or_else(|| format!("discount code {code} does not exist or is no longer active")),
    ))
}

fn unix_now() -> UnixTime {
    UnixTime(showroom_store::unix_millis() / 1_000)
}

/// The shopper's cart for reading; `None` for a guest without one (an empty cart).
pub async fn shopper_cart(
    store: &DynCatalogStore,
    owner: CartOwner,
) -> Result<Option<Cart>, ApiError> {
    Ok(match owner {
        CartOwner::Customer(id) => Some(store.customer_cart(id).await?),
        CartOwner::Guest(Some(id)) => store.cart(id).await?.filter(|c| c.customer_id.is_none()),
        CartOwner::Guest(None) => None,
    })
}

/// The shopper's cart for changing, created when there is none. The flag says whether a new guest
/// cart was made, whose id the caller must keep in the session.
pub async fn cart_to_change(
    store: &DynCatalogStore,
    owner: CartOwner,
) -> Result<(Cart, bool), ApiError> {
    match shopper_cart(store, owner).await? {
        Some(cart) => Ok((cart, false)),
        None => Ok((store.create_guest_cart().await?, true)),
    }
}

/// Whether a line counts in the totals: its product is for sale, in the shop's currency.
fn priced(line: &CartLine, currency: Currency) -> bool {
    line.status == ProductStatus::Published && line.unit_price.currency == currency
}

/// Prices the cart (see the module docs). An unknown shipping method is a 422 naming
/// `shipping_method`.
pub fn quote(
    cart: Option<Cart>,
    rules: &PricingRules,
    currency: Currency,
    destination: &Destination,
    discount: Option<&Result<DiscountRecord, String>>,
) -> Result<CartQuote, ApiError> {
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

fn pricing_error(error: PricingError) -> ApiError {
    match error {
        PricingError::UnknownShippingMethod { .. } => {
            ApiError::validation("shipping_method", error.to_string())
        }
        other => ApiError::validation("pricing", other.to_string()),
    }
}

/// Moves a guest's cart into the customer's at login. Safe to call twice, or for a guest
/// without a cart (`None`): nothing more happens.
pub async fn merge_guest_cart(
    store: &DynCatalogStore,
    guest_cart_id: Option<Uuid>,
    customer_id: Uuid,
) -> Result<Cart, ApiError> {
    Ok(match guest_cart_id {
        Some(guest) => store.merge_into_customer(guest, customer_id).await?,
        None => store.customer_cart(customer_id).await?,
    })
}

/// A checkout of the shopper's cart: the order's details without its lines, which come from the
/// cart.
pub struct CartCheckout {
    /// Everything but the lines (they are replaced).
    pub order: NewOrder,
    pub payment_method: String,
}

/// Places and pays the cart's lines (see the module docs). An empty cart is a 422 on `lines`,
/// unless the key names an order placed before (the retry of a checkout that emptied the cart).
pub async fn checkout_cart(
    store: DynCatalogStore,
    settings: Arc<CheckoutSettings>,
    cart: Option<Cart>,
    mut checkout: CartCheckout,
) -> Result<Placed, ApiError> {
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
        earlier_lines(&store, &checkout.order.idempotency_key).await?
    } else {
        lines
    };
    let placed = run_checkout(
        store.clone(),
        settings,
        checkout.order,
        checkout.payment_method,
    )
    .await?;
    // Also on a replay: a retry whose first attempt paid but was cut off before emptying the cart
    // sent the same lines (the key's fingerprint matched), so they are bought.
    if let Some(cart) = cart {
        match store.clear_cart(cart.id).await {
            Ok(_) | Err(StoreError::NotFound { .. }) => {}
            // The order is paid; a cart left full is an annoyance, not a reason to fail.
            Err(error) => tracing::warn!(%error, cart = %cart.id, "a paid cart was not emptied"),
        }
    }
    Ok(placed)
}

/// The lines of the order an earlier checkout with this key placed.
async fn earlier_lines(
    store: &DynCatalogStore,
    key: &IdempotencyKey,
) -> Result<Vec<NewOrderLine>, ApiError> {
    let earlier = store.order_for_checkout_key(key).await?.ok_or_else(|| {
        ApiError::validation("lines", "the cart is empty: add something before checkout")
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

#[cfg(test)]
mod tests {
    use showroom_domain::{
        BasisPoints, Money, PriceMode, Quantity, ShippingRates, Sku, TaxRates, TaxTable,
    };

    use super::*;

    fn eur(minor: i64) -> Money {
        Money::price(minor, Currency::parse("EUR").unwrap()).unwrap()
    }

    /// 10 % tax by default, 20 % in FR, added to prices; standard shipping 5.00.
    fn rules() -> PricingRules {
        let rate = |bp| TaxRates {
            standard: BasisPoints::new(bp).unwrap(),
            reduced: BasisPoints::new(bp).unwrap(),
        };
        PricingRules {
            tax: TaxTable {
                mode: PriceMode::TaxExclusive,
                default: rate(1_000),
                countries: [(CountryCode::parse("FR").unwrap(), rate(2_000))]
                    .into_iter()
                    .collect(),
            },
            shipping: ShippingRates::new(
                Currency::parse("EUR").unwrap(),
                [(Slug::parse("standard").unwrap(), eur(500))],
                None,
            )
            .unwrap(),
        }
    }

    fn line(price: i64, quantity: i64, status: ProductStatus) -> CartLine {
        CartLine {
            variant_id: Uuid::now_v7(),
            product_id: Uuid::now_v7(),
            title: "Lamp".into(),
            sku: Sku::parse("LAMP-1").unwrap(),
            unit_price: eur(price),
            status,
            available: 10,
            quantity: Quantity::new(quantity).unwrap(),
            added_at: 0,
        }
    }

    fn cart(lines: Vec<CartLine>) -> Option<Cart> {
        Some(Cart {
            id: Uuid::now_v7(),
            customer_id: None,
            discount_code: None,
            lines,
            created_at: 0,
            updated_at: 0,
        })
    }

    #[test]
    fn the_destination_changes_tax_and_shipping_and_unsold_lines_count_for_nothing() {
        let eur_code = Currency::parse("EUR").unwrap();
        let lines = vec![
            line(1_000, 2, ProductStatus::Published),
            line(9_999, 1, ProductStatus::Archived),
        ];
        let home = quote(
            cart(lines.clone()),
            &rules(),
            eur_code,
            &Destination::default(),
            None,
        )
        .unwrap();
        assert_eq!(home.totals.subtotal, eur(2_000));
        assert_eq!(home.totals.tax, eur(200));
        assert_eq!(home.totals.shipping, eur(0));
        assert_eq!(home.totals.grand_total, eur(2_200));
        assert!(home.lines[0].is_some() && home.lines[1].is_none());

        let france = Destination {
            country: Some(CountryCode::parse("FR").unwrap()),
            shipping_method: Some(Slug::parse("standard").unwrap()),
        };
        let abroad = quote(cart(lines), &rules(), eur_code, &france, None).unwrap();
        assert_eq!(abroad.totals.tax, eur(400));
        assert_eq!(abroad.totals.shipping, eur(500));
        assert_eq!(abroad.totals.grand_total, eur(2_000 + 400 + 500));

        let unknown = Destination {
            country: None,
            shipping_method: Some(Slug::parse("teleport").unwrap()),
        };
        let err = quote(cart(vec![]), &rules(), eur_code, &unknown, None);
        assert!(
            err.is_ok(),
            "an empty cart ships nothing, whatever the method"
        );
        let err = quote(
            cart(vec![line(100, 1, ProductStatus::Published)]),
            &rules(),
            eur_code,
            &unknown,
            None,
        )
        .unwrap_err();
        assert!(
            matches!(&err, ApiError::Validation { field, .. } if field == "shipping_method"),
            "{err:?}"
        );
    }
}
