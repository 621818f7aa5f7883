//! Contract: what the order writes answer is what they stored, and the listing's count of units
//! for sale follows every stock move of an order — checkout, payment, release, cancellation — and
//! is untouched by a refused checkout.

use showroom_domain::{OrderState, TrackingNumber};

use super::checkout_support::{checkout, line, place, HOLD};
use super::support::{all, eur, make_product, make_variant, variant};
use crate::{Actor, DynCatalogStore, ReleaseReason, StoreError};

/// The listing's `available` of the only product in the store.
async fn listed_available(store: &DynCatalogStore) -> i64 {
    let listed = store.list_products(&all()).await.unwrap().items;
    assert_eq!(listed.len(), 1, "one product in this test");
    listed[0].available
}

pub async fn every_order_change_answers_the_order_as_stored(store: DynCatalogStore) {
    let made = make_product(&store, "stored-lamp", "Stored Lamp").await;
    let lamp = make_variant(&store, made.id, variant("STORED-1", eur(2_000), 9, &[])).await;
    let stored = |id| {
        let store = store.clone();
        async move { store.order_by_id(id).await.unwrap().unwrap() }
    };
    let (placed, created) = store
        .place_order(checkout("stored-0001", vec![line(lamp.id, 2)]), HOLD)
        .await
        .unwrap();
    assert!(created);
    assert_eq!(placed, stored(placed.id).await);
    store
        .record_authorization(placed.id, "pay_stored")
        .await
        .unwrap();
    let paid = store.mark_paid(placed.id, "pay_stored").await.unwrap();
    assert_eq!(paid.state, OrderState::Paid);
    assert_eq!(paid.payment_ref.as_deref(), Some("pay_stored"));
    assert_eq!(paid, stored(paid.id).await);
    let tracking = TrackingNumber::parse("TRK-STORED").unwrap();
    let shipped = store
        .fulfil(paid.id, tracking, Actor::Staff(uuid::Uuid::now_v7()))
        .await
        .unwrap();
    assert_eq!(shipped.state, OrderState::Fulfilled);
    assert_eq!(shipped, stored(shipped.id).await);

    let second = place(&store, "stored-0002", vec![line(lamp.id, 1)], HOLD).await;
    let released = store
        .release(second.id, ReleaseReason::PaymentExpired)
        .await
        .unwrap();
    assert_eq!(released.state, OrderState::Cancelled);
    assert_eq!(released, stored(second.id).await);
}

pub async fn the_listed_units_follow_every_stock_move_of_an_order(store: DynCatalogStore) {
    let made = make_product(&store, "moving-chair", "Moving Chair").await;
    let oak = make_variant(
        &store,
        made.id,
        variant("MOVE-OAK", eur(5_000), 5, &[("Color", "Oak")]),
    )
    .await;
    let ash = make_variant(
        &store,
        made.id,
        variant("MOVE-ASH", eur(5_500), 3, &[("Color", "Ash")]),
    )
    .await;
    assert_eq!(listed_available(&store).await, 8);

    let first = place(&store, "moving-0001", vec![line(oak.id, 2)], HOLD).await;
    assert_eq!(listed_available(&store).await, 6, "a one-line checkout");
    let second = place(
        &store,
        "moving-0002",
        vec![line(ash.id, 2), line(oak.id, 1)],
        HOLD,
    )
    .await;
    assert_eq!(listed_available(&store).await, 3, "a two-line checkout");

    let refused = store
        .place_order(
            checkout("moving-0003", vec![line(oak.id, 1), line(ash.id, 2)]),
            HOLD,
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::StockHeld { .. })),
        "{refused:?}"
    );
    assert_eq!(listed_available(&store).await, 3, "a refused checkout");

    store.mark_paid(first.id, "pay_moving").await.unwrap();
    assert_eq!(listed_available(&store).await, 3, "a sale moves held units");
    store
        .release(second.id, ReleaseReason::PaymentExpired)
        .await
        .unwrap();
    assert_eq!(listed_available(&store).await, 6, "a release");
    store
        .release(first.id, ReleaseReason::Cancelled { by: Actor::Sweeper })
        .await
        .unwrap();
    assert_eq!(listed_available(&store).await, 8, "a cancelled sale");
}
