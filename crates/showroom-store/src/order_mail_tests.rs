//! The order mail renderer: subjects, totals, notice-specific facts, and HTML escaping.

use showroom_domain::{
    Currency, CustomerNotice, DiscountCode, Email, Money, OrderNumber, OrderState, PriceMode,
    Quantity, RawAddress, ShippingAddress, Sku, TrackingNumber,
};
use uuid::Uuid;

use super::render_order_mail;
use crate::{Order, OrderLine, OrderTotals};

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::parse("EUR").unwrap()).unwrap()
}

fn order(name: &str, title: &str, mode: PriceMode) -> Order {
    let address = ShippingAddress::new(RawAddress {
        name: name.into(),
        line1: "1 Harbour Street".into(),
        line2: Some("Flat 3 & 4".into()),
        postal_code: "10115".into(),
        city: "Berlin".into(),
        country: "DE".into(),
    })
    .unwrap();
    Order {
        id: Uuid::nil(),
        number: OrderNumber::from_sequence(42).unwrap(),
        state: OrderState::Paid,
        customer_id: None,
        email: Email::parse("Grace@Example.com").unwrap(),
        shipping_address: address,
        shipping_method: None,
        discount_code: None,
        lines: vec![OrderLine {
            variant_id: Uuid::nil(),
            product_id: Uuid::nil(),
            title: title.into(),
            sku: Sku::parse("LAMP-1").unwrap(),
            unit_price: eur(2_500),
            quantity: Quantity::new(2).unwrap(),
            subtotal: eur(5_000),
            discount: eur(0),
            tax: eur(798),
            total: eur(5_000),
        }],
        totals: OrderTotals {
            price_mode: mode,
            subtotal: eur(5_000),
            discount: eur(0),
            shipping: eur(490),
            tax: eur(798),
            grand_total: eur(5_490),
        },
        refunded: eur(0),
        tracking: None,
        payment_ref: Some("pay-1".into()),
        reserved_until: None,
        created_at: 0,
        updated_at: 0,
    }
}

#[test]
fn a_confirmation_lists_lines_totals_and_the_address_in_both_parts() {
    let mail = render_order_mail(
        CustomerNotice::OrderConfirmed,
        &order("Grace Hopper", "Oak Lamp", PriceMode::TaxInclusive),
        None,
    );
    assert_eq!(mail.to, "Grace@Example.com");
    assert_eq!(mail.subject, "Order SR-000042 confirmed");
    for part in [&mail.text, &mail.html] {
        for expected in [
            "Hello Grace Hopper,",
            "Oak Lamp",
            "LAMP-1",
            "50.00 EUR",
            "4.90 EUR",
            "Tax (incl.)",
            "7.98 EUR",
            "54.90 EUR",
            "1 Harbour Street",
            "10115 Berlin",
            "DE",
        ] {
            assert!(part.contains(expected), "{expected} missing from {part}");
        }
        assert!(!part.contains("Discount"), "no discount, no row: {part}");
    }
    assert!(mail.text.contains("Oak Lamp (LAMP-1) x 2  50.00 EUR"));
    assert!(mail.html.contains("Flat 3 &amp; 4"));
    assert!(mail.text.contains("Flat 3 & 4"));
}

#[test]
fn tax_added_to_prices_is_not_marked_included() {
    let mail = render_order_mail(
        CustomerNotice::OrderConfirmed,
        &order("Grace Hopper", "Oak Lamp", PriceMode::TaxExclusive),
        None,
    );
    assert!(mail.text.contains("Tax: 7.98 EUR"), "{}", mail.text);
    assert!(!mail.text.contains("incl."));
}

#[test]
fn a_discount_is_shown_negative_with_its_code() {
    let mut discounted = order("Grace Hopper", "Oak Lamp", PriceMode::TaxInclusive);
    discounted.totals.discount = eur(500);
    discounted.discount_code = Some(DiscountCode::parse("spring-10").unwrap());
    let mail = render_order_mail(CustomerNotice::OrderConfirmed, &discounted, None);
    assert!(
        mail.text.contains("Discount: -5.00 EUR (SPRING-10)"),
        "{}",
        mail.text
    );
}

#[test]
fn every_user_provided_string_is_escaped_in_html() {
    let mut hostile = order(
        "<script>alert(1)</script>",
        "Lamp \"<b>bold</b>\"",
        PriceMode::TaxInclusive,
    );
    hostile.tracking = Some(TrackingNumber::parse("<img src=x>").unwrap());
    let mail = render_order_mail(CustomerNotice::OrderShipped, &hostile, None);
    assert!(!mail.html.contains("<script>"), "{}", mail.html);
    assert!(!mail.html.contains("<b>bold"), "{}", mail.html);
    assert!(!mail.html.contains("<img"), "{}", mail.html);
    assert!(mail.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(mail
        .html
        .contains("Lamp &quot;&lt;b&gt;bold&lt;/b&gt;&quot;"));
    // The text part is not HTML: it keeps what the shopper typed.
    assert!(mail.text.contains("Hello <script>alert(1)</script>,"));
}

#[test]
fn a_shipped_mail_names_the_tracking_number() {
    let mut shipped = order("Grace Hopper", "Oak Lamp", PriceMode::TaxInclusive);
    shipped.state = OrderState::Fulfilled;
    shipped.tracking = Some(TrackingNumber::parse("1Z999AA10123456784").unwrap());
    let mail = render_order_mail(CustomerNotice::OrderShipped, &shipped, None);
    assert_eq!(mail.subject, "Order SR-000042 shipped");
    assert!(mail.text.contains("Tracking number: 1Z999AA10123456784"));
    assert!(mail.html.contains("1Z999AA10123456784"));
}

#[test]
fn refund_and_cancellation_mails_name_the_amount_given_back() {
    let mut refunded = order("Grace Hopper", "Oak Lamp", PriceMode::TaxInclusive);
    refunded.state = OrderState::PartiallyRefunded;
    refunded.refunded = eur(1_500);
    let mail = render_order_mail(CustomerNotice::RefundIssued, &refunded, Some(eur(1_000)));
    assert_eq!(mail.subject, "Refund for order SR-000042");
    assert!(
        mail.text.contains("Refunded now: 10.00 EUR"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("Refunded in total: 15.00 EUR"));

    let mut cancelled = order("Grace Hopper", "Oak Lamp", PriceMode::TaxInclusive);
    cancelled.state = OrderState::Cancelled;
    cancelled.refunded = eur(5_490);
    let mail = render_order_mail(CustomerNotice::OrderCancelled, &cancelled, Some(eur(5_490)));
    assert_eq!(mail.subject, "Order SR-000042 cancelled");
    assert!(
        mail.text.contains("Refunded now: 54.90 EUR"),
        "{}",
        mail.text
    );
    let nothing = render_order_mail(CustomerNotice::OrderCancelled, &cancelled, Some(eur(0)));
    assert!(!nothing.text.contains("Refunded"), "{}", nothing.text);
}
