//! Uploads and the asset pipeline through the real API, with real background workers: a model
//! goes upload → processing → ready with its optimized GLBs, posters and USDZ stored; repeated
//! uploads are deduplicated; bad uploads are refused before anything is stored; a broken model
//! fails with a reason a merchant can act on, and can be re-processed.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::Value;
use showroom_assets::demo::{self, DemoKind};
use showroom_assets::gltf::{self, Format, NoResources};

use crate::helpers::{
    assert_invalid, assert_problem, item_where, spawn_configured, TestApp, ADMIN_TOKEN,
};

/// An app whose workers process uploads.
pub async fn spawn_processing_app(workers: usize) -> TestApp {
    spawn_configured(|config| {
        config.assets.workers = workers;
        config.assets.max_upload_bytes = 64 * 1024 * 1024;
    })
    .await
}

pub async fn upload(app: &TestApp, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/admin/assets?name={name}")))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .expect("upload")
}

/// Polls the asset until it is `ready` or `failed` (panics after `limit`), checking on the way
/// that progress never goes backwards within one run.
pub async fn wait_processed(app: &TestApp, hash: &str, limit: Duration) -> Value {
    let started = Instant::now();
    let mut last_progress = 0;
    loop {
        let asset = app.admin_get(&format!("/api/v1/admin/assets/{hash}")).await;
        let status = asset["status"].as_str().unwrap().to_owned();
        if status == "ready" || status == "failed" {
            return asset;
        }
        let progress = asset["progress"].as_u64().unwrap();
        if status == "processing" {
            assert!(progress >= last_progress, "progress went back: {asset}");
            last_progress = progress;
        }
        assert!(
            started.elapsed() < limit,
            "not processed within {limit:?}: {asset}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn fetch(app: &TestApp, url: &str) -> Vec<u8> {
    let response = app.admin(Method::GET, url, None).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {url}");
    response.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn a_demo_model_goes_from_upload_to_ready_with_every_derived_file() {
    let app = spawn_processing_app(1).await;
    let glb = demo::generate(
        DemoKind::Sneaker,
        &[
            ("Red", [0.8, 0.1, 0.1, 1.0]),
            ("Navy", [0.05, 0.1, 0.4, 1.0]),
        ],
    );
    let response = upload(&app, "sneaker.glb", glb.clone()).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    let hash = created["hash"].as_str().unwrap().to_owned();
    assert_eq!(hash, showroom_assets::ContentAddress::of(&glb).as_str());
    assert_eq!(location, format!("/api/v1/admin/assets/{hash}"));
    assert_eq!(created["original_name"], "sneaker.glb");
    assert_eq!(created["format"], "glb");

    let asset = wait_processed(&app, &hash, Duration::from_secs(120)).await;
    assert_eq!(asset["status"], "ready", "{asset}");
    assert_eq!(asset["progress"], 100);
    assert_eq!(asset["variants"], serde_json::json!(["Red", "Navy"]));
    let dims = asset["dimensions_m"].as_array().unwrap();
    assert!(dims.iter().all(|d| d.as_f64().unwrap() > 0.01), "{asset}");
    // The posters' camera, ready for <model-viewer>'s attributes.
    let orbit = asset["camera"]["camera_orbit"].as_str().unwrap();
    assert!(
        orbit.starts_with("35deg ") && orbit.ends_with('m'),
        "{asset}"
    );
    assert_eq!(asset["camera"]["field_of_view"], "30deg");
    assert_eq!(
        asset["camera"]["camera_target"]
            .as_str()
            .unwrap()
            .split(' ')
            .count(),
        3
    );

    let delivery = fetch(&app, asset["files"]["model"].as_str().unwrap()).await;
    let validation = gltf::validate(&delivery, Format::Glb, &NoResources);
    assert_eq!(validation.errors, 0, "{:?}", validation.problems);
    let plain = fetch(&app, asset["files"]["model_plain"].as_str().unwrap()).await;
    assert_eq!(gltf::validate(&plain, Format::Glb, &NoResources).errors, 0);
    let usdz = fetch(&app, asset["files"]["usdz"].as_str().unwrap()).await;
    assert_eq!(&usdz[..2], b"PK");
    let poster = fetch(&app, asset["files"]["poster"].as_str().unwrap()).await;
    assert_eq!(&poster[1..4], b"PNG");
    for look in ["default", "red", "navy"] {
        for file in [
            format!("poster-{look}-128.png"),
            format!("poster-{look}-256.webp"),
        ] {
            fetch(&app, &format!("/assets/{hash}/{file}")).await;
        }
    }
    let report = app
        .admin_get(&format!("/api/v1/admin/assets/{hash}/report"))
        .await;
    assert_eq!(report["validation"]["errors"], 0);
    assert!(report["inspection"]["triangles"].as_u64().unwrap() > 100);
    assert_eq!(report["posters"].as_array().unwrap().len(), 3);
    assert_eq!(
        report["camera"]["camera_orbit"],
        asset["camera"]["camera_orbit"]
    );

    // The same bytes again: the existing asset, nothing queued.
    let again = upload(&app, "copy.glb", glb).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.unwrap();
    assert_eq!(
        (again["hash"].as_str(), again["status"].as_str()),
        (Some(hash.as_str()), Some("ready"))
    );
    for bad in ["0", "501", "1.5", "ten"] {
        let path = format!("/api/v1/admin/assets?limit={bad}");
        let response = app.admin(Method::GET, &path, None).await;
        assert_problem(
            response,
            StatusCode::BAD_REQUEST,
            "invalid_query",
            Some("limit"),
        )
        .await;
    }
    let listed = app.admin_get("/api/v1/admin/assets").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn a_multipart_upload_is_the_same_as_a_raw_one() {
    let app = spawn_processing_app(0).await;
    let glb = demo::generate(DemoKind::Cap, &[]);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(glb.clone()).file_name("cap.glb"),
    );
    let response = app
        .client
        .post(app.url("/api/v1/admin/assets"))
        .bearer_auth(ADMIN_TOKEN)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["original_name"], "cap.glb");
    assert_eq!(
        body["hash"],
        showroom_assets::ContentAddress::of(&glb).as_str()
    );
    assert_eq!(body["status"], "uploaded");
    assert_eq!(upload(&app, "raw.glb", glb).await.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn a_broken_model_fails_with_its_first_error_and_can_be_reprocessed() {
    let app = spawn_processing_app(1).await;
    // A GLB header whose JSON chunk references a buffer view that does not exist.
    let json = br#"{"asset":{"version":"2.0"},"meshes":[{"primitives":[{"attributes":{"POSITION":3}}]}],"nodes":[{"mesh":0}],"scenes":[{"nodes":[0]}]}"#;
    let mut padded = json.to_vec();
    while !padded.len().is_multiple_of(4) {
        padded.push(b' ');
    }
    let mut broken = b"glTF".to_vec();
    broken.extend_from_slice(&2u32.to_le_bytes());
    broken.extend_from_slice(&((20 + padded.len()) as u32).to_le_bytes());
    broken.extend_from_slice(&(padded.len() as u32).to_le_bytes());
    broken.extend_from_slice(b"JSON");
    broken.extend_from_slice(&padded);
    let created: Value = upload(&app, "broken.glb", broken)
        .await
        .json()
        .await
        .unwrap();
    let hash = created["hash"].as_str().unwrap().to_owned();
    let asset = wait_processed(&app, &hash, Duration::from_secs(60)).await;
    assert_eq!(asset["status"], "failed", "{asset}");
    let failure = asset["failure"].as_str().unwrap();
    assert!(
        failure.contains("UNRESOLVED_REFERENCE")
            && failure.contains("/meshes/0/primitives/0/attributes/POSITION"),
        "{failure}"
    );
    assert_eq!(asset["attempts"], 1, "a bad model is not retried");
    assert!(asset["files"]["model"].is_null());
    let report = app
        .admin_get(&format!("/api/v1/admin/assets/{hash}/report"))
        .await;
    assert!(report["validation"]["errors"].as_u64().unwrap() >= 1);

    let requeued = app
        .admin_json(
            Method::POST,
            &format!("/api/v1/admin/assets/{hash}/reprocess"),
            Value::Null,
            StatusCode::ACCEPTED,
        )
        .await;
    assert_eq!(requeued["status"], "uploaded");
    let again = wait_processed(&app, &hash, Duration::from_secs(60)).await;
    assert_eq!(again["status"], "failed");
    let unknown = app
        .admin_bodiless(
            Method::POST,
            &format!("/api/v1/admin/assets/{}/reprocess", "b".repeat(64)),
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn attaching_a_processed_model_links_variants_to_its_looks_by_name() {
    let app = spawn_processing_app(0).await;
    let glb = demo::generate(
        DemoKind::Handbag,
        &[
            ("Red", [0.8, 0.1, 0.1, 1.0]),
            ("Navy", [0.05, 0.1, 0.4, 1.0]),
        ],
    );
    let created: Value = upload(&app, "bag.glb", glb).await.json().await.unwrap();
    let hash = created["hash"].as_str().unwrap().to_owned();
    let product = app
        .published_product(
            "linked-bag",
            "Linked Bag",
            &[
                ("LB-RED", "red", 5000, 3),
                ("LB-NAVY", "Navy", 5000, 3),
                ("LB-GREEN", "Green", 5000, 3),
            ],
        )
        .await;
    let id = product["id"].as_str().unwrap().to_owned();
    let attach =
        serde_json::json!({"kind": "model", "asset_hash": hash, "file_name": "original.glb"});
    let early = app
        .admin(
            Method::POST,
            &format!("/api/v1/admin/products/{id}/media"),
            Some(attach.clone()),
        )
        .await;
    let body = assert_problem(early, StatusCode::CONFLICT, "conflict", Some("asset_hash")).await;
    assert!(
        body["detail"].as_str().unwrap().contains("not ready"),
        "{body}"
    );

    // A worker (as another instance would run) processes the upload.
    let workers = showroom::worker::Workers::start(showroom::worker::WorkerContext {
        queue: app.state.catalog.clone(),
        blobs: app.state.blobs.clone(),
        settings: std::sync::Arc::new(showroom::worker::WorkerSettings {
            concurrency: 1,
            ..showroom::worker::WorkerSettings::from_config(&app.config)
        }),
    });
    assert_eq!(
        wait_processed(&app, &hash, Duration::from_secs(60)).await["status"],
        "ready"
    );
    workers.stop(Duration::from_secs(10)).await;

    let model = serde_json::json!({"kind": "model", "asset_hash": hash, "file_name": "model.glb", "alt": "Linked Bag in 3D"});
    app.admin_create(&format!("/api/v1/admin/products/{id}/media"), model)
        .await;
    let read = app
        .get_json("/api/v1/products/linked-bag", StatusCode::OK)
        .await;
    let look = |sku: &str| item_where(&read["variants"], "sku", sku)["material_variant"].clone();
    assert_eq!(look("LB-RED"), "Red", "matched ignoring case: {read}");
    assert_eq!(look("LB-NAVY"), "Navy");
    assert!(look("LB-GREEN").is_null());
    assert!(read["media"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["kind"] == "model" && m["url"].as_str().unwrap().ends_with("/model.glb")));

    let green = item_where(&read["variants"], "sku", "LB-GREEN")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let patched = app
        .admin_patch(
            &format!("/api/v1/admin/variants/{green}"),
            serde_json::json!({"material_variant": "Navy"}),
        )
        .await;
    assert_eq!(patched["material_variant"], "Navy");
    let cleared = app
        .admin_patch(
            &format!("/api/v1/admin/variants/{green}"),
            serde_json::json!({"material_variant": null}),
        )
        .await;
    assert!(cleared["material_variant"].is_null());
    let bad = app
        .admin(
            Method::PATCH,
            &format!("/api/v1/admin/variants/{green}"),
            Some(serde_json::json!({"material_variant": ""})),
        )
        .await;
    assert_invalid(bad, "material_variant").await;
    app.stop().await;
}
