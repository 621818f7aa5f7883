//! Addresses name a real country: two letters that ISO 3166-1 never assigned (`ZZ`) are a 422 on
//! `shipping_address.country` and make no order; the cart's tax preview refuses them the same way.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_invalid, spawn_app};

#[tokio::test]
async fn checkout_to_an_unassigned_country_is_a_422_on_the_country_and_makes_no_order() {
    let app = spawn_app().await;
    let (_, variant_id) = app.one_variant("nowhere-lamp", "Lamp", 2_500, 3).await;
    let order = |country: &str| {
        json!({
            "email": "guest@example.com",
            "shipping_address": {"name": "Ada Lovelace", "line1": "1 Analytical St",
                                 "postal_code": "10001", "city": "Nowhere", "country": country},
            "lines": [{"variant_id": variant_id, "quantity": 1}],
            "payment": {"card_number": "4242 4242 4242 4242"},
        })
    };
    for (n, country) in ["ZZ", "XK", "uk"].iter().enumerate() {
        let response = app
            .client
            .post(app.url("/api/v1/checkout"))
            .header("Idempotency-Key", format!("country-nowhere-{n}"))
            .json(&order(country))
            .send()
            .await
            .unwrap();
        let problem = assert_invalid(response, "shipping_address.country").await;
        assert!(
            problem["detail"].as_str().unwrap().contains("ISO 3166-1"),
            "{problem}"
        );
    }
    let orders = app.admin_get("/api/v1/admin/orders").await;
    assert_eq!(orders.as_array().map(Vec::len), Some(0), "{orders}");
    let accepted = app
        .client
        .post(app.url("/api/v1/checkout"))
        .header("Idempotency-Key", "country-somewhere-1")
        .json(&order("gb"))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::CREATED);
    let body: Value = accepted.json().await.unwrap();
    assert_eq!(body["shipping_address"]["country"], "GB");
    app.stop().await;
}

#[tokio::test]
async fn the_cart_tax_preview_refuses_an_unassigned_country() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/cart?country=ZZ").await;
    assert_invalid(response, "country").await;
    assert_eq!(
        app.get("/api/v1/cart?country=DE").await.status(),
        StatusCode::OK
    );
    app.stop().await;
}
