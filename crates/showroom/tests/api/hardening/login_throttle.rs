//! The login throttle counts each attempt before it checks the password (issue 14, item 5):
//! of twelve wrong guesses sent at once, only the account's limit (5) get an answer about the
//! password; the rest are throttled. A right password afterwards is throttled too, until the
//! window ends.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::spawn_configured;

#[tokio::test]
async fn concurrent_wrong_guesses_past_the_limit_are_throttled_not_checked() {
    // Enough hashing turns that no checked guess waits past its turn (a 503) on a small machine.
    let app = spawn_configured(|config| config.accounts.concurrent_password_hashes = 16).await;
    let with_the_password = |path: &str| {
        app.client
            .post(app.url(path))
            .json(&json!({"email": "guessed@example.com", "password": "correct horse battery 9"}))
            .send()
    };
    let registered = with_the_password("/api/v1/account/register").await.unwrap();
    assert_eq!(registered.status(), StatusCode::CREATED);
    let guesses: Vec<_> = (0..12)
        .map(|n| {
            let client = app.client.clone();
            let url = app.url("/api/v1/account/login");
            tokio::spawn(async move {
                let response = client
                    .post(url)
                    .json(&json!({"email": "guessed@example.com", "password": format!("wrong guess {n}")}))
                    .send()
                    .await
                    .unwrap();
                let status = response.status();
                let body: Value = response.json().await.unwrap();
                (status, body["code"].as_str().unwrap_or_default().to_owned())
            })
        })
        .collect();
    let mut checked = 0;
    let mut throttled = 0;
    for guess in guesses {
        match guess.await.unwrap() {
            (StatusCode::UNAUTHORIZED, code) if code == "invalid_credentials" => checked += 1,
            (StatusCode::TOO_MANY_REQUESTS, code) if code == "too_many_login_attempts" => {
                throttled += 1
            }
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!(
        (checked, throttled),
        (5, 7),
        "checked {checked} passwords, throttled {throttled}"
    );
    let right = with_the_password("/api/v1/account/login").await.unwrap();
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(right.headers().contains_key("retry-after"));
    app.stop().await;
}
