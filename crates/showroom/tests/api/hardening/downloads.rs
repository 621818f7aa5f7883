//! Downloads stream: a large model, whole or a range of it, leaves the server in small chunks
//! read from storage as the client takes them, never as one copy of the file in memory. The
//! merchant's original upload and the pipeline report stay private when the product is public.

use axum::body::Body;
use bytes::Bytes;
use futures::StreamExt;
use reqwest::{Method, StatusCode};
use showroom_assets::FileName;
use tower::ServiceExt;

use crate::delivery::{draft_with_model, published_model_of_size, set_status, store};
use crate::helpers::{spawn_app, TestApp};

const LARGEST_CHUNK: usize = 1024 * 1024;

/// Sends `request` through the router in-process and returns the status, the body and the size
/// of its largest chunk (what the server hands to the socket at once).
async fn chunks(app: &TestApp, path: &str, range: Option<&str>) -> (StatusCode, Vec<u8>, usize) {
    let mut request = axum::http::Request::get(path).header("host", "shop.example");
    if let Some(range) = range {
        request = request.header("range", range);
    }
    let response = showroom_http::router(app.state.clone())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
    let mut stream = response.into_body().into_data_stream();
    let (mut body, mut largest) = (Vec::new(), 0);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        largest = largest.max(chunk.len());
        body.extend_from_slice(&chunk);
    }
    (status, body, largest)
}

#[tokio::test]
async fn a_large_model_and_a_range_of_it_leave_in_small_chunks() {
    let app = spawn_app().await;
    let size = 24 * 1024 * 1024;
    let (path, bytes) = published_model_of_size(&app, size).await;

    let (status, body, largest) = chunks(&app, &path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body == bytes,
        "the streamed body differs from the stored file"
    );
    assert!(
        largest <= LARGEST_CHUNK,
        "a {largest}-byte chunk of a {size}-byte file"
    );

    let (status, body, largest) = chunks(&app, &path, Some("bytes=1000000-21000000")).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert!(
        body == bytes[1_000_000..=21_000_000],
        "the streamed range differs"
    );
    assert!(
        largest <= LARGEST_CHUNK,
        "a {largest}-byte chunk of a 20 MB range"
    );

    // Over the network too: the length is declared, the bytes arrive whole.
    let response = app.get(&path).await;
    assert_eq!(
        response.headers()["content-length"],
        size.to_string().as_str()
    );
    assert_eq!(response.bytes().await.unwrap().len(), size);
    app.stop().await;
}

#[tokio::test]
async fn the_original_upload_and_the_report_of_a_published_product_stay_private() {
    let app = spawn_app().await;
    let original = crate::delivery::model_bytes(50_000);
    let hash = store(&app, "original.glb", original.clone()).await;
    for (file, bytes) in [
        ("model.glb", &b"glTF optimized"[..]),
        ("report.json", b"{}"),
    ] {
        app.state
            .blobs
            .put_file(
                &hash,
                &FileName::parse(file).unwrap(),
                Bytes::copy_from_slice(bytes),
            )
            .await
            .unwrap();
    }
    let id = draft_with_model(&app, "private-original", &hash, "model.glb").await;
    set_status(&app, &id, "publish").await;

    let model = app.get(&format!("/assets/{hash}/model.glb")).await;
    assert_eq!(
        model.status(),
        StatusCode::OK,
        "the delivery model is public"
    );
    for file in ["original.glb", "report.json"] {
        let path = format!("/assets/{hash}/{file}");
        assert_eq!(
            app.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{file} is public"
        );
        let staff = app.admin(Method::GET, &path, None).await;
        assert_eq!(staff.status(), StatusCode::OK, "{file} for staff");
        assert_eq!(staff.headers()["cache-control"], "private, no-store");
    }
    app.stop().await;
}
