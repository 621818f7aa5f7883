//! Guest checkout over HTTP: never oversold under a flash sale, idempotent under concurrent
//! retries, every payment failure answered with its code and its stock returned, client prices
//! refused, orders readable only with their token, abandoned reservations swept.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, spawn_configured, TestApp};

pub(crate) const SUCCESS: &str = "4242 4242 4242 4242";

/// A published product with one variant of `stock` units at 25.00; returns (product, variant).
pub(crate) async fn product_with_stock(app: &TestApp, slug: &str, stock: i64) -> (String, String) {
    app.one_variant(slug, "Lamp", 2_500, stock).await
}

pub(crate) fn body(variant_id: &str, quantity: i64, card: &str) -> Value {
    order_body("Guest@Example.com", variant_id, quantity, card)
}

/// A guest checkout body: `quantity` of one variant, shipped standard to a New York address.
pub(crate) fn order_body(email: &str, variant_id: &str, quantity: i64, card: &str) -> Value {
    json!({
        "email": email,
        "shipping_address": {"name": "Ada Lovelace", "line1": "1 Analytical St", "postal_code": "10001",
                             "city": "New York", "country": "US"},
        "shipping_method": "standard",
        "lines": [{"variant_id": variant_id, "quantity": quantity}],
        "payment": {"card_number": card},
    })
}

pub(crate) async fn post_checkout(app: &TestApp, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/checkout"))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .expect("POST /api/v1/checkout")
}

/// `(available, on_hand, reserved)` of the product's first variant, from the admin read.
pub(crate) async fn stock(app: &TestApp, product_id: &str) -> (i64, i64, i64) {
    let product = app
        .admin_get(&format!("/api/v1/admin/products/{product_id}"))
        .await;
    let v = &product["variants"][0];
    (
        v["available"].as_i64().unwrap(),
        v["on_hand"].as_i64().unwrap(),
        v["reserved"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn a_paid_checkout_returns_the_order_with_server_prices_and_snapshots() {
    let app = spawn_app().await;
    let (product_id, variant_id) = product_with_stock(&app, "lamp", 6).await;

    let response = post_checkout(&app, "key-success-1", &body(&variant_id, 2, SUCCESS)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    let order: Value = response.json().await.unwrap();
    assert_eq!(order["state"], "paid");
    assert!(
        order["number"].as_str().unwrap().starts_with("SR-"),
        "{order}"
    );
    assert_eq!(order["email"], "Guest@Example.com");
    let line = &order["lines"][0];
    assert_eq!(
        (line["title"].as_str(), line["sku"].as_str()),
        (Some("Lamp"), Some("LAMP-1"))
    );
    assert_eq!(line["unit_price"]["amount_minor"], 2_500);
    assert_eq!(line["quantity"], 2);
    // 50.00 of goods is below the free-shipping threshold: standard shipping is 5.00.
    assert_eq!(order["totals"]["subtotal"]["amount_minor"], 5_000);
    assert_eq!(order["totals"]["shipping"]["amount_minor"], 500);
    assert_eq!(order["totals"]["grand_total"]["amount_minor"], 5_500);
    assert_eq!(order["totals"]["grand_total"]["currency"], "USD");
    assert_eq!(stock(&app, &product_id).await, (4, 4, 0));

    // From 100.00 of goods, shipping is free.
    let free = post_checkout(&app, "key-success-2", &body(&variant_id, 4, SUCCESS)).await;
    assert_eq!(free.status(), StatusCode::CREATED);
    let order: Value = free.json().await.unwrap();
    assert_eq!(order["totals"]["shipping"]["amount_minor"], 0, "{order}");
    assert_eq!(order["totals"]["grand_total"]["amount_minor"], 10_000);
    app.stop().await;
}

#[tokio::test]
async fn a_flash_sale_sells_exactly_the_stock_and_never_goes_negative() {
    let app = Arc::new(spawn_app().await);
    let (product_id, variant_id) = product_with_stock(&app, "flash", 10).await;

    let done = Arc::new(AtomicBool::new(false));
    let lowest = Arc::new(AtomicI64::new(i64::MAX));
    let poller = {
        let (app, done, lowest, product_id) = (
            app.clone(),
            done.clone(),
            lowest.clone(),
            product_id.clone(),
        );
        tokio::spawn(async move {
            let mut reads = 0;
            while !done.load(Ordering::SeqCst) {
                let (available, _, _) = stock(&app, &product_id).await;
                lowest.fetch_min(available, Ordering::SeqCst);
                reads += 1;
            }
            reads
        })
    };
    let attempts = (0..200).map(|i| {
        let (app, body) = (app.clone(), body(&variant_id, 1, SUCCESS));
        async move {
            let response = post_checkout(&app, &format!("flash-sale-{i:04}"), &body).await;
            let status = response.status();
            (status, response.json::<Value>().await.unwrap())
        }
    });
    let results = futures::future::join_all(attempts).await;
    done.store(true, Ordering::SeqCst);
    let reads = poller.await.unwrap();

    let paid: Vec<_> = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .collect();
    let outcomes: std::collections::BTreeMap<String, usize> =
        results
            .iter()
            .fold(Default::default(), |mut seen, (status, body)| {
                *seen
                    .entry(format!("{status} {}", body["code"]))
                    .or_default() += 1;
                seen
            });
    assert_eq!(
        paid.len(),
        10,
        "exactly the stock is sold; answers: {outcomes:?}"
    );
    assert!(paid.iter().all(|(_, order)| order["state"] == "paid"));
    for (status, body) in results.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
        assert_eq!(*status, StatusCode::CONFLICT, "{body}");
        // Sold out, or held by a winner whose payment was still going through.
        assert!(
            body["code"] == "sold_out" || body["code"] == "stock_held",
            "{body}"
        );
        assert!(
            body["detail"].as_str().unwrap().contains("FLASH-1")
                || body["detail"].as_str().unwrap().contains("Lamp"),
            "{body}"
        );
    }
    assert!(reads > 0);
    assert!(
        lowest.load(Ordering::SeqCst) >= 0,
        "stock was observed below zero"
    );
    assert_eq!(stock(&app, &product_id).await, (0, 0, 0));
    Arc::into_inner(app).unwrap().stop().await;
}

#[tokio::test]
async fn the_same_idempotency_key_five_times_at_once_makes_one_order_and_one_body() {
    let app = Arc::new(spawn_app().await);
    let (product_id, variant_id) = product_with_stock(&app, "retry", 10).await;
    let attempts = (0..5).map(|_| {
        let (app, body) = (app.clone(), body(&variant_id, 1, SUCCESS));
        async move {
            let response = post_checkout(&app, "same-key-0001", &body).await;
            (response.status(), response.text().await.unwrap())
        }
    });
    let results = futures::future::join_all(attempts).await;
    let created = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "{results:?}");
    assert!(
        results
            .iter()
            .all(|(s, _)| *s == StatusCode::CREATED || *s == StatusCode::OK),
        "{results:?}"
    );
    assert!(
        results.iter().all(|(_, body)| body == &results[0].1),
        "{results:?}"
    );
    assert_eq!(
        stock(&app, &product_id).await,
        (9, 9, 0),
        "one unit sold, once"
    );
    Arc::into_inner(app).unwrap().stop().await;
}

#[tokio::test]
async fn failed_payments_answer_402_with_their_code_and_return_the_stock() {
    let app = spawn_configured(|config| config.checkout.payment_timeout_secs = 1).await;
    let (product_id, variant_id) = product_with_stock(&app, "fail", 3).await;

    for (card, code) in [
        ("4000 0000 0000 0002", "payment_declined"),
        ("4000000000009995", "insufficient_funds"),
        ("4000-0000-0000-0119", "payment_error"),
        ("4000 0000 0000 3220", "payment_timeout"),
    ] {
        let key = format!("fail-{code}");
        let response = post_checkout(&app, &key, &body(&variant_id, 2, card)).await;
        assert_eq!(response.headers()["cache-control"], "private, no-store");
        let first = assert_problem(response, StatusCode::PAYMENT_REQUIRED, code, None).await;
        assert_eq!(
            stock(&app, &product_id).await,
            (3, 3, 0),
            "{code}: the stock is back"
        );
        // A retry answers the same, without paying again.
        let again = post_checkout(&app, &key, &body(&variant_id, 2, SUCCESS)).await;
        assert_eq!(
            assert_problem(again, StatusCode::PAYMENT_REQUIRED, code, None).await,
            first
        );
    }
    let orders = app.orders_of("guest@example.com").await;
    assert_eq!(orders.len(), 4);
    assert!(
        orders.iter().all(|o| o.state.as_str() == "cancelled"),
        "no paid order"
    );
    app.stop().await;
}

#[tokio::test]
async fn bad_checkouts_are_refused_naming_the_field_and_write_nothing() {
    let app = spawn_app().await;
    let (product_id, variant_id) = product_with_stock(&app, "strict", 5).await;
    let draft = app
        .admin_create("/api/v1/admin/products", json!({"slug": "draft", "title": "Draft", "description": "Not yet", "options": [{"name": "Color", "values": ["Red"]}]}))
        .await;
    let draft_variant = app
        .admin_create(&format!("/api/v1/admin/products/{}/variants", draft["id"].as_str().unwrap()),
            json!({"sku": "DRAFT-1", "option_values": {"Color": "Red"}, "price": {"amount_minor": 100, "currency": "USD"}, "on_hand": 5}))
        .await;

    let with = |edit: &dyn Fn(&mut Value)| {
        let mut b = body(&variant_id, 1, SUCCESS);
        edit(&mut b);
        b
    };
    let cases: Vec<(Value, &str)> = vec![
        (
            with(&|b| b["lines"][0]["unit_price"] = json!(1)),
            "lines[0].unit_price",
        ),
        (
            with(&|b| b["total"] = json!({"amount_minor": 1, "currency": "USD"})),
            "total",
        ),
        (
            with(&|b| b["lines"][0]["quantity"] = json!(0)),
            "lines[0].quantity",
        ),
        (
            with(&|b| b["lines"][0]["quantity"] = json!(-3)),
            "lines[0].quantity",
        ),
        (
            with(&|b| b["lines"][0]["quantity"] = json!(1_000_000_000)),
            "lines[0].quantity",
        ),
        (with(&|b| b["lines"] = json!([])), "lines"),
        (
            with(&|b| b["lines"][0]["variant_id"] = json!(uuid::Uuid::new_v4())),
            "variant_id",
        ),
        (
            with(&|b| b["lines"][0]["variant_id"] = json!(draft_variant["id"])),
            "variant_id",
        ),
        (
            with(&|b| b["lines"][0]["variant_id"] = json!("not-a-uuid")),
            "lines[0].variant_id",
        ),
        (with(&|b| b["email"] = json!("not an email")), "email"),
        (
            with(&|b| b["shipping_address"]["country"] = json!("Narnia")),
            "shipping_address.country",
        ),
        (
            with(&|b| b["shipping_address"]["name"] = json!("  ")),
            "shipping_address.name",
        ),
        (
            with(&|b| b["payment"]["card_number"] = json!("abc")),
            "payment.card_number",
        ),
    ];
    for (i, (body, field)) in cases.iter().enumerate() {
        let response = post_checkout(&app, &format!("bad-input-{i:03}"), body).await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            None,
        )
        .await;
        assert_eq!(problem["field"], *field, "case {i}: {problem}");
    }
    let priced = post_checkout(
        &app,
        "bad-price-1",
        &with(&|b| b["lines"][0]["unit_price"] = json!(1)),
    )
    .await;
    let problem: Value = priced.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("unit_price"),
        "{problem}"
    );

    let no_key = app
        .client
        .post(app.url("/api/v1/checkout"))
        .json(&body(&variant_id, 1, SUCCESS))
        .send()
        .await
        .unwrap();
    assert_problem(
        no_key,
        StatusCode::BAD_REQUEST,
        "missing_idempotency_key",
        Some("Idempotency-Key"),
    )
    .await;
    let short_key = post_checkout(&app, "short", &body(&variant_id, 1, SUCCESS)).await;
    assert_problem(
        short_key,
        StatusCode::BAD_REQUEST,
        "invalid_idempotency_key",
        Some("Idempotency-Key"),
    )
    .await;
    let malformed = app
        .client
        .post(app.url("/api/v1/checkout"))
        .header("Idempotency-Key", "malformed-1")
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_problem(malformed, StatusCode::BAD_REQUEST, "malformed_json", None).await;

    assert_eq!(
        stock(&app, &product_id).await,
        (5, 5, 0),
        "nothing reserved"
    );
    let orders = app.orders_of("guest@example.com").await;
    assert!(orders.is_empty(), "nothing written: {orders:?}");
    app.stop().await;
}
