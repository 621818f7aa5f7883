//! Delivery: asset responses (validators, ranges, HEAD, media types), compression of text,
//! `Cache-Control` policy, CORS, private assets with signed URLs, and the CDN asset origin.
//! The helpers below store assets and attach them to products; each submodule tests one area.

mod access;
mod assets;
mod edge;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde_json::{json, Value};
use showroom_assets::{ContentAddress, FileName};

use crate::helpers::TestApp;

pub const MODEL_SIZE: usize = 10_000;

/// Bytes where every offset has a predictable value, so a wrong range cannot pass by chance.
pub fn model_bytes(len: usize) -> Vec<u8> {
    let mut bytes = b"glTF".to_vec();
    bytes.extend((4..len).map(|i| (i * 7 % 251) as u8));
    bytes
}

pub fn header(response: &reqwest::Response, name: &str) -> String {
    header_of(response.headers(), name)
}

/// Every value of the header, joined with `, ` (`Vary` comes once from CORS and once from
/// compression).
pub fn header_of(headers: &HeaderMap, name: &str) -> String {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Stores `bytes` as an original upload named `file`; returns its address.
pub async fn store(app: &TestApp, file: &str, bytes: Vec<u8>) -> ContentAddress {
    app.state
        .blobs
        .put_asset(&FileName::parse(file).unwrap(), Bytes::from(bytes))
        .await
        .unwrap()
}

/// A product (a draft) showing `file` under `hash` as its 3D model; returns the product's id.
pub async fn draft_with_model(
    app: &TestApp,
    slug: &str,
    hash: &ContentAddress,
    file: &str,
) -> String {
    let product = app
        .admin_create("/api/v1/admin/products", json!({"slug": slug, "title": "Delivery Chair", "description": "A chair made of bytes"}))
        .await;
    let id = product["id"].as_str().unwrap().to_owned();
    app.admin_create(
        &format!("/api/v1/admin/products/{id}/media"),
        json!({"kind": "model", "asset_hash": hash.as_str(), "file_name": file, "alt": "3D model"}),
    )
    .await;
    id
}

pub async fn set_status(app: &TestApp, id: &str, action: &str) {
    app.admin_post(
        &format!("/api/v1/admin/products/{id}/{action}"),
        Value::Null,
    )
    .await;
}

/// A published product with a `MODEL_SIZE` model; returns the model's path and bytes.
pub async fn published_model(app: &TestApp) -> (String, Vec<u8>) {
    published_model_of_size(app, MODEL_SIZE).await
}

/// A published product with a `size`-byte model; returns the model's path and bytes.
pub async fn published_model_of_size(app: &TestApp, size: usize) -> (String, Vec<u8>) {
    let bytes = model_bytes(size);
    let hash = store(app, "model.glb", bytes.clone()).await;
    let id = draft_with_model(app, "ranged-chair", &hash, "model.glb").await;
    set_status(app, &id, "publish").await;
    (format!("/assets/{hash}/model.glb"), bytes)
}

pub async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}
