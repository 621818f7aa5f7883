//! Contract: an order's money adds up. For random carts (a deterministic proptest run, so a
//! failure reproduces), in both price modes, every stored total is exactly the sum of its parts
//! and exactly what the domain's pricing computes from the variants' prices.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use showroom_domain::{Money, PriceLine, PriceMode, PricingRequest, TaxClass};

use super::checkout_support::{checkout, line, shop_rules, stocked, HOLD};
use crate::{DynCatalogStore, Order};

const CARTS: usize = 12;

pub async fn order_totals_equal_the_sum_of_their_parts_for_random_carts(store: DynCatalogStore) {
    let prices = [1_999, 333, 12_345, 7, 4_990];
    let mut variants = Vec::new();
    for (n, price) in prices.into_iter().enumerate() {
        variants.push(
            stocked(
                &store,
                &format!("sum-{n}"),
                &format!("SUM-{n}"),
                price,
                1_000,
            )
            .await,
        );
    }
    let carts = prop::collection::vec((0..prices.len(), 1i64..=4), 1..=5);
    let mut runner = TestRunner::deterministic();
    for n in 0..CARTS {
        let cart = carts.new_tree(&mut runner).expect("a cart").current();
        let mode = if n % 2 == 0 {
            PriceMode::TaxExclusive
        } else {
            PriceMode::TaxInclusive
        };
        let lines = cart.iter().map(|&(v, q)| line(variants[v].id, q)).collect();
        let mut request = checkout(&format!("sum-cart-{n:03}"), lines);
        request.pricing = shop_rules(mode);
        let (order, _) = store
            .place_order(request.clone(), HOLD)
            .await
            .expect("checkout");
        assert_adds_up(&order, mode);
        let price_lines: Vec<PriceLine> = order
            .lines
            .iter()
            .map(|l| PriceLine {
                unit_price: l.unit_price,
                quantity: l.quantity,
                tax_class: TaxClass::Standard,
            })
            .collect();
        for sold in &order.lines {
            let of = variants.iter().find(|v| v.id == sold.variant_id).unwrap();
            assert_eq!(
                sold.unit_price, of.price,
                "the variant's price, not the client's"
            );
        }
        let country = request.shipping_address.country();
        let expected = request
            .pricing
            .price(&PricingRequest {
                currency: request.currency,
                lines: &price_lines,
                discount: None,
                shipping_method: request.shipping_method.as_ref(),
                country: Some(&country),
            })
            .unwrap();
        assert_eq!(
            order.totals.grand_total, expected.grand_total,
            "cart {cart:?}"
        );
        assert_eq!(order.totals.tax, expected.tax, "cart {cart:?}");
        assert_eq!(order.totals.shipping, expected.shipping, "cart {cart:?}");
    }
}

fn assert_adds_up(order: &Order, mode: PriceMode) {
    let sum = |pick: fn(&crate::OrderLine) -> Money| -> i64 {
        order.lines.iter().map(|l| pick(l).amount_minor).sum()
    };
    let t = &order.totals;
    assert_eq!(t.price_mode, mode);
    let added = |tax: i64| {
        if mode == PriceMode::TaxExclusive {
            tax
        } else {
            0
        }
    };
    for l in &order.lines {
        assert_eq!(
            l.subtotal.amount_minor,
            l.unit_price.amount_minor * i64::from(l.quantity)
        );
        assert_eq!(
            l.total.amount_minor,
            l.subtotal.amount_minor - l.discount.amount_minor + added(l.tax.amount_minor)
        );
        assert!(l.tax.amount_minor >= 0 && l.tax.amount_minor <= l.subtotal.amount_minor);
    }
    assert_eq!(t.subtotal.amount_minor, sum(|l| l.subtotal));
    assert_eq!(t.discount.amount_minor, sum(|l| l.discount));
    assert_eq!(t.tax.amount_minor, sum(|l| l.tax));
    let goods = t.subtotal.amount_minor - t.discount.amount_minor;
    let shipping = if goods >= 10_000 { 0 } else { 490 };
    assert_eq!(t.shipping.amount_minor, shipping, "free from 100.00");
    assert_eq!(
        t.grand_total.amount_minor,
        goods + t.shipping.amount_minor + added(t.tax.amount_minor)
    );
}
