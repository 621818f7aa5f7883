//! The shield through the real server: the bad-request corpus is refused (4xx, never 5xx, never
//! a 2xx), a normal browse and admin session is never blocked, rate limits answer 429 with
//! `Retry-After` per client (the limits' own tests are in `shield_limits.rs`), and every response
//! carries the security headers.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use showroom::config::Config;
use showroom_shield::{Mode, RateLimitConfig, ShieldConfig};
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{fresh_database_url, spawn_with, test_config, TestApp};

const CORPUS: &str = include_str!("../corpus/shield_bad_requests.txt");

/// A fresh app whose shield is `shield` (its Redis key prefix made unique unless `prefix` is
/// given, so two instances can share one).
pub(crate) async fn spawn_shielded(
    shield: ShieldConfig,
    prefix: Option<&str>,
    demo: bool,
) -> TestApp {
    let dir = TempDir::new().unwrap();
    let url = fresh_database_url(&dir).await;
    let cache_prefix = format!("showroom-test:{}:", uuid::Uuid::new_v4().simple());
    let base = test_config(&dir, url, &cache_prefix);
    let key_prefix = prefix.map_or_else(|| format!("{cache_prefix}shield:"), str::to_owned);
    let base = if demo {
        crate::helpers::demo_config(base)
    } else {
        base
    };
    let config = Config {
        shield: ShieldConfig {
            rate_limit: RateLimitConfig {
                redis_key_prefix: key_prefix,
                ..shield.rate_limit
            },
            ..shield
        },
        ..base
    };
    let app = spawn_with(config, std::sync::Arc::new(dir)).await;
    if demo {
        app.wait_for_assets().await;
    }
    app
}

pub(crate) fn limits(
    general_per_sec: f64,
    general_burst: u32,
    strict_burst: u32,
) -> RateLimitConfig {
    RateLimitConfig {
        general_per_sec,
        general_burst,
        strict_per_sec: 0.01,
        strict_burst,
        ..RateLimitConfig::default()
    }
}

/// Sends `head` as it is over a new TCP connection; the status, or why there is none.
async fn send_raw(app: &TestApp, head: &[u8]) -> Result<u16, String> {
    let address = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .map_err(|e| e.to_string())?;
    // The server may refuse before it has read everything: a failed write is no verdict.
    let _ = stream.write_all(head).await;
    let mut response = Vec::new();
    let mut chunk = [0u8; 4096];
    let read = async {
        while let Ok(n) = stream.read(&mut chunk).await {
            if n == 0 {
                break;
            }
            response.extend_from_slice(&chunk[..n]);
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(10), read).await;
    let text = String::from_utf8_lossy(&response);
    text.strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| {
            format!(
                "no HTTP response: {:?}",
                text.chars().take(80).collect::<String>()
            )
        })
}

/// One corpus line as raw request bytes; see the corpus header for the format.
fn corpus_request(line: &str, host: &str) -> Vec<u8> {
    let mut parts = line.split(" || ");
    let (method, target) = parts.next().unwrap().split_once(' ').unwrap();
    let target = match target.strip_prefix("@long ") {
        Some(n) => format!("/api/v1/products?q={}", "a".repeat(n.parse().unwrap())),
        None => target.to_owned(),
    };
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for header in parts {
        let (name, value) = header.split_once(' ').unwrap_or((header, ""));
        match name {
            "@flood" => {
                for i in 0..value.parse::<usize>().unwrap() {
                    head.push_str(&format!("X-Flood-{i}: {i}\r\n"));
                }
            }
            "@cookie" => head.push_str(&format!(
                "Cookie: big={}\r\n",
                "c".repeat(value.parse().unwrap())
            )),
            "@header" => head.push_str(&format!(
                "X-Big: {}\r\n",
                "h".repeat(value.parse().unwrap())
            )),
            _ => head.push_str(&format!("{header}\r\n")),
        }
    }
    if matches!(method, "POST" | "PUT" | "PATCH") {
        head.push_str("Content-Length: 0\r\n");
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// Statuses that mean the request was refused before reaching a handler: the shield's (403,
/// 405, 413, 414, 431), and hyper's 400 for heads it cannot parse at all.
const REFUSALS: [u16; 6] = [400, 403, 405, 413, 414, 431];

#[tokio::test]
async fn every_request_of_the_bad_request_corpus_is_refused_with_a_4xx() {
    let shield = ShieldConfig {
        allow_ips: vec!["198.51.100.0/24".into()],
        ..ShieldConfig::default()
    };
    // Generous limits: this test is about the rules, not the rate limit.
    let shield = ShieldConfig {
        rate_limit: limits(10_000.0, 10_000, 10_000),
        ..shield
    };
    let app = spawn_shielded(shield, None, false).await;
    let host = app.base.trim_start_matches("http://").to_owned();
    let (mut section, mut sent, mut failures) = (String::new(), 0, Vec::new());
    for line in CORPUS.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix("# section ") {
            section = name.to_owned();
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        sent += 1;
        match send_raw(&app, &corpus_request(line, &host)).await {
            Ok(status) if REFUSALS.contains(&status) => {}
            Ok(status) => failures.push(format!("[{section}] {status}: {line:.120}")),
            Err(error) => failures.push(format!("[{section}] {error}: {line:.120}")),
        }
    }
    assert!(
        sent >= 200,
        "the corpus has {sent} requests; keep it at 200 or more"
    );
    assert!(failures.is_empty(), "not refused:\n{}", failures.join("\n"));
    app.stop().await;
}

/// A shopper browsing and an admin editing, against the demo catalog with the default shield
/// (only the Redis key prefix is the test's): nothing is blocked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_normal_browse_and_admin_session_is_never_blocked() {
    let app = spawn_shielded(ShieldConfig::default(), None, true).await;
    let list = app
        .get_json("/api/v1/products?limit=3", StatusCode::OK)
        .await;
    let slug = list["items"][0]["slug"].as_str().unwrap().to_owned();
    let cursor = list["next_cursor"].as_str().unwrap().to_owned();
    let product = app
        .get_json(&format!("/api/v1/products/{slug}"), StatusCode::OK)
        .await;
    let media: Vec<String> = product["media"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["url"].as_str().map(str::to_owned))
        .collect();
    assert!(!media.is_empty());

    let mut paths = vec![
        "/".to_owned(),
        format!("/products/{slug}"),
        "/api/v1/products".into(),
        "/api/v1/products?category=furniture&sort=price_asc&limit=5".into(),
        "/api/v1/products?q=chair&in_stock=true".into(),
        "/api/v1/products?q=oak+chair".into(),
        "/api/v1/products?q=oak%20chair&sort=title".into(),
        "/api/v1/products?q=50%25+off".into(),
        "/api/v1/products?q=50%+off".into(),
        "/api/v1/products?q=children%27s+chair".into(),
        "/api/v1/products?q=O%27Reilly+%26+sons".into(),
        "/api/v1/products?q=%3C3+cushions".into(),
        "/api/v1/products?q=select+oak+chairs+from+denmark".into(),
        "/api/v1/products?q=drop-leaf+table".into(),
        "/api/v1/products?q=%22classic%22+sofa".into(),
        "/api/v1/products?price_min=1000&price_max=90000&sort=price_desc".into(),
        "/api/v1/products?option=Color:Oak&option=Size:Large".into(),
        format!("/api/v1/products?limit=3&cursor={cursor}"),
        "/api/v1/categories".into(),
        "/api/openapi.json".into(),
        "/healthz".into(),
        "/readyz".into(),
        "/metrics".into(),
    ];
    paths.extend(media);
    for path in &paths {
        let response = app.get(path).await;
        assert!(
            response.status().is_success(),
            "GET {path} answered {}",
            response.status()
        );
    }

    let description = "It's our best-selling chair -- really! 50% larger; \"solid\" oak; \
                       select from our range; 1=1 seating; <3 from Denmark; O'Reilly & sons.";
    let created = app
        .admin_create(
            "/api/v1/admin/products",
            json!({"slug": "shield-chair", "title": "Children's \"Oak\" Chair",
                   "description": description, "options": [{"name": "Color", "values": ["Oak"]}]}),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    app.admin_patch(
        &format!("/api/v1/admin/products/{id}"),
        json!({"title": "The <Oak> chair -- 'classic'"}),
    )
    .await;
    app.admin_create("/api/v1/admin/categories", json!({"name": "Kids' room"}))
        .await;
    let listed = app
        .admin(Method::GET, "/api/v1/admin/products?limit=100", None)
        .await;
    assert_eq!(listed.status(), StatusCode::OK);
    app.stop().await;
}

pub(crate) fn trusting_loopback(rate_limit: RateLimitConfig) -> ShieldConfig {
    ShieldConfig {
        trusted_proxies: vec!["127.0.0.1/32".into(), "::1".into()],
        rate_limit,
        ..ShieldConfig::default()
    }
}

#[tokio::test]
async fn every_response_has_security_headers_and_hsts_only_over_trusted_https() {
    let app = spawn_shielded(trusting_loopback(limits(1000.0, 1000, 10)), None, false).await;
    for path in ["/", "/api/v1/categories", "/no-such-page", "/.env"] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(
            headers["referrer-policy"],
            "strict-origin-when-cross-origin"
        );
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"));
        let permissions = headers["permissions-policy"].to_str().unwrap();
        assert!(
            permissions.contains("camera=()") && permissions.contains("xr-spatial-tracking=(self)")
        );
        assert!(!headers.contains_key("strict-transport-security"), "{path}");
    }
    let https = claiming_https(&app).await;
    assert!(https.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
    app.stop().await;

    // From an untrusted peer, a claimed HTTPS is ignored.
    let app = spawn_shielded(ShieldConfig::default(), None, false).await;
    let spoofed = claiming_https(&app).await;
    assert!(!spoofed.headers().contains_key("strict-transport-security"));
    app.stop().await;
}

#[tokio::test]
async fn blocks_are_problem_documents_and_bad_methods_name_the_allowed_ones() {
    let app = spawn_shielded(ShieldConfig::default(), None, false).await;
    let blocked = app.get("/api/v1/products?q=1%27+or+%271%27%3D%271").await;
    let body: Value =
        crate::helpers::assert_problem(blocked, StatusCode::FORBIDDEN, "request_blocked", None)
            .await;
    assert_eq!(
        body["type"],
        "https://showroom.dev/problems/request-blocked"
    );
    assert_eq!(body["title"], "Forbidden");

    let host = app.base.trim_start_matches("http://").to_owned();
    let head = format!("TRACE / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    assert_eq!(send_raw(&app, head.as_bytes()).await, Ok(405));
    let response = app
        .client
        .request(Method::from_bytes(b"PROPFIND").unwrap(), app.url("/"))
        .send()
        .await
        .unwrap();
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("PATCH") && !allow.contains("TRACE"));
    crate::helpers::assert_problem(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        None,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn a_rule_in_log_mode_reports_but_lets_the_request_through() {
    let mut shield = ShieldConfig::default();
    shield.rules.sqli = Mode::Log;
    let app = spawn_shielded(shield, None, false).await;
    let response = app.get("/api/v1/products?q=1%27+or+%271%27%3D%271").await;
    assert_eq!(response.status(), StatusCode::OK);
    // Other families still block.
    let xss = app.get("/api/v1/products?q=%3Cscript%3E").await;
    assert_eq!(xss.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn admin_token_requests_pass_the_shield() {
    let app = spawn_shielded(ShieldConfig::default(), None, false).await;
    let response = app.admin(Method::GET, "/api/v1/admin/products", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    app.stop().await;
}

/// `GET /` saying, as a TLS-terminating proxy would, that the client came over HTTPS.
async fn claiming_https(app: &TestApp) -> reqwest::Response {
    app.client
        .get(app.url("/"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap()
}
