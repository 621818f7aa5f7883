//! A checkout whose first attempt died before paying (its instance was killed, or the database
//! went away mid-payment) is finished by the shopper's retry with the same Idempotency-Key,
//! once that attempt can no longer be paying: the order is paid once and the stock sold once.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use showroom_domain::{Email, IdempotencyKey, Quantity, RawAddress, ShippingAddress, Slug};
use showroom_shop::Buyer;
use showroom_store::{NewOrder, NewOrderLine, Order};

use crate::checkout::{body, post_checkout, product_with_stock, stock, SUCCESS};
use crate::helpers::{spawn_configured, TestApp};

/// The order a first attempt of `body(variant_id, quantity, …)` under `key` places before it
/// pays (stock reserved for `hold`, no payment), as the API stores it; shared with the sweeper
/// test, whose abandoned checkout is the same thing.
pub(crate) async fn unpaid_order(
    app: &TestApp,
    key: &str,
    variant_id: &str,
    quantity: i64,
    hold: Duration,
) -> Order {
    let checkout = &app.state.shop.checkout;
    let (order, _) = app
        .state
        .catalog
        .place_order(
            NewOrder {
                customer_id: None,
                discount_code: None,
                // As the API stores an API client's key: scoped to a buyer without a session.
                idempotency_key: Buyer::default().scoped_key(&IdempotencyKey::parse(key).unwrap()),
                email: Email::parse("Guest@Example.com").unwrap(),
                shipping_address: ShippingAddress::new(RawAddress {
                    name: "Ada Lovelace".into(),
                    line1: "1 Analytical St".into(),
                    line2: None,
                    postal_code: "10001".into(),
                    city: "New York".into(),
                    country: "US".into(),
                })
                .unwrap(),
                currency: checkout.currency(),
                lines: vec![NewOrderLine {
                    variant_id: variant_id.parse().unwrap(),
                    quantity: Quantity::new(quantity).unwrap(),
                }],
                shipping_method: Some(Slug::parse("standard").unwrap()),
                pricing: checkout.settings().pricing.clone(),
            },
            hold,
        )
        .await
        .unwrap();
    order
}

#[tokio::test]
async fn a_retry_pays_the_order_whose_first_attempt_died() {
    let app = spawn_configured(|config| config.checkout.payment_timeout_secs = 1).await;
    let (product_id, variant_id) = product_with_stock(&app, "orphan", 5).await;
    unpaid_order(&app, "orphan-1", &variant_id, 2, Duration::from_secs(900)).await;
    assert_eq!(
        stock(&app, &product_id).await,
        (3, 5, 2),
        "reserved, not sold"
    );

    let started = Instant::now();
    let retry = post_checkout(&app, "orphan-1", &body(&variant_id, 2, SUCCESS)).await;
    assert_eq!(
        retry.status(),
        StatusCode::OK,
        "a replay of the first attempt"
    );
    let order: Value = retry.json().await.unwrap();
    assert_eq!(order["state"], "paid", "{order}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "answered after {:?}: it waited only while the first attempt could be paying",
        started.elapsed()
    );
    assert_eq!(stock(&app, &product_id).await, (3, 3, 0), "sold once");

    let again = post_checkout(&app, "orphan-1", &body(&variant_id, 2, SUCCESS)).await;
    assert_eq!(again.status(), StatusCode::OK);
    let same: Value = again.json().await.unwrap();
    assert_eq!(same["id"], order["id"]);
    assert_eq!(same["state"], "paid");
    assert_eq!(app.orders_of("guest@example.com").await.len(), 1);
    assert_eq!(stock(&app, &product_id).await, (3, 3, 0), "still sold once");
    app.stop().await;
}
