//! Contract: what the order writes answer is what they stored, and the listing's count of units
//! for sale follows every stock move of an order — checkout, payment, release, cancellation — and
//! is untouched by a refused checkout. A captured payment recorded in one write stores exactly
//! what the capture mark and the payment store step by step, and writes nothing where it cannot
//! decide.

use showroom_domain::{OrderState, TrackingNumber};

use super::checkout_support::{checkout, line, place, stock_of, HOLD};
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

/// The fields two orders of the same lines share whoever placed and paid them.
fn without_identity(order: &crate::Order) -> crate::Order {
    crate::Order {
        id: uuid::Uuid::nil(),
        number: showroom_domain::OrderNumber::from_sequence(1).unwrap(),
        payment_ref: None,
        created_at: 0,
        updated_at: 0,
        ..order.clone()
    }
}

pub async fn a_captured_payment_recorded_in_one_write_stores_what_the_steps_store(
    store: DynCatalogStore,
) {
    let made = make_product(&store, "as-placed-desk", "As Placed Desk").await;
    let oak = make_variant(
        &store,
        made.id,
        variant("PLACED-OAK", eur(7_000), 9, &[("Color", "Oak")]),
    )
    .await;
    let ash = make_variant(
        &store,
        made.id,
        variant("PLACED-ASH", eur(7_500), 9, &[("Color", "Ash")]),
    )
    .await;
    let lines = || vec![line(ash.id, 2), line(oak.id, 1)];
    let by_id = place(&store, "as-placed-0001", lines(), HOLD).await;
    let as_placed = place(&store, "as-placed-0002", lines(), HOLD).await;
    store
        .record_authorization(as_placed.id, "pay_as_placed")
        .await
        .unwrap();

    store.mark_captured(by_id.id, "pay_by_id").await.unwrap();
    let reference = store.mark_paid(by_id.id, "pay_by_id").await.unwrap();
    // A backend without the one write answers None, having written nothing: the steps follow.
    let paid = match store
        .pay_captured(&as_placed, "pay_as_placed")
        .await
        .unwrap()
    {
        Some(paid) => paid,
        None => {
            assert_eq!(
                store
                    .order_by_id(as_placed.id)
                    .await
                    .unwrap()
                    .unwrap()
                    .state,
                OrderState::PendingPayment
            );
            store
                .mark_captured(as_placed.id, "pay_as_placed")
                .await
                .unwrap();
            store
                .mark_paid(as_placed.id, "pay_as_placed")
                .await
                .unwrap()
        }
    };
    assert_eq!(paid.state, OrderState::Paid);
    assert_eq!(paid.payment_ref.as_deref(), Some("pay_as_placed"));
    assert_eq!(paid, store.order_by_id(paid.id).await.unwrap().unwrap());
    assert_eq!(without_identity(&paid), without_identity(&reference));

    let history = |id| {
        let store = store.clone();
        async move {
            let entries = store.order_history(id).await.unwrap();
            entries
                .into_iter()
                .map(|e| (e.actor, e.what, e.from, e.to, e.note.is_some()))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(history(paid.id).await, history(reference.id).await);
    let mail = store.mail_for_order(paid.id).await.unwrap();
    let reference_mail = store.mail_for_order(reference.id).await.unwrap();
    assert_eq!(mail.len(), 1, "one confirmation");
    assert_eq!(mail[0].kind, reference_mail[0].kind);
    assert_eq!(mail[0].recipient, reference_mail[0].recipient);
    assert_eq!(
        mail[0].text_body.replace(&paid.number.to_string(), "#"),
        reference_mail[0]
            .text_body
            .replace(&reference.number.to_string(), "#")
    );
    // Both sales left the shelf and the reservations: 9 - 2 - 2 and 9 - 1 - 1.
    assert_eq!(stock_of(&store, &ash).await, (5, 0));
    assert_eq!(stock_of(&store, &oak).await, (7, 0));
    assert_eq!(listed_available(&store).await, 12);

    // Paid twice, or paid after the sweeper released it: nothing written, and the steps refuse.
    let twice = store.pay_captured(&as_placed, "pay_again").await;
    assert!(matches!(twice, Ok(None)), "{twice:?}");
    assert_eq!(history(paid.id).await.len(), 2);
    let expired = place(&store, "as-placed-0003", lines(), HOLD).await;
    store
        .release(expired.id, ReleaseReason::PaymentExpired)
        .await
        .unwrap();
    let late = store.pay_captured(&expired, "pay_late").await;
    assert!(matches!(late, Ok(None)), "{late:?}");
    let refused = store.mark_paid(expired.id, "pay_late").await;
    assert!(
        matches!(refused, Err(StoreError::Conflict { field: "state", .. })),
        "{refused:?}"
    );
    assert_eq!(stock_of(&store, &ash).await, (5, 0));
    assert_eq!(stock_of(&store, &oak).await, (7, 0));
    assert!(store.mail_for_order(expired.id).await.unwrap().is_empty());
    assert_eq!(
        store.order_by_id(expired.id).await.unwrap().unwrap().state,
        OrderState::Cancelled
    );
    let unknown = crate::Order {
        id: uuid::Uuid::now_v7(),
        ..expired.clone()
    };
    let missing = store.pay_captured(&unknown, "pay_nobody").await;
    assert!(matches!(missing, Ok(None)), "{missing:?}");
    assert!(store.order_by_id(unknown.id).await.unwrap().is_none());
}
