//! Response layers: brotli/gzip negotiation for text (never for models), the `Cache-Control`
//! policy, and CORS for listed origins only, with its configuration forms.

use std::io::Read;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use showroom::config::Config;

use super::{get_with, header, published_model, MODEL_SIZE};
use crate::helpers::{spawn_app, spawn_configured, TestApp};

fn brotli_decode(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli_decompressor::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn gzip_decode(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[tokio::test]
async fn json_is_compressed_by_negotiation_and_models_never_are() {
    let app = spawn_app().await;
    let (model, bytes) = published_model(&app).await;
    let path = "/api/v1/products/ranged-chair";
    let plain = app.get(path).await;
    assert!(header(&plain, "content-encoding").is_empty());
    assert!(header(&plain, "vary")
        .to_ascii_lowercase()
        .contains("accept-encoding"));
    let plain = plain.bytes().await.unwrap();

    let br = get_with(&app, path, &[("accept-encoding", "br")]).await;
    assert_eq!(header(&br, "content-encoding"), "br");
    assert!(header(&br, "vary")
        .to_ascii_lowercase()
        .contains("accept-encoding"));
    assert_eq!(
        header(&br, "x-cache"),
        "miss",
        "each encoding is rendered and compressed on its own first request"
    );
    let br = br.bytes().await.unwrap();
    assert_eq!(brotli_decode(&br), plain);
    let br_again = get_with(&app, path, &[("accept-encoding", "br")]).await;
    assert_eq!(
        header(&br_again, "x-cache"),
        "hit",
        "compression keeps the cache header"
    );
    assert_eq!(header(&br_again, "content-encoding"), "br");
    assert_eq!(br_again.bytes().await.unwrap(), br);

    let gzip = get_with(&app, path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(header(&gzip, "content-encoding"), "gzip");
    assert_eq!(gzip_decode(&gzip.bytes().await.unwrap()), plain);

    let openapi = get_with(
        &app,
        "/api/openapi.json",
        &[("accept-encoding", "gzip, br")],
    )
    .await;
    assert_eq!(
        header(&openapi, "content-encoding"),
        "br",
        "brotli is preferred"
    );
    let page = get_with(
        &app,
        "/products/ranged-chair",
        &[("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(header(&page, "content-encoding"), "gzip");

    let glb = get_with(&app, &model, &[("accept-encoding", "br, gzip")]).await;
    assert!(header(&glb, "content-encoding").is_empty());
    assert_eq!(header(&glb, "content-length"), MODEL_SIZE.to_string());
    assert_eq!(glb.bytes().await.unwrap(), bytes);
    app.stop().await;
}

#[tokio::test]
async fn cache_control_is_public_for_the_shop_and_private_or_absent_elsewhere() {
    let app = spawn_app().await;
    published_model(&app).await;
    let shop = app.get("/api/v1/products/ranged-chair").await;
    assert_eq!(
        header(&shop, "cache-control"),
        "public, max-age=0, s-maxage=30, stale-while-revalidate=60"
    );
    let admin = app.admin(Method::GET, "/api/v1/admin/products", None).await;
    assert_eq!(admin.status(), StatusCode::OK);
    assert_eq!(header(&admin, "cache-control"), "private, no-store");
    let refused = app.get("/api/v1/admin/products").await;
    assert_eq!(header(&refused, "cache-control"), "private, no-store");
    let missing = app.get("/api/v1/products/no-such-thing").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&missing, "cache-control"), "no-store");
    assert_eq!(
        header(&app.get("/healthz").await, "cache-control"),
        "no-cache"
    );
    app.stop().await;
}

/// An app whose extra settings `adjust` sets.
async fn preflight(app: &TestApp, path: &str, origin: &str) -> reqwest::Response {
    app.client
        .request(Method::OPTIONS, app.url(path))
        .header("origin", origin)
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "range")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn cors_allows_listed_origins_and_gives_others_nothing() {
    let app = spawn_configured(|c| c.cors_origins = vec!["https://shop.example".into()]).await;
    let (model, _) = published_model(&app).await;
    for path in ["/api/v1/products", model.as_str()] {
        let allowed = preflight(&app, path, "https://shop.example").await;
        assert!(
            allowed.status().is_success(),
            "{path}: {}",
            allowed.status()
        );
        assert_eq!(
            header(&allowed, "access-control-allow-origin"),
            "https://shop.example"
        );
        assert!(header(&allowed, "access-control-allow-methods").contains("GET"));
        assert!(header(&allowed, "access-control-allow-headers")
            .to_ascii_lowercase()
            .contains("range"));
        assert!(header(&allowed, "vary")
            .to_ascii_lowercase()
            .contains("origin"));

        let refused = preflight(&app, path, "https://evil.example").await;
        let cors_headers: Vec<_> = refused
            .headers()
            .keys()
            .filter(|name| name.as_str().starts_with("access-control-"))
            .collect();
        assert!(cors_headers.is_empty(), "{path}: {cors_headers:?}");
    }
    let simple = get_with(&app, &model, &[("origin", "https://shop.example")]).await;
    assert_eq!(
        header(&simple, "access-control-allow-origin"),
        "https://shop.example"
    );
    assert!(header(&simple, "access-control-expose-headers")
        .to_ascii_lowercase()
        .contains("content-range"));
    let other = get_with(&app, &model, &[("origin", "https://evil.example")]).await;
    assert!(header(&other, "access-control-allow-origin").is_empty());
    let page = get_with(&app, "/", &[("origin", "https://shop.example")]).await;
    assert!(
        header(&page, "access-control-allow-origin").is_empty(),
        "pages are same-origin only"
    );
    app.stop().await;
}

#[test]
fn cors_origins_come_from_an_array_or_a_comma_separated_string() {
    use figment::providers::Serialized;
    let load = |value: Value| {
        Config::load(
            None,
            figment::Figment::from(Serialized::default("cors_origins", value)),
        )
        .unwrap()
        .cors_origins
    };
    let expected = vec![
        "https://a.example".to_owned(),
        "https://b.example".to_owned(),
    ];
    assert_eq!(
        load(json!("https://a.example, https://b.example")),
        expected
    );
    assert_eq!(
        load(json!(["https://a.example", "https://b.example"])),
        expected
    );
    assert!(load(json!("")).is_empty());
}
