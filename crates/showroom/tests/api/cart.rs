//! The cart over HTTP: a guest's cart lives in their session cookie; lines are checked against
//! the variant, its product's status and the stock; prices and totals are always the server's;
//! another session sees nothing of it; checkout from the cart creates the order and empties it.
//!
//! Not here yet: the merge at login (it needs the account routes; the store's contract tests
//! prove the merge itself).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use showroom::sweeper::sweep_guest_carts_once;

use crate::helpers::{assert_problem, spawn_app, TestApp};

const SUCCESS: &str = "4242 4242 4242 4242";
const DECLINED: &str = "4000 0000 0000 0002";

/// A client with its own cookie jar: one shopper's session, sending its CSRF token with every
/// request as a shop page would.
async fn session(app: &TestApp) -> reqwest::Client {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let opener = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .build()
        .expect("a cookie client");
    let started: Value = opener
        .get(app.url("/api/v1/session"))
        .send()
        .await
        .expect("GET /api/v1/session")
        .json()
        .await
        .expect("a session body");
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-csrf-token",
        started["csrf_token"].as_str().unwrap().parse().unwrap(),
    );
    reqwest::Client::builder()
        .cookie_provider(jar)
        .default_headers(headers)
        .build()
        .expect("a cookie client")
}

/// A published product with one variant of `stock` units at `price` cents; returns
/// (product id, variant id).
async fn stocked(app: &TestApp, slug: &str, price: i64, stock: i64) -> (String, String) {
    let product = app
        .published_product(
            slug,
            &format!("{slug} title"),
            &[(&format!("{}-1", slug.to_uppercase()), "Oak", price, stock)],
        )
        .await;
    (
        product["id"].as_str().unwrap().to_owned(),
        product["variants"][0]["id"].as_str().unwrap().to_owned(),
    )
}

async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let request = client.request(method, app.url(path));
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    request.send().await.expect("cart request")
}

/// Sends and expects a 200 with a private cart body.
async fn cart(
    app: &TestApp,
    client: &reqwest::Client,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Value {
    let response = send(app, client, method, path, body).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    response.json().await.unwrap()
}

/// Adds `quantity` units of the variant to this session's cart; expects a 200.
async fn add(app: &TestApp, client: &reqwest::Client, variant_id: &str, quantity: i64) -> Value {
    let body = json!({"variant_id": variant_id, "quantity": quantity});
    cart(app, client, Method::POST, "/api/v1/cart/lines", Some(body)).await
}

fn quantity_of(cart: &Value, variant_id: &str) -> Option<i64> {
    cart["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["variant_id"] == variant_id)
        .map(|l| l["quantity"].as_i64().unwrap())
}

fn minor(value: &Value) -> i64 {
    value["amount_minor"].as_i64().unwrap()
}

#[tokio::test]
async fn a_guest_adds_changes_and_removes_lines_at_the_servers_prices() {
    let app = spawn_app().await;
    let (_, lamp) = stocked(&app, "lamp", 2_500, 8).await;
    let guest = session(&app).await;

    let empty = cart(&app, &guest, Method::GET, "/api/v1/cart", None).await;
    assert!(empty["id"].is_null() && empty["lines"].as_array().unwrap().is_empty());

    let response = send(
        &app,
        &guest,
        Method::POST,
        "/api/v1/cart/lines",
        Some(json!({"variant_id": lamp, "quantity": 2})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let added: Value = response.json().await.unwrap();
    assert_eq!(quantity_of(&added, &lamp), Some(2));
    let line = &added["lines"][0];
    assert_eq!(minor(&line["unit_price"]), 2_500);
    assert_eq!(line["sellable"], true);
    assert_eq!(line["available"], 8);

    let more = add(&app, &guest, &lamp, 3).await;
    assert_eq!(quantity_of(&more, &lamp), Some(5), "adding adds");
    assert_eq!(more["id"], added["id"], "the same cart, from the cookie");

    let set = cart(
        &app,
        &guest,
        Method::PUT,
        &format!("/api/v1/cart/lines/{lamp}"),
        Some(json!({"quantity": 1})),
    )
    .await;
    assert_eq!(quantity_of(&set, &lamp), Some(1));
    assert_eq!(minor(&set["totals"]["subtotal"]), 2_500);

    let removed = cart(
        &app,
        &guest,
        Method::DELETE,
        &format!("/api/v1/cart/lines/{lamp}"),
        None,
    )
    .await;
    assert!(removed["lines"].as_array().unwrap().is_empty());
    cart(
        &app,
        &guest,
        Method::PUT,
        &format!("/api/v1/cart/lines/{lamp}"),
        Some(json!({"quantity": 2})),
    )
    .await;
    let zero = cart(
        &app,
        &guest,
        Method::PUT,
        &format!("/api/v1/cart/lines/{lamp}"),
        Some(json!({"quantity": 0})),
    )
    .await;
    assert!(zero["lines"].as_array().unwrap().is_empty(), "0 removes");
    app.stop().await;
}

#[tokio::test]
async fn bad_lines_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let (_, vase) = stocked(&app, "vase", 1_000, 3).await;
    let (archived_id, archived) = stocked(&app, "old-vase", 1_000, 3).await;
    app.admin_json(
        Method::POST,
        &format!("/api/v1/admin/products/{archived_id}/archive"),
        json!({}),
        StatusCode::OK,
    )
    .await;
    let guest = session(&app).await;
    add(&app, &guest, &vase, 1).await;
    let post = |body: Value| send(&app, &guest, Method::POST, "/api/v1/cart/lines", Some(body));

    let unknown = post(json!({"variant_id": uuid::Uuid::now_v7(), "quantity": 1})).await;
    assert_problem(
        unknown,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        Some("variant_id"),
    )
    .await;
    let gone = post(json!({"variant_id": archived, "quantity": 1})).await;
    assert_problem(
        gone,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        Some("variant_id"),
    )
    .await;
    let over = post(json!({"variant_id": vase, "quantity": 3})).await;
    let problem = assert_problem(over, StatusCode::CONFLICT, "conflict", Some("stock")).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("only 3"),
        "{problem}"
    );
    for quantity in [json!(0), json!(-1), json!(1_000_000_000_000i64)] {
        let bad = post(json!({"variant_id": vase, "quantity": quantity})).await;
        assert_problem(
            bad,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("quantity"),
        )
        .await;
    }
    let negative = send(
        &app,
        &guest,
        Method::PUT,
        &format!("/api/v1/cart/lines/{vase}"),
        Some(json!({"quantity": -5})),
    )
    .await;
    assert_eq!(negative.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A price sent by the client is refused, not ignored.
    let priced = post(json!({"variant_id": vase, "quantity": 1, "unit_price": {"amount_minor": 1, "currency": "USD"}})).await;
    assert_problem(
        priced,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        None,
    )
    .await;

    let read = cart(&app, &guest, Method::GET, "/api/v1/cart", None).await;
    assert_eq!(quantity_of(&read, &vase), Some(1), "refusals wrote nothing");
    assert_eq!(read["lines"].as_array().unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn totals_equal_the_sum_of_their_parts_and_follow_the_shipping_method() {
    let app = spawn_app().await;
    let (_, lamp) = stocked(&app, "lamp", 2_500, 10).await;
    let (_, rug) = stocked(&app, "rug", 1_990, 10).await;
    let guest = session(&app).await;
    for (variant, quantity) in [(&lamp, 1), (&rug, 2)] {
        add(&app, &guest, variant, quantity).await;
    }
    let mut shipping_seen = Vec::new();
    for query in [
        "",
        "?shipping_method=standard",
        "?shipping_method=express&country=DE",
        "?country=US&shipping_method=standard",
    ] {
        let read = cart(
            &app,
            &guest,
            Method::GET,
            &format!("/api/v1/cart{query}"),
            None,
        )
        .await;
        let t = &read["totals"];
        let lines: i64 = read["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| minor(&l["totals"]["subtotal"]))
            .sum();
        assert_eq!(minor(&t["subtotal"]), 2_500 + 2 * 1_990);
        assert_eq!(lines, minor(&t["subtotal"]), "{query}");
        let added_tax = if t["price_mode"] == "tax_exclusive" {
            minor(&t["tax"])
        } else {
            0
        };
        assert_eq!(
            minor(&t["grand_total"]),
            minor(&t["subtotal"]) - minor(&t["discount"]) + minor(&t["shipping"]) + added_tax,
            "{query}: {t}"
        );
        shipping_seen.push(minor(&t["shipping"]));
    }
    assert_eq!(shipping_seen, vec![0, 500, 1_500, 500]);

    // From 100.00 of goods, standard shipping is free.
    cart(
        &app,
        &guest,
        Method::PUT,
        &format!("/api/v1/cart/lines/{lamp}"),
        Some(json!({"quantity": 4})),
    )
    .await;
    let free = cart(
        &app,
        &guest,
        Method::GET,
        "/api/v1/cart?shipping_method=standard",
        None,
    )
    .await;
    assert_eq!(minor(&free["totals"]["shipping"]), 0, "{free}");

    let unknown = send(
        &app,
        &guest,
        Method::GET,
        "/api/v1/cart?shipping_method=teleport",
        None,
    )
    .await;
    assert_problem(
        unknown,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        Some("shipping_method"),
    )
    .await;
    let country = send(&app, &guest, Method::GET, "/api/v1/cart?country=Mars", None).await;
    assert_problem(
        country,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        Some("country"),
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn another_session_can_neither_see_nor_change_this_cart() {
    let app = spawn_app().await;
    let (_, lamp) = stocked(&app, "lamp", 2_500, 10).await;
    let (alice, mallory) = (session(&app).await, session(&app).await);
    let mine = add(&app, &alice, &lamp, 2).await;

    let theirs = cart(&app, &mallory, Method::GET, "/api/v1/cart", None).await;
    assert!(theirs["id"].is_null(), "{theirs}");
    let deleted = cart(
        &app,
        &mallory,
        Method::DELETE,
        &format!("/api/v1/cart/lines/{lamp}"),
        None,
    )
    .await;
    assert!(deleted["lines"].as_array().unwrap().is_empty());
    let own = cart(
        &app,
        &mallory,
        Method::PUT,
        &format!("/api/v1/cart/lines/{lamp}"),
        Some(json!({"quantity": 1})),
    )
    .await;
    assert_ne!(own["id"], mine["id"], "a new session gets its own cart");

    let still = cart(&app, &alice, Method::GET, "/api/v1/cart", None).await;
    assert_eq!(still["id"], mine["id"]);
    assert_eq!(quantity_of(&still, &lamp), Some(2));
    app.stop().await;
}

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
    assert_problem(
        empty,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        Some("lines"),
    )
    .await;
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
        .admin_json(
            Method::GET,
            &format!("/api/v1/admin/products/{product_id}"),
            Value::Null,
            StatusCode::OK,
        )
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
    let merged: Value = guest
        .send(Method::GET, "/api/v1/cart", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(quantity_of(&merged, &lamp), Some(3), "{merged}");
    assert_eq!(quantity_of(&merged, &vase), Some(1), "{merged}");

    // The customer's cart follows them to another device.
    let mut phone = Browser::open(&app).await;
    phone
        .login("/api/v1/account/login", "ada@example.com", PASSWORD)
        .await;
    let same: Value = phone
        .send(Method::GET, "/api/v1/cart", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(quantity_of(&same, &lamp), Some(3));
    app.stop().await;
}
