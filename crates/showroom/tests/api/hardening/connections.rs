//! Slow and malformed connections, spoken to over raw TCP: a request head that never ends is cut
//! off, a client that stops reading is dropped, connections past the cap wait, a body declared
//! too large is refused before it is sent, and `Host` must be there once and well formed.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{spawn_app, spawn_configured, TestApp};

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .expect("connect to the test server")
}

/// Reads until the server closes the connection or `limit` passes; returns what arrived and
/// whether the server closed it.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (Vec<u8>, bool) {
    let mut received = Vec::new();
    let mut buffer = [0u8; 64 * 1024];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (received, true),
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
            Err(_) => return (received, false),
        }
    }
}

/// Sends `request` on a fresh connection and returns the status of the answer.
async fn raw_status(app: &TestApp, request: &str) -> u16 {
    let mut stream = connect(app).await;
    stream.write_all(request.as_bytes()).await.unwrap();
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    let text = String::from_utf8_lossy(&answer);
    text.split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"))
}

#[tokio::test]
async fn a_request_head_that_never_ends_is_cut_off_after_the_header_timeout() {
    let app = spawn_configured(|config| config.http.header_read_timeout_secs = 1).await;
    let mut stream = connect(&app).await;
    let started = Instant::now();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: shop.example\r\nX-Slow: 1")
        .await
        .unwrap();
    let (_, closed) = read_until_closed(&mut stream, Duration::from_secs(8)).await;
    assert!(closed, "a slow request head was still open after 8 s");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "closed only after {:?}",
        started.elapsed()
    );
    app.stop().await;
}

#[tokio::test]
async fn a_client_that_stops_reading_a_download_is_dropped_after_the_idle_timeout() {
    let app = spawn_configured(|config| {
        config.http.idle_timeout_secs = 1;
        config.cache.asset_memory_mib = 0;
    })
    .await;
    let size = 48 * 1024 * 1024;
    let (path, _) = crate::delivery::published_model_of_size(&app, size).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: shop.example\r\n\r\n").as_bytes())
        .await
        .unwrap();
    // Socket buffers take a few megabytes; then the server cannot write and nothing moves.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let (received, closed) = read_until_closed(&mut stream, Duration::from_secs(20)).await;
    assert!(closed);
    assert!(
        received.len() < size,
        "the whole {size}-byte body arrived after the client stalled"
    );
    app.stop().await;
}

#[tokio::test]
async fn connections_past_the_cap_wait_until_one_closes() {
    let app = spawn_configured(|config| config.http.max_connections = 2).await;
    let request = b"GET /healthz HTTP/1.1\r\nHost: shop.example\r\n\r\n";
    let mut first = connect(&app).await;
    let mut second = connect(&app).await;
    for stream in [&mut first, &mut second] {
        stream.write_all(request).await.unwrap();
        let mut buffer = [0u8; 1024];
        let n = stream.read(&mut buffer).await.unwrap();
        assert!(buffer[..n].starts_with(b"HTTP/1.1 200"));
    }
    let mut third = connect(&app).await;
    third.write_all(request).await.unwrap();
    let mut buffer = [0u8; 1024];
    let early = tokio::time::timeout(Duration::from_millis(700), third.read(&mut buffer)).await;
    assert!(
        early.is_err(),
        "a third connection was served past a cap of 2"
    );
    drop(first);
    let n = tokio::time::timeout(Duration::from_secs(5), third.read(&mut buffer))
        .await
        .expect("served once a connection closed")
        .unwrap();
    assert!(buffer[..n].starts_with(b"HTTP/1.1 200"));
    drop((second, third));
    app.stop().await;
}

#[tokio::test]
async fn a_body_declared_over_the_limit_is_refused_at_once_without_waiting_for_it() {
    let app = spawn_app().await;
    let mut stream = connect(&app).await;
    let started = Instant::now();
    stream
        .write_all(
            b"POST /api/v1/checkout HTTP/1.1\r\nHost: shop.example\r\nContent-Type: application/json\r\n\
              Idempotency-Key: declared-oversize-1\r\nContent-Length: 100000000\r\n\r\n{\"email\":",
        )
        .await
        .unwrap();
    let mut buffer = [0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(3), stream.read(&mut buffer))
        .await
        .expect("an answer before the body arrives")
        .unwrap();
    let head = String::from_utf8_lossy(&buffer[..n]);
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(started.elapsed() < Duration::from_secs(3));
    app.stop().await;
}

#[tokio::test]
async fn a_missing_repeated_or_invalid_host_is_a_400() {
    let app = spawn_app().await;
    let cases = [
        "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: user@shop.example\r\nConnection: close\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: shop.example/evil\r\nConnection: close\r\n\r\n",
        "GET /api/v1/products HTTP/1.1\r\nHost: shop.example:http\r\nConnection: close\r\n\r\n",
    ];
    for request in cases {
        assert_eq!(raw_status(&app, request).await, 400, "{request:?}");
    }
    let fine = "GET /healthz HTTP/1.1\r\nHost: shop.example:8080\r\nConnection: close\r\n\r\n";
    assert_eq!(raw_status(&app, fine).await, 200);
    let old = "GET /healthz HTTP/1.0\r\n\r\n";
    assert_eq!(raw_status(&app, old).await, 200);
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    app.stop().await;
}
