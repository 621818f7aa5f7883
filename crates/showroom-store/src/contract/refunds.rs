//! Contract: refunds in two steps, and orders found by their payment reference. Partial refunds
//! add up to at most the paid total, also when many race; the same key is the same refund; a
//! failed refund changes nothing; a cancellation refunds the rest and returns the stock; a
//! pending order is found by the reference recorded at authorization.

use showroom_domain::{CustomerNotice, Money, OrderState, TrackingNumber};
use uuid::Uuid;

use super::checkout_support::{checkout, key, line, place, stock_of, stocked, HOLD};
use super::support::eur;
use crate::{
    Actor, DynCatalogStore, NewRefund, Order, Refund, RefundKind, RefundState, StoreError,
};

fn refund(key_raw: &str, amount: Option<Money>) -> NewRefund {
    NewRefund {
        key: key(key_raw),
        kind: RefundKind::Refund,
        amount,
        reason: Some("scratched on arrival".into()),
        actor: Actor::Staff(Uuid::nil()),
    }
}

fn cancellation(key_raw: &str) -> NewRefund {
    NewRefund {
        kind: RefundKind::Cancellation,
        reason: None,
        ..refund(key_raw, None)
    }
}

/// The refund `begin_refund` starts (or finds again, for a known key); it must not be refused.
async fn begun(store: &DynCatalogStore, order_id: Uuid, new: NewRefund) -> Refund {
    let (refund, _) = store.begin_refund(order_id, new).await.unwrap();
    refund
}

/// The field `begin_refund` names when it refuses `new` as a conflict or as invalid.
async fn refused_field(
    store: &DynCatalogStore,
    order_id: Uuid,
    new: NewRefund,
) -> Option<&'static str> {
    field_of(&store.begin_refund(order_id, new).await)
}

/// Staff ship `order_id` with `tracking`.
async fn ship(
    store: &DynCatalogStore,
    order_id: Uuid,
    tracking: &str,
) -> Result<Order, StoreError> {
    let tracking = TrackingNumber::parse(tracking).unwrap();
    store
        .fulfil(order_id, tracking, Actor::Staff(Uuid::nil()))
        .await
}

fn field_of<T: std::fmt::Debug>(result: &Result<T, StoreError>) -> Option<&'static str> {
    match result {
        Err(StoreError::Conflict { field, .. }) => Some(field),
        Err(StoreError::Invalid { field, .. }) => Some(field),
        _ => None,
    }
}

/// A paid order of `units` at 40.00 EUR (plus tax and shipping).
async fn paid_order(store: &DynCatalogStore, tag: &str, units: i64) -> (Order, crate::Variant) {
    let vase = stocked(
        store,
        &format!("refund-{tag}"),
        &format!("RF-{tag}"),
        4_000,
        10,
    )
    .await;
    let (order, _) = store
        .place_order(
            checkout(&format!("refund-order-{tag}"), vec![line(vase.id, units)]),
            HOLD,
        )
        .await
        .unwrap();
    let order = store
        .mark_paid(order.id, &format!("pay-{tag}"))
        .await
        .unwrap();
    (order, vase)
}

pub async fn partial_refunds_add_up_to_the_paid_total_and_keys_replay(store: DynCatalogStore) {
    let (order, _) = paid_order(&store, "partial", 1).await;
    let total = order.totals.grand_total.amount_minor;

    let (first, created) = store
        .begin_refund(order.id, refund("refund-key-1", Some(eur(1_000))))
        .await
        .unwrap();
    assert!(created);
    assert_eq!(first.state, RefundState::Pending);
    let unchanged = store.order_by_id(order.id).await.unwrap().unwrap();
    assert_eq!(unchanged.refunded.amount_minor, 0, "pending moves no money");

    let (again, created) = store
        .begin_refund(order.id, refund("refund-key-1", Some(eur(1_000))))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again.id, first.id, "the same key is the same refund");
    assert_eq!(
        refused_field(&store, order.id, refund("refund-key-1", Some(eur(999)))).await,
        Some("idempotency_key")
    );
    assert_eq!(
        refused_field(&store, order.id, refund("refund-key-2", Some(eur(total)))).await,
        Some("amount"),
        "the pending refund counts against what is left"
    );
    let negative = Money {
        amount_minor: -5,
        ..eur(0)
    };
    for bad in [eur(0), negative, crate::contract::support::usd(100)] {
        assert_eq!(
            refused_field(&store, order.id, refund("refund-key-3", Some(bad))).await,
            Some("amount"),
            "{bad} is refused"
        );
    }

    let (done, after) = store.complete_refund(first.id, "re_1").await.unwrap();
    assert_eq!(done.state, RefundState::Succeeded);
    assert_eq!(done.provider_ref.as_deref(), Some("re_1"));
    assert_eq!(after.state, OrderState::PartiallyRefunded);
    assert_eq!(after.refunded, eur(1_000));
    let (replayed, _) = store.complete_refund(first.id, "re_1").await.unwrap();
    assert_eq!(replayed, done, "completing twice changes nothing");

    let rest = begun(&store, order.id, refund("refund-key-4", None)).await;
    assert_eq!(
        rest.amount,
        eur(total - 1_000),
        "no amount: everything left"
    );
    let (_, refunded) = store.complete_refund(rest.id, "re_2").await.unwrap();
    assert_eq!(refunded.state, OrderState::Refunded);
    assert_eq!(refunded.refunded, order.totals.grand_total);
    assert_eq!(
        refused_field(&store, order.id, refund("refund-key-5", Some(eur(1)))).await,
        Some("state"),
        "a refunded order takes no more refunds"
    );

    let history = store.order_history(order.id).await.unwrap();
    let refunds: Vec<_> = history.iter().filter(|e| e.what == "refund").collect();
    assert_eq!(refunds.len(), 2);
    assert_eq!(refunds[0].actor, Actor::Staff(Uuid::nil()));
    assert!(refunds[0]
        .note
        .as_deref()
        .is_some_and(|n| n.contains("re_1") && n.contains("scratched")));
    let mail = store.mail_for_order(order.id).await.unwrap();
    let refund_mail: Vec<_> = mail
        .iter()
        .filter(|m| m.kind == CustomerNotice::RefundIssued)
        .collect();
    assert_eq!(refund_mail.len(), 2, "one mail per completed refund");
    assert!(
        refund_mail[0].text_body.contains("10.00"),
        "{}",
        refund_mail[0].text_body
    );
    let listed = store.refunds_for_order(order.id).await.unwrap();
    assert_eq!(
        listed.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![first.id, rest.id]
    );
}

pub async fn concurrent_refunds_never_exceed_the_paid_total(store: DynCatalogStore) {
    let (order, _) = paid_order(&store, "race", 2).await;
    let total = order.totals.grand_total.amount_minor;
    let share = total / 3;
    let attempts: Vec<_> = (0..8)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .begin_refund(order.id, refund(&format!("race-key-{n}"), Some(eur(share))))
                    .await
            })
        })
        .collect();
    let mut started = Vec::new();
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok((refund, true)) => started.push(refund),
            Err(StoreError::Invalid {
                field: "amount", ..
            }) => {}
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    assert_eq!(started.len(), 3, "only three thirds fit into the total");
    for refund in &started {
        store.complete_refund(refund.id, "re_race").await.unwrap();
    }
    let after = store.order_by_id(order.id).await.unwrap().unwrap();
    assert_eq!(after.refunded.amount_minor, share * 3);
    assert!(after.refunded.amount_minor <= total);
}

pub async fn a_failed_refund_changes_nothing_and_frees_its_amount(store: DynCatalogStore) {
    let (order, _) = paid_order(&store, "failed", 1).await;
    let pending = begun(&store, order.id, refund("failed-key-1", None)).await;
    let failed = store
        .fail_refund(pending.id, "payment_error: the provider is down")
        .await
        .unwrap();
    assert_eq!(failed.state, RefundState::Failed);
    assert!(failed
        .failure
        .as_deref()
        .is_some_and(|f| f.contains("down")));
    assert_eq!(
        field_of(&store.complete_refund(pending.id, "re_late").await),
        Some("state")
    );
    assert_eq!(
        field_of(&store.fail_refund(pending.id, "again").await),
        Some("state")
    );
    let after = store.order_by_id(order.id).await.unwrap().unwrap();
    assert_eq!(
        (after.state, after.refunded.amount_minor),
        (OrderState::Paid, 0)
    );
    let (retry, created) = store
        .begin_refund(order.id, refund("failed-key-2", None))
        .await
        .unwrap();
    assert!(created);
    assert_eq!(
        retry.amount, order.totals.grand_total,
        "the failed amount is free again"
    );
}

pub async fn a_cancellation_refunds_the_rest_and_returns_the_stock(store: DynCatalogStore) {
    let (order, vase) = paid_order(&store, "cancel", 2).await;
    assert_eq!(stock_of(&store, &vase).await, (8, 0));
    let partial = begun(&store, order.id, refund("cancel-key-1", Some(eur(500)))).await;
    assert_eq!(
        refused_field(&store, order.id, cancellation("cancel-key-2")).await,
        Some("state"),
        "no cancellation while another refund is pending"
    );
    store.complete_refund(partial.id, "re_part").await.unwrap();
    let cancel = begun(&store, order.id, cancellation("cancel-key-3")).await;
    assert_eq!(
        cancel.amount.amount_minor,
        order.totals.grand_total.amount_minor - 500
    );
    let (_, cancelled) = store.complete_refund(cancel.id, "re_cancel").await.unwrap();
    assert_eq!(cancelled.state, OrderState::Cancelled);
    assert_eq!(cancelled.refunded, order.totals.grand_total);
    assert_eq!(stock_of(&store, &vase).await, (10, 0), "the units are back");

    let (shipped, _) = paid_order(&store, "shipped", 1).await;
    ship(&store, shipped.id, "TRK-9").await.unwrap();
    assert_eq!(
        refused_field(&store, shipped.id, cancellation("cancel-key-4")).await,
        Some("state"),
        "a shipped order is refunded, not cancelled"
    );
    let after_ship = begun(&store, shipped.id, refund("cancel-key-5", None)).await;
    let (_, refunded) = store
        .complete_refund(after_ship.id, "re_ship")
        .await
        .unwrap();
    assert_eq!(refunded.state, OrderState::Refunded);
}

pub async fn a_pending_order_is_found_by_its_authorized_payment_ref(store: DynCatalogStore) {
    let lamp = stocked(&store, "authref-lamp", "AUTH-1", 2_500, 3).await;
    let order = place(&store, "authref-0001", vec![line(lamp.id, 1)], HOLD).await;
    assert!(store
        .order_by_payment_ref("pi_unknown")
        .await
        .unwrap()
        .is_none());
    store
        .record_authorization(order.id, "pi_auth_1")
        .await
        .unwrap();
    let found = store
        .order_by_payment_ref("pi_auth_1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.id, found.state),
        (order.id, OrderState::PendingPayment)
    );
    store.mark_paid(order.id, "pi_auth_1").await.unwrap();
    assert_eq!(
        field_of(&store.record_authorization(order.id, "pi_auth_2").await),
        Some("state"),
        "a paid order keeps the reference it was paid with"
    );
    assert!(matches!(
        store
            .record_authorization(Uuid::now_v7(), "pi_auth_3")
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        field_of(&store.record_authorization(order.id, " ").await),
        Some("payment_ref")
    );
    let paid = store
        .order_by_payment_ref("pi_auth_1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(paid.state, OrderState::Paid);
}

pub async fn an_order_being_cancelled_cannot_be_fulfilled_until_the_refund_ends(
    store: DynCatalogStore,
) {
    let (order, _) = paid_order(&store, "cancel-race", 1).await;
    let cancel = begun(&store, order.id, cancellation("race-cancel-1")).await;
    let fulfil = ship(&store, order.id, "TRK-RACE").await;
    assert_eq!(
        field_of(&fulfil),
        Some("state"),
        "fulfilled while the cancellation's refund was pending"
    );
    let (_, cancelled) = store.complete_refund(cancel.id, "re_race").await.unwrap();
    assert_eq!(cancelled.state, OrderState::Cancelled);
    assert_eq!(cancelled.refunded, order.totals.grand_total);
    assert_eq!(cancelled.tracking, None);

    // A failed cancellation leaves the order to be fulfilled as usual.
    let (other, _) = paid_order(&store, "cancel-race-2", 1).await;
    let failed = begun(&store, other.id, cancellation("race-cancel-2")).await;
    store
        .fail_refund(failed.id, "provider said no")
        .await
        .unwrap();
    let shipped = ship(&store, other.id, "TRK-RACE-2").await.unwrap();
    assert!(shipped.tracking.is_some());
}
