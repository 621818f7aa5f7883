//! Anonymous requests store nothing (issue 14, item 4): a visitor asking for the CSRF token, or
//! looking at the cart and checkout pages, gets no session; the token handed out then still
//! guards the session that their first cart write starts.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::cart::stocked;
use crate::helpers::{assert_problem, session_of, spawn_app};

fn sets_session_cookie(response: &reqwest::Response) -> bool {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|cookie| cookie.starts_with("showroom_session="))
}

#[tokio::test]
async fn asking_for_the_csrf_token_or_viewing_the_cart_stores_no_session() {
    let app = spawn_app().await;
    for path in ["/api/v1/session", "/cart", "/checkout", "/api/v1/cart"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert!(
            response.status().is_success() || response.status().is_redirection(),
            "GET {path}: {}",
            response.status()
        );
        assert!(
            !sets_session_cookie(&response),
            "GET {path} without a session started one"
        );
    }
}

#[tokio::test]
async fn the_token_handed_out_before_the_session_guards_the_session_it_starts() {
    let app = spawn_app().await;
    let (_, variant) = stocked(&app, "cookie-lamp", 1_500, 5).await;
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar)
        .build()
        .unwrap();
    let session = session_of(&client, &app.base).await;
    let token = session["csrf_token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 64);

    let add_one = |csrf: String| {
        client
            .post(app.url("/api/v1/cart/lines"))
            .header("x-csrf-token", csrf)
            .json(&json!({"variant_id": variant, "quantity": 1}))
            .send()
    };

    // The first write has no session cookie: it starts the session.
    let added = add_one(token.clone()).await.unwrap();
    assert_eq!(added.status(), StatusCode::OK);
    assert!(
        sets_session_cookie(&added),
        "the first cart write starts a session"
    );

    // Now the session cookie is sent: a forged token is refused, the handed-out one works.
    let forged = add_one("f".repeat(64)).await.unwrap();
    assert_problem(forged, StatusCode::FORBIDDEN, "csrf_token_invalid", None).await;
    let again = add_one(token.clone()).await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    let cart: Value = again.json().await.unwrap();
    assert_eq!(cart["lines"][0]["quantity"], 2);

    // The session adopted the token: it is what GET /api/v1/session now reports.
    let read = session_of(&client, &app.base).await;
    assert_eq!(read["csrf_token"], token.as_str());
    let removed = client
        .request(
            Method::DELETE,
            app.url(&format!("/api/v1/cart/lines/{variant}")),
        )
        .header("x-csrf-token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::OK);
}
