//! Stock shown by the product API follows every change within a second (issue 14, item 8): a
//! sale, a declined payment that returns the reservation and a staff cancellation, read through
//! a cache that had the product before the change (300 s time to live before the fix).

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

async fn available(app: &TestApp, slug: &str) -> (i64, String) {
    let response = app.get(&format!("/api/v1/products/{slug}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cache = response.headers()["x-cache"].to_str().unwrap().to_owned();
    let product: Value = response.json().await.unwrap();
    (product["variants"][0]["available"].as_i64().unwrap(), cache)
}

/// Polls the product until it shows `expected` units, for at most a second; how long it took.
async fn shows_within_a_second(app: &TestApp, slug: &str, expected: i64) -> Duration {
    let started = Instant::now();
    loop {
        let (units, _) = available(app, slug).await;
        if units == expected {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "the product still shows {units} available, not {expected}, a second after the change"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn checkout(
    app: &TestApp,
    key: &str,
    variant: &str,
    quantity: i64,
    card: &str,
) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/checkout"))
        .header("Idempotency-Key", key)
        .json(&json!({
            "email": "fresh@example.com",
            "shipping_address": {"name": "Ada Lovelace", "line1": "1 Analytical St",
                                 "postal_code": "10001", "city": "New York", "country": "US"},
            "lines": [{"variant_id": variant, "quantity": quantity}],
            "payment": {"card_number": card},
        }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_sale_a_declined_payment_and_a_cancellation_show_in_the_cached_product_within_a_second() {
    let app = spawn_app().await;
    let (_, variant) = app.one_variant("fresh-lamp", "Lamp", 2_500, 5).await;
    available(&app, "fresh-lamp").await;
    let (units, cache) = available(&app, "fresh-lamp").await;
    assert_eq!(
        (units, cache.as_str()),
        (5, "hit"),
        "the product is cached before the sale"
    );

    let sold = checkout(&app, "fresh-sale", &variant, 2, "4242 4242 4242 4242").await;
    assert_eq!(sold.status(), StatusCode::CREATED);
    let order: Value = sold.json().await.unwrap();
    shows_within_a_second(&app, "fresh-lamp", 3).await;

    // A declined card reserves and returns the units: the shop shows 3 again, never 1.
    available(&app, "fresh-lamp").await;
    let declined = checkout(&app, "fresh-declined", &variant, 2, "4000 0000 0000 0002").await;
    assert_eq!(declined.status(), StatusCode::PAYMENT_REQUIRED);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(available(&app, "fresh-lamp").await.0, 3);

    // Staff cancel the paid order: refunded and restocked.
    let (units, _) = available(&app, "fresh-lamp").await;
    assert_eq!(units, 3);
    app.admin_post(
        &format!(
            "/api/v1/admin/orders/{}/cancel",
            order["id"].as_str().unwrap()
        ),
        json!({}),
    )
    .await;
    shows_within_a_second(&app, "fresh-lamp", 5).await;
    app.stop().await;
}
