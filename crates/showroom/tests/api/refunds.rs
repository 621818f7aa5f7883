//! Refunds over HTTP: staff refund part of a paid order and then the rest, the
//! `Idempotency-Key` replays a refund instead of repeating it, amounts past what is left are
//! refused, concurrent refunds never exceed the paid total, and a provider that refuses leaves
//! the order (and its stock) exactly as it was.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::admin_orders::{history_whats, on_hand, order_detail, place};
use crate::helpers::{
    assert_invalid, assert_problem, count, spawn_app, statuses, texts_of, TestApp, ADMIN_TOKEN,
};

const SUCCESS: &str = "4242 4242 4242 4242";
const REFUND_FAILS: &str = "4000 0000 0000 5126";
const DECLINED: &str = "4000 0000 0000 0002";

async fn post_refund(
    app: &TestApp,
    order_id: &str,
    key: Option<&str>,
    body: Value,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(&format!("/api/v1/admin/orders/{order_id}/refunds")))
        .bearer_auth(ADMIN_TOKEN)
        .json(&body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.expect("POST refunds")
}

async fn refund_json(
    app: &TestApp,
    order_id: &str,
    key: &str,
    body: Value,
    expected: StatusCode,
) -> Value {
    let response = post_refund(app, order_id, Some(key), body).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, expected, "refund answered {text}");
    serde_json::from_str(&text).unwrap()
}

/// A paid order of two units at 25.00 USD; returns (order, product id).
async fn paid_order(app: &TestApp, slug: &str, card: &str) -> (Value, String) {
    let product = app
        .published_product(slug, "Lamp", &[(&format!("{slug}-1"), "Brass", 2_500, 10)])
        .await;
    let variant_id = product["variants"][0]["id"].as_str().unwrap().to_owned();
    let order = place(
        app,
        &format!("{slug}-order"),
        "buyer@example.com",
        &variant_id,
        card,
    )
    .await;
    assert_eq!(order["state"], "paid", "{order}");
    (order, product["id"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn staff_refund_part_then_the_rest_and_a_key_replays_its_refund() {
    let app = spawn_app().await;
    let (order, product_id) = paid_order(&app, "refund-lamp", SUCCESS).await;
    let id = order["id"].as_str().unwrap();
    let total = order["totals"]["grand_total"]["amount_minor"]
        .as_i64()
        .unwrap();

    let missing_key = post_refund(&app, id, None, json!({"amount": 100})).await;
    assert_problem(
        missing_key,
        StatusCode::BAD_REQUEST,
        "missing_idempotency_key",
        None,
    )
    .await;

    let first = refund_json(
        &app,
        id,
        "refund-part-1",
        json!({"amount": 1_000, "reason": "scratched lampshade"}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(first["refund"]["state"], "succeeded");
    assert_eq!(first["refund"]["amount"]["amount_minor"], 1_000);
    assert!(first["refund"]["provider_ref"]
        .as_str()
        .unwrap()
        .starts_with("re_test_"));
    assert_eq!(first["order"]["state"], "partially_refunded");
    assert_eq!(first["order"]["refunded"]["amount_minor"], 1_000);

    let replay = refund_json(
        &app,
        id,
        "refund-part-1",
        json!({"amount": 1_000}),
        StatusCode::OK,
    )
    .await;
    assert_eq!(replay["refund"]["id"], first["refund"]["id"]);
    assert_eq!(
        replay["order"]["refunded"]["amount_minor"], 1_000,
        "refunded once"
    );
    let reused = post_refund(&app, id, Some("refund-part-1"), json!({"amount": 2_000})).await;
    assert_problem(
        reused,
        StatusCode::CONFLICT,
        "conflict",
        Some("idempotency_key"),
    )
    .await;

    for (amount, why) in [(total, "more than is left"), (0, "zero"), (-10, "negative")] {
        let refused =
            post_refund(&app, id, Some("refund-bad-1"), json!({ "amount": amount })).await;
        let body = assert_invalid(refused, "amount").await;
        assert!(body["detail"].as_str().is_some(), "{why}: {body}");
    }
    for reason in ["two\nlines", "   ", &"x".repeat(501)] {
        let refused = post_refund(
            &app,
            id,
            Some("refund-bad-3"),
            json!({"amount": 5, "reason": reason}),
        )
        .await;
        assert_invalid(refused, "reason").await;
    }
    let price_sent = post_refund(
        &app,
        id,
        Some("refund-bad-2"),
        json!({"amount": 5, "currency": "EUR"}),
    )
    .await;
    assert_eq!(
        price_sent.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown fields are refused"
    );

    let rest = refund_json(&app, id, "refund-rest-1", json!({}), StatusCode::CREATED).await;
    assert_eq!(rest["refund"]["amount"]["amount_minor"], total - 1_000);
    assert_eq!(rest["order"]["state"], "refunded");
    assert_eq!(rest["order"]["refunded"]["amount_minor"], total);
    let nothing_left = post_refund(&app, id, Some("refund-more-1"), json!({"amount": 1})).await;
    assert_problem(
        nothing_left,
        StatusCode::CONFLICT,
        "conflict",
        Some("state"),
    )
    .await;

    let read = order_detail(&app, id).await;
    let refunds = read["refunds"].as_array().unwrap();
    assert_eq!(refunds.len(), 2);
    assert_eq!(refunds[0]["reason"], "scratched lampshade");
    assert_eq!(refunds[0]["actor"], "api_token");
    let mail_kinds = texts_of(&read["mail"], "kind");
    assert_eq!(
        mail_kinds,
        ["order_confirmed", "refund_issued", "refund_issued"],
        "staff see what the customer was told"
    );
    assert_eq!(read["mail"][0]["recipient"], "buyer@example.com");
    assert_eq!(
        history_whats(&read),
        ["placed", "payment_succeeded", "refund", "refund"]
    );
    assert_eq!(
        on_hand(&app, &product_id).await,
        8,
        "refunds move money, not stock"
    );
    app.stop().await;
}

#[tokio::test]
async fn unpaid_orders_take_no_refund() {
    let app = spawn_app().await;
    let product = app
        .published_product("refund-declined", "Vase", &[("RD-1", "Blue", 1_500, 5)])
        .await;
    let variant_id = product["variants"][0]["id"].as_str().unwrap();
    let declined = place(
        &app,
        "refund-declined-1",
        "buyer@example.com",
        variant_id,
        DECLINED,
    )
    .await;
    assert_eq!(declined["code"], "payment_declined");
    let order = app
        .state
        .catalog
        .list_orders(&Default::default())
        .await
        .unwrap();
    let id = order[0].id.to_string();
    let refused = post_refund(&app, &id, Some("refund-unpaid-1"), json!({})).await;
    assert_problem(refused, StatusCode::CONFLICT, "conflict", Some("state")).await;
    let unknown = post_refund(
        &app,
        &uuid::Uuid::now_v7().to_string(),
        Some("refund-unknown-1"),
        json!({}),
    )
    .await;
    assert_problem(unknown, StatusCode::NOT_FOUND, "not_found", None).await;
    app.stop().await;
}

#[tokio::test]
async fn concurrent_refunds_never_exceed_the_paid_total() {
    let app = Arc::new(spawn_app().await);
    let (order, _) = paid_order(&app, "refund-race", SUCCESS).await;
    let id = order["id"].as_str().unwrap().to_owned();
    let total = order["totals"]["grand_total"]["amount_minor"]
        .as_i64()
        .unwrap();
    let third = total / 3;
    let attempts: Vec<_> = (0..8)
        .map(|n| {
            let (app, id) = (app.clone(), id.clone());
            tokio::spawn(async move {
                post_refund(
                    &app,
                    &id,
                    Some(&format!("refund-race-{n}")),
                    json!({ "amount": third }),
                )
                .await
                .status()
            })
        })
        .collect();
    let statuses = statuses(attempts).await;
    let created = count(&statuses, StatusCode::CREATED);
    assert_eq!(created, 3, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{statuses:?}"
    );
    let read = order_detail(&app, &id).await;
    assert_eq!(read["refunded"]["amount_minor"], third * 3);
    Arc::into_inner(app).unwrap().stop().await;
}

#[tokio::test]
async fn a_refund_the_provider_refuses_changes_nothing() {
    let app = spawn_app().await;
    let (order, product_id) = paid_order(&app, "refund-fails", REFUND_FAILS).await;
    let id = order["id"].as_str().unwrap();

    let refused = post_refund(&app, id, Some("refund-fails-1"), json!({"amount": 500})).await;
    let problem = assert_problem(refused, StatusCode::BAD_GATEWAY, "refund_failed", None).await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("nothing changed"));
    let again = post_refund(&app, id, Some("refund-fails-1"), json!({"amount": 500})).await;
    assert_problem(again, StatusCode::BAD_GATEWAY, "refund_failed", None).await;

    let cancel = app
        .admin_bodiless(Method::POST, &format!("/api/v1/admin/orders/{id}/cancel"))
        .await;
    assert_problem(cancel, StatusCode::BAD_GATEWAY, "refund_failed", None).await;

    let read = order_detail(&app, id).await;
    assert_eq!(read["state"], "paid");
    assert_eq!(read["refunded"]["amount_minor"], 0);
    let states = texts_of(&read["refunds"], "state");
    assert_eq!(
        states,
        ["failed", "failed"],
        "the refund and the cancellation's refund"
    );
    assert_eq!(
        read["history"].as_array().unwrap().len(),
        2,
        "placed and paid only"
    );
    assert_eq!(on_hand(&app, &product_id).await, 8, "the stock stayed sold");
    app.stop().await;
}
