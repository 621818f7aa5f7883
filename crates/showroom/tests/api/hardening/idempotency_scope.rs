//! Idempotency keys are scoped to their buyer (issue 14, item 13): someone who learns a guest's
//! key, email and address and sends the same checkout from their own session gets a checkout of
//! their own, never the guest's order or its order token; a signed-in customer's retry from
//! another device still finds the first order.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::accounts::PASSWORD;
use crate::browser::{signed_in_on_two_devices, Browser};
use crate::cart::session;
use crate::checkout::{body, product_with_stock, SUCCESS};
use crate::helpers::spawn_app;

/// Sends a checkout with `key` on `request` (a POST to /api/v1/checkout).
async fn checkout(
    request: reqwest::RequestBuilder,
    key: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let response = request
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn a_guests_key_sent_from_another_session_names_another_checkout() {
    let app = spawn_app().await;
    let (_, variant) = product_with_stock(&app, "scoped-lamp", 10).await;
    let order = body(&variant, 1, SUCCESS);
    let url = app.url("/api/v1/checkout");
    let buyer = session(&app).await;
    let snooper = session(&app).await;
    // Each client's session exists (a cart write started it).
    for client in [&buyer, &snooper] {
        let started = client
            .post(app.url("/api/v1/cart/lines"))
            .json(&json!({"variant_id": variant, "quantity": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(started.status(), StatusCode::OK);
    }

    let (status, first) = checkout(buyer.post(&url), "shared-key-0001", &order).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, retried) = checkout(buyer.post(&url), "shared-key-0001", &order).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the buyer's own retry replays: {retried}"
    );
    assert_eq!(retried["id"], first["id"]);

    let (status, theirs) = checkout(snooper.post(&url), "shared-key-0001", &order).await;
    assert_eq!(status, StatusCode::CREATED, "{theirs}");
    assert_ne!(
        theirs["id"], first["id"],
        "another session got the buyer's order"
    );
    assert_ne!(theirs["order_token"], first["order_token"]);
}

#[tokio::test]
async fn a_customers_retry_from_another_device_finds_the_first_order() {
    let app = spawn_app().await;
    let (_, variant) = product_with_stock(&app, "device-lamp", 10).await;
    let order = body(&variant, 1, SUCCESS);
    let (phone, laptop) = signed_in_on_two_devices(&app, "retrying@example.com", PASSWORD).await;

    let place_from = |device: &Browser| {
        checkout(
            device.request(Method::POST, "/api/v1/checkout"),
            "device-key-0001",
            &order,
        )
    };
    let (status, first) = place_from(&phone).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, again) = place_from(&laptop).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["id"], first["id"]);
}
