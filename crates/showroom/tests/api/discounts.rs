//! Discount codes over HTTP: created by an admin, applied at checkout with the totals showing
//! it, refused with a 422 on `discount_code` when unknown, expired, switched off, used up or
//! below its minimum (nothing reserved), never used past its limit under concurrent checkouts,
//! and previewed in the cart.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::browser::Browser;
use crate::checkout::post_checkout as checkout;
use crate::helpers::{assert_invalid, count, spawn_app, statuses, TestApp};

async fn lamp(app: &TestApp, slug: &str, stock: i64) -> String {
    app.one_variant(slug, "Lamp", 4_000, stock).await.1
}

fn body(variant: &str, quantity: i64, code: &str) -> Value {
    json!({
        "email": "buyer@example.com",
        "shipping_address": {"name": "Ada Lovelace", "line1": "1 Analytical St", "postal_code": "10001",
                             "city": "New York", "country": "US"},
        "lines": [{"variant_id": variant, "quantity": quantity}],
        "discount_code": code,
        "payment": {"card_number": "4242 4242 4242 4242"},
    })
}

async fn create(app: &TestApp, code: Value) -> Value {
    app.admin_create("/api/v1/admin/discount-codes", code).await
}

#[tokio::test]
async fn a_code_is_applied_at_checkout_and_every_refusal_names_the_code() {
    let app = spawn_app().await;
    let variant = lamp(&app, "code-lamp", 50).await;
    let created = create(
        &app,
        json!({"code": "spring-10", "percent_basis_points": 1000, "usage_limit": 100}),
    )
    .await;
    assert_eq!(created["code"], "SPRING-10");
    create(&app, json!({"code": "old-deal", "percent_basis_points": 500, "expires_at": "2020-01-01T00:00:00Z"})).await;
    create(
        &app,
        json!({"code": "big-basket", "amount": {"amount_minor": 1000, "currency": "USD"},
                        "minimum_subtotal": {"amount_minor": 100000, "currency": "USD"}}),
    )
    .await;
    create(
        &app,
        json!({"code": "paused", "percent_basis_points": 2000}),
    )
    .await;
    app.admin_patch(
        "/api/v1/admin/discount-codes/paused",
        json!({"active": false}),
    )
    .await;
    let duplicate = app
        .admin(
            Method::POST,
            "/api/v1/admin/discount-codes",
            Some(json!({"code": "SPRING-10", "percent_basis_points": 1})),
        )
        .await;
    assert_eq!(duplicate.status(), StatusCode::CONFLICT);
    let both = app
        .admin(Method::POST, "/api/v1/admin/discount-codes",
               Some(json!({"code": "both-1", "percent_basis_points": 1, "amount": {"amount_minor": 1, "currency": "USD"}})))
        .await;
    assert_eq!(both.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let paid = checkout(&app, "code-order-0001", &body(&variant, 2, "spring-10")).await;
    assert_eq!(paid.status(), StatusCode::CREATED);
    let order: Value = paid.json().await.unwrap();
    assert_eq!(order["totals"]["subtotal"]["amount_minor"], 8_000);
    assert_eq!(order["totals"]["discount"]["amount_minor"], 800);
    let read = app
        .admin_get("/api/v1/admin/discount-codes/Spring-10")
        .await;
    assert_eq!(read["times_used"], 1);

    for (n, code) in ["old-deal", "big-basket", "paused", "no-such-code", "!!"]
        .iter()
        .enumerate()
    {
        let refused = checkout(
            &app,
            &format!("code-refused-{n:04}"),
            &body(&variant, 1, code),
        )
        .await;
        let problem = assert_invalid(refused, "discount_code").await;
        assert!(!problem["detail"].as_str().unwrap().is_empty());
    }
    let slug = showroom_domain::Slug::parse("code-lamp").unwrap();
    let product = app
        .state
        .catalog
        .product_by_slug(&slug)
        .await
        .unwrap()
        .unwrap();
    let variant = &product.variants[0];
    assert_eq!(
        (variant.on_hand, variant.reserved),
        (48, 0),
        "only the paid order's units left the shelf; refusals reserved nothing"
    );
    app.stop().await;
}

#[tokio::test]
async fn concurrent_checkouts_never_use_a_code_past_its_limit() {
    let app = spawn_app().await;
    let variant = lamp(&app, "limited-lamp", 100).await;
    create(
        &app,
        json!({"code": "first-three", "percent_basis_points": 2500, "usage_limit": 3}),
    )
    .await;
    let attempts: Vec<_> = (0..12)
        .map(|n| {
            let (client, url, body) = (
                app.client.clone(),
                app.url("/api/v1/checkout"),
                body(&variant, 1, "first-three"),
            );
            tokio::spawn(async move {
                client
                    .post(url)
                    .header("Idempotency-Key", format!("limited-{n:04}"))
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    let statuses = statuses(attempts).await;
    let created = count(&statuses, StatusCode::CREATED);
    let refused = count(&statuses, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!((created, refused), (3, 9), "{statuses:?}");
    let read = app
        .admin_get("/api/v1/admin/discount-codes/first-three")
        .await;
    assert_eq!(read["times_used"], 3);
    app.stop().await;
}

#[tokio::test]
async fn the_cart_previews_its_code_and_says_why_one_does_not_apply() {
    let app = spawn_app().await;
    let variant = lamp(&app, "preview-lamp", 10).await;
    create(
        &app,
        json!({"code": "five-off", "amount": {"amount_minor": 500, "currency": "USD"},
                        "minimum_subtotal": {"amount_minor": 6000, "currency": "USD"}}),
    )
    .await;
    let browser = Browser::open(&app).await;
    let add = |quantity: i64| {
        browser.send(
            Method::POST,
            "/api/v1/cart/lines",
            Some(json!({"variant_id": variant, "quantity": quantity})),
        )
    };
    assert_eq!(add(1).await.status(), StatusCode::OK);
    let with_code: Value = browser
        .send(
            Method::PUT,
            "/api/v1/cart/discount-code",
            Some(json!({"code": "five-off"})),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(with_code["totals"]["discount"]["amount_minor"], 0);
    assert!(
        with_code["discount_problem"]
            .as_str()
            .unwrap()
            .contains("at least"),
        "{with_code}"
    );
    let more: Value = add(1).await.json().await.unwrap();
    assert_eq!(more["totals"]["discount"]["amount_minor"], 500, "{more}");
    assert!(more["discount_problem"].is_null());

    let paid = browser
        .request(Method::POST, "/api/v1/cart/checkout")
        .header("Idempotency-Key", "cart-code-0001")
        .json(&json!({
            "email": "buyer@example.com",
            "shipping_address": {"name": "Ada Lovelace", "line1": "1 Analytical St", "postal_code": "10001",
                                 "city": "New York", "country": "US"},
            "payment": {"card_number": "4242 4242 4242 4242"},
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(paid.status(), StatusCode::CREATED);
    let order: Value = paid.json().await.unwrap();
    assert_eq!(order["totals"]["discount"]["amount_minor"], 500);
    app.stop().await;
}
