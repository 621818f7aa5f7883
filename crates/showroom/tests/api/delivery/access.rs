//! Who may fetch an asset: drafts need staff or a signed URL until published, signed URLs
//! expire, and with a CDN configured media URLs point there and only the CDN may fetch.

use reqwest::{Method, StatusCode};
use serde_json::Value;
use tempfile::TempDir;

use super::{draft_with_model, get_with, header, model_bytes, published_model, set_status, store};
use crate::helpers::{assert_problem, spawn_app, spawn_configured, test_config};

#[tokio::test]
async fn draft_assets_need_staff_or_a_signed_url_until_published() {
    let app = spawn_app().await;
    let bytes = model_bytes(2_000);
    let hash = store(&app, "model.glb", bytes.clone()).await;
    let unused = app.get(&format!("/assets/{hash}/model.glb")).await;
    assert_problem(unused, StatusCode::NOT_FOUND, "not_found", None).await;
    let id = draft_with_model(&app, "secret-chair", &hash, "model.glb").await;
    let path = format!("/assets/{hash}/model.glb");

    let anonymous = app.get(&path).await;
    let missing = app
        .get(&format!("/assets/{}/model.glb", "0".repeat(64)))
        .await;
    assert_eq!(
        anonymous.status(),
        StatusCode::NOT_FOUND,
        "existence is not revealed"
    );
    assert_eq!(
        anonymous.text().await.unwrap(),
        missing.text().await.unwrap()
    );

    let staff = app.admin(Method::GET, &path, None).await;
    assert_eq!(staff.status(), StatusCode::OK);
    assert_eq!(header(&staff, "cache-control"), "private, no-store");

    let minted = app
        .admin_post(
            &format!("/api/v1/admin/assets/{hash}/model.glb/signed-url?ttl_secs=60"),
            Value::Null,
        )
        .await;
    let signed = minted["url"].as_str().unwrap();
    assert!(signed.starts_with(&format!("{path}?expires=")), "{signed}");
    assert!(minted["expires_at"].as_str().unwrap().ends_with('Z'));
    let by_signature = app.get(signed).await;
    assert_eq!(by_signature.status(), StatusCode::OK);
    assert_eq!(header(&by_signature, "cache-control"), "private, no-store");
    assert_eq!(by_signature.bytes().await.unwrap(), bytes);
    let ranged = get_with(&app, signed, &[("range", "bytes=0-3")]).await;
    assert_eq!(ranged.status(), StatusCode::PARTIAL_CONTENT);

    let key = &app.state.delivery.settings.signing_key;
    let past = now() - 5;
    let expired = showroom_http::signed_asset_path(key, hash.as_str(), "model.glb", past);
    assert_problem(
        app.get(&expired).await,
        StatusCode::FORBIDDEN,
        "signature_expired",
        None,
    )
    .await;
    let tampered = signed.replace("expires=", "expires=9");
    assert_problem(
        app.get(&tampered).await,
        StatusCode::FORBIDDEN,
        "signature_invalid",
        None,
    )
    .await;
    let other_file = signed.replace("model.glb", "poster.png");
    assert_problem(
        app.get(&other_file).await,
        StatusCode::FORBIDDEN,
        "signature_invalid",
        None,
    )
    .await;
    let unminted = app
        .admin_bodiless(
            Method::POST,
            &format!("/api/v1/admin/assets/{hash}/nothing.glb/signed-url"),
        )
        .await;
    assert_eq!(unminted.status(), StatusCode::NOT_FOUND);
    let anonymous_mint = app
        .client
        .post(app.url(&format!("/api/v1/admin/assets/{hash}/model.glb/signed-url")))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous_mint.status(), StatusCode::UNAUTHORIZED);

    set_status(&app, &id, "publish").await;
    let public = app.get(&path).await;
    assert_eq!(
        public.status(),
        StatusCode::OK,
        "publishing takes effect at once"
    );
    assert_eq!(
        header(&public, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    for bad in ["36893488147419103231", "-1", "soon"] {
        assert_problem(
            app.get(&format!("{path}?expires={bad}&sig=00")).await,
            StatusCode::BAD_REQUEST,
            "invalid_query",
            None,
        )
        .await;
    }
    set_status(&app, &id, "archive").await;
    assert_eq!(
        app.get(&path).await.status(),
        StatusCode::NOT_FOUND,
        "archiving hides it again"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_signed_url_stops_working_when_it_expires() {
    let app = spawn_app().await;
    let hash = store(&app, "model.glb", model_bytes(100)).await;
    draft_with_model(&app, "brief-chair", &hash, "model.glb").await;
    let key = &app.state.delivery.settings.signing_key;
    let url = showroom_http::signed_asset_path(key, hash.as_str(), "model.glb", now() + 1);
    assert_eq!(app.get(&url).await.status(), StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    assert_problem(
        app.get(&url).await,
        StatusCode::FORBIDDEN,
        "signature_expired",
        None,
    )
    .await;
    app.stop().await;
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn with_a_cdn_media_urls_point_there_and_only_the_cdn_may_fetch() {
    let app = spawn_configured(|c| {
        c.asset_base_url = Some("https://cdn.example.com/".into());
        c.asset_origin_secret = Some("cdn-origin-secret".to_owned().into());
    })
    .await;
    let (model, bytes) = published_model(&app).await;
    let product = app
        .get_json("/api/v1/products/ranged-chair", StatusCode::OK)
        .await;
    // The product page shows a product with something to buy: give it a variant.
    app.admin_create(
        &format!(
            "/api/v1/admin/products/{}/variants",
            product["id"].as_str().unwrap()
        ),
        serde_json::json!({"sku": "RANGED-1", "option_values": {},
                           "price": {"amount_minor": 1000, "currency": "USD"}, "on_hand": 1}),
    )
    .await;
    assert_eq!(
        product["media"][0]["url"],
        format!("https://cdn.example.com{model}")
    );
    let list = app.get_json("/api/v1/products", StatusCode::OK).await;
    assert_eq!(
        list["items"][0]["cover"]["url"],
        format!("https://cdn.example.com{model}")
    );
    let page = app
        .get("/products/ranged-chair")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("https://cdn.example.com{model}")),
        "{page}"
    );

    let direct = app.get(&model).await;
    assert_problem(direct, StatusCode::FORBIDDEN, "forbidden", None).await;
    let wrong = get_with(
        &app,
        &model,
        &[(showroom_http::ORIGIN_SECRET_HEADER, "guess")],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let from_cdn = get_with(
        &app,
        &model,
        &[(showroom_http::ORIGIN_SECRET_HEADER, "cdn-origin-secret")],
    )
    .await;
    assert_eq!(from_cdn.status(), StatusCode::OK);
    assert_eq!(from_cdn.bytes().await.unwrap(), bytes);

    let hash = model.split('/').nth(2).unwrap();
    let minted = app
        .admin_post(
            &format!("/api/v1/admin/assets/{hash}/model.glb/signed-url"),
            Value::Null,
        )
        .await;
    assert!(minted["url"]
        .as_str()
        .unwrap()
        .starts_with("https://cdn.example.com/assets/"));
    app.stop().await;
}

#[tokio::test]
async fn a_cdn_base_without_an_origin_secret_or_a_bad_origin_stops_start_up() {
    let dir = TempDir::new().unwrap();
    let mut config = test_config(
        &dir,
        format!("sqlite://{}/db.sqlite", dir.path().display()),
        "p:",
    );
    config.asset_base_url = Some("https://cdn.example.com".into());
    let error = showroom::build_state(&config)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.contains("asset_origin_secret (SHOWROOM_ASSET_ORIGIN_SECRET)"),
        "{error}"
    );

    config.asset_base_url = None;
    config.cors_origins = vec!["https://shop.example/path".into()];
    let error = showroom::build_state(&config)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(error.contains("cors_origins"), "{error}");
}
