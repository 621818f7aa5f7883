//! Bad uploads are refused before anything is stored: wrong or lying sizes, not a model, a
//! broken zip — each a clear 4xx, and the object store holds no file afterwards.

use reqwest::{Method, StatusCode};
use showroom_assets::demo::{self, DemoKind};

use crate::helpers::{assert_problem, spawn_configured, ADMIN_TOKEN};
use crate::uploads::upload;

#[tokio::test]
async fn bad_uploads_are_refused_and_store_nothing() {
    let app = spawn_configured(|config| config.assets.max_upload_bytes = 64 * 1024).await;

    assert_problem(
        upload(&app, "empty.glb", Vec::new()).await,
        StatusCode::BAD_REQUEST,
        "invalid_upload",
        None,
    )
    .await;
    let body = assert_problem(
        upload(&app, "photo.jpg", b"\xFF\xD8\xFF\xE0 a jpeg".to_vec()).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_model_format",
        None,
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains(".glb"), "{body}");
    let body = assert_problem(
        upload(
            &app,
            "model.gltf",
            br#"{"asset":{"version":"2.0"}}"#.to_vec(),
        )
        .await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_model_format",
        None,
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains(".zip"), "{body}");
    let mut big = b"glTF".to_vec();
    big.resize(200 * 1024, 0);
    assert_problem(
        upload(&app, "big.glb", big).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "upload_too_large",
        None,
    )
    .await;
    // Without Content-Length (a stream), the limit is enforced while streaming.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = std::iter::once(Ok(b"glTF".to_vec()))
        .chain((0..40).map(|_| Ok(vec![0u8; 4096])))
        .collect();
    let streamed = app
        .client
        .post(app.url("/api/v1/admin/assets"))
        .bearer_auth(ADMIN_TOKEN)
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_problem(
        streamed,
        StatusCode::PAYLOAD_TOO_LARGE,
        "upload_too_large",
        None,
    )
    .await;

    let anonymous = app
        .client
        .post(app.url("/api/v1/admin/assets"))
        .body(demo::generate(DemoKind::Cap, &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    for path in [
        "/api/v1/admin/assets/nothex",
        &format!("/api/v1/admin/assets/{}", "a".repeat(64)),
    ] {
        let response = app.admin(Method::GET, path, None).await;
        assert_problem(response, StatusCode::NOT_FOUND, "not_found", None).await;
    }

    let listed = app.admin_get("/api/v1/admin/assets").await;
    assert_eq!(listed, serde_json::json!([]), "nothing was recorded");
    let objects = app.dir.path().join("objects");
    let stored = walk(&objects);
    assert!(stored.is_empty(), "nothing was stored: {stored:?}");
    app.stop().await;
}

/// Every file under `dir`, as strings.
fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path.display().to_string());
        }
    }
    out
}
