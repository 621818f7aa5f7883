//! Worked examples and property tests of the whole calculator.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::{Currency, Money, Quantity, Slug};

pub(super) fn eur_currency() -> Currency {
    Currency::parse("EUR").unwrap()
}

pub(super) fn eur(minor: i64) -> Money {
    Money::new(minor, eur_currency()).unwrap()
}

pub(super) fn bp(value: u32) -> BasisPoints {
    BasisPoints::new(value).unwrap()
}

pub(super) fn line(unit: i64, quantity: i64, tax_class: TaxClass) -> PriceLine {
    PriceLine {
        unit_price: eur(unit),
        quantity: Quantity::new(quantity).unwrap(),
        tax_class,
    }
}

pub(super) fn slug(raw: &str) -> Slug {
    Slug::parse(raw).unwrap()
}

fn rules(mode: PriceMode, standard: u32, reduced: u32, free_from: Option<i64>) -> PricingRules {
    PricingRules {
        tax: TaxTable {
            mode,
            default: TaxRates {
                standard: bp(standard),
                reduced: bp(reduced),
            },
            countries: BTreeMap::new(),
        },
        shipping: ShippingRates::new(
            eur_currency(),
            [(slug("standard"), eur(495)), (slug("express"), eur(1_290))],
            free_from.map(eur),
        )
        .unwrap(),
    }
}

fn request<'a>(
    lines: &'a [PriceLine],
    discount: Option<DiscountUse<'a>>,
    method: Option<&'a Slug>,
) -> PricingRequest<'a> {
    PricingRequest {
        currency: eur_currency(),
        lines,
        discount,
        shipping_method: method,
        country: None,
    }
}

fn now(discount: &Discount) -> DiscountUse<'_> {
    DiscountUse {
        discount,
        now: UnixTime(0),
        times_used: 0,
    }
}

#[test]
fn worked_example_tax_inclusive_with_percentage_discount() {
    let rules = rules(PriceMode::TaxInclusive, 1_900, 700, Some(5_000));
    let lines = [
        line(1_999, 2, TaxClass::Standard),
        line(500, 1, TaxClass::Reduced),
    ];
    let ten_percent = Discount::percentage(DiscountCode::parse("TEN").unwrap(), bp(1_000));
    let standard = slug("standard");
    let totals = rules
        .price(&request(&lines, Some(now(&ten_percent)), Some(&standard)))
        .unwrap();
    // 44.98 subtotal; 10 % is 4.498 → 4.50, split 4.00 / 0.50 by largest remainder.
    assert_eq!(totals.subtotal, eur(4_498));
    assert_eq!(totals.discount, eur(450));
    assert_eq!(totals.lines[0].discount, eur(400));
    assert_eq!(totals.lines[1].discount, eur(50));
    // 35.98 contains 5.74 at 19 %; 4.50 contains 0.29 at 7 %.
    assert_eq!(totals.lines[0].tax, eur(574));
    assert_eq!(totals.lines[1].tax, eur(29));
    assert_eq!(totals.tax, eur(603));
    // 40.48 of goods is below the 50.00 threshold: standard shipping is charged.
    assert_eq!(totals.shipping, eur(495));
    assert_eq!(totals.grand_total, eur(4_543));
}

#[test]
fn worked_example_tax_exclusive_with_fixed_discount_and_free_shipping() {
    let rules = rules(PriceMode::TaxExclusive, 825, 0, Some(5_000));
    let lines = [line(3_000, 2, TaxClass::Standard)];
    let five_off = Discount::fixed(DiscountCode::parse("FIVE").unwrap(), eur(500)).unwrap();
    let express = slug("express");
    let totals = rules
        .price(&request(&lines, Some(now(&five_off)), Some(&express)))
        .unwrap();
    assert_eq!(totals.discount, eur(500));
    // 55.00 × 8.25 % = 4.5375 → 4.54, added on top; 55.00 ≥ 50.00 ships free.
    assert_eq!(totals.tax, eur(454));
    assert_eq!(totals.shipping, eur(0));
    assert_eq!(totals.grand_total, eur(5_954));
}

#[test]
fn an_empty_cart_costs_nothing() {
    let standard = slug("standard");
    let totals = rules(PriceMode::TaxExclusive, 2_000, 0, None)
        .price(&request(&[], None, Some(&standard)))
        .unwrap();
    assert_eq!(totals.grand_total, eur(0));
    assert!(totals.lines.is_empty());
}

#[test]
fn discount_rules_surface_through_the_calculator() {
    let rules = rules(PriceMode::TaxExclusive, 0, 0, None);
    let lines = [line(1_000, 1, TaxClass::Standard)];
    let code = DiscountCode::parse("LIMITED").unwrap();
    let discount = Discount::percentage(code, bp(500))
        .with_expiry(UnixTime(100))
        .with_usage_limit(1)
        .with_minimum_subtotal(eur(2_000));
    let at = |now, times_used| DiscountUse {
        discount: &discount,
        now: UnixTime(now),
        times_used,
    };
    let price = |use_| rules.price(&request(&lines, Some(use_), None)).unwrap_err();
    assert!(matches!(
        price(at(100, 0)),
        PricingError::DiscountExpired { .. }
    ));
    assert!(matches!(
        price(at(0, 1)),
        PricingError::DiscountExhausted { .. }
    ));
    assert!(matches!(
        price(at(0, 0)),
        PricingError::DiscountBelowMinimum { .. }
    ));
}

#[test]
fn unknown_shipping_methods_and_negative_prices_are_refused() {
    let rules = rules(PriceMode::TaxExclusive, 0, 0, None);
    let lines = [line(1_000, 1, TaxClass::Standard)];
    let drone = slug("drone");
    let error = rules
        .price(&request(&lines, None, Some(&drone)))
        .unwrap_err();
    assert_eq!(error.to_string(), "there is no shipping method `drone`");
    let negative = [line(1_000, 1, TaxClass::Zero), line(-1, 1, TaxClass::Zero)];
    let error = rules.price(&request(&negative, None, None)).unwrap_err();
    assert_eq!(error, PricingError::NegativePrice { line: 2 });
}

pub(super) fn tax_class() -> impl Strategy<Value = TaxClass> {
    prop_oneof![
        Just(TaxClass::Standard),
        Just(TaxClass::Reduced),
        Just(TaxClass::Zero)
    ]
}

fn lines() -> impl Strategy<Value = Vec<PriceLine>> {
    prop::collection::vec(
        (0i64..=2_000_000, 0i64..=50, tax_class()).prop_map(|(u, q, c)| line(u, q, c)),
        0..12,
    )
}

pub(super) fn mode() -> impl Strategy<Value = PriceMode> {
    prop_oneof![Just(PriceMode::TaxInclusive), Just(PriceMode::TaxExclusive)]
}

fn discount() -> impl Strategy<Value = Option<Discount>> {
    let code = DiscountCode::parse("PROP").unwrap();
    let percentage = (0u32..=10_000).prop_map({
        let code = code.clone();
        move |rate| Discount::percentage(code.clone(), bp(rate))
    });
    let fixed = (1i64..=50_000_000)
        .prop_map(move |amount| Discount::fixed(code.clone(), eur(amount)).unwrap());
    prop::option::of(prop_oneof![percentage, fixed])
}

fn method() -> impl Strategy<Value = Option<Slug>> {
    prop::option::of(prop_oneof![Just(slug("standard")), Just(slug("express"))])
}

proptest! {
    #[test]
    fn totals_are_exactly_the_sum_of_their_parts_and_never_negative(
        lines in lines(),
        mode in mode(),
        standard in 0u32..=10_000,
        reduced in 0u32..=10_000,
        free_from in prop::option::of(0i64..=10_000_000),
        discount in discount(),
        method in method(),
    ) {
        let rules = rules(mode, standard, reduced, free_from);
        let use_ = discount.as_ref().map(now);
        let totals = rules.price(&request(&lines, use_, method.as_ref())).unwrap();

        let sum = |f: fn(&LineTotals) -> Money| totals.lines.iter().map(|l| f(l).amount_minor).sum::<i64>();
        prop_assert_eq!(sum(|l| l.subtotal), totals.subtotal.amount_minor);
        prop_assert_eq!(sum(|l| l.discount), totals.discount.amount_minor);
        prop_assert_eq!(sum(|l| l.tax), totals.tax.amount_minor);
        let added_tax = if mode == PriceMode::TaxExclusive { totals.tax.amount_minor } else { 0 };
        prop_assert_eq!(
            totals.grand_total.amount_minor,
            totals.subtotal.amount_minor - totals.discount.amount_minor
                + totals.shipping.amount_minor + added_tax
        );
        prop_assert_eq!(sum(|l| l.total), totals.grand_total.amount_minor - totals.shipping.amount_minor);

        prop_assert!(totals.discount.amount_minor <= totals.subtotal.amount_minor);
        for l in &totals.lines {
            prop_assert!(l.discount.amount_minor <= l.subtotal.amount_minor);
            for part in [l.subtotal, l.discount, l.tax, l.total] {
                prop_assert!(part.amount_minor >= 0);
                prop_assert_eq!(part.currency, eur_currency());
            }
        }
        for part in [totals.subtotal, totals.discount, totals.shipping, totals.tax, totals.grand_total] {
            prop_assert!(part.amount_minor >= 0);
        }
        if discount.is_none() {
            prop_assert_eq!(totals.discount.amount_minor, 0);
        }
        if method.is_none() {
            prop_assert_eq!(totals.shipping.amount_minor, 0);
        }
    }

    #[test]
    fn line_discounts_sum_to_the_order_discount_for_any_split(
        lines in lines(),
        rate in 0u32..=10_000,
    ) {
        let percent = Discount::percentage(DiscountCode::parse("SPLIT").unwrap(), bp(rate));
        let totals = rules(PriceMode::TaxExclusive, 0, 0, None)
            .price(&request(&lines, Some(now(&percent)), None))
            .unwrap();
        let allocated: i64 = totals.lines.iter().map(|l| l.discount.amount_minor).sum();
        prop_assert_eq!(allocated, totals.discount.amount_minor);
        prop_assert_eq!(totals.discount.amount_minor, bp(rate).of(totals.subtotal.amount_minor));
    }

    #[test]
    fn the_same_goods_priced_net_or_gross_owe_the_same_tax(
        nets in prop::collection::vec((0i64..=5_000_000, tax_class()), 0..12),
        standard in 0u32..=10_000,
        reduced in 0u32..=10_000,
    ) {
        let exclusive = rules(PriceMode::TaxExclusive, standard, reduced, None);
        let inclusive = rules(PriceMode::TaxInclusive, standard, reduced, None);
        let rates = exclusive.tax.default;
        let net_lines: Vec<PriceLine> = nets.iter().map(|&(n, c)| line(n, 1, c)).collect();
        let gross_lines: Vec<PriceLine> = nets
            .iter()
            .map(|&(n, c)| line(n + tax_of(n, rates.rate(c), PriceMode::TaxExclusive), 1, c))
            .collect();
        let net = exclusive.price(&request(&net_lines, None, None)).unwrap();
        let gross = inclusive.price(&request(&gross_lines, None, None)).unwrap();
        prop_assert_eq!(net.tax, gross.tax);
        prop_assert_eq!(net.grand_total, gross.grand_total);
    }

    #[test]
    fn a_line_in_another_currency_is_refused_never_mixed(
        mut lines in lines(),
        position in any::<prop::sample::Index>(),
    ) {
        let usd = Money::new(100, Currency::parse("USD").unwrap()).unwrap();
        let foreign = PriceLine { unit_price: usd, ..line(0, 1, TaxClass::Standard) };
        let at = position.index(lines.len() + 1);
        lines.insert(at, foreign);
        let error = rules(PriceMode::TaxExclusive, 2_000, 0, None)
            .price(&request(&lines, None, None))
            .unwrap_err();
        let is_mismatch = matches!(error, PricingError::CurrencyMismatch { .. });
        prop_assert!(is_mismatch);
    }
}
