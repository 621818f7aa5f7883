//! Admin writes: authentication, the product lifecycle, unique fields, and stock adjustments.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{assert_invalid, assert_problem, spawn_app};

#[tokio::test]
async fn admin_api_requires_the_token() {
    let app = spawn_app().await;
    let anonymous = app
        .client
        .post(app.url("/api/v1/admin/products"))
        .json(&json!({"title": "X"}))
        .send()
        .await
        .unwrap();
    assert!(anonymous.headers().contains_key("www-authenticate"));
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
    let wrong = app
        .client
        .get(app.url("/api/v1/admin/products"))
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    assert_problem(wrong, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
    app.stop().await;
}

#[tokio::test]
async fn drafts_are_hidden_until_published_and_archived_products_disappear() {
    let app = spawn_app().await;
    let draft = app
        .admin_create(
            "/api/v1/admin/products",
            json!({"title": "Velvet Armchair"}),
        )
        .await;
    assert_eq!(draft["slug"], "velvet-armchair");
    assert_eq!(draft["status"], "draft");
    let id = draft["id"].as_str().unwrap();
    assert_eq!(
        app.get("/api/v1/products/velvet-armchair").await.status(),
        StatusCode::NOT_FOUND
    );

    app.admin_post(&format!("/api/v1/admin/products/{id}/publish"), json!({}))
        .await;
    assert_eq!(
        app.get("/api/v1/products/velvet-armchair").await.status(),
        StatusCode::OK
    );

    app.admin_post(&format!("/api/v1/admin/products/{id}/archive"), json!({}))
        .await;
    assert_eq!(
        app.get("/api/v1/products/velvet-armchair").await.status(),
        StatusCode::NOT_FOUND
    );
    let listed = app
        .admin_get("/api/v1/admin/products?status=archived")
        .await;
    assert_eq!(listed["items"][0]["slug"], "velvet-armchair");
    app.stop().await;
}

#[tokio::test]
async fn duplicate_slugs_and_skus_are_conflicts_naming_the_field() {
    let app = spawn_app().await;
    let first = app
        .published_product("desk", "Desk", &[("DESK-1", "Oak", 100, 1)])
        .await;
    let again = app
        .admin(
            Method::POST,
            "/api/v1/admin/products",
            Some(json!({"slug": "desk", "title": "Another desk"})),
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT, "conflict", Some("slug")).await;

    let second = app
        .admin_create(
            "/api/v1/admin/products",
            json!({"title": "Desk two", "options": [{"name": "Color", "values": ["Oak"]}]}),
        )
        .await;
    let duplicate_sku = app
        .admin(
            Method::POST,
            &format!("/api/v1/admin/products/{}/variants", second["id"].as_str().unwrap()),
            Some(json!({"sku": "desk-1", "option_values": {"Color": "Oak"}, "price": {"amount_minor": 5, "currency": "USD"}})),
        )
        .await;
    assert_problem(duplicate_sku, StatusCode::CONFLICT, "conflict", Some("sku")).await;
    let unchanged = app
        .admin_json(
            Method::GET,
            &format!("/api/v1/admin/products/{}", second["id"].as_str().unwrap()),
            json!(null),
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        unchanged["variants"].as_array().unwrap().len(),
        0,
        "the refused variant left nothing behind"
    );
    assert_eq!(first["variants"].as_array().unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn inventory_adjustments_never_take_stock_below_zero() {
    let app = spawn_app().await;
    let product = app
        .published_product("vase", "Vase", &[("VASE-1", "Blue", 2_500, 3)])
        .await;
    let variant_id = product["variants"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/admin/variants/{variant_id}/inventory-adjustments");
    let removed = app
        .admin_post(&path, json!({"delta": -3, "reason": "damaged"}))
        .await;
    assert_eq!(removed["on_hand"], 0);
    let refused = app
        .admin(Method::POST, &path, Some(json!({"delta": -1})))
        .await;
    assert_problem(refused, StatusCode::CONFLICT, "conflict", Some("delta")).await;
    let restocked = app
        .admin_post(&path, json!({"delta": 10, "reason": "restock"}))
        .await;
    assert_eq!(restocked["available"], 10);
    let shown = app.get_json("/api/v1/products/vase", StatusCode::OK).await;
    assert_eq!(
        shown["variants"][0]["available"], 10,
        "the storefront sees the new stock at once"
    );
    app.stop().await;
}

#[tokio::test]
async fn variant_price_changes_move_the_listing_price() {
    let app = spawn_app().await;
    let product = app
        .published_product("rug", "Rug", &[("RUG-1", "Red", 9_900, 1)])
        .await;
    let variant_id = product["variants"][0]["id"].as_str().unwrap();
    let updated = app
        .admin_patch(&format!("/api/v1/admin/variants/{variant_id}"), json!({"price": {"amount_minor": 4_900, "currency": "USD"}, "compare_at_price": {"amount_minor": 9_900, "currency": "USD"}}))
        .await;
    assert_eq!(updated["price"]["amount_minor"], 4_900);
    let list = app.get_json("/api/v1/products", StatusCode::OK).await;
    assert_eq!(list["items"][0]["price_from"]["amount_minor"], 4_900);
    app.stop().await;
}

#[tokio::test]
async fn category_moves_that_make_a_cycle_are_refused() {
    let app = spawn_app().await;
    let parent = app
        .admin_create("/api/v1/admin/categories", json!({"name": "Home"}))
        .await;
    let child = app
        .admin_create(
            "/api/v1/admin/categories",
            json!({"name": "Kitchen", "parent_id": parent["id"]}),
        )
        .await;
    let cycle = app
        .admin(
            Method::PATCH,
            &format!(
                "/api/v1/admin/categories/{}",
                parent["id"].as_str().unwrap()
            ),
            Some(json!({"parent_id": child["id"]})),
        )
        .await;
    assert_invalid(cycle, "parent_id").await;
    app.stop().await;
}
