//! Contract: staff's view of orders. The list is newest first, filtered by state and by a search
//! that finds an order number or part of an email in any case, paged by a number cursor with a
//! clamped limit; fulfilment ships a paid order once, keeps the tracking number and names the
//! staff member in the history, and is refused for an order that cannot ship.

use showroom_domain::{OrderState, TrackingNumber};
use uuid::Uuid;

use super::checkout_support::{checkout, email, line, place, stocked, HOLD};
use crate::{Actor, DynCatalogStore, OrderQuery, ReleaseReason, StoreError};

fn is_state_conflict<T: std::fmt::Debug>(result: &Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::Conflict { field: "state", .. }))
}

fn tracking(raw: &str) -> TrackingNumber {
    TrackingNumber::parse(raw).expect("valid tracking number")
}

pub async fn staff_list_orders_filtered_searched_and_paged_newest_first(store: DynCatalogStore) {
    let vase = stocked(&store, "list-vase", "LIST-1", 1_500, 20).await;
    let mut placed = Vec::new();
    for n in 0..4 {
        let mut request = checkout(&format!("list-000{n}"), vec![line(vase.id, 1)]);
        if n == 3 {
            request.email = email("Other.Buyer@Example.org");
        }
        placed.push(store.place_order(request, HOLD).await.unwrap().0);
    }
    store.mark_paid(placed[1].id, "pay-list-1").await.unwrap();
    let all = |q: OrderQuery| {
        let store = store.clone();
        async move { store.list_orders(&q).await.unwrap() }
    };
    let numbers = |orders: Vec<crate::Order>| orders.iter().map(|o| o.number).collect::<Vec<_>>();

    let newest_first: Vec<_> = placed.iter().rev().map(|o| o.number).collect();
    let everything = all(OrderQuery {
        limit: 10,
        ..OrderQuery::default()
    })
    .await;
    assert_eq!(numbers(everything.clone()), newest_first);
    assert_eq!(everything[2].state, OrderState::Paid);

    let paid = all(OrderQuery {
        state: Some(OrderState::Paid),
        limit: 10,
        ..OrderQuery::default()
    })
    .await;
    assert_eq!(numbers(paid), vec![placed[1].number]);

    for text in [
        placed[2].number.to_string(),
        placed[2].number.sequence().to_string(),
    ] {
        let found = all(OrderQuery {
            search: Some(text.clone()),
            limit: 10,
            ..OrderQuery::default()
        })
        .await;
        assert_eq!(numbers(found), vec![placed[2].number], "searching {text}");
    }
    let by_mail = all(OrderQuery {
        search: Some("BUYER@example".into()),
        limit: 10,
        ..OrderQuery::default()
    })
    .await;
    assert_eq!(numbers(by_mail), vec![placed[3].number]);
    let wildcard = all(OrderQuery {
        search: Some("%".into()),
        limit: 10,
        ..OrderQuery::default()
    })
    .await;
    assert!(wildcard.is_empty(), "a % is literal text, not a wildcard");

    let first = all(OrderQuery {
        limit: 2,
        ..OrderQuery::default()
    })
    .await;
    assert_eq!(numbers(first.clone()), newest_first[..2]);
    let second = all(OrderQuery {
        limit: 2,
        before_number: Some(first[1].number),
        ..OrderQuery::default()
    })
    .await;
    assert_eq!(numbers(second), newest_first[2..]);
    let clamped = all(OrderQuery {
        limit: 0,
        ..OrderQuery::default()
    })
    .await;
    assert_eq!(clamped.len(), 1, "a limit of 0 is clamped to 1");
}

pub async fn fulfilling_ships_a_paid_order_once_and_records_the_staff_member(
    store: DynCatalogStore,
) {
    let lamp = stocked(&store, "ship-lamp", "SHIP-1", 4_000, 5).await;
    let order = place(&store, "ship-0001", vec![line(lamp.id, 1)], HOLD).await;
    let staff = Actor::Staff(Uuid::now_v7());
    assert!(
        is_state_conflict(
            &store
                .fulfil(order.id, tracking("TRK-1"), staff.clone())
                .await
        ),
        "an unpaid order does not ship"
    );
    store.mark_paid(order.id, "pay-ship").await.unwrap();
    let shipped = store
        .fulfil(order.id, tracking(" TRK-123 "), staff.clone())
        .await
        .unwrap();
    assert_eq!(shipped.state, OrderState::Fulfilled);
    assert_eq!(shipped.tracking, Some(tracking("TRK-123")));
    assert!(is_state_conflict(
        &store
            .fulfil(order.id, tracking("TRK-456"), staff.clone())
            .await
    ));
    let reread = store.order_by_id(order.id).await.unwrap().unwrap();
    assert_eq!(
        reread.tracking,
        Some(tracking("TRK-123")),
        "the second call wrote nothing"
    );
    let history = store.order_history(order.id).await.unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[2].actor, staff);
    assert_eq!(
        (history[2].from, history[2].to),
        (Some(OrderState::Paid), OrderState::Fulfilled)
    );
    assert_eq!(history[2].note.as_deref(), Some("TRK-123"));

    let other = place(&store, "ship-0002", vec![line(lamp.id, 1)], HOLD).await;
    store
        .release(other.id, ReleaseReason::Cancelled { by: staff.clone() })
        .await
        .unwrap();
    assert!(is_state_conflict(
        &store
            .fulfil(other.id, tracking("TRK-9"), staff.clone())
            .await
    ));
    assert!(matches!(
        store.fulfil(Uuid::now_v7(), tracking("TRK-0"), staff).await,
        Err(StoreError::NotFound { .. })
    ));
}
