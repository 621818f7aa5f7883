//! The shield's rate limits through the real server: a burst over the limit answers 429 with
//! `Retry-After` for that client only, spoofed forwarding headers change nothing, uploads, logins
//! and the real form routes have the stricter limit, the limit holds across two instances sharing
//! Redis, and the client's address comes from the trusted proxy only.

use reqwest::StatusCode;
use serde_json::json;
use showroom_shield::{RateLimitConfig, ShieldConfig};

use crate::helpers::{redis_is_set, TestApp};
use crate::shield::{limits, spawn_shielded, trusting_loopback};

async fn status_as(app: &TestApp, path: &str, client: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("x-forwarded-for", client)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_burst_over_the_limit_gets_429_with_retry_after_and_other_clients_do_not() {
    let app = spawn_shielded(trusting_loopback(limits(0.2, 5, 100)), None, false).await;
    for _ in 0..5 {
        let response = status_as(&app, "/api/v1/categories", "198.51.100.1").await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let limited = status_as(&app, "/api/v1/categories", "198.51.100.1").await;
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=5).contains(&retry_after), "Retry-After {retry_after}");
    crate::helpers::assert_problem(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited", None)
        .await;

    let other = status_as(&app, "/api/v1/categories", "198.51.100.2").await;
    assert_eq!(other.status(), StatusCode::OK);
    // The proxy itself, without a forwarded client, is a client of its own.
    assert_eq!(app.get("/api/v1/categories").await.status(), StatusCode::OK);
    // Health checks are never limited.
    let health = status_as(&app, "/healthz", "198.51.100.1").await;
    assert_eq!(health.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn spoofed_forwarding_headers_do_not_escape_the_limit() {
    // No trusted proxy: whatever a client claims, it is the TCP peer.
    let shield = ShieldConfig {
        rate_limit: limits(0.2, 3, 100),
        ..ShieldConfig::default()
    };
    let app = spawn_shielded(shield, None, false).await;
    let mut statuses = Vec::new();
    for n in 0..5 {
        let response = app
            .client
            .get(app.url("/api/v1/categories"))
            .header("x-forwarded-for", format!("203.0.113.{n}"))
            .header("forwarded", format!("for=203.0.113.{n}"))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429]);
    app.stop().await;
}

#[tokio::test]
async fn uploads_and_logins_have_the_stricter_limit() {
    let app = spawn_shielded(trusting_loopback(limits(1000.0, 1000, 2)), None, false).await;
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let response = app
            .client
            .post(app.url("/api/v1/account/login"))
            .header("x-forwarded-for", "198.51.100.9")
            .json(&json!({"email": "a@example.com"}))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_ne!(statuses[0], 429);
    assert_ne!(statuses[1], 429);
    assert_eq!(statuses[2], 429, "{statuses:?}");
    // Reads of the same client still pass: they are in the general class.
    let read = status_as(&app, "/api/v1/products", "198.51.100.9").await;
    assert_eq!(read.status(), StatusCode::OK);
    app.stop().await;
}

/// The page prefixes of the default strict class name real form routes (the API's are checked
/// against the OpenAPI document in `showroom-http`): a POST to each reaches a handler — neither
/// the 404 fallback nor a 405 — and the second one from the same client is held back.
#[tokio::test]
async fn every_strict_page_prefix_is_a_real_form_route_with_the_stricter_limit() {
    let app = spawn_shielded(trusting_loopback(limits(1000.0, 1000, 1)), None, false).await;
    let defaults = RateLimitConfig::default();
    let pages: Vec<&String> = defaults
        .strict_paths
        .iter()
        .filter(|p| !p.starts_with("/api/"))
        .collect();
    assert!(pages.iter().any(|p| p.as_str() == "/account/login"));
    for (n, prefix) in pages.iter().enumerate() {
        let client = format!("198.51.100.{}", 100 + n);
        let post = || {
            app.client
                .post(app.url(prefix))
                .header("x-forwarded-for", &client)
                .form(&[("email", "a@example.com")])
                .send()
        };
        let first = post().await.unwrap().status();
        assert!(
            ![404, 405, 429].contains(&first.as_u16()),
            "POST {prefix} answered {first}: not a form route"
        );
        let second = post().await.unwrap().status();
        assert_eq!(second, StatusCode::TOO_MANY_REQUESTS, "POST {prefix}");
    }
    app.stop().await;
}

#[tokio::test]
async fn the_limit_holds_across_two_instances_sharing_redis() {
    if !redis_is_set("the instances share their buckets there") {
        return;
    }
    let prefix = format!("showroom-test:{}:shield:", uuid::Uuid::new_v4().simple());
    let shield = trusting_loopback(limits(0.1, 4, 100));
    let a = spawn_shielded(shield.clone(), Some(&prefix), false).await;
    let b = spawn_shielded(shield, Some(&prefix), false).await;
    for app in [&a, &b, &a, &b] {
        let response = status_as(app, "/api/v1/categories", "198.51.100.50").await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    for app in [&a, &b] {
        let response = status_as(app, "/api/v1/categories", "198.51.100.50").await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(response.headers().contains_key("retry-after"));
    }
    let other = status_as(&b, "/api/v1/categories", "198.51.100.51").await;
    assert_eq!(other.status(), StatusCode::OK);
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn the_real_client_ip_comes_from_the_trusted_proxy_only() {
    let shield = ShieldConfig {
        trusted_proxies: vec!["127.0.0.1/32".into()],
        deny_ips: vec!["203.0.113.0/24".into()],
        ..ShieldConfig::default()
    };
    let app = spawn_shielded(shield, None, false).await;
    // The proxy appended the address it saw (denied); the client's own claim on the left is
    // ignored.
    let denied = status_as(&app, "/api/v1/categories", "198.51.100.7, 203.0.113.9").await;
    crate::helpers::assert_problem(denied, StatusCode::FORBIDDEN, "request_blocked", None).await;
    let allowed = status_as(&app, "/api/v1/categories", "203.0.113.9, 198.51.100.7").await;
    assert_eq!(allowed.status(), StatusCode::OK);
    app.stop().await;
}
