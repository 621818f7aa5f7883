//! Item 15: reprocessing never changes the bytes behind an address cached for a year. Derived
//! files live under the pipeline revision that made them; the API links that address
//! (immutable); the plain name follows the newest revision with a short cache; reprocessing
//! with another pipeline writes new addresses and leaves the old ones as they were.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use showroom::worker::{WorkerContext, WorkerSettings, Workers};
use showroom_assets::demo::{self, DemoKind};
use showroom_assets::pipeline::PipelineOptions;
use showroom_http::{ASSET_REVISION_REMEMBERED as REMEMBERED, LATEST_ASSET_CACHE_CONTROL};

use crate::helpers::{item_where, TestApp};
use crate::uploads::{spawn_processing_app, upload, wait_processed};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Runs one worker with `poster_sizes` until `hash` is processed; returns the asset.
async fn process_with(app: &TestApp, hash: &str, poster_sizes: Vec<u32>) -> Value {
    let workers = Workers::start(WorkerContext {
        queue: app.state.catalog.clone(),
        blobs: app.state.blobs.clone(),
        settings: std::sync::Arc::new(WorkerSettings {
            concurrency: 1,
            pipeline: PipelineOptions {
                poster_sizes,
                ..PipelineOptions::default()
            },
            ..WorkerSettings::from_config(&app.config)
        }),
    });
    let asset = wait_processed(app, hash, Duration::from_secs(60)).await;
    workers.stop(Duration::from_secs(10)).await;
    assert_eq!(asset["status"], "ready", "{asset}");
    asset
}

async fn get(app: &TestApp, path: &str) -> (StatusCode, String, Vec<u8>) {
    let response = app.get(path).await;
    let status = response.status();
    let cache = response
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, cache, response.bytes().await.unwrap().to_vec())
}

fn revision_of(asset: &Value, hash: &str) -> String {
    let model = asset["files"]["model"].as_str().unwrap();
    let rest = model
        .strip_prefix(&format!("/assets/{hash}/"))
        .unwrap_or_else(|| panic!("{model}"));
    let (revision, file) = rest.split_once('/').unwrap_or_else(|| panic!("{model}"));
    assert_eq!(file, "model.glb");
    assert!(revision.starts_with("v"), "{model}");
    revision.to_owned()
}

#[tokio::test]
async fn reprocessing_with_another_pipeline_writes_new_addresses_and_keeps_the_old_bytes() {
    let app = spawn_processing_app(0).await;
    let glb = demo::generate(DemoKind::Handbag, &[("Red", [0.8, 0.1, 0.1, 1.0])]);
    let created: Value = upload(&app, "bag.glb", glb).await.json().await.unwrap();
    let hash = created["hash"].as_str().unwrap().to_owned();
    let first = process_with(&app, &hash, vec![128, 256]).await;
    let old = revision_of(&first, &hash);

    let product = app
        .published_product("kept-bag", "Kept Bag", &[("KB-RED", "Red", 5000, 3)])
        .await;
    let id = product["id"].as_str().unwrap().to_owned();
    let model = serde_json::json!({"kind": "model", "asset_hash": hash, "file_name": "model.glb"});
    app.admin_create(&format!("/api/v1/admin/products/{id}/media"), model)
        .await;
    let read = app
        .get_json("/api/v1/products/kept-bag", StatusCode::OK)
        .await;
    let linked = item_where(&read["media"], "kind", "model")["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(linked, format!("/assets/{hash}/{old}/model.glb"), "{read}");
    let (status, cache, old_model) = get(&app, &linked).await;
    assert_eq!((status, cache.as_str()), (StatusCode::OK, IMMUTABLE));
    let old_poster_path = format!("/assets/{hash}/{old}/poster-default-256.png");
    let (status, _, old_poster) = get(&app, &old_poster_path).await;
    assert_eq!(status, StatusCode::OK);

    // The pipeline changes (here: other poster sizes); the merchant reprocesses.
    app.admin_json(
        Method::POST,
        &format!("/api/v1/admin/assets/{hash}/reprocess"),
        Value::Null,
        StatusCode::ACCEPTED,
    )
    .await;
    let second = process_with(&app, &hash, vec![128, 192]).await;
    let new = revision_of(&second, &hash);
    assert_ne!(old, new, "other options, another revision");

    // What browsers and CDNs cached is still exactly what they cached.
    let (status, cache, again) = get(&app, &linked).await;
    assert_eq!((status, cache.as_str()), (StatusCode::OK, IMMUTABLE));
    assert_eq!(again, old_model);
    let (status, _, poster_again) = get(&app, &old_poster_path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(poster_again, old_poster);

    // The new files are at new addresses; a size the new revision has not drawn is not there.
    let (status, cache, _) = get(
        &app,
        &format!("/assets/{hash}/{new}/poster-default-192.png"),
    )
    .await;
    assert_eq!((status, cache.as_str()), (StatusCode::OK, IMMUTABLE));
    let (status, _, _) = get(
        &app,
        &format!("/assets/{hash}/{new}/poster-default-256.png"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The plain name is a link to the newest revision (each instance notices a new one within
    // `REMEMBERED`), kept by caches for a minute only.
    let started = std::time::Instant::now();
    let plain_poster = format!("/assets/{hash}/poster-default-192.png");
    let (status, cache) = loop {
        let (status, cache, _) = get(&app, &plain_poster).await;
        if status == StatusCode::OK || started.elapsed() > REMEMBERED + Duration::from_secs(5) {
            break (status, cache);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(
        (status, cache.as_str()),
        (StatusCode::OK, LATEST_ASSET_CACHE_CONTROL)
    );
    let (_, _, plain_model) = get(&app, &format!("/assets/{hash}/model.glb")).await;
    let (_, _, new_model) = get(&app, &format!("/assets/{hash}/{new}/model.glb")).await;
    assert_eq!(plain_model, new_model);

    // Outside input never names anything but a revision and a plain file.
    for path in [
        format!("/assets/{hash}/{new}/original.glb"),
        format!("/assets/{hash}/{new}/report.json"),
        format!("/assets/{hash}/v2%20x/model.glb"),
        format!("/assets/{hash}/{new}/model-missing.glb"),
    ] {
        let (status, _, _) = get(&app, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    app.stop().await;
}
