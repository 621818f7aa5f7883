//! The catalog file through the admin API, as a merchant's script or the back office uses it: a
//! Shopify CSV uploaded to `/api/v1/admin/catalog/imports` becomes a background job whose status
//! shows progress and then the report (bad records by line, the good ones kept); a dry run
//! writes nothing; importing again updates instead of duplicating; a file that is not a product
//! CSV is refused at once with the reason; oversized and empty uploads are refused; the export is the catalog as
//! CSV; a token without the catalog scope may do none of it.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{assert_invalid, assert_problem, spawn_app, TestApp, ADMIN_TOKEN};

const CSV: &str = "\
Handle,Title,Body (HTML),Vendor,Type,Option1 Name,Option1 Value,Variant SKU,Variant Inventory Qty,Variant Price,Status
linen-sofa,Linen sofa,<p>Deep seats</p><script>alert(1)</script>,Loom,Sofas,Color,Sand,LS-SAND,4,899.00,active
linen-sofa,,,,,,Slate,LS-SLATE,0,899.00,
oak-stool,Oak stool,,Loom,Stools,Color,Oak,OS-OAK,3,not-a-price,active
";

async fn post_file(
    app: &TestApp,
    query: &str,
    token: &str,
    body: &'static str,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/admin/catalog/imports{query}")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Starts an import and polls its `Location` until it ends; returns the last status.
async fn import(app: &TestApp, query: &str, body: &'static str) -> Value {
    let started = post_file(app, query, ADMIN_TOKEN, body).await;
    assert_eq!(started.status(), StatusCode::ACCEPTED);
    let location = started.headers()["location"].to_str().unwrap().to_owned();
    let first: Value = started.json().await.unwrap();
    assert_eq!(first["state"], "running");
    assert_eq!(first["bytes_total"], body.len());
    assert_eq!(
        location,
        format!(
            "/api/v1/admin/catalog/imports/{}",
            first["id"].as_str().unwrap()
        )
    );
    let began = Instant::now();
    loop {
        let status = app.admin_get(&location).await;
        if status["state"] != "running" {
            assert_eq!(status["percent"], 100);
            return status;
        }
        assert!(status["percent"].as_u64().unwrap() < 100, "{status}");
        assert!(
            began.elapsed() < Duration::from_secs(30),
            "still running: {status}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_csv_imports_as_a_job_with_its_report_and_exports_back() {
    let app = spawn_app().await;

    let dry = import(&app, "?dry_run=true", CSV).await;
    assert_eq!(dry["state"], "done", "{dry}");
    // The stool is kept without its refused variant record.
    assert_eq!(dry["report"]["checked"], 2, "{dry}");
    assert_eq!(dry["report"]["created"], 0);
    crate::catalog_cli::assert_no_linen(&app).await;

    let done = import(&app, "", CSV).await;
    assert_eq!(done["state"], "done", "{done}");
    let report = &done["report"];
    assert_eq!(
        (
            report["created"].as_u64(),
            report["variants"].as_u64(),
            report["categories_created"].as_u64()
        ),
        (Some(2), Some(2), Some(2)),
        "{done}"
    );
    assert_eq!(report["problems_total"], 1, "{done}");
    assert_eq!(report["problems"][0]["line"], 4, "{done}");
    assert!(
        report["problems"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("price"),
        "{done}"
    );
    // What the shop now lists: the imported product, sanitized, with its stock (the write
    // invalidated the cached catalog).
    let sofa = app
        .get_json("/api/v1/products/linen-sofa", StatusCode::OK)
        .await;
    assert_eq!(sofa["variants"].as_array().unwrap().len(), 2);
    assert!(
        !sofa["description"].as_str().unwrap().contains("script"),
        "{sofa}"
    );

    let again = import(&app, "", CSV).await;
    assert_eq!(
        (
            again["report"]["created"].as_u64(),
            again["report"]["updated"].as_u64()
        ),
        (Some(0), Some(2)),
        "a second import updates: {again}"
    );

    let export = app
        .admin(Method::GET, "/api/v1/admin/catalog/export", None)
        .await;
    assert_eq!(export.status(), StatusCode::OK);
    assert!(export.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = export.text().await.unwrap();
    assert!(text.starts_with("Handle,"), "{text}");
    assert!(
        text.contains("LS-SAND") && text.contains("LS-SLATE"),
        "{text}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_file_that_is_not_a_product_csv_and_bad_uploads_are_refused_at_once() {
    let app = spawn_app().await;
    // Refused at once: no job is started for a file that is not a product CSV.
    let not_csv = post_file(&app, "", ADMIN_TOKEN, "just,some\ncolumns,here\n").await;
    let problem = assert_invalid(not_csv, "file").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("Handle"),
        "{problem}"
    );

    let empty = post_file(&app, "", ADMIN_TOKEN, "").await;
    assert_problem(empty, StatusCode::BAD_REQUEST, "invalid_upload", None).await;
    let bad_flag = post_file(&app, "?dry_run=maybe", ADMIN_TOKEN, CSV).await;
    assert_eq!(bad_flag.status(), StatusCode::BAD_REQUEST);
    let huge = app
        .client
        .post(app.url("/api/v1/admin/catalog/imports"))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-length", (1u64 << 40).to_string())
        .body("Handle")
        .send()
        .await;
    // Refused from the header alone (the server may close before reading the short body).
    if let Ok(huge) = huge {
        assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
    let unknown = app
        .admin_bodiless(
            Method::GET,
            &format!("/api/v1/admin/catalog/imports/{}", uuid::Uuid::new_v4()),
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    // A token for orders only may neither import nor export.
    let token = app.api_token("orders-only", &["orders"]).await;
    let refused = post_file(&app, "", &token, CSV).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let export = app
        .client
        .get(app.url("/api/v1/admin/catalog/export"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}
