//! Customer accounts and sessions over HTTP: register, login, logout, password change; the
//! session cookie's flags and rotation; CSRF on cookie writes; the login throttle; customers
//! seeing only their own orders.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::browser::Browser;
use crate::checkout::order_body;
use crate::helpers::{assert_invalid, assert_problem, spawn_app, TestApp};

pub const PASSWORD: &str = "velvet lamp on a quiet shelf";

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("showroom_session="))
        .map(str::to_owned)
}

#[tokio::test]
async fn a_customer_registers_logs_out_logs_in_and_changes_the_password() {
    let app = spawn_app().await;
    let mut browser = Browser::open(&app).await;
    let created = browser.register("Ada@Example.com", PASSWORD).await;
    assert_eq!(created["email"], "Ada@Example.com");

    let me: Value = browser
        .send(Method::GET, "/api/v1/account", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], created["id"]);

    let out = browser
        .send(Method::POST, "/api/v1/account/logout", None)
        .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    browser.refresh_csrf().await;
    let anonymous = browser.send(Method::GET, "/api/v1/account", None).await;
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "login_required", None).await;

    let wrong = browser
        .login(
            "/api/v1/account/login",
            "ada@example.com",
            "not the password at all",
        )
        .await;
    assert_problem(wrong, StatusCode::UNAUTHORIZED, "invalid_credentials", None).await;
    let unknown = browser
        .login("/api/v1/account/login", "nobody@example.com", PASSWORD)
        .await;
    assert_problem(
        unknown,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        None,
    )
    .await;
    let ok = browser
        .login("/api/v1/account/login", "ADA@example.com", PASSWORD)
        .await;
    assert_eq!(ok.status(), StatusCode::OK);

    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let refused = browser
        .send(
            Method::POST,
            "/api/v1/account/password",
            Some(change("wrong current password", "a brand new passphrase")),
        )
        .await;
    assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "wrong_password",
        None,
    )
    .await;
    let weak = browser
        .send(
            Method::POST,
            "/api/v1/account/password",
            Some(change(PASSWORD, "password123")),
        )
        .await;
    assert_invalid(weak, "new_password").await;
    let changed = browser
        .send(
            Method::POST,
            "/api/v1/account/password",
            Some(change(PASSWORD, "a brand new passphrase")),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);

    let mut other = Browser::open(&app).await;
    let old = other
        .login("/api/v1/account/login", "ada@example.com", PASSWORD)
        .await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let new = other
        .login(
            "/api/v1/account/login",
            "ada@example.com",
            "a brand new passphrase",
        )
        .await;
    assert_eq!(new.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn registration_refuses_weak_passwords_bad_emails_and_taken_addresses() {
    let app = spawn_app().await;
    let browser = Browser::open(&app).await;
    let register = |email: &str, password: &str| {
        browser.send(
            Method::POST,
            "/api/v1/account/register",
            Some(json!({"email": email, "password": password})),
        )
    };
    for weak in ["short", "1234567890123", "abcdefghijkl", "ada@example.com"] {
        let response = register("ada@example.com", weak).await;
        assert_invalid(response, "password").await;
    }
    let bad_email = register("not-an-email", PASSWORD).await;
    assert_invalid(bad_email, "email").await;
    assert_eq!(
        register("ada@example.com", PASSWORD).await.status(),
        StatusCode::CREATED
    );
    let mut second = Browser::open(&app).await;
    second.refresh_csrf().await;
    let taken = second
        .send(
            Method::POST,
            "/api/v1/account/register",
            Some(json!({"email": "ADA@example.com", "password": PASSWORD})),
        )
        .await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    app.stop().await;
}

#[tokio::test]
async fn the_session_cookie_is_http_only_lax_rotated_at_login_and_secure_over_https() {
    let app = spawn_app().await;
    let register = |email: &'static str, forwarded: Option<&'static str>| {
        let mut request = reqwest::Client::new()
            .post(app.url("/api/v1/account/register"))
            .json(&json!({"email": email, "password": PASSWORD}));
        if let Some(proto) = forwarded {
            request = request.header("X-Forwarded-Proto", proto);
        }
        request.send()
    };
    let plain = register("plain@example.com", None).await.unwrap();
    let cookie = session_cookie(&plain).expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "no Secure over plain HTTP: {cookie}"
    );
    let behind_tls = register("tls@example.com", Some("https")).await.unwrap();
    let cookie = session_cookie(&behind_tls).expect("a session cookie");
    assert!(cookie.contains("Secure"), "{cookie}");
    // The session-less CSRF cookie carries the same flags.
    let token_over_tls = reqwest::Client::new()
        .get(app.url("/api/v1/session"))
        .header("X-Forwarded-Proto", "https")
        .send()
        .await
        .unwrap();
    let csrf_cookie = token_over_tls
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("showroom_csrf="))
        .expect("a CSRF cookie")
        .to_owned();
    for flag in ["HttpOnly", "SameSite=Lax", "Secure"] {
        assert!(csrf_cookie.contains(flag), "{csrf_cookie}");
    }

    // The id before login is worth nothing after it.
    let mut browser = Browser::open(&app).await;
    browser.register("grace@example.com", PASSWORD).await;
    browser
        .send(Method::POST, "/api/v1/account/logout", None)
        .await;
    let mut browser = Browser::open(&app).await;
    let before = browser.csrf.clone();
    let login = browser
        .request(Method::POST, "/api/v1/account/login")
        .json(&json!({"email": "grace@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let rotated = session_cookie(&login).expect("login sets a new session cookie");
    assert_eq!(login.status(), StatusCode::OK);
    browser.refresh_csrf().await;
    assert_ne!(browser.csrf, before, "the CSRF token is new after login");
    assert!(rotated.starts_with("showroom_session="));
    app.stop().await;
}

#[tokio::test]
async fn cookie_writes_without_the_right_csrf_token_are_refused() {
    let app = spawn_app().await;
    let mut browser = Browser::open(&app).await;
    browser.register("eve@example.com", PASSWORD).await;
    let body = json!({"current_password": PASSWORD, "new_password": "another fine passphrase"});
    let missing = browser
        .client
        .post(app.url("/api/v1/account/password"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(missing, StatusCode::FORBIDDEN, "csrf_token_invalid", None).await;
    let forged = browser
        .client
        .post(app.url("/api/v1/account/password"))
        .header("X-CSRF-Token", "0".repeat(64))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(forged, StatusCode::FORBIDDEN, "csrf_token_invalid", None).await;
    // Another session's token does not work here either.
    let other = Browser::open(&app).await;
    let replayed = browser
        .client
        .post(app.url("/api/v1/account/password"))
        .header("X-CSRF-Token", &other.csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(replayed, StatusCode::FORBIDDEN, "csrf_token_invalid", None).await;
    // Nothing changed: the old password still logs in.
    let mut check = Browser::open(&app).await;
    let login = check
        .login("/api/v1/account/login", "eve@example.com", PASSWORD)
        .await;
    assert_eq!(login.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled_even_with_the_right_password() {
    let app = spawn_app().await;
    let mut browser = Browser::open(&app).await;
    browser.register("mallory@example.com", PASSWORD).await;
    let mut attacker = Browser::open(&app).await;
    for _ in 0..5 {
        let failed = attacker
            .login(
                "/api/v1/account/login",
                "mallory@example.com",
                "guess guess guess",
            )
            .await;
        assert_eq!(failed.status(), StatusCode::UNAUTHORIZED);
    }
    let throttled = attacker
        .login("/api/v1/account/login", "mallory@example.com", PASSWORD)
        .await;
    let retry_after: u64 = throttled
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert_problem(
        throttled,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_login_attempts",
        None,
    )
    .await;
    app.stop().await;
}

/// A published variant with stock, and a checkout body for it.
async fn checkout_body(app: &TestApp, slug: &str) -> Value {
    let product = app
        .published_product(
            slug,
            "Lamp",
            &[(&format!("{}-1", slug.to_uppercase()), "Oak", 2_500, 10)],
        )
        .await;
    let variant_id = product["variants"][0]["id"].as_str().unwrap();
    order_body("buyer@example.com", variant_id, 1, "4242 4242 4242 4242")
}

#[tokio::test]
async fn customers_see_their_own_orders_and_nobody_elses() {
    let app = spawn_app().await;
    let body = checkout_body(&app, "own-orders").await;
    let mut ada = Browser::open(&app).await;
    ada.register("ada@example.com", PASSWORD).await;
    let placed = ada
        .request(Method::POST, "/api/v1/checkout")
        .header("Idempotency-Key", "own-orders-0001")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(placed.status(), StatusCode::CREATED);
    let order: Value = placed.json().await.unwrap();
    let id = order["id"].as_str().unwrap();

    let listed: Value = ada
        .send(Method::GET, "/api/v1/account/orders", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], order["id"]);
    let own = ada
        .send(Method::GET, &format!("/api/v1/account/orders/{id}"), None)
        .await;
    assert_eq!(own.status(), StatusCode::OK);

    let mut bob = Browser::open(&app).await;
    bob.register("bob@example.com", PASSWORD).await;
    let theirs = bob
        .send(Method::GET, &format!("/api/v1/account/orders/{id}"), None)
        .await;
    assert_problem(theirs, StatusCode::NOT_FOUND, "not_found", None).await;
    let none: Value = bob
        .send(Method::GET, "/api/v1/account/orders", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none, json!([]));
    let anonymous = app.get(&format!("/api/v1/account/orders/{id}")).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}
