//! Contract: an order's life after checkout. Declined, failed, expired and cancelled orders give
//! their stock back exactly once; illegal transitions are refused and write nothing; lines keep
//! what was sold even when the catalog changes; a refused checkout leaves no trace; orders are
//! found by id, number and email, each with its history.

use showroom_domain::{OrderNumber, OrderState, ProductStatus};
use uuid::Uuid;

use super::checkout_support::{
    checkout, email, line, place, place_lapsed, stock_of, stocked, HOLD,
};
use super::support::{eur, new_price, set_status, title, usd};
use crate::{Actor, DynCatalogStore, ProductPatch, ReleaseReason, StoreError};

fn is_state_conflict<T: std::fmt::Debug>(result: &Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::Conflict { field: "state", .. }))
}

pub async fn a_declined_payment_returns_the_stock_and_a_second_release_is_refused(
    store: DynCatalogStore,
) {
    let lamp = stocked(&store, "declined-lamp", "DECL-1", 3_000, 4).await;
    let order = place(&store, "declined-0001", vec![line(lamp.id, 3)], HOLD).await;
    assert_eq!(order.state, OrderState::PendingPayment);
    assert!(order.reserved_until.is_some());
    assert_eq!(stock_of(&store, &lamp).await, (4, 3));

    let declined = ReleaseReason::PaymentFailed {
        detail: "card declined: insufficient funds".into(),
    };
    let released = store.release(order.id, declined.clone()).await.unwrap();
    assert_eq!(released.state, OrderState::Cancelled);
    assert_eq!(released.reserved_until, None);
    assert_eq!(stock_of(&store, &lamp).await, (4, 0), "the hold went back");

    assert!(is_state_conflict(&store.release(order.id, declined).await));
    assert!(is_state_conflict(
        &store.release(order.id, ReleaseReason::PaymentExpired).await
    ));
    assert!(is_state_conflict(
        &store.mark_paid(order.id, "late-pay").await
    ));
    assert_eq!(
        stock_of(&store, &lamp).await,
        (4, 0),
        "released exactly once"
    );
    let history = store.order_history(order.id).await.unwrap();
    let steps: Vec<_> = history.iter().map(|h| h.what.as_str()).collect();
    assert_eq!(steps, ["placed", "payment_failed"]);
    assert_eq!(history[1].actor, Actor::PaymentProvider);
    assert_eq!(
        history[1].note.as_deref(),
        Some("card declined: insufficient funds")
    );
    assert_eq!(
        (history[1].from, history[1].to),
        (Some(OrderState::PendingPayment), OrderState::Cancelled)
    );
}

pub async fn timed_out_payments_are_listed_for_the_sweeper_and_their_release_returns_the_stock(
    store: DynCatalogStore,
) {
    let vase = stocked(&store, "timeout-vase", "TIME-1", 2_500, 6).await;
    let lapsed = place_lapsed(&store, "timeout-0001", vec![line(vase.id, 2)]).await;
    let paid_late = place_lapsed(&store, "timeout-0002", vec![line(vase.id, 1)]).await;
    let held = place(&store, "timeout-0003", vec![line(vase.id, 1)], HOLD).await;
    store.mark_paid(paid_late.id, "pay-in-time").await.unwrap();
    let now = lapsed.created_at + 1;
    assert_eq!(
        store.expired_reservations(now + 1_000, 10).await.unwrap(),
        vec![lapsed.id],
        "paid orders and live holds are not listed"
    );
    assert!(store
        .expired_reservations(lapsed.created_at - 1, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(stock_of(&store, &vase).await, (5, 3));

    for id in store.expired_reservations(now + 1_000, 10).await.unwrap() {
        let released = store
            .release(id, ReleaseReason::PaymentExpired)
            .await
            .unwrap();
        assert_eq!(released.state, OrderState::Cancelled);
    }
    assert_eq!(
        stock_of(&store, &vase).await,
        (5, 1),
        "only the live hold remains"
    );
    assert!(store
        .expired_reservations(now + 1_000, 10)
        .await
        .unwrap()
        .is_empty());
    let history = store.order_history(lapsed.id).await.unwrap();
    assert_eq!(history.last().unwrap().actor, Actor::Sweeper);
    assert_eq!(
        store.order_by_id(held.id).await.unwrap().unwrap().state,
        OrderState::PendingPayment
    );
    let paid = store.order_by_id(paid_late.id).await.unwrap().unwrap();
    assert_eq!(paid.state, OrderState::Paid);
    assert_eq!(paid.payment_ref.as_deref(), Some("pay-in-time"));
}

pub async fn illegal_transitions_are_refused_and_write_nothing(store: DynCatalogStore) {
    let desk = stocked(&store, "legal-desk", "LEGAL-1", 20_000, 3).await;
    let order = place(&store, "legal-0001", vec![line(desk.id, 1)], HOLD).await;
    let paid = store.mark_paid(order.id, "pay-1").await.unwrap();
    assert_eq!(stock_of(&store, &desk).await, (2, 0));

    let twice = store.mark_paid(order.id, "pay-2").await;
    assert!(is_state_conflict(&twice), "{twice:?}");
    let expired = store.release(order.id, ReleaseReason::PaymentExpired).await;
    assert!(is_state_conflict(&expired), "{expired:?}");
    let declined = ReleaseReason::PaymentFailed {
        detail: "late webhook".into(),
    };
    assert!(is_state_conflict(&store.release(order.id, declined).await));
    let unchanged = store.order_by_id(order.id).await.unwrap().unwrap();
    assert_eq!(unchanged, paid, "a refused transition wrote nothing");
    assert_eq!(unchanged.payment_ref.as_deref(), Some("pay-1"));
    assert_eq!(stock_of(&store, &desk).await, (2, 0));
    assert_eq!(store.order_history(order.id).await.unwrap().len(), 2);

    assert!(matches!(
        store.mark_paid(Uuid::now_v7(), "pay-3").await,
        Err(StoreError::NotFound { what: "order" })
    ));
    assert!(matches!(
        store.mark_paid(order.id, " ").await,
        Err(StoreError::Invalid {
            field: "payment_ref",
            ..
        })
    ));
}

pub async fn cancelling_a_paid_order_puts_its_units_back_on_the_shelf(store: DynCatalogStore) {
    let rug = stocked(&store, "cancel-rug", "CANCEL-1", 9_000, 5).await;
    let order = place(&store, "cancel-0001", vec![line(rug.id, 2)], HOLD).await;
    store.mark_paid(order.id, "pay-rug").await.unwrap();
    assert_eq!(stock_of(&store, &rug).await, (3, 0));
    let staff = Actor::Staff(Uuid::now_v7());
    let cancelled = store
        .release(order.id, ReleaseReason::Cancelled { by: staff.clone() })
        .await
        .unwrap();
    assert_eq!(cancelled.state, OrderState::Cancelled);
    assert_eq!(
        cancelled.refunded, cancelled.totals.grand_total,
        "refunded in full"
    );
    assert_eq!(stock_of(&store, &rug).await, (5, 0));
    assert!(is_state_conflict(
        &store
            .release(order.id, ReleaseReason::Cancelled { by: staff.clone() })
            .await
    ));
    assert_eq!(stock_of(&store, &rug).await, (5, 0));
    assert_eq!(store.order_history(order.id).await.unwrap()[2].actor, staff);
}

pub async fn line_snapshots_survive_later_price_and_title_changes(store: DynCatalogStore) {
    let sofa = stocked(&store, "snap-sofa", "SNAP-1", 50_000, 2).await;
    let order = place(&store, "snapshot-0001", vec![line(sofa.id, 1)], HOLD).await;
    assert_eq!(order.lines[0].title, "snap-sofa title");
    assert_eq!(order.lines[0].unit_price, eur(50_000));
    store
        .update_variant(sofa.id, new_price(eur(99_000)))
        .await
        .unwrap();
    store
        .update_product(
            sofa.product_id,
            ProductPatch {
                title: Some(title("Renamed Sofa")),
                ..ProductPatch::default()
            },
        )
        .await
        .unwrap();
    let read = store.order_by_id(order.id).await.unwrap().unwrap();
    assert_eq!(read, order, "the order is exactly as sold");
    let later = place(&store, "snapshot-0002", vec![line(sofa.id, 1)], HOLD).await;
    assert_eq!(later.lines[0].title, "Renamed Sofa");
    assert_eq!(
        later.lines[0].unit_price,
        eur(99_000),
        "prices are the server's current ones"
    );
}

pub async fn a_refused_checkout_leaves_no_order_no_key_and_no_reservation(store: DynCatalogStore) {
    let plenty = stocked(&store, "refuse-plenty", "PLENTY-1", 1_000, 50).await;
    let scarce = stocked(&store, "refuse-scarce", "SCARCE-1", 1_000, 1).await;
    let two_lines = vec![line(plenty.id, 3), line(scarce.id, 2)];
    let refused = store
        .place_order(checkout("refused-0001", two_lines), HOLD)
        .await;
    match refused {
        Err(StoreError::Conflict {
            field: "stock",
            message,
        }) => {
            assert!(
                message.contains("SCARCE-1") && message.contains("1 left"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        stock_of(&store, &plenty).await,
        (50, 0),
        "the first line's hold was undone"
    );
    assert_eq!(stock_of(&store, &scarce).await, (1, 0));
    assert!(store
        .orders_for_email(&email("shopper@example.com"), 10)
        .await
        .unwrap()
        .is_empty());
    // The key was not kept: the same key with a cart that fits now succeeds.
    let (fits, created) = store
        .place_order(checkout("refused-0001", vec![line(scarce.id, 1)]), HOLD)
        .await
        .unwrap();
    assert!(created);
    assert_eq!(stock_of(&store, &scarce).await, (1, 1));

    let reused = store
        .place_order(checkout("refused-0001", vec![line(plenty.id, 1)]), HOLD)
        .await;
    assert!(
        matches!(
            reused,
            Err(StoreError::Conflict {
                field: "idempotency_key",
                ..
            })
        ),
        "{reused:?}"
    );
    let invalid = |request, field: &'static str| {
        let store = store.clone();
        async move {
            let result = store.place_order(request, HOLD).await;
            assert!(
                matches!(&result, Err(StoreError::Invalid { field: f, .. }) if *f == field),
                "expected Invalid {{ field: {field} }}, got {result:?}"
            );
        }
    };
    invalid(
        checkout("bad-unknown-1", vec![line(Uuid::now_v7(), 1)]),
        "variant_id",
    )
    .await;
    invalid(
        checkout("bad-zero-qty-1", vec![line(plenty.id, 0)]),
        "quantity",
    )
    .await;
    invalid(checkout("bad-no-lines-1", vec![]), "lines").await;
    let mut dollars = checkout("bad-currency-1", vec![line(plenty.id, 1)]);
    dollars.currency = usd(1).currency;
    invalid(dollars, "currency").await;
    let mut nowhere = checkout("bad-method-1", vec![line(plenty.id, 1)]);
    nowhere.shipping_method = Some(super::support::slug("teleport"));
    invalid(nowhere, "shipping_method").await;
    set_status(&store, plenty.product_id, ProductStatus::Draft).await;
    invalid(
        checkout("bad-draft-1", vec![line(plenty.id, 1)]),
        "variant_id",
    )
    .await;
    assert_eq!(stock_of(&store, &plenty).await, (50, 0));
    let mine = store
        .orders_for_email(&email("shopper@example.com"), 10)
        .await
        .unwrap();
    assert_eq!(mine, vec![fits], "only the order that fitted exists");
}

pub async fn orders_are_found_by_id_number_and_email_newest_first(store: DynCatalogStore) {
    let cup = stocked(&store, "find-cup", "FIND-1", 800, 10).await;
    let mut placed = Vec::new();
    for n in 0..3 {
        let mut request = checkout(
            &format!("find-000{n}"),
            vec![line(cup.id, 1), line(cup.id, 1)],
        );
        if n == 2 {
            request.email = email("someone.else@example.com");
        }
        placed.push(store.place_order(request, HOLD).await.unwrap().0);
    }
    assert_eq!(
        placed[0].lines.len(),
        1,
        "a variant named twice is one line"
    );
    assert_eq!(i64::from(placed[0].lines[0].quantity), 2);
    assert!(placed[0].number < placed[1].number && placed[1].number < placed[2].number);
    for order in &placed {
        assert_eq!(
            store.order_by_id(order.id).await.unwrap().as_ref(),
            Some(order)
        );
        assert_eq!(
            store.order_by_number(order.number).await.unwrap().as_ref(),
            Some(order)
        );
    }
    let mine = store
        .orders_for_email(&email("SHOPPER@example.COM"), 10)
        .await
        .unwrap();
    assert_eq!(mine, vec![placed[1].clone(), placed[0].clone()]);
    assert_eq!(
        mine[0].email.as_typed(),
        "Shopper@Example.com",
        "mail goes as typed"
    );
    let unknown = OrderNumber::from_sequence(999_999).unwrap();
    assert!(store.order_by_number(unknown).await.unwrap().is_none());
    assert!(store.order_by_id(Uuid::now_v7()).await.unwrap().is_none());
    assert!(store
        .order_history(Uuid::now_v7())
        .await
        .unwrap()
        .is_empty());
    let history = store.order_history(placed[0].id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].what.as_str(), &history[0].actor),
        ("placed", &Actor::Customer)
    );
}

pub async fn units_held_by_pending_payments_are_stock_held_not_sold_out(store: DynCatalogStore) {
    let lamp = stocked(&store, "held-lamp", "HELD-1", 3_000, 2).await;
    let pending = place(&store, "held-0001", vec![line(lamp.id, 2)], HOLD).await;
    let held = store
        .place_order(checkout("held-0002", vec![line(lamp.id, 1)]), HOLD)
        .await;
    match &held {
        Err(StoreError::StockHeld {
            message,
            retry_after_secs,
        }) => {
            assert!(message.contains("held"), "{message}");
            assert!(
                (1..=HOLD.as_secs() + 1).contains(retry_after_secs),
                "retry after {retry_after_secs} s with a hold of {HOLD:?}"
            );
        }
        other => panic!("expected StockHeld, got {other:?}"),
    }
    // More than the shelf has is sold out, whatever the holds.
    let too_many = store
        .place_order(checkout("held-0003", vec![line(lamp.id, 3)]), HOLD)
        .await;
    assert!(
        matches!(too_many, Err(StoreError::Conflict { field: "stock", .. })),
        "{too_many:?}"
    );
    // The pending payment fails: the units are free again.
    store
        .release(pending.id, ReleaseReason::PaymentExpired)
        .await
        .unwrap();
    store
        .place_order(checkout("held-0004", vec![line(lamp.id, 1)]), HOLD)
        .await
        .expect("the released units sell");
    // Paid units are gone for good: sold out, not held.
    let paid = place(&store, "held-0005", vec![line(lamp.id, 1)], HOLD).await;
    store.mark_paid(paid.id, "pay_held").await.unwrap();
    let gone = store
        .place_order(checkout("held-0006", vec![line(lamp.id, 1)]), HOLD)
        .await;
    assert!(
        matches!(gone, Err(StoreError::StockHeld { .. })),
        "one unit is still held: {gone:?}"
    );
}

pub async fn a_captured_payment_never_recorded_is_listed_for_recording_not_for_release(
    store: DynCatalogStore,
) {
    let vase = stocked(&store, "captured-vase", "CAPT-1", 2_500, 4).await;
    let charged = place_lapsed(&store, "captured-0001", vec![line(vase.id, 2)]).await;
    let abandoned = place_lapsed(&store, "captured-0002", vec![line(vase.id, 1)]).await;
    store
        .mark_captured(charged.id, "pay_captured")
        .await
        .unwrap();
    let later = charged.created_at + 1_000;
    assert_eq!(
        store.expired_reservations(later, 10).await.unwrap(),
        vec![abandoned.id],
        "a charged order is never released by the sweeper"
    );
    assert_eq!(
        store.unrecorded_captures(later, 10).await.unwrap(),
        vec![(charged.id, "pay_captured".to_owned())]
    );
    assert!(
        store
            .unrecorded_captures(charged.created_at - 1, 10)
            .await
            .unwrap()
            .is_empty(),
        "not before its hold ends: checkout may still be recording it"
    );
    let paid = store.mark_paid(charged.id, "pay_captured").await.unwrap();
    assert_eq!(paid.state, OrderState::Paid);
    assert_eq!(paid.payment_ref.as_deref(), Some("pay_captured"));
    assert!(store
        .unrecorded_captures(later, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        stock_of(&store, &vase).await,
        (2, 1),
        "two sold, one still held"
    );
    // Marking an order no longer pending changes nothing.
    store.mark_captured(charged.id, "pay_other").await.unwrap();
    let still = store.order_by_id(charged.id).await.unwrap().unwrap();
    assert_eq!(still.payment_ref.as_deref(), Some("pay_captured"));
}
