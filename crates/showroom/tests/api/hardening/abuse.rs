//! One address hammering the account routes: registrations and logins fall in the shield's
//! strict rate-limit class (its default prefixes are the real routes), and password hashing is
//! bounded, so a burst past it gets 503 with `Retry-After` instead of queueing every hash.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::spawn_configured;

#[tokio::test]
async fn registrations_from_one_address_hit_the_strict_limit_by_default() {
    let app = spawn_configured(|config| {
        let limits = &mut config.shield.rate_limit;
        limits.strict_per_sec = 0.01;
        limits.strict_burst = 3;
    })
    .await;
    let mut statuses = Vec::new();
    for n in 0..6 {
        let response = app
            .client
            .post(app.url("/api/v1/account/register"))
            .json(&json!({"email": format!("bot-{n}@example.com"), "password": "correct horse battery 9"}))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [201, 201, 201, 429, 429, 429], "{statuses:?}");
    let login = app
        .client
        .post(app.url("/api/v1/account/login"))
        .json(&json!({"email": "bot-0@example.com", "password": "correct horse battery 9"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        login.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "logins share the class"
    );
    app.stop().await;
}

#[tokio::test]
async fn past_the_password_hashing_bound_a_registration_gets_503_with_retry_after() {
    let app = spawn_configured(|config| config.accounts.concurrent_password_hashes = 1).await;
    let attempts = (0..64).map(|n| {
        let request = app
            .client
            .post(app.url("/api/v1/account/register"))
            .json(&json!({"email": format!("burst-{n}@example.com"), "password": "correct horse battery 9"}));
        async move { request.send().await.unwrap() }
    });
    let responses = futures::future::join_all(attempts).await;
    let (mut created, mut busy) = (0, 0);
    for response in responses {
        match response.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(response.headers().contains_key("retry-after"));
                let body: serde_json::Value = response.json().await.unwrap();
                assert_eq!(body["code"], "unavailable", "{body}");
                busy += 1;
            }
            other => panic!("a registration answered {other}"),
        }
    }
    assert!(created >= 1, "nobody got through");
    assert!(
        busy >= 1,
        "64 registrations at once all hashed; the bound did nothing"
    );
    app.stop().await;
}
