//! Bad input gets a 4xx problem naming the field, never a 5xx, and never a partial write.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_invalid, assert_problem, spawn_app};

const JSON: &str = "application/json";
const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;
const INVALID: &str = "validation_failed";

#[tokio::test]
async fn malformed_bodies_get_problems_that_name_the_field() {
    let app = spawn_app().await;
    let post = |body: &'static str, content_type: &'static str| {
        app.client
            .post(app.url("/api/v1/admin/products"))
            .bearer_auth(crate::helpers::ADMIN_TOKEN)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    #[rustfmt::skip]
    let cases: [(&str, &str, StatusCode, &str, Option<&str>); 6] = [
        ("{\"title\": ", JSON, StatusCode::BAD_REQUEST, "malformed_json", None),
        ("{\"title\": 5}", JSON, UNPROCESSABLE, INVALID, Some("title")),
        ("{\"title\": \"A\", \"colour\": 1}", JSON, UNPROCESSABLE, INVALID, None),
        ("{\"title\": \"A\"}", "text/plain", StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", None),
        ("{\"title\": \"A\", \"slug\": \"Not A Slug\"}", JSON, UNPROCESSABLE, INVALID, Some("slug")),
        ("{\"title\": \"   \"}", JSON, UNPROCESSABLE, INVALID, Some("title")),
    ];
    for (body, content_type, status, code, field) in cases {
        assert_problem(post(body, content_type).await.unwrap(), status, code, field).await;
    }

    let huge = json!({"title": "x", "description": "y".repeat(200_000)});
    let too_big = app
        .admin(Method::POST, "/api/v1/admin/products", Some(huge))
        .await;
    assert_problem(
        too_big,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        None,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn bad_prices_currencies_quantities_and_ids_are_refused() {
    let app = spawn_app().await;
    let product = app
        .admin_create(
            "/api/v1/admin/products",
            json!({"title": "Lamp", "options": [{"name": "Color", "values": ["White"]}]}),
        )
        .await;
    let variants = format!(
        "/api/v1/admin/products/{}/variants",
        product["id"].as_str().unwrap()
    );
    let cases = [
        (
            json!({"sku": "L-1", "option_values": {"Color": "White"}, "price": {"amount_minor": -1, "currency": "USD"}}),
            "price.amount_minor",
        ),
        (
            json!({"sku": "L-1", "option_values": {"Color": "White"}, "price": {"amount_minor": 1_000_000_000_000_000i64, "currency": "USD"}}),
            "price.amount_minor",
        ),
        (
            json!({"sku": "L-1", "option_values": {"Color": "White"}, "price": {"amount_minor": 100, "currency": "XXX"}}),
            "price.currency",
        ),
        (
            json!({"sku": "L-1", "option_values": {"Color": "White"}, "price": {"amount_minor": 100, "currency": "EUR"}}),
            "price.currency",
        ),
        (
            json!({"sku": "L 1", "option_values": {"Color": "White"}, "price": {"amount_minor": 100, "currency": "USD"}}),
            "sku",
        ),
        (
            json!({"sku": "L-1", "option_values": {"Color": "White"}, "price": {"amount_minor": 100, "currency": "USD"}, "on_hand": 5_000_000}),
            "on_hand",
        ),
        (
            json!({"sku": "L-1", "option_values": {"Color": "Purple"}, "price": {"amount_minor": 100, "currency": "USD"}}),
            "option_values",
        ),
        (
            json!({"sku": "L-1", "option_values": {"Color": "White"}, "price": {"amount_minor": "100", "currency": "USD"}}),
            "price.amount_minor",
        ),
    ];
    for (body, field) in cases {
        let response = app.admin(Method::POST, &variants, Some(body.clone())).await;
        assert_invalid(response, field).await;
    }
    let stored = app
        .admin_json(
            Method::GET,
            &format!("/api/v1/admin/products/{}", product["id"].as_str().unwrap()),
            json!(null),
            StatusCode::OK,
        )
        .await;
    assert_eq!(stored["variants"].as_array().unwrap().len(), 0);

    let bad_id = app
        .admin(Method::GET, "/api/v1/admin/products/not-a-uuid", None)
        .await;
    assert_problem(bad_id, StatusCode::BAD_REQUEST, "invalid_id", Some("id")).await;
    let unknown = app
        .admin_bodiless(
            Method::GET,
            &format!("/api/v1/admin/products/{}", uuid::Uuid::new_v4()),
        )
        .await;
    assert_problem(unknown, StatusCode::NOT_FOUND, "not_found", None).await;
    app.stop().await;
}

#[tokio::test]
async fn bad_query_parameters_are_400s_naming_the_parameter() {
    let app = spawn_app().await;
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=1000", "limit"),
        ("sort=cheapest", "sort"),
        ("price_min=-5", "price_min"),
        ("price_min=10&price_max=5", "price_min"),
        ("cursor=zzzz", "cursor"),
        ("option=Color", "option"),
        ("in_stock=maybe", "in_stock"),
        ("category=Not%20A%20Slug", "category"),
    ] {
        let response = app.get(&format!("/api/v1/products?{query}")).await;
        assert_problem(
            response,
            StatusCode::BAD_REQUEST,
            "invalid_query",
            Some(field),
        )
        .await;
    }
    app.stop().await;
}

/// Arbitrary JSON, a few levels deep, with strings that look like the real thing sometimes.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "\\PC{0,40}".prop_map(Value::String),
        prop_oneof![
            Just("USD"),
            Just("oak-chair"),
            Just("Color"),
            Just("SKU-1"),
            Just("")
        ]
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("title".to_owned()),
                    Just("slug".to_owned()),
                    Just("sku".to_owned()),
                    Just("price".to_owned()),
                    Just("amount_minor".to_owned()),
                    Just("currency".to_owned()),
                    Just("options".to_owned()),
                    Just("option_values".to_owned()),
                    Just("on_hand".to_owned()),
                    Just("delta".to_owned()),
                    Just("name".to_owned()),
                    Just("values".to_owned()),
                    Just("parent_id".to_owned()),
                    "[a-z_]{1,10}",
                ],
                inner,
                0..6,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Drives random bodies through every admin write endpoint: no 5xx, and a refused write changes
/// nothing (the admin product listing is identical before and after).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_admin_bodies_never_cause_a_5xx_or_a_partial_write() {
    let app = spawn_app().await;
    let product = app
        .published_product("fuzz-target", "Fuzz Target", &[("FZ-1", "Red", 100, 5)])
        .await;
    let product_id = product["id"].as_str().unwrap().to_owned();
    let variant_id = product["variants"][0]["id"].as_str().unwrap().to_owned();
    let endpoints = [
        (Method::POST, "/api/v1/admin/products".to_owned()),
        (
            Method::PATCH,
            format!("/api/v1/admin/products/{product_id}"),
        ),
        (
            Method::POST,
            format!("/api/v1/admin/products/{product_id}/variants"),
        ),
        (
            Method::PATCH,
            format!("/api/v1/admin/variants/{variant_id}"),
        ),
        (
            Method::POST,
            format!("/api/v1/admin/variants/{variant_id}/inventory-adjustments"),
        ),
        (Method::POST, "/api/v1/admin/categories".to_owned()),
        (
            Method::POST,
            format!("/api/v1/admin/products/{product_id}/media"),
        ),
    ];
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 48,
        ..ProptestConfig::default()
    });
    let mut bodies = Vec::new();
    for _ in 0..48 {
        bodies.push(arbitrary_json().new_tree(&mut runner).unwrap().current());
    }
    for (i, body) in bodies.into_iter().enumerate() {
        let (method, path) = &endpoints[i % endpoints.len()];
        let before = app.admin_get("/api/v1/admin/products?limit=100").await;
        let response = app.admin(method.clone(), path, Some(body.clone())).await;
        let status = response.status();
        assert!(
            !status.is_server_error(),
            "{method} {path} with {body} answered {status}"
        );
        if status.is_client_error() {
            let after = app.admin_get("/api/v1/admin/products?limit=100").await;
            assert_eq!(
                before, after,
                "a refused {method} {path} changed the catalog"
            );
        }
    }
    app.stop().await;
}
