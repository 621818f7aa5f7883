//! The totals calculator: from priced lines, an optional discount, a shipping method and a
//! destination to subtotal, discount, shipping, tax and grand total, in integer minor units.
//!
//! The steps, each a documented rule of its own module:
//!
//! 1. every line's subtotal is `unit price × quantity`; the order subtotal is their sum;
//! 2. the discount is checked and computed on the subtotal ([`discount`](super::discount)), then
//!    allocated across the lines by largest remainder ([`allocate`](mod@super::allocate)), so the
//!    line discounts sum to the order discount exactly and no line goes below zero;
//! 3. shipping is quoted on the goods after discount ([`shipping`](super::shipping));
//! 4. tax is computed per line on the discounted line amount and rounded per line
//!    ([`tax`](super::tax)); the order tax is the sum of the line taxes.
//!
//! Guarantees, property-tested in `pricing/tests.rs`: every amount is non-negative; the
//! discount never exceeds the subtotal; every total is exactly the sum of its parts,
//! `grand_total = subtotal − discount + shipping (+ tax when prices exclude it)`; an amount in any
//! currency other than the cart's is a [`PricingError::CurrencyMismatch`], never mixed in.

use serde::{Deserialize, Serialize};

use super::discount::check_use;
use super::error::same_currency;
use super::tax::tax_of;
use super::{
    allocate, CountryCode, DiscountUse, PriceMode, PricingError, ShippingRates, TaxClass, TaxTable,
};
use crate::{Currency, Money, Quantity, Slug, MAX_MINOR_UNITS};

/// One cart line as the calculator sees it: the server's current unit price, never the client's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceLine {
    pub unit_price: Money,
    pub quantity: Quantity,
    pub tax_class: TaxClass,
}

/// Everything about one cart that its totals depend on.
#[derive(Debug, Clone, Copy)]
pub struct PricingRequest<'a> {
    pub currency: Currency,
    pub lines: &'a [PriceLine],
    pub discount: Option<DiscountUse<'a>>,
    /// `None` until the shopper picks a method: shipping is then zero.
    pub shipping_method: Option<&'a Slug>,
    /// `None` until the shopper gives an address: the default tax rates apply.
    pub country: Option<&'a CountryCode>,
}

/// The shop's pricing configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricingRules {
    pub tax: TaxTable,
    pub shipping: ShippingRates,
}

/// The totals of one line, in the same order as the request's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineTotals {
    /// `unit price × quantity`.
    pub subtotal: Money,
    /// This line's share of the order discount.
    pub discount: Money,
    /// The tax of `subtotal − discount` (contained in it when prices include tax).
    pub tax: Money,
    /// What the shopper pays for the line: `subtotal − discount (+ tax when prices exclude it)`.
    pub total: Money,
}

/// The totals of a cart or an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub price_mode: PriceMode,
    pub lines: Vec<LineTotals>,
    pub subtotal: Money,
    pub discount: Money,
    pub shipping: Money,
    /// Added to the grand total when prices exclude tax; contained in it when they include it.
    pub tax: Money,
    pub grand_total: Money,
}

impl PricingRules {
    pub fn price(&self, request: &PricingRequest<'_>) -> Result<Totals, PricingError> {
        let currency = request.currency;
        let money = |amount_minor: i64, what: &'static str| {
            if !(0..=MAX_MINOR_UNITS).contains(&amount_minor) {
                return Err(PricingError::TooLarge { what });
            }
            Ok(Money {
                amount_minor,
                currency,
            })
        };

        let line_subtotals = line_subtotals(currency, request.lines)?;
        let sum: i128 = line_subtotals.iter().map(|&v| i128::from(v)).sum();
        let subtotal = money(i64::try_from(sum).unwrap_or(i64::MAX), "cart subtotal")?;

        let discount = match &request.discount {
            Some(use_) => check_use(use_, subtotal)?,
            None => 0,
        };
        let line_discounts = allocate_discount(discount, &line_subtotals)?;
        let goods = money(subtotal.amount_minor - discount, "cart subtotal")?;

        let shipping = match request.shipping_method {
            Some(method) if !request.lines.is_empty() => {
                self.shipping.quote(method, goods)?.amount_minor
            }
            _ => 0,
        };

        let mode = self.tax.mode;
        let rates = self.tax.rates_for(request.country);
        let mut lines = Vec::with_capacity(request.lines.len());
        let mut tax = 0;
        for ((line, &line_subtotal), &line_discount) in request
            .lines
            .iter()
            .zip(&line_subtotals)
            .zip(&line_discounts)
        {
            let taxable = line_subtotal - line_discount;
            let line_tax = tax_of(taxable, rates.rate(line.tax_class), mode);
            tax += line_tax;
            lines.push(LineTotals {
                subtotal: money(line_subtotal, "line subtotal")?,
                discount: money(line_discount, "line discount")?,
                tax: money(line_tax, "line tax")?,
                total: money(taxable + added_tax(mode, line_tax), "line total")?,
            });
        }
        let grand_total = goods.amount_minor + shipping + added_tax(mode, tax);
        Ok(Totals {
            price_mode: mode,
            lines,
            subtotal,
            discount: money(discount, "discount")?,
            shipping: money(shipping, "shipping")?,
            tax: money(tax, "tax")?,
            grand_total: money(grand_total, "order total")?,
        })
    }
}

/// The part of a tax amount that is added on top of prices: all of it when prices exclude tax,
/// none when they already contain it.
fn added_tax(mode: PriceMode, tax: i64) -> i64 {
    match mode {
        PriceMode::TaxExclusive => tax,
        PriceMode::TaxInclusive => 0,
    }
}

fn line_subtotals(currency: Currency, lines: &[PriceLine]) -> Result<Vec<i64>, PricingError> {
    lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            let what = || format!("the price of line {}", index + 1);
            same_currency(what, currency, line.unit_price)?;
            if line.unit_price.amount_minor < 0 {
                return Err(PricingError::NegativePrice { line: index + 1 });
            }
            line.unit_price
                .times(line.quantity.get())
                .map(|m| m.amount_minor)
                .map_err(|_| PricingError::TooLarge {
                    what: "line subtotal",
                })
        })
        .collect()
}

fn allocate_discount(discount: i64, line_subtotals: &[i64]) -> Result<Vec<i64>, PricingError> {
    let to_u64 = |v: i64| u64::try_from(v).unwrap_or(0);
    let weights: Vec<u64> = line_subtotals.iter().map(|&v| to_u64(v)).collect();
    let shares =
        allocate(to_u64(discount), &weights).ok_or(PricingError::TooLarge { what: "discount" })?;
    Ok(shares
        .into_iter()
        .map(|s| i64::try_from(s).unwrap_or(i64::MAX))
        .collect())
}
