//! Pricing a cart: the destination, unsold lines and an unknown shipping method.

use showroom_domain::{
    BasisPoints, Money, PriceMode, Quantity, ShippingRates, Sku, Slug, TaxRates, TaxTable,
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
        product_slug: Slug::parse("lamp").unwrap(),
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
        matches!(&err, ShopError::Invalid { field, .. } if field == "shipping_method"),
        "{err:?}"
    );
}
