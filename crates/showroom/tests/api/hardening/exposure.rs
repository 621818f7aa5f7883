//! What the shop gives away: the `test` payment provider on a public address is called out at
//! start-up, `showroom config` hides passwords in URL queries, and `/metrics` and the causes of a
//! failing `/readyz` can be kept to trusted addresses. (An admin path in no known area needing the
//! strictest permission is tested beside `Permission::for_path`: no such route exists to call.)

use std::io::{BufRead, BufReader, Read};
use std::process::Command;

use reqwest::StatusCode;

use crate::helpers::{assert_problem, serve_process, spawn_configured};

const BIN: &str = env!("CARGO_BIN_EXE_showroom");

/// Starts `showroom serve --listen <listen>`, makes one request once it is ready, stops it with
/// SIGTERM and returns everything it logged.
async fn serve_log(listen: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut child = serve_process(
        dir.path(),
        listen,
        &[
            ("SHOWROOM_HTTP__SHUTDOWN_DRAIN_SECS", "0"),
            ("SHOWROOM_ASSETS__WORKERS", "0"),
        ],
    );
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let (mut log, mut line, mut port) = (String::new(), String::new(), None);
    while port.is_none() && stderr.read_line(&mut line).unwrap() > 0 {
        if let Some(at) = line.find("http://") {
            let address = line[at + 7..].split(['"', ',', ' ', '\n']).next().unwrap();
            port = address.rsplit(':').next().map(str::to_owned);
        }
        log.push_str(&line);
        line.clear();
    }
    let port = port.unwrap_or_else(|| panic!("no address in {log}"));
    // One answered request: the accept loop, and its start-up warnings, are behind us.
    let health = reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert!(Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap()
        .success());
    stderr.read_to_string(&mut log).unwrap();
    child.wait().unwrap();
    log
}

#[tokio::test]
async fn the_test_payment_provider_on_a_public_address_is_warned_about_at_start_up() {
    let public = serve_log("0.0.0.0:0").await;
    assert!(
        public.contains("checkout.payment_provider") && public.contains("WARN"),
        "{public}"
    );
    let local = serve_log("127.0.0.1:0").await;
    assert!(!local.contains("checkout.payment_provider"), "{local}");
}

#[test]
fn config_redacts_a_password_in_a_url_query() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .args(["config"])
        .current_dir(dir.path())
        .env(
            "SHOWROOM_DATABASE_URL",
            "postgres://db.internal/shop?user=shop&password=hunter2",
        )
        .env(
            "SHOWROOM_CACHE_URL",
            "redis://cache.internal:6379/?password=s3cr3t",
        )
        .output()
        .unwrap();
    assert!(output.status.success());
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        !printed.contains("hunter2") && !printed.contains("s3cr3t"),
        "{printed}"
    );
    assert!(printed.contains("user=shop&password=***"), "{printed}");
}

#[tokio::test]
async fn metrics_and_readiness_causes_are_kept_to_trusted_addresses() {
    let app = spawn_configured(|config| {
        config.http.ops_trusted_ips = vec!["10.0.0.0/8".into()];
    })
    .await;
    assert_problem(
        app.get("/metrics").await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    )
    .await;
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
    break_storage(&app);
    let failing = app.get("/readyz").await;
    let body = assert_problem(failing, StatusCode::SERVICE_UNAVAILABLE, "not_ready", None).await;
    let detail = body["detail"].as_str().unwrap();
    assert!(
        !detail.contains("storage"),
        "an untrusted caller learns why: {detail}"
    );
    app.stop().await;

    let trusting = spawn_configured(|config| {
        config.http.ops_trusted_ips = vec!["127.0.0.1".into()];
    })
    .await;
    assert_eq!(trusting.get("/metrics").await.status(), StatusCode::OK);
    break_storage(&trusting);
    let failing = trusting.get("/readyz").await;
    let body = assert_problem(failing, StatusCode::SERVICE_UNAVAILABLE, "not_ready", None).await;
    assert!(
        body["detail"].as_str().unwrap().contains("storage"),
        "{body}"
    );
    trusting.stop().await;
}

/// Turns the object folder into a file, so the storage check fails.
fn break_storage(app: &crate::helpers::TestApp) {
    let objects = app.dir.path().join("objects");
    let _ = std::fs::remove_dir_all(&objects);
    std::fs::write(&objects, b"not a folder").unwrap();
}
