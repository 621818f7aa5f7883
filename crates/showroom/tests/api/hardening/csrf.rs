//! The CSRF exemption is for API clients that a bearer token authenticates, nothing wider: a
//! staff member's cookie write with some other `Authorization` header (another scheme, a wrong
//! token) still needs the CSRF token, because the admin guard would otherwise accept the cookie.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::accounts::PASSWORD;
use crate::browser::Browser;
use crate::helpers::{assert_problem, spawn_app, ADMIN_TOKEN};

#[tokio::test]
async fn a_cookie_write_is_exempt_from_csrf_only_when_a_bearer_token_authenticates_it() {
    let app = spawn_app().await;
    app.admin_create(
        "/api/v1/admin/staff",
        json!({"email": "clerk@example.com", "password": PASSWORD, "role": "admin"}),
    )
    .await;
    let mut staff = Browser::open(&app).await;
    let login = staff
        .login("/api/v1/staff/login", "clerk@example.com", PASSWORD)
        .await;
    assert_eq!(login.status(), StatusCode::OK);
    let product = |slug: &str| json!({"slug": slug, "title": "Forged Lamp", "description": "Made by a forged request"});
    let without_csrf = |authorization: &str, slug: &str| {
        staff
            .client
            .post(app.url("/api/v1/admin/products"))
            .header("authorization", authorization)
            .json(&product(slug))
            .send()
    };
    for (n, authorization) in ["Basic Zm9vOmJhcg==", "Bearer not-a-real-token", "bearer x"]
        .iter()
        .enumerate()
    {
        let response = without_csrf(authorization, &format!("forged-{n}"))
            .await
            .unwrap();
        assert_problem(response, StatusCode::FORBIDDEN, "csrf_token_invalid", None).await;
    }
    let api_client = without_csrf(&format!("Bearer {ADMIN_TOKEN}"), "scripted")
        .await
        .unwrap();
    assert_eq!(
        api_client.status(),
        StatusCode::CREATED,
        "a real bearer token is an API client"
    );
    let with_csrf = staff
        .request(Method::POST, "/api/v1/admin/products")
        .json(&product("by-hand"))
        .send()
        .await
        .unwrap();
    assert_eq!(with_csrf.status(), StatusCode::CREATED);
    app.stop().await;
}
