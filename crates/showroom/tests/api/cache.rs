//! Response caching: hits after the first read, invalidation by every admin write, and — with
//! Redis — invalidation seen by a second instance sharing the database and the cache.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{redis_is_set, spawn_app, spawn_with, test_config, TestApp};

fn x_cache(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-cache")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn product_detail_is_cached_and_admin_writes_invalidate_it() {
    let app = spawn_app().await;
    let product = app
        .published_product("teapot", "Teapot", &[("TEA-1", "White", 2_000, 4)])
        .await;
    let first = app.get("/api/v1/products/teapot").await;
    assert_eq!(x_cache(&first), "miss");
    let second = app.get("/api/v1/products/teapot").await;
    assert_eq!(x_cache(&second), "hit");
    let list_first = app.get("/api/v1/products").await;
    assert_eq!(x_cache(&list_first), "miss");
    assert_eq!(x_cache(&app.get("/api/v1/products").await), "hit");
    let stats = app.state.cache.stats();
    assert!(stats.hits >= 2 && stats.misses >= 2, "{stats:?}");

    retitle(&app, &product, "Porcelain Teapot").await;
    let after = app.get("/api/v1/products/teapot").await;
    assert_eq!(x_cache(&after), "miss");
    let body: serde_json::Value = after.json().await.unwrap();
    assert_eq!(body["title"], "Porcelain Teapot");
    let list = app.get_json("/api/v1/products", StatusCode::OK).await;
    assert_eq!(list["items"][0]["title"], "Porcelain Teapot");
    app.stop().await;
}

#[tokio::test]
async fn a_write_on_one_instance_invalidates_the_other_instances_cache() {
    if !redis_is_set("cross-instance invalidation needs Redis") {
        return;
    }
    let a = spawn_app().await;
    // Instance B shares A's database, object folder and Redis key prefix.
    let b = spawn_with(
        test_config(
            &a.dir,
            a.config.database_url.clone(),
            &a.config.cache.key_prefix,
        ),
        Arc::clone(&a.dir),
    )
    .await;
    let product = a
        .published_product("kettle", "Kettle", &[("KET-1", "Steel", 3_000, 4)])
        .await;
    assert_eq!(
        b.get_json("/api/v1/products/kettle", StatusCode::OK).await["title"],
        "Kettle"
    );
    assert_eq!(x_cache(&b.get("/api/v1/products/kettle").await), "hit");

    retitle(&a, &product, "Electric Kettle").await;
    let seen_by_b = b.get("/api/v1/products/kettle").await;
    assert_eq!(x_cache(&seen_by_b), "miss");
    assert_eq!(
        seen_by_b.json::<serde_json::Value>().await.unwrap()["title"],
        "Electric Kettle"
    );
    b.stop().await;
    a.stop().await;
}

#[tokio::test]
async fn cache_hits_and_misses_are_exported_as_metrics() {
    let app = spawn_app().await;
    app.published_product("mug", "Mug", &[("MUG-1", "Blue", 900, 4)])
        .await;
    app.get("/api/v1/products/mug").await;
    app.get("/api/v1/products/mug").await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("showroom_cache_hits_total"), "{metrics}");
    assert!(metrics.contains("showroom_cache_misses_total"));
    app.stop().await;
}

/// Gives `product` a new title through the admin API.
async fn retitle(app: &TestApp, product: &serde_json::Value, title: &str) {
    let id = product["id"].as_str().unwrap();
    app.admin_patch(
        &format!("/api/v1/admin/products/{id}"),
        json!({ "title": title }),
    )
    .await;
}
