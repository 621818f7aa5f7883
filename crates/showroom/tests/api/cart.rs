//! The cart over HTTP: a guest's cart lives in their session cookie; lines are checked against
//! the variant, its product's status and the stock; prices and totals are always the server's;
//! another session sees nothing of it. Checkout from the cart, the guest-cart sweeper and the
//! merge at login are in `cart_checkout`.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_invalid, assert_problem, session_of, spawn_app, TestApp};

pub(crate) const SUCCESS: &str = "4242 4242 4242 4242";
pub(crate) const DECLINED: &str = "4000 0000 0000 0002";

/// A client with its own cookie jar: one shopper's session, sending its CSRF token with every
/// request as a shop page would.
pub(crate) async fn session(app: &TestApp) -> reqwest::Client {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let opener = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .build()
        .expect("a cookie client");
    let started = session_of(&opener, &app.base).await;
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
pub(crate) async fn stocked(app: &TestApp, slug: &str, price: i64, stock: i64) -> (String, String) {
    app.one_variant(slug, &format!("{slug} title"), price, stock)
        .await
}

pub(crate) async fn send(
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
pub(crate) async fn cart(
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
pub(crate) async fn add(
    app: &TestApp,
    client: &reqwest::Client,
    variant_id: &str,
    quantity: i64,
) -> Value {
    let body = json!({"variant_id": variant_id, "quantity": quantity});
    cart(app, client, Method::POST, "/api/v1/cart/lines", Some(body)).await
}

pub(crate) fn quantity_of(cart: &Value, variant_id: &str) -> Option<i64> {
    cart["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["variant_id"] == variant_id)
        .map(|l| l["quantity"].as_i64().unwrap())
}

pub(crate) fn minor(value: &Value) -> i64 {
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
    app.admin_post(
        &format!("/api/v1/admin/products/{archived_id}/archive"),
        json!({}),
    )
    .await;
    let guest = session(&app).await;
    add(&app, &guest, &vase, 1).await;
    let post = |body: Value| send(&app, &guest, Method::POST, "/api/v1/cart/lines", Some(body));

    let unknown = post(json!({"variant_id": uuid::Uuid::now_v7(), "quantity": 1})).await;
    assert_invalid(unknown, "variant_id").await;
    let gone = post(json!({"variant_id": archived, "quantity": 1})).await;
    assert_invalid(gone, "variant_id").await;
    let over = post(json!({"variant_id": vase, "quantity": 3})).await;
    let problem = assert_problem(over, StatusCode::CONFLICT, "conflict", Some("stock")).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("only 3"),
        "{problem}"
    );
    for quantity in [json!(0), json!(-1), json!(1_000_000_000_000i64)] {
        let bad = post(json!({"variant_id": vase, "quantity": quantity})).await;
        assert_invalid(bad, "quantity").await;
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
    assert_invalid(unknown, "shipping_method").await;
    let country = send(&app, &guest, Method::GET, "/api/v1/cart?country=Mars", None).await;
    assert_invalid(country, "country").await;
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
