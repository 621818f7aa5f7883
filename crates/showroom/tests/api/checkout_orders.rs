//! After checkout: a guest reads the order only with its token, and the sweeper releases a
//! reservation whose payment hold ran out.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use showroom::sweeper::Sweeper;

use crate::checkout::{body, post_checkout, product_with_stock, stock, SUCCESS};
use crate::checkout_resume::unpaid_order;
use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn a_guest_reads_an_order_only_with_its_token() {
    let app = spawn_app().await;
    let (_, variant_id) = product_with_stock(&app, "owned", 5).await;
    let mine: Value = post_checkout(&app, "owner-key-1", &body(&variant_id, 1, SUCCESS))
        .await
        .json()
        .await
        .unwrap();
    let theirs: Value = post_checkout(&app, "owner-key-2", &body(&variant_id, 1, SUCCESS))
        .await
        .json()
        .await
        .unwrap();
    let (id, token) = (
        mine["id"].as_str().unwrap(),
        mine["order_token"].as_str().unwrap(),
    );

    let response = app.get(&format!("/api/v1/orders/{id}?token={token}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    assert_eq!(response.json::<Value>().await.unwrap(), mine);
    let repeated = app
        .get(&format!("/api/v1/orders/{id}?token={token}&token=x"))
        .await;
    assert_eq!(repeated.status(), StatusCode::OK, "the first token counts");

    let other_token = theirs["order_token"].as_str().unwrap();
    for path in [
        format!("/api/v1/orders/{id}"),
        format!("/api/v1/orders/{id}?token=00{}", &token[2..]),
        format!("/api/v1/orders/{id}?token={other_token}"),
        format!(
            "/api/v1/orders/{}?token={token}",
            theirs["id"].as_str().unwrap()
        ),
        format!("/api/v1/orders/{}?token={token}", uuid::Uuid::new_v4()),
        format!("/api/v1/orders/not-an-id?token={token}"),
        format!("/api/v1/orders/{id}?token=%zz&token[]=1"),
    ] {
        assert_problem(
            app.get(&path).await,
            StatusCode::NOT_FOUND,
            "not_found",
            None,
        )
        .await;
    }
    app.stop().await;
}

#[tokio::test]
async fn the_sweeper_releases_a_reservation_whose_hold_ran_out() {
    let app = spawn_app().await;
    let (product_id, variant_id) = product_with_stock(&app, "abandoned", 4).await;
    // An abandoned checkout: placed with a short hold, never paid.
    let order = unpaid_order(
        &app,
        "abandoned-1",
        &variant_id,
        3,
        Duration::from_millis(300),
    )
    .await;
    assert_eq!(stock(&app, &product_id).await, (1, 4, 3));

    let sweeper = Sweeper::start(app.state.catalog.clone(), Duration::from_millis(100));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let current = app
            .state
            .catalog
            .order_by_id(order.id)
            .await
            .unwrap()
            .unwrap();
        if current.state.as_str() == "cancelled" {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the sweeper never released the order"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    sweeper.stop().await;
    assert_eq!(
        stock(&app, &product_id).await,
        (4, 4, 0),
        "the stock is back"
    );
    let history = app.state.catalog.order_history(order.id).await.unwrap();
    assert_eq!(history.last().unwrap().what, "payment_expired");
    app.stop().await;
}
