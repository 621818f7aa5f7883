//! Units held by a pending payment are not sold out (issue 14, item 9): while another shopper's
//! payment holds the last unit, a checkout gets `409 stock_held` with `Retry-After`, and buys it
//! once that payment fails.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::checkout::post_checkout as checkout;
use crate::helpers::{assert_problem, spawn_configured};

fn order(variant: &str, card: &str) -> Value {
    json!({
        "email": "held@example.com",
        "shipping_address": {"name": "Ada Lovelace", "line1": "1 Analytical St",
                             "postal_code": "10001", "city": "New York", "country": "US"},
        "lines": [{"variant_id": variant, "quantity": 1}],
        "payment": {"card_number": card},
    })
}

#[tokio::test]
async fn the_last_unit_held_by_a_pending_payment_is_stock_held_with_retry_after() {
    let app = spawn_configured(|config| config.checkout.payment_timeout_secs = 2).await;
    let product = app
        .published_product("held-lamp", "Lamp", &[("HELD-LAMP-1", "Oak", 2_500, 1)])
        .await;
    let variant = product["variants"][0]["id"].as_str().unwrap().to_owned();

    // A card that never answers: its order holds the unit until the payment times out.
    let slow = {
        let (client, url, body) = (
            app.client.clone(),
            app.url("/api/v1/checkout"),
            order(&variant, "4000 0000 0000 3220"),
        );
        tokio::spawn(async move {
            client
                .post(url)
                .header("Idempotency-Key", "held-slow")
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;

    let held = checkout(&app, "held-second", &order(&variant, "4242 4242 4242 4242")).await;
    let retry_after: u64 = held.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=901).contains(&retry_after),
        "Retry-After: {retry_after}"
    );
    let problem = assert_problem(held, StatusCode::CONFLICT, "stock_held", None).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("held"),
        "{problem}"
    );

    assert_eq!(
        slow.await.unwrap(),
        StatusCode::PAYMENT_REQUIRED,
        "the slow payment timed out"
    );
    let bought = checkout(&app, "held-third", &order(&variant, "4242 4242 4242 4242")).await;
    assert_eq!(bought.status(), StatusCode::CREATED, "the unit came back");
    let sold_out = checkout(&app, "held-fourth", &order(&variant, "4242 4242 4242 4242")).await;
    assert_problem(sold_out, StatusCode::CONFLICT, "sold_out", None).await;
    app.stop().await;
}
