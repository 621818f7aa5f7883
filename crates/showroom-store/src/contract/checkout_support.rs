//! Builders shared by the order contract tests: a stocked product, the shop's pricing rules, and
//! a valid checkout request for some lines.

use std::time::Duration;

use showroom_domain::{
    BasisPoints, Currency, Email, IdempotencyKey, PriceMode, PricingRules, Quantity, RawAddress,
    ShippingAddress, ShippingRates, TaxRates, TaxTable,
};
use uuid::Uuid;

use super::support::{eur, product, slug, variant};
use crate::{DynCatalogStore, NewOrder, NewOrderLine, Order, Variant};

/// How long the tests hold stock for payment unless they test expiry.
pub const HOLD: Duration = Duration::from_secs(15 * 60);

/// 19 % tax added to EUR prices; standard shipping 4.90, free from 100.00.
pub(crate) fn shop_rules(mode: PriceMode) -> PricingRules {
    let eur_code = Currency::parse("EUR").expect("EUR");
    PricingRules {
        tax: TaxTable {
            mode,
            default: TaxRates {
                standard: BasisPoints::new(1_900).expect("rate"),
                reduced: BasisPoints::new(700).expect("rate"),
            },
            countries: Default::default(),
        },
        shipping: ShippingRates::new(eur_code, [(slug("standard"), eur(490))], Some(eur(10_000)))
            .expect("shipping rates"),
    }
}

pub(crate) fn address() -> ShippingAddress {
    ShippingAddress::new(RawAddress {
        name: "Grace Hopper".into(),
        line1: "1 Harbour Street".into(),
        line2: None,
        postal_code: "10115".into(),
        city: "Berlin".into(),
        country: "DE".into(),
    })
    .expect("test address")
}

pub(crate) fn email(raw: &str) -> Email {
    Email::parse(raw).expect("test email")
}

pub(crate) fn key(raw: &str) -> IdempotencyKey {
    IdempotencyKey::parse(raw).expect("test key")
}

pub fn line(variant_id: Uuid, quantity: i64) -> NewOrderLine {
    NewOrderLine {
        variant_id,
        quantity: Quantity::new(quantity).expect("test quantity"),
    }
}

/// A checkout by `shopper@example.com` in EUR, tax added, standard shipping.
pub fn checkout(key_raw: &str, lines: Vec<NewOrderLine>) -> NewOrder {
    NewOrder {
        customer_id: None,
        discount_code: None,
        idempotency_key: key(key_raw),
        email: email("Shopper@Example.com"),
        shipping_address: address(),
        currency: Currency::parse("EUR").expect("EUR"),
        lines,
        shipping_method: Some(slug("standard")),
        pricing: shop_rules(PriceMode::TaxExclusive),
    }
}

/// The order `checkout(key_raw, lines)` places, holding its stock for `hold`.
pub(crate) async fn place(
    store: &DynCatalogStore,
    key_raw: &str,
    lines: Vec<NewOrderLine>,
    hold: Duration,
) -> Order {
    let (order, _) = store
        .place_order(checkout(key_raw, lines), hold)
        .await
        .unwrap();
    order
}

/// An order whose hold for payment has already run out, as the sweeper finds it.
pub(crate) async fn place_lapsed(
    store: &DynCatalogStore,
    key_raw: &str,
    lines: Vec<NewOrderLine>,
) -> Order {
    place(store, key_raw, lines, Duration::ZERO).await
}

/// A published product with one variant of `on_hand` units at `price_minor` EUR cents.
pub async fn stocked(
    store: &DynCatalogStore,
    slug_raw: &str,
    sku: &str,
    price_minor: i64,
    on_hand: i64,
) -> Variant {
    let made = store
        .create_product(product(slug_raw, &format!("{slug_raw} title")))
        .await
        .expect("create product");
    store
        .add_variant(made.id, variant(sku, eur(price_minor), on_hand, &[]))
        .await
        .expect("add variant")
}

/// `(on_hand, reserved)` of a variant, read back through the catalog.
pub(crate) async fn stock_of(store: &DynCatalogStore, of: &Variant) -> (i64, i64) {
    let read = store
        .product_by_id(of.product_id)
        .await
        .expect("read product")
        .expect("product exists");
    let found = read
        .variants
        .iter()
        .find(|v| v.id == of.id)
        .expect("variant exists");
    (found.on_hand, found.reserved)
}
