//! Staff order management over HTTP: the list filters by state and finds orders by number or
//! email, fulfilment keeps the tracking number and ships once, a cancelled order cannot ship,
//! and cancelling a paid order refunds it, returns its stock and names who did it.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::checkout::{order_body, post_checkout};
use crate::helpers::{assert_invalid, assert_problem, spawn_app, TestApp};

const SUCCESS: &str = "4242 4242 4242 4242";
const DECLINED: &str = "4000 0000 0000 0002";

pub(crate) async fn place(
    app: &TestApp,
    key: &str,
    email: &str,
    variant_id: &str,
    card: &str,
) -> Value {
    let body = order_body(email, variant_id, 2, card);
    let response = post_checkout(app, key, &body).await;
    response.json().await.unwrap_or(Value::Null)
}

async fn list(app: &TestApp, query: &str) -> Vec<String> {
    let orders = app.admin_get(&format!("/api/v1/admin/orders{query}")).await;
    orders
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["number"].as_str().unwrap().to_owned())
        .collect()
}

/// Staff's view of one order, with its history and refunds.
pub(crate) async fn order_detail(app: &TestApp, order_id: &str) -> Value {
    app.admin_get(&format!("/api/v1/admin/orders/{order_id}"))
        .await
}

/// The `what` of each history entry of an order's detail, oldest first.
pub(crate) fn history_whats(detail: &Value) -> Vec<String> {
    detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["what"].as_str().unwrap().to_owned())
        .collect()
}

pub(crate) async fn on_hand(app: &TestApp, product_id: &str) -> i64 {
    let product = app
        .admin_get(&format!("/api/v1/admin/products/{product_id}"))
        .await;
    product["variants"][0]["on_hand"].as_i64().unwrap()
}

#[tokio::test]
async fn staff_list_search_fulfil_and_cancel_orders() {
    let app = spawn_app().await;
    let (product_id, variant_id) = app.one_variant("desk", "Desk", 2_500, 10).await;
    let (product_id, variant_id) = (product_id.as_str(), variant_id.as_str());
    let first = place(
        &app,
        "admin-orders-1",
        "Ada@Example.com",
        variant_id,
        SUCCESS,
    )
    .await;
    let second = place(
        &app,
        "admin-orders-2",
        "grace@navy.example",
        variant_id,
        SUCCESS,
    )
    .await;
    place(
        &app,
        "admin-orders-3",
        "Ada@Example.com",
        variant_id,
        DECLINED,
    )
    .await;
    let (n1, n2) = (
        first["number"].as_str().unwrap().to_owned(),
        second["number"].as_str().unwrap().to_owned(),
    );
    assert_eq!(on_hand(&app, product_id).await, 6);

    let all = list(&app, "").await;
    assert_eq!(all.len(), 3);
    assert_eq!(all[1..], [n2.clone(), n1.clone()], "newest first");
    assert_eq!(list(&app, "?state=paid").await, [n2.clone(), n1.clone()]);
    assert_eq!(list(&app, "?q=NAVY").await, [n2.as_str()]);
    let sequence = n1.trim_start_matches("SR-").trim_start_matches('0');
    assert_eq!(list(&app, &format!("?q={sequence}")).await, [n1.as_str()]);
    assert_eq!(
        list(&app, &format!("?limit=1&before={n2}")).await,
        [n1.as_str()]
    );
    let bad = app
        .admin(Method::GET, "/api/v1/admin/orders?state=lost", None)
        .await;
    assert_invalid(bad, "state").await;

    // Fulfil once with a tracking number; a second time is a conflict.
    let id1 = first["id"].as_str().unwrap();
    let fulfil = format!("/api/v1/admin/orders/{id1}/fulfil");
    let shipped = app
        .admin_post(&fulfil, json!({"tracking_number": "1Z999AA10123456784"}))
        .await;
    assert_eq!(shipped["state"], "fulfilled");
    assert_eq!(shipped["tracking_number"], "1Z999AA10123456784");
    let again = app
        .admin(
            Method::POST,
            &fulfil,
            Some(json!({"tracking_number": "OTHER"})),
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT, "conflict", Some("state")).await;

    // Cancel the paid second order: refunded, stock back, recorded under the bootstrap token.
    let id2 = second["id"].as_str().unwrap();
    let cancelled = app
        .admin_post(&format!("/api/v1/admin/orders/{id2}/cancel"), Value::Null)
        .await;
    assert_eq!(cancelled["state"], "cancelled");
    assert_eq!(cancelled["refunded"], cancelled["totals"]["grand_total"]);
    assert_eq!(on_hand(&app, product_id).await, 8, "the two units are back");
    let detail = app.admin_get(&format!("/api/v1/admin/orders/{id2}")).await;
    let last = detail["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (last["what"].as_str(), last["actor"].as_str()),
        (Some("cancel"), Some("api_token"))
    );
    assert_eq!(
        (last["from"].as_str(), last["to"].as_str()),
        (Some("paid"), Some("cancelled"))
    );

    // A cancelled order cannot ship.
    let late = app
        .admin(
            Method::POST,
            &format!("/api/v1/admin/orders/{id2}/fulfil"),
            Some(json!({"tracking_number": "LATE-1"})),
        )
        .await;
    assert_problem(late, StatusCode::CONFLICT, "conflict", Some("state")).await;
    assert_eq!(on_hand(&app, product_id).await, 8, "nothing moved");
    app.stop().await;
}
