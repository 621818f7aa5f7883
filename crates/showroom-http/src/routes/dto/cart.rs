//! The cart as the API shows it: every line at the server's current price and stock, its
//! totals when it is for sale, and the cart's totals for the destination asked about.

use serde::Serialize;
use showroom_domain::{PriceMode, Totals};
use showroom_shop::{CartQuote, Destination};
use utoipa::ToSchema;
use uuid::Uuid;

use super::MoneyDto;
use crate::routes::checkout::TotalsDto;

#[derive(Debug, Serialize, ToSchema)]
pub struct CartDto {
    /// `null` until the first line is added.
    pub id: Option<Uuid>,
    /// Oldest first.
    pub lines: Vec<CartLineDto>,
    /// As entered.
    pub discount_code: Option<String>,
    /// Why the code does not apply to this cart right now (unknown, expired, used up, below its
    /// minimum); `null` when it applies or there is none. The checkout refuses such a code.
    pub discount_problem: Option<String>,
    /// The destination the totals were computed for, from the query.
    pub country: Option<String>,
    pub shipping_method: Option<String>,
    /// Of the lines for sale only.
    pub totals: TotalsDto,
}

/// A line at the server's current price and stock.
#[derive(Debug, Serialize, ToSchema)]
pub struct CartLineDto {
    pub variant_id: Uuid,
    pub product_id: Uuid,
    pub title: String,
    pub sku: String,
    pub unit_price: MoneyDto,
    pub quantity: i64,
    /// Units available right now.
    pub available: i64,
    /// Whether checkout would accept the line as it is: the product is for sale and enough
    /// units are available.
    pub sellable: bool,
    /// `null` when the product is no longer for sale (the line counts for nothing).
    pub totals: Option<CartLineTotalsDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CartLineTotalsDto {
    pub subtotal: MoneyDto,
    pub discount: MoneyDto,
    pub tax: MoneyDto,
    pub total: MoneyDto,
}

fn totals_dto(totals: &Totals) -> TotalsDto {
    TotalsDto {
        price_mode: match totals.price_mode {
            PriceMode::TaxInclusive => "tax_inclusive",
            PriceMode::TaxExclusive => "tax_exclusive",
        }
        .to_owned(),
        subtotal: totals.subtotal.into(),
        discount: totals.discount.into(),
        shipping: totals.shipping.into(),
        tax: totals.tax.into(),
        grand_total: totals.grand_total.into(),
    }
}

impl CartDto {
    pub(crate) fn new(quote: CartQuote, destination: &Destination) -> Self {
        let cart = quote.cart;
        let lines = cart
            .as_ref()
            .map(|c| c.lines.clone())
            .unwrap_or_default()
            .into_iter()
            .zip(quote.lines)
            .map(|(line, priced)| CartLineDto {
                variant_id: line.variant_id,
                product_id: line.product_id,
                sellable: line.sellable(),
                title: line.title,
                sku: line.sku.to_string(),
                unit_price: line.unit_price.into(),
                quantity: i64::from(line.quantity),
                available: line.available,
                totals: priced.map(|t| CartLineTotalsDto {
                    subtotal: t.subtotal.into(),
                    discount: t.discount.into(),
                    tax: t.tax.into(),
                    total: t.total.into(),
                }),
            })
            .collect();
        Self {
            id: cart.as_ref().map(|c| c.id),
            lines,
            discount_code: cart.and_then(|c| c.discount_code),
            discount_problem: quote.discount_problem,
            country: destination.country.as_ref().map(ToString::to_string),
            shipping_method: destination
                .shipping_method
                .as_ref()
                .map(ToString::to_string),
            totals: totals_dto(&quote.totals),
        }
    }
}
