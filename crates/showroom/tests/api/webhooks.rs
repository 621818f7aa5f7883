//! The payment provider's webhooks over HTTP: only signed deliveries count; a payment confirmed
//! by webhook while checkout still waits makes the order paid (and checkout answers 201); a
//! payment confirmed after checkout gave up is refunded; a failure reported by webhook releases
//! the stock; repeated deliveries change nothing; a payment the checkout never recorded is found
//! by the order number its webhook names, unless that order is recorded with another payment.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{json, Value};
use showroom_shop::payments::test_provider::{sign_webhook, SIGNATURE_HEADER};

use crate::admin_orders::{history_whats, on_hand, order_detail, place};
use crate::helpers::{assert_problem, spawn_app, spawn_configured, TestApp};

/// Authorized, then waits for the cardholder: the outcome comes only by webhook.
const AWAITS_CONFIRMATION: &str = "4000 0000 0000 3063";
const SUCCESS: &str = "4242 4242 4242 4242";
/// The provider never answers checkout: its outcome is known only from a webhook.
const NEVER_ANSWERS: &str = "4000 0000 0000 3220";

async fn deliver(app: &TestApp, body: &Value, signature: Option<String>) -> reqwest::Response {
    let raw = serde_json::to_vec(body).unwrap();
    let signature = signature.unwrap_or_else(|| sign_webhook(&raw));
    app.client
        .post(app.url("/api/v1/payments/webhook"))
        .header("content-type", "application/json")
        .header(SIGNATURE_HEADER, signature)
        .body(raw)
        .send()
        .await
        .expect("POST webhook")
}

/// The outcome a signed delivery of `body` is acknowledged with.
async fn acknowledged(app: &TestApp, body: &Value) -> String {
    let response = deliver(app, body, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let ack: Value = response.json().await.unwrap();
    assert_eq!(ack["received"], true);
    ack["outcome"].as_str().unwrap().to_owned()
}

async fn outcome(app: &TestApp, kind: &str, payment_ref: &str) -> String {
    acknowledged(app, &json!({"type": kind, "payment_ref": payment_ref})).await
}

/// A webhook that names the order (`order_ref`), as the provider's echo of the checkout's
/// reference does.
async fn outcome_naming(app: &TestApp, kind: &str, payment_ref: &str, order_ref: &str) -> String {
    let body = json!({"type": kind, "payment_ref": payment_ref, "order_ref": order_ref});
    acknowledged(app, &body).await
}

/// The only order's admin view, as soon as it exists.
async fn only_order(app: &TestApp) -> Value {
    first_order_where(app, |_| true).await
}

/// The first order's admin view, as soon as it exists and `ready` holds for it.
async fn first_order_where(app: &TestApp, ready: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let orders = app.admin_get("/api/v1/admin/orders").await;
        if let Some(order) = orders.as_array().unwrap().first().filter(|o| ready(o)) {
            return order.clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("no such order appeared");
}

async fn app_with_payment_timeout(secs: u64) -> TestApp {
    spawn_configured(|config| config.checkout.payment_timeout_secs = secs).await
}

/// The only order's admin view, once it has a payment reference (checkout records it at
/// authorization, before the capture, when the capture waits for the cardholder).
async fn awaiting_order(app: &TestApp) -> Value {
    first_order_where(app, |order| order["payment_ref"].is_string()).await
}

/// A checkout with the card that waits for confirmation, running in the background.
fn awaiting_checkout(
    app: &Arc<TestApp>,
    key: &str,
    variant_id: &str,
) -> tokio::task::JoinHandle<Value> {
    let (app, key, variant_id) = (app.clone(), key.to_owned(), variant_id.to_owned());
    tokio::spawn(async move {
        place(
            &app,
            &key,
            "buyer@example.com",
            &variant_id,
            AWAITS_CONFIRMATION,
        )
        .await
    })
}

async fn product(app: &TestApp, slug: &str) -> (String, String) {
    let product = app
        .published_product(slug, "Chair", &[(&format!("{slug}-1"), "Red", 4_000, 5)])
        .await;
    (
        product["id"].as_str().unwrap().to_owned(),
        product["variants"][0]["id"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn unsigned_or_forged_webhooks_are_refused_and_unknown_payments_acknowledged() {
    let app = spawn_app().await;
    let body = json!({"type": "payment_intent.succeeded", "payment_ref": "pi_test_nobody"});
    let forged = deliver(&app, &body, Some(sign_webhook(b"something else"))).await;
    assert_problem(forged, StatusCode::BAD_REQUEST, "invalid_webhook", None).await;
    let garbage = deliver(&app, &body, Some("not-hex".into())).await;
    assert_problem(garbage, StatusCode::BAD_REQUEST, "invalid_webhook", None).await;
    let malformed = deliver(&app, &json!({"hello": 1}), None).await;
    assert_problem(malformed, StatusCode::BAD_REQUEST, "invalid_webhook", None).await;
    assert_eq!(
        outcome(&app, "payment_intent.succeeded", "pi_test_nobody").await,
        "unknown_payment"
    );
    assert_eq!(
        outcome(&app, "charge.dispute.created", "pi_test_nobody").await,
        "ignored"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_payment_confirmed_by_webhook_while_checkout_waits_is_paid_once() {
    let app = Arc::new(app_with_payment_timeout(5).await);
    let (product_id, variant_id) = product(&app, "hook-paid").await;
    let buyer = awaiting_checkout(&app, "hook-paid-1", &variant_id);
    let pending = awaiting_order(&app).await;
    assert_eq!(pending["state"], "pending_payment");
    let payment_ref = pending["payment_ref"].as_str().unwrap().to_owned();

    // The webhook confirms the payment to the provider, whose capture then answers the waiting
    // checkout: the two race to record it (on a loaded machine the checkout may win), and
    // whichever is second finds it recorded. Either way it is recorded once.
    let first = outcome(&app, "payment_intent.succeeded", &payment_ref).await;
    assert!(
        first == "paid" || first == "already_recorded",
        "the webhook records the payment or finds it recorded: {first}"
    );
    let answer = buyer.await.unwrap();
    assert_eq!(
        answer["state"], "paid",
        "checkout answers with the paid order: {answer}"
    );
    assert_eq!(
        outcome(&app, "payment_intent.succeeded", &payment_ref).await,
        "already_recorded"
    );
    assert_eq!(
        outcome(&app, "payment_intent.payment_failed", &payment_ref).await,
        "already_recorded"
    );
    assert_eq!(on_hand(&app, &product_id).await, 3, "two units sold, once");
    let id = answer["id"].as_str().unwrap();
    assert_eq!(
        history_whats(&order_detail(&app, id).await),
        ["placed", "payment_succeeded"]
    );
    Arc::into_inner(app).unwrap().stop().await;
}

#[tokio::test]
async fn a_failure_reported_by_webhook_releases_the_stock() {
    let app = Arc::new(app_with_payment_timeout(5).await);
    let (product_id, variant_id) = product(&app, "hook-failed").await;
    let buyer = awaiting_checkout(&app, "hook-failed-1", &variant_id);
    let pending = awaiting_order(&app).await;
    let payment_ref = pending["payment_ref"].as_str().unwrap().to_owned();
    assert_eq!(
        outcome(&app, "payment_intent.payment_failed", &payment_ref).await,
        "released"
    );
    let answer = buyer.await.unwrap();
    assert_eq!(
        answer["code"], "payment_declined",
        "checkout answers with the failure the webhook recorded: {answer}"
    );
    let orders = app.admin_get("/api/v1/admin/orders").await;
    assert_eq!(orders[0]["state"], "cancelled");
    let stock = app
        .admin_get(&format!("/api/v1/admin/products/{product_id}"))
        .await;
    assert_eq!(
        (
            stock["variants"][0]["on_hand"].as_i64(),
            stock["variants"][0]["reserved"].as_i64()
        ),
        (Some(5), Some(0))
    );
    Arc::into_inner(app).unwrap().stop().await;
}

#[tokio::test]
async fn a_payment_confirmed_after_checkout_gave_up_is_refunded() {
    let app = app_with_payment_timeout(1).await;
    let (product_id, variant_id) = product(&app, "hook-late").await;
    let answer = place(
        &app,
        "hook-late-1",
        "buyer@example.com",
        &variant_id,
        AWAITS_CONFIRMATION,
    )
    .await;
    assert_eq!(answer["code"], "payment_timeout", "{answer}");
    let order = awaiting_order(&app).await;
    assert_eq!(order["state"], "cancelled");
    let payment_ref = order["payment_ref"].as_str().unwrap().to_owned();
    assert_eq!(
        outcome(&app, "payment_intent.succeeded", &payment_ref).await,
        "refunded_late_payment"
    );
    let after = app.admin_get("/api/v1/admin/orders").await;
    assert_eq!(
        after[0]["state"], "cancelled",
        "a released order stays released"
    );
    assert_eq!(on_hand(&app, &product_id).await, 5, "nothing was sold");

    // A normal paid order's webhook is a repeat of what checkout recorded.
    let paid = place(
        &app,
        "hook-late-2",
        "buyer@example.com",
        &variant_id,
        SUCCESS,
    )
    .await;
    let paid_ref = order_detail(&app, paid["id"].as_str().unwrap()).await["payment_ref"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        outcome(&app, "payment_intent.succeeded", &paid_ref).await,
        "already_recorded"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_payment_the_checkout_never_recorded_is_found_by_the_order_its_webhook_names() {
    let app = Arc::new(app_with_payment_timeout(5).await);
    let (product_id, variant_id) = product(&app, "hook-named").await;
    let buyer = {
        let (app, variant_id) = (app.clone(), variant_id.clone());
        tokio::spawn(async move {
            place(
                &app,
                "hook-named-1",
                "buyer@example.com",
                &variant_id,
                NEVER_ANSWERS,
            )
            .await
        })
    };
    let pending = only_order(&app).await;
    assert_eq!(pending["state"], "pending_payment");
    assert!(
        pending["payment_ref"].is_null(),
        "the provider has not answered checkout: nothing recorded yet: {pending}"
    );
    let number = pending["number"].as_str().unwrap().to_owned();
    assert_eq!(
        outcome(&app, "payment_intent.succeeded", "pi_test_unnamed").await,
        "unknown_payment",
        "without the order's name an unrecorded payment finds nothing"
    );
    assert_eq!(
        outcome_naming(&app, "payment_intent.succeeded", "pi_test_named", &number).await,
        "paid"
    );
    let answer = buyer.await.unwrap();
    assert_eq!(
        answer["state"], "paid",
        "checkout answers with the order the webhook paid: {answer}"
    );
    let id = answer["id"].as_str().unwrap();
    let detail = order_detail(&app, id).await;
    assert_eq!(detail["payment_ref"], "pi_test_named");
    assert_eq!(history_whats(&detail), ["placed", "payment_succeeded"]);
    assert_eq!(on_hand(&app, &product_id).await, 3, "two units sold, once");
    assert_eq!(
        outcome_naming(&app, "payment_intent.succeeded", "pi_test_other", &number).await,
        "unknown_payment",
        "an order recorded with another payment is not this payment's"
    );
    assert_eq!(
        outcome_naming(&app, "payment_intent.succeeded", "pi_test_named", &number).await,
        "already_recorded"
    );
    Arc::into_inner(app).unwrap().stop().await;
}

#[tokio::test]
async fn a_late_payment_the_checkout_never_recorded_is_refunded_through_the_order_it_names() {
    let app = app_with_payment_timeout(1).await;
    let (product_id, variant_id) = product(&app, "hook-named-late").await;
    let answer = place(
        &app,
        "hook-named-late-1",
        "buyer@example.com",
        &variant_id,
        NEVER_ANSWERS,
    )
    .await;
    assert_eq!(answer["code"], "payment_timeout", "{answer}");
    let order = only_order(&app).await;
    assert_eq!(order["state"], "cancelled");
    let number = order["number"].as_str().unwrap().to_owned();
    assert_eq!(
        outcome_naming(&app, "payment_intent.succeeded", "pi_test_late", &number).await,
        "refunded_late_payment"
    );
    assert_eq!(
        outcome_naming(
            &app,
            "payment_intent.payment_failed",
            "pi_test_late",
            &number
        )
        .await,
        "already_recorded"
    );
    assert_eq!(
        outcome_naming(
            &app,
            "payment_intent.succeeded",
            "pi_test_late",
            "SR-999999"
        )
        .await,
        "unknown_payment",
        "a number no order has finds nothing"
    );
    assert_eq!(on_hand(&app, &product_id).await, 5, "nothing was sold");
    app.stop().await;
}
