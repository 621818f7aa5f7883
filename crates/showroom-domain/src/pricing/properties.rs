//! Money-rounding properties of the whole calculator, against a reference written here from the
//! documented rules rather than from the code (`tests.rs` holds the worked examples and the
//! sum-of-parts properties of a single-country shop).
//!
//! For arbitrary shops (a tax rate per country, listed or not, tax-inclusive or -exclusive,
//! shipping with or without a free threshold) and arbitrary carts (1–20 lines, percentage or fixed
//! discounts with or without a minimum), every amount is what the rule says:
//!
//! - a line subtotal is `unit × quantity`; the discount is the percentage of the subtotal rounded
//!   half away from zero, or the fixed amount capped at the subtotal, or an error naming the
//!   minimum when the subtotal is below it;
//! - each line's discount is within one minor unit of its proportional share;
//! - each line's tax is the rounding rule applied to its discounted amount at the rate of the
//!   destination (or the default rates), and every total is exactly the sum of its parts;
//! - exact halves are rounded away from zero, in discounts and in both tax formulas.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::tests::{bp, eur, eur_currency, line, mode, slug, tax_class};
use super::*;
use crate::{Money, Slug};

/// The countries a generated shop may list; a cart may ship to any of them or to none yet.
const COUNTRIES: [&str; 4] = ["DE", "FR", "US", "JP"];

/// `n / d` rounded half away from zero for `n ≥ 0, d > 0`, by remainder (not the code's formula).
fn round_half_up(n: i128, d: i128) -> i64 {
    let (quotient, remainder) = (n / d, n % d);
    i64::try_from(quotient + i128::from(2 * remainder >= d)).unwrap()
}

/// The tax rule of `tax.rs` for a line amount (net when exclusive, gross when inclusive).
fn expected_tax(mode: PriceMode, amount: i64, rate: u32) -> i64 {
    let (amount, rate) = (i128::from(amount), i128::from(rate));
    match mode {
        PriceMode::TaxExclusive => round_half_up(amount * rate, 10_000),
        PriceMode::TaxInclusive => {
            i64::try_from(amount).unwrap() - round_half_up(amount * 10_000, 10_000 + rate)
        }
    }
}

#[derive(Debug, Clone)]
struct Shop {
    mode: PriceMode,
    default: (u32, u32),
    /// Per entry of [`COUNTRIES`]: its (standard, reduced) rates when listed.
    countries: Vec<Option<(u32, u32)>>,
    standard_rate: i64,
    express_rate: i64,
    free_from: Option<i64>,
}

impl Shop {
    fn rules(&self) -> PricingRules {
        let rates = |(standard, reduced)| TaxRates {
            standard: bp(standard),
            reduced: bp(reduced),
        };
        let countries: BTreeMap<CountryCode, TaxRates> = COUNTRIES
            .iter()
            .zip(&self.countries)
            .filter_map(|(code, listed)| {
                Some((CountryCode::parse(code).unwrap(), rates((*listed)?)))
            })
            .collect();
        PricingRules {
            tax: TaxTable {
                mode: self.mode,
                default: rates(self.default),
                countries,
            },
            shipping: ShippingRates::new(
                eur_currency(),
                [
                    (slug("standard"), eur(self.standard_rate)),
                    (slug("express"), eur(self.express_rate)),
                ],
                self.free_from.map(eur),
            )
            .unwrap(),
        }
    }

    /// The reference rate of a line of `class` shipped to `country` (an index into COUNTRIES).
    fn rate(&self, country: Option<usize>, class: TaxClass) -> u32 {
        let (standard, reduced) = country
            .and_then(|index| self.countries[index])
            .unwrap_or(self.default);
        match class {
            TaxClass::Standard => standard,
            TaxClass::Reduced => reduced,
            TaxClass::Zero => 0,
        }
    }
}

fn rates() -> impl Strategy<Value = (u32, u32)> {
    (0u32..=10_000, 0u32..=10_000)
}

fn shop() -> impl Strategy<Value = Shop> {
    (
        mode(),
        rates(),
        prop::collection::vec(prop::option::of(rates()), COUNTRIES.len()),
        0i64..=5_000,
        0i64..=20_000,
        prop::option::of(0i64..=40_000_000),
    )
        .prop_map(
            |(mode, default, countries, standard_rate, express_rate, free_from)| Shop {
                mode,
                default,
                countries,
                standard_rate,
                express_rate,
                free_from,
            },
        )
}

#[derive(Debug, Clone, Copy)]
enum Off {
    Percentage(u32),
    Fixed(i64),
}

/// A discount and its minimum subtotal, both optional.
fn discount() -> impl Strategy<Value = Option<(Off, Option<i64>)>> {
    let off = prop_oneof![
        (0u32..=10_000).prop_map(Off::Percentage),
        (1i64..=30_000_000).prop_map(Off::Fixed),
    ];
    prop::option::of((off, prop::option::of(0i64..=40_000_000)))
}

fn build(off: Off, minimum: Option<i64>) -> Discount {
    let code = DiscountCode::parse("ROUND").unwrap();
    let discount = match off {
        Off::Percentage(rate) => Discount::percentage(code, bp(rate)),
        Off::Fixed(amount) => Discount::fixed(code, eur(amount)).unwrap(),
    };
    match minimum {
        Some(minimum) => discount.with_minimum_subtotal(eur(minimum)),
        None => discount,
    }
}

fn cart() -> impl Strategy<Value = Vec<(i64, i64, TaxClass)>> {
    prop::collection::vec((0i64..=200_000, 0i64..=100, tax_class()), 1..=20)
}

proptest! {
    #[test]
    fn every_amount_follows_the_documented_rounding_and_totals_add_up(
        shop in shop(),
        cart in cart(),
        discount in discount(),
        country in prop::option::of(0..COUNTRIES.len()),
        method in prop::option::of(prop_oneof![Just("standard"), Just("express")]),
    ) {
        let lines: Vec<PriceLine> = cart.iter().map(|&(u, q, c)| line(u, q, c)).collect();
        let code = country.map(|index| CountryCode::parse(COUNTRIES[index]).unwrap());
        let method = method.map(slug);
        let built = discount.map(|(off, minimum)| build(off, minimum));
        let request = PricingRequest {
            currency: eur_currency(),
            lines: &lines,
            discount: built.as_ref().map(|discount| DiscountUse { discount, now: UnixTime(0), times_used: 0 }),
            shipping_method: method.as_ref(),
            country: code.as_ref(),
        };
        let result = shop.rules().price(&request);

        let subtotal: i64 = cart.iter().map(|&(u, q, _)| u * q).sum();
        let minimum = discount.and_then(|(_, minimum)| minimum);
        if let Some(minimum) = minimum.filter(|&minimum| subtotal < minimum) {
            let expected = PricingError::DiscountBelowMinimum {
                code: DiscountCode::parse("ROUND").unwrap(),
                minimum: eur(minimum),
                subtotal: eur(subtotal),
            };
            prop_assert_eq!(result, Err(expected));
            return Ok(());
        }
        let totals = result.unwrap();
        let amount = |m: Money| m.amount_minor;

        let expected_discount = match discount {
            Some((Off::Percentage(rate), _)) => round_half_up(i128::from(subtotal) * i128::from(rate), 10_000),
            Some((Off::Fixed(off), _)) => off.min(subtotal),
            None => 0,
        };
        prop_assert_eq!(amount(totals.subtotal), subtotal);
        prop_assert_eq!(amount(totals.discount), expected_discount);
        let goods = subtotal - expected_discount;
        let expected_shipping = match method.as_ref().map(Slug::as_str) {
            None => 0,
            Some(_) if shop.free_from.is_some_and(|from| goods >= from) => 0,
            Some("standard") => shop.standard_rate,
            Some(_) => shop.express_rate,
        };
        prop_assert_eq!(amount(totals.shipping), expected_shipping);

        let exclusive = shop.mode == PriceMode::TaxExclusive;
        let (mut discounts, mut taxes) = (0, 0);
        for (&(unit, quantity, class), l) in cart.iter().zip(&totals.lines) {
            let (line_subtotal, line_discount) = (amount(l.subtotal), amount(l.discount));
            prop_assert_eq!(line_subtotal, unit * quantity);
            prop_assert!((0..=line_subtotal).contains(&line_discount));
            // Within one minor unit of the exact share `discount × line ÷ subtotal`.
            let share = i128::from(expected_discount) * i128::from(line_subtotal);
            let scaled = i128::from(line_discount) * i128::from(subtotal);
            prop_assert!(subtotal == 0 || scaled.abs_diff(share) < subtotal.unsigned_abs().into());
            let taxable = line_subtotal - line_discount;
            let tax = expected_tax(shop.mode, taxable, shop.rate(country, class));
            prop_assert_eq!(amount(l.tax), tax);
            prop_assert!((0..=taxable).contains(&tax));
            prop_assert_eq!(amount(l.total), taxable + if exclusive { tax } else { 0 });
            discounts += line_discount;
            taxes += tax;
        }
        prop_assert_eq!(totals.lines.len(), cart.len());
        prop_assert_eq!(amount(totals.discount), discounts);
        prop_assert_eq!(amount(totals.tax), taxes);
        prop_assert_eq!(
            amount(totals.grand_total),
            goods + expected_shipping + if exclusive { taxes } else { 0 }
        );
    }

    #[test]
    fn exact_halves_are_rounded_away_from_zero(half in 0i64..=1_000_000_000, mode in mode()) {
        let odd = 2 * half + 1;
        // 50 % of an odd amount ends in exactly half a minor unit.
        let percent = Discount::percentage(DiscountCode::parse("HALF").unwrap(), bp(5_000));
        let lines = [line(odd, 1, TaxClass::Standard)];
        let rules = PricingRules {
            tax: TaxTable { mode, default: TaxRates::NONE, countries: BTreeMap::new() },
            shipping: ShippingRates::new(eur_currency(), [], None).unwrap(),
        };
        let request = PricingRequest {
            currency: eur_currency(),
            lines: &lines,
            discount: Some(DiscountUse { discount: &percent, now: UnixTime(0), times_used: 0 }),
            shipping_method: None,
            country: None,
        };
        prop_assert_eq!(rules.price(&request).unwrap().discount, eur(half + 1));
        // Exclusive 50 %: net × ½ is a half; inclusive 100 %: gross ÷ 2 is a half, the net
        // rounds up and the tax is the smaller part.
        prop_assert_eq!(tax_of(odd, bp(5_000), PriceMode::TaxExclusive), half + 1);
        prop_assert_eq!(tax_of(odd, bp(10_000), PriceMode::TaxInclusive), half);
    }
}
