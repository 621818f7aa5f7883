//! Operations: health, readiness, metrics, request ids, start-up errors of the real binary, the
//! configuration layers, and graceful shutdown on SIGTERM under load.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::{serve_process, spawn_app};

const BIN: &str = env!("CARGO_BIN_EXE_showroom");

#[tokio::test]
async fn health_readiness_metrics_and_request_ids() {
    let app = spawn_app().await;
    assert_eq!(
        app.get_json("/healthz", StatusCode::OK).await["status"],
        "ok"
    );
    let ready = app.get_json("/readyz", StatusCode::OK).await;
    assert_eq!(ready["status"], "ready");
    assert!(
        ready["checks"]["database"].is_string()
            && ready["checks"]["cache"].is_string()
            && ready["checks"]["storage"].is_string()
    );

    let response = app
        .client
        .get(app.url("/api/v1/products/nope"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-me-42");
    let generated = app.get("/healthz").await;
    assert!(
        !generated.headers()["x-request-id"].is_empty(),
        "a request id is made when none is sent"
    );

    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains(r#"route="/api/v1/products/{slug}""#),
        "requests are labelled by route template"
    );
    assert!(metrics.contains("showroom_http_request_duration_seconds_bucket"));
    assert!(metrics.contains("showroom_db_pool_connections"));

    // An unknown API path is a problem document; any other unknown path is a page for a person.
    let unknown = app.get("/api/v1/no/such/route").await;
    crate::helpers::assert_problem(unknown, StatusCode::NOT_FOUND, "not_found", None).await;
    let page = app.get("/no/such/page").await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert!(page.text().await.unwrap().contains("find that page"));
    let wrong_method = app
        .client
        .delete(app.url("/api/v1/products"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        wrong_method.headers().get("allow").is_some(),
        "405 says which methods are allowed"
    );
    app.stop().await;
}

#[tokio::test]
async fn readiness_fails_while_draining() {
    let app = spawn_app().await;
    app.state.readiness.start_draining();
    let response = app.get("/readyz").await;
    let body = crate::helpers::assert_problem(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        "not_ready",
        None,
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("draining"));
    app.stop().await;
}

fn showroom(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(BIN)
        .args(args)
        .current_dir(dir.path())
        .env_remove("SHOWROOM_TEST_POSTGRES_URL")
        .envs(env.iter().copied())
        .output()
        .expect("run the showroom binary")
}

#[test]
fn bad_backend_urls_are_one_error_line_naming_the_setting() {
    for (flag, url, setting) in [
        (
            "--database-url",
            "mysql://localhost/shop",
            "database_url (SHOWROOM_DATABASE_URL)",
        ),
        (
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
            "database_url (SHOWROOM_DATABASE_URL)",
        ),
        (
            "--cache-url",
            "redis://127.0.0.1:1",
            "cache_url (SHOWROOM_CACHE_URL)",
        ),
        (
            "--cache-url",
            "memcached://x",
            "cache_url (SHOWROOM_CACHE_URL)",
        ),
        (
            "--storage-url",
            "ftp://example/objects",
            "storage_url (SHOWROOM_STORAGE_URL)",
        ),
    ] {
        let started = Instant::now();
        let output = showroom(
            &[flag, url, "serve", "--listen", "127.0.0.1:0"],
            &[("SHOWROOM_LOG_LEVEL", "off")],
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{url}: {stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line for {url}: {stderr}");
        assert!(
            lines[0].starts_with("error: ") && lines[0].contains(setting),
            "{stderr}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{url} took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn config_layers_apply_in_order_and_secrets_are_redacted() {
    let output = showroom(
        &[
            "--database-url",
            "postgres://shop:hunter2@db.internal/shop",
            "config",
        ],
        &[
            ("SHOWROOM_DATABASE_URL", "sqlite://from-env.db"),
            ("SHOWROOM_ADMIN_TOKEN", "very-secret-token"),
            ("SHOWROOM_HTTP__REQUEST_TIMEOUT_SECS", "42"),
        ],
    );
    assert!(output.status.success());
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.contains("postgres://shop:***@db.internal/shop"),
        "the flag wins over the environment: {printed}"
    );
    assert!(
        !printed.contains("hunter2") && !printed.contains("very-secret-token"),
        "{printed}"
    );
    assert!(
        printed.contains("request_timeout_secs = 42"),
        "nested env keys use __: {printed}"
    );
    assert!(printed.contains("cache_url = \"memory://\""));
}

#[test]
fn a_bad_config_value_names_the_setting() {
    let output = showroom(
        &["config"],
        &[("SHOWROOM_HTTP__REQUEST_TIMEOUT_SECS", "soon")],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("SHOWROOM_HTTP__REQUEST_TIMEOUT_SECS"),
        "{stderr}"
    );
}

#[test]
fn a_database_pool_size_out_of_range_is_one_error_line_naming_the_setting() {
    for (size, why) in [
        ("0", "1 to 1000"),
        ("1001", "1 to 1000"),
        ("many", "expected u32"),
    ] {
        let output = showroom(
            &["migrate"],
            &[
                ("SHOWROOM_DATABASE_MAX_CONNECTIONS", size),
                ("SHOWROOM_LOG_LEVEL", "off"),
            ],
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{size}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line for {size}: {stderr}");
        assert!(
            stderr.contains("database_max_connections (SHOWROOM_DATABASE_MAX_CONNECTIONS)")
                && stderr.contains(why),
            "{stderr}"
        );
    }
}

/// The configured pool size reaches the engine's pool: `/metrics` reports it.
#[tokio::test]
async fn the_configured_database_pool_size_is_the_pools_limit() {
    let app = crate::helpers::spawn_configured(|config| {
        config.database_max_connections = Some(3);
    })
    .await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics
            .lines()
            .any(|line| line == "showroom_db_pool_max_connections 3"),
        "{metrics}"
    );
    app.stop().await;
}

/// `kill -TERM` while clients keep sending: `/readyz` turns 503 first; clients that, like a load
/// balancer, stop sending once readiness fails see every request they sent answered in full;
/// the process exits cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_in_flight_requests_after_readiness_turns_503() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = serve_process(
        dir.path(),
        "127.0.0.1:0",
        &[
            ("SHOWROOM_HTTP__SHUTDOWN_DRAIN_SECS", "1"),
            // Eight workers from one address are a flood to the shield's default rate limit.
            ("SHOWROOM_SHIELD__RATE_LIMIT__ENABLED", "false"),
        ],
    );
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut base = None;
    let mut line = String::new();
    while base.is_none() && stderr.read_line(&mut line).unwrap() > 0 {
        if let Some(at) = line.find("http://") {
            base = Some(
                line[at..]
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .trim_end_matches(['"', ','])
                    .to_owned(),
            );
        }
        line.clear();
    }
    let base = base.expect("the server prints its address");
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));

    // Fresh connection per request, so a refused connection after close is distinguishable
    // from a request cut short.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let stop_at = Instant::now() + Duration::from_secs(3);
    let draining = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut workers = Vec::new();
    for _ in 0..8 {
        let (client, url, draining) = (
            client.clone(),
            format!("{base}/api/v1/products"),
            draining.clone(),
        );
        workers.push(tokio::spawn(async move {
            let (mut completed, mut refused) = (0, 0);
            while Instant::now() < stop_at && !draining.load(std::sync::atomic::Ordering::SeqCst) {
                match client.get(&url).send().await {
                    Ok(response) => {
                        assert_eq!(response.status(), StatusCode::OK);
                        response
                            .bytes()
                            .await
                            .expect("an accepted request is answered in full");
                        completed += 1;
                    }
                    Err(error) if error.is_connect() => {
                        refused += 1;
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    Err(error) => panic!("a request failed mid-flight: {error}"),
                }
            }
            (completed, refused)
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let mut saw_503 = false;
    for _ in 0..50 {
        match client.get(format!("{base}/readyz")).send().await {
            Ok(r) if r.status() == StatusCode::SERVICE_UNAVAILABLE => {
                saw_503 = true;
                draining.store(true, std::sync::atomic::Ordering::SeqCst);
                break;
            }
            _ => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
    assert!(saw_503, "/readyz answers 503 once draining starts");
    let mut completed = 0;
    for worker in workers {
        completed += worker.await.unwrap().0;
    }
    assert!(completed > 0);
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "clean exit after draining: {status}");
}

#[test]
fn migrate_creates_the_default_sqlite_database() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .arg("migrate")
        .current_dir(dir.path())
        .env("SHOWROOM_LOG_LEVEL", "off")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("up to date (sqlite)"));
    assert!(
        dir.path().join("data/showroom.db").exists(),
        "the embedded default lives in ./data"
    );
}

#[test]
fn json_log_format_writes_one_json_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["--log-format", "json", "serve", "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env_remove("SHOWROOM_TEST_POSTGRES_URL")
        .env("SHOWROOM_LOG_LEVEL", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let record: serde_json::Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
    assert_eq!(record["level"], "INFO", "{record}");
    assert!(record["message"].is_string(), "{record}");
}
