//! Leaving the cart: checkout from the cart (the order is made, the cart emptied, a declined
//! card keeps it), the sweeper that deletes stale guest carts, and the guest cart merged into
//! the customer's at login.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use showroom::sweeper::sweep_guest_carts_once;

use crate::cart::{add, cart, minor, quantity_of, session, stocked, DECLINED, SUCCESS};
use crate::helpers::{assert_invalid, spawn_app, TestApp};

fn checkout_body(card: &str) -> Value {
    json!({
        "email": "Guest@Example.com",
        "shipping_address": {"name": "Ada Lovelace", "line1": "1 Analytical St", "postal_code": "10001",
                             "city": "New York", "country": "US"},
        "shipping_method": "standard",
        "payment": {"card_number": card},
    })
}

async fn cart_checkout(
    app: &TestApp,
    client: &reqwest::Client,
    key: Option<&str>,
    body: Value,
) -> reqwest::Response {
    let request = client.post(app.url("/api/v1/cart/checkout")).json(&body);
    let request = match key {
        Some(key) => request.header("Idempotency-Key", key),
        None => request,
    };
    request.send().await.expect("POST /api/v1/cart/checkout")
}

#[tokio::test]
async fn checkout_from_the_cart_creates_the_order_and_empties_the_cart() {
    let app = spawn_app().await;
    let (product_id, lamp) = stocked(&app, "lamp", 2_500, 6).await;
    let guest = session(&app).await;

    let empty = cart_checkout(&app, &guest, Some("cart-key-empty"), checkout_body(SUCCESS)).await;
    assert_invalid(empty, "lines").await;
    add(&app, &guest, &lamp, 2).await;
    let missing_key = cart_checkout(&app, &guest, None, checkout_body(SUCCESS)).await;
    assert_eq!(missing_key.status(), StatusCode::BAD_REQUEST);
    let mut lines_sent = checkout_body(SUCCESS);
    lines_sent["lines"] = json!([{"variant_id": lamp, "quantity": 1}]);
    let refused = cart_checkout(&app, &guest, Some("cart-key-lines"), lines_sent).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let declined = cart_checkout(
        &app,
        &guest,
        Some("cart-key-declined"),
        checkout_body(DECLINED),
    )
    .await;
    assert_eq!(declined.status(), StatusCode::PAYMENT_REQUIRED);
    let kept = cart(&app, &guest, Method::GET, "/api/v1/cart", None).await;
    assert_eq!(
        quantity_of(&kept, &lamp),
        Some(2),
        "a failed payment keeps the cart"
    );

    let paid = cart_checkout(&app, &guest, Some("cart-key-paid"), checkout_body(SUCCESS)).await;
    assert_eq!(paid.status(), StatusCode::CREATED);
    assert_eq!(paid.headers()["cache-control"], "private, no-store");
    let order: Value = paid.json().await.unwrap();
    assert_eq!(order["state"], "paid");
    assert_eq!(order["lines"][0]["variant_id"], lamp.as_str());
    assert_eq!(order["lines"][0]["quantity"], 2);
    assert_eq!(minor(&order["totals"]["grand_total"]), 5_000 + 500);
    let after = cart(&app, &guest, Method::GET, "/api/v1/cart", None).await;
    assert!(after["lines"].as_array().unwrap().is_empty(), "{after}");

    let retry = cart_checkout(&app, &guest, Some("cart-key-paid"), checkout_body(SUCCESS)).await;
    assert_eq!(retry.status(), StatusCode::OK, "a retry replays the order");
    let again: Value = retry.json().await.unwrap();
    assert_eq!(again["id"], order["id"]);

    let product = app
        .admin_get(&format!("/api/v1/admin/products/{product_id}"))
        .await;
    assert_eq!(product["variants"][0]["on_hand"], 4, "sold once");
    assert_eq!(product["variants"][0]["reserved"], 0);
    app.stop().await;
}

#[tokio::test]
async fn the_sweeper_deletes_stale_guest_carts_only() {
    let app = spawn_app().await;
    let (_, lamp) = stocked(&app, "lamp", 2_500, 10).await;
    let guest = session(&app).await;
    add(&app, &guest, &lamp, 1).await;
    let day = std::time::Duration::from_secs(86_400);
    let kept = sweep_guest_carts_once(&app.state.catalog, day)
        .await
        .unwrap();
    assert_eq!(kept, 0, "a fresh cart is not stale");
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let swept = sweep_guest_carts_once(&app.state.catalog, std::time::Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(swept, 1);
    let read = cart(&app, &guest, Method::GET, "/api/v1/cart", None).await;
    assert!(read["id"].is_null(), "{read}");
    let again = add(&app, &guest, &lamp, 1).await;
    assert_eq!(
        quantity_of(&again, &lamp),
        Some(1),
        "a swept guest starts a new cart"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_guest_cart_is_merged_into_the_customer_cart_at_login() {
    use crate::accounts::PASSWORD;
    use crate::browser::Browser;
    let app = spawn_app().await;
    let (_, lamp) = stocked(&app, "merge-lamp", 2_500, 10).await;
    let (_, vase) = stocked(&app, "merge-vase", 1_000, 10).await;
    let line = |variant: &str, quantity: i64| json!({"variant_id": variant, "quantity": quantity});

    let mut earlier = Browser::open(&app).await;
    earlier.register("ada@example.com", PASSWORD).await;
    let added = earlier
        .send(Method::POST, "/api/v1/cart/lines", Some(line(&lamp, 1)))
        .await;
    assert_eq!(added.status(), StatusCode::OK);
    earlier
        .send(Method::POST, "/api/v1/account/logout", None)
        .await;

    let mut guest = Browser::open(&app).await;
    for (variant, quantity) in [(&lamp, 2), (&vase, 1)] {
        let added = guest
            .send(
                Method::POST,
                "/api/v1/cart/lines",
                Some(line(variant, quantity)),
            )
            .await;
        assert_eq!(added.status(), StatusCode::OK);
    }
    let login = guest
        .login("/api/v1/account/login", "ada@example.com", PASSWORD)
        .await;
    assert_eq!(login.status(), StatusCode::OK);
    let merged = guest.cart().await;
    assert_eq!(quantity_of(&merged, &lamp), Some(3), "{merged}");
    assert_eq!(quantity_of(&merged, &vase), Some(1), "{merged}");

    // The customer's cart follows them to another device.
    let mut phone = Browser::open(&app).await;
    phone
        .login("/api/v1/account/login", "ada@example.com", PASSWORD)
        .await;
    let same = phone.cart().await;
    assert_eq!(quantity_of(&same, &lamp), Some(3));
    app.stop().await;
}
