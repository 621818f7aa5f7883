//! Response caching: hits after the first read (the JSON and the product page without a
//! session), invalidation by every admin write, and — with
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
async fn the_product_page_without_a_session_is_cached_and_writes_drop_it() {
    let app = spawn_app().await;
    let product = app
        .published_product("teapot", "Teapot", &[("TEA-1", "White", 2_000, 4)])
        .await;
    let first = app.get("/products/teapot").await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(x_cache(&first), "miss");
    assert_eq!(
        first.headers()["cache-control"],
        "public, max-age=0, s-maxage=30, stale-while-revalidate=60"
    );
    let first = first.text().await.unwrap();
    assert!(first.contains("Teapot"));
    assert!(
        !first.contains("name=\"csrf_token\""),
        "no one's token in a shared page"
    );
    let second = app.get("/products/teapot").await;
    assert_eq!(x_cache(&second), "hit");
    assert!(second.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(second.text().await.unwrap(), first, "the same page");

    retitle(&app, &product, "Porcelain Teapot").await;
    let after = app.get("/products/teapot").await;
    assert_eq!(
        x_cache(&after),
        "miss",
        "an admin write drops the cached page"
    );
    assert!(after.text().await.unwrap().contains("Porcelain Teapot"));
    assert_eq!(
        app.get("/products/no-such-teapot").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/products/no-such-teapot").await.status(),
        StatusCode::NOT_FOUND,
        "a missing product stays missing (nothing cached)"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_chosen_variant_or_a_session_gets_the_product_page_rendered_afresh() {
    let app = spawn_app().await;
    let product = app
        .published_product(
            "teapot",
            "Teapot",
            &[("TEA-1", "White", 2_000, 4), ("TEA-2", "Black", 2_500, 4)],
        )
        .await;
    let black = product["variants"][1]["id"].as_str().unwrap().to_owned();
    for _ in 0..2 {
        let chosen = app.get(&format!("/products/teapot?variant={black}")).await;
        assert_eq!(chosen.status(), StatusCode::OK);
        assert_eq!(
            x_cache(&chosen),
            "",
            "?variant= is rendered for the request"
        );
        assert!(chosen.text().await.unwrap().contains("TEA-2"));
    }
    let with_session = app
        .client
        .get(app.url("/products/teapot"))
        .header("cookie", "showroom_session=not-a-session-yet")
        .send()
        .await
        .unwrap();
    assert_eq!(with_session.status(), StatusCode::OK);
    assert_eq!(x_cache(&with_session), "", "a shopper's page is their own");
    assert_eq!(with_session.headers()["cache-control"], "private, no-store");
    assert!(with_session
        .text()
        .await
        .unwrap()
        .contains("name=\"csrf_token\""));
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
