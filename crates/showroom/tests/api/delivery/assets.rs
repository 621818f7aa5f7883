//! Asset responses: strong validators and 304, HEAD, byte ranges (206, 416, several ranges,
//! `If-Range`), and media types by file extension.

use bytes::Bytes;
use reqwest::StatusCode;
use showroom_assets::{ContentAddress, FileName};

use super::{get_with, header, published_model, MODEL_SIZE};
use crate::helpers::{assert_problem, spawn_app, TestApp};

#[tokio::test]
async fn public_assets_are_immutable_revalidate_with_304_and_answer_head() {
    let app = spawn_app().await;
    let (path, bytes) = published_model(&app).await;

    let response = app.get(&path).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "model/gltf-binary");
    assert_eq!(
        header(&response, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&response, "accept-ranges"), "bytes");
    assert!(!header(&response, "last-modified").is_empty());
    let etag = header(&response, "etag");
    assert!(etag.starts_with('"') && !etag.starts_with("W/"), "{etag}");
    assert_eq!(response.bytes().await.unwrap(), bytes);

    let revalidated = get_with(&app, &path, &[("if-none-match", &etag)]).await;
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&revalidated, "etag"), etag);
    assert!(revalidated.bytes().await.unwrap().is_empty());
    let changed = get_with(&app, &path, &[("if-none-match", "\"something-else\"")]).await;
    assert_eq!(changed.status(), StatusCode::OK);

    let head = app.client.head(app.url(&path)).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(&head, "content-length"), MODEL_SIZE.to_string());
    assert_eq!(header(&head, "etag"), etag);
    assert_eq!(header(&head, "content-type"), "model/gltf-binary");
    assert!(head.bytes().await.unwrap().is_empty());
    app.stop().await;
}

/// Checks the 206 answers for `bytes=0-99`, `bytes=-500`, `bytes=100-` and the last byte.
async fn assert_single_ranges(app: &TestApp, path: &str, bytes: &[u8]) {
    let size = bytes.len();
    for (range, start, end) in [
        ("bytes=0-99", 0, 100),
        ("bytes=-500", size - 500, size),
        ("bytes=100-", 100, size),
        (
            &format!("bytes={}-{}", size - 1, size + 50)[..],
            size - 1,
            size,
        ),
    ] {
        let response = get_with(app, path, &[("range", range)]).await;
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(
            header(&response, "content-range"),
            format!("bytes {start}-{}/{size}", end - 1),
            "{range}"
        );
        assert_eq!(
            header(&response, "content-length"),
            (end - start).to_string()
        );
        assert_eq!(header(&response, "content-type"), "model/gltf-binary");
        assert_eq!(
            &response.bytes().await.unwrap()[..],
            &bytes[start..end],
            "{range}"
        );
    }
}

#[tokio::test]
async fn ranges_return_exact_bytes_and_odd_ones_get_200_or_416() {
    let app = spawn_app().await;
    let (path, bytes) = published_model(&app).await;
    // Before any full read the ranges come from storage; after one, from the memory copy.
    assert_single_ranges(&app, &path, &bytes).await;
    assert_eq!(app.get(&path).await.bytes().await.unwrap(), bytes);
    assert_single_ranges(&app, &path, &bytes).await;

    let several = get_with(&app, &path, &[("range", "bytes=0-9,20-29")]).await;
    assert_eq!(
        several.status(),
        StatusCode::OK,
        "several ranges: the whole file"
    );
    assert!(header(&several, "content-range").is_empty());
    assert_eq!(several.bytes().await.unwrap(), bytes);

    let beyond = get_with(&app, &path, &[("range", "bytes=20000-")]).await;
    assert_eq!(
        header(&beyond, "content-range"),
        format!("bytes */{MODEL_SIZE}")
    );
    assert_problem(
        beyond,
        StatusCode::RANGE_NOT_SATISFIABLE,
        "range_not_satisfiable",
        None,
    )
    .await;

    let etag = header(&app.get(&path).await, "etag");
    let stale = get_with(
        &app,
        &path,
        &[("range", "bytes=0-99"), ("if-range", "\"old-etag\"")],
    )
    .await;
    assert_eq!(
        stale.status(),
        StatusCode::OK,
        "If-Range of another version: whole file"
    );
    assert_eq!(stale.bytes().await.unwrap(), bytes);
    let current = get_with(&app, &path, &[("range", "bytes=0-99"), ("if-range", &etag)]).await;
    assert_eq!(current.status(), StatusCode::PARTIAL_CONTENT);
    app.stop().await;
}

#[tokio::test]
async fn files_are_served_with_their_media_types() {
    let app = spawn_app().await;
    let (path, _) = published_model(&app).await;
    let hash = ContentAddress::parse(path.split('/').nth(2).unwrap()).unwrap();
    for (file, media_type) in [
        ("model.usdz", "model/vnd.usdz+zip"),
        ("poster.webp", "image/webp"),
        ("poster.png", "image/png"),
        ("poster.jpg", "image/jpeg"),
        ("scene.gltf", "model/gltf+json"),
        ("original", "application/octet-stream"),
    ] {
        // Derived files live under the model's address and share its visibility.
        app.state
            .blobs
            .put_file(
                &hash,
                &FileName::parse(file).unwrap(),
                Bytes::from(vec![b'x'; 600]),
            )
            .await
            .unwrap();
        let response = get_with(
            &app,
            &format!("/assets/{hash}/{file}"),
            &[("accept-encoding", "br, gzip")],
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK, "{file}");
        assert_eq!(header(&response, "content-type"), media_type, "{file}");
        assert!(
            header(&response, "content-encoding").is_empty(),
            "{file} is sent as stored"
        );
    }
    app.stop().await;
}
