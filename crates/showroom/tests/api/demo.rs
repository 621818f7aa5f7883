//! The demo shop: at least 24 published products across three categories, each with variants,
//! stock, prices and a GLB model served from its immutable address.

use std::collections::HashSet;

use reqwest::StatusCode;

use crate::helpers::{item_where, spawn_demo_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_shop_serves_24_products_with_3d_models() {
    let app = spawn_demo_app().await;
    let page = app
        .get_json("/api/v1/products?limit=100", StatusCode::OK)
        .await;
    let items = page["items"].as_array().unwrap();
    assert!(items.len() >= 24, "only {} demo products", items.len());
    let categories: HashSet<_> = items
        .iter()
        .map(|p| p["category_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(categories.len(), 3);
    let tree = app.get_json("/api/v1/categories", StatusCode::OK).await;
    let names: HashSet<_> = tree
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["slug"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        HashSet::from([
            "furniture".to_owned(),
            "gadgets".to_owned(),
            "fashion".to_owned()
        ])
    );

    let slug = items[0]["slug"].as_str().unwrap();
    let product = app
        .get_json(&format!("/api/v1/products/{slug}"), StatusCode::OK)
        .await;
    assert!(!product["variants"].as_array().unwrap().is_empty());
    let model = item_where(&product["media"], "kind", "model");
    let response = app.get(model["url"].as_str().unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "model/gltf-binary");
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..4], b"glTF");
    let revalidated = app
        .client
        .get(app.url(model["url"].as_str().unwrap()))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);

    let home = app.get("/").await.text().await.unwrap();
    assert!(
        home.contains(&format!("/products/{slug}")),
        "the home page links the product"
    );
    app.stop().await;
}
