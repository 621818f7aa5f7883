//! The OpenAPI document is generated from the handlers; this snapshot makes any drift (a route,
//! a field, a status) a visible diff in review. Update with `UPDATE_OPENAPI=1 cargo test`.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");

#[test]
fn openapi_document_matches_the_checked_in_snapshot() {
    let generated =
        serde_json::to_string_pretty(&showroom_http::openapi_document()).unwrap() + "\n";
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(SNAPSHOT, &generated).unwrap();
    }
    let checked_in = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    assert!(
        generated == checked_in,
        "the OpenAPI document changed; review it and run `UPDATE_OPENAPI=1 cargo test -p showroom --test api openapi` to accept"
    );
}

#[tokio::test]
async fn openapi_document_is_served_and_is_openapi_3_1() {
    let app = spawn_app().await;
    let document = app.get_json("/api/openapi.json", StatusCode::OK).await;
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/products",
        "/api/v1/products/{slug}",
        "/api/v1/categories",
        "/api/v1/admin/products",
        "/api/v1/admin/variants/{id}/inventory-adjustments",
        "/readyz",
    ] {
        assert!(
            document["paths"].get(path).is_some(),
            "{path} is documented"
        );
    }
    app.stop().await;
}
