//! Tax per destination country from `[checkout] tax_rates`: the same cart costs a different tax
//! in Germany and in the United States, and a bad country code stops start-up with a message
//! naming the setting.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{json, Value};
use tempfile::TempDir;

use crate::helpers::{fresh_database_url, spawn_with, test_config};

fn taxed_config(dir: &TempDir, url: String, rates: &[(&str, u32)]) -> showroom::Config {
    let prefix = format!("showroom-test:{}:", uuid::Uuid::new_v4().simple());
    let mut config = test_config(dir, url, &prefix);
    config.checkout.prices_include_tax = false;
    config.checkout.tax_rate_basis_points = 500;
    config.checkout.tax_rates = rates
        .iter()
        .map(|(code, bp)| ((*code).to_owned(), *bp))
        .collect::<BTreeMap<_, _>>();
    config
}

#[tokio::test]
async fn each_destination_pays_its_own_tax_rate_on_the_same_cart() {
    let dir = TempDir::new().unwrap();
    let url = fresh_database_url(&dir).await;
    let config = taxed_config(&dir, url, &[("DE", 1_900), ("fr", 2_000)]);
    let app = spawn_with(config, std::sync::Arc::new(dir)).await;
    let product = app
        .published_product("tax-lamp", "Lamp", &[("TAX-1", "Oak", 2_999, 10)])
        .await;
    let variant = product["variants"][0]["id"].as_str().unwrap();
    let mut taxes = Vec::new();
    for (n, country) in ["DE", "FR", "US"].iter().enumerate() {
        let body = json!({
            "email": "buyer@example.com",
            "shipping_address": {"name": "Ada Lovelace", "line1": "1 Analytical St", "postal_code": "10115",
                                 "city": "Berlin", "country": country},
            "lines": [{"variant_id": variant, "quantity": 3}],
            "payment": {"card_number": "4242 4242 4242 4242"},
        });
        let response = app
            .client
            .post(app.url("/api/v1/checkout"))
            .header("Idempotency-Key", format!("tax-country-{n:04}"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let order: Value = response.json().await.unwrap();
        let totals = &order["totals"];
        let amount = |key: &str| totals[key]["amount_minor"].as_i64().unwrap();
        assert_eq!(
            amount("grand_total"),
            amount("subtotal") - amount("discount") + amount("shipping") + amount("tax"),
            "tax-exclusive totals add up: {totals}"
        );
        taxes.push(amount("tax"));
    }
    // 3 × 29.99 = 89.97: 19 % = 17.0943 → 17.09, 20 % = 17.994 → 17.99, 5 % = 4.4985 → 4.50.
    assert_eq!(taxes, [1_709, 1_799, 450]);
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_country_or_an_impossible_rate_stops_start_up_naming_the_setting() {
    for rates in [[("Germany", 1_900)], [("DE", 10_001)]] {
        let dir = TempDir::new().unwrap();
        let url = format!("sqlite://{}/showroom.db", dir.path().display());
        let config = taxed_config(&dir, url, &rates);
        let error = showroom::build_state(&config)
            .await
            .err()
            .expect("start-up refuses");
        let message = error.to_string();
        assert!(
            message.contains("checkout.tax_rates")
                && message.contains("SHOWROOM_CHECKOUT__TAX_RATES"),
            "{message}"
        );
    }
}
