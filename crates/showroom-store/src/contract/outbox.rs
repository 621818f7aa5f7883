//! Contract: the mail outbox. An order change that should reach the customer queues exactly one
//! mail in its own transaction (payment, shipment, cancellation of a paid order); an unpaid order
//! cancelled and a refused transition queue none; concurrent senders never get the same row; a
//! failed mail comes back at its retry time, a given-up or sent one never.

use std::collections::HashSet;
use std::time::Duration;

use showroom_domain::{CustomerNotice, TrackingNumber};
use uuid::Uuid;

use super::checkout_support::{checkout, line, stocked, HOLD};
use crate::{Actor, DynCatalogStore, Order, ReleaseReason, StoreError};

const LEASE: Duration = Duration::from_secs(60);

fn kinds(mail: &[crate::OutboxMail]) -> Vec<CustomerNotice> {
    mail.iter().map(|m| m.kind).collect()
}

/// A pending order of one unit of a fresh product; `tag` keeps slugs, SKUs and keys apart.
async fn pending(store: &DynCatalogStore, tag: &str) -> Order {
    let lamp = stocked(
        store,
        &format!("mail-{tag}"),
        &format!("MAIL-{tag}"),
        2_500,
        5,
    )
    .await;
    let (order, _) = store
        .place_order(
            checkout(&format!("mail-key-{tag}"), vec![line(lamp.id, 1)]),
            HOLD,
        )
        .await
        .expect("place order");
    order
}

async fn paid(store: &DynCatalogStore, tag: &str) -> Order {
    let order = pending(store, tag).await;
    store
        .mark_paid(order.id, &format!("pay-{tag}"))
        .await
        .expect("mark paid")
}

pub async fn paying_an_order_queues_exactly_one_confirmation(store: DynCatalogStore) {
    let order = pending(&store, "confirm").await;
    assert!(store.mail_for_order(order.id).await.unwrap().is_empty());
    store.mark_paid(order.id, "pay-confirm").await.unwrap();
    // A webhook delivered twice is refused and queues nothing more.
    assert!(store.mark_paid(order.id, "pay-confirm").await.is_err());

    let mail = store.mail_for_order(order.id).await.unwrap();
    assert_eq!(kinds(&mail), [CustomerNotice::OrderConfirmed]);
    let confirmation = &mail[0];
    assert_eq!(confirmation.order_id, order.id);
    assert_eq!(confirmation.recipient, "Shopper@Example.com");
    assert_eq!(
        confirmation.subject,
        format!("Order {} confirmed", order.number)
    );
    assert!(confirmation.text_body.contains("mail-confirm title"));
    assert!(confirmation.html_body.contains("Grace Hopper"));
    assert_eq!(confirmation.attempts, 0);
    assert!(confirmation.next_attempt_at.is_some(), "due at once");
    assert_eq!(
        (confirmation.sent_at, confirmation.last_error.as_deref()),
        (None, None)
    );
}

pub async fn an_unpaid_order_cancelled_queues_no_mail_but_a_paid_one_does(store: DynCatalogStore) {
    let declined = pending(&store, "declined").await;
    store
        .release(
            declined.id,
            ReleaseReason::PaymentFailed {
                detail: "card declined".into(),
            },
        )
        .await
        .unwrap();
    let expired = pending(&store, "expired").await;
    store
        .release(expired.id, ReleaseReason::PaymentExpired)
        .await
        .unwrap();
    for order in [&declined, &expired] {
        assert!(store.mail_for_order(order.id).await.unwrap().is_empty());
    }

    let order = paid(&store, "paid-cancel").await;
    store
        .release(
            order.id,
            ReleaseReason::Cancelled {
                by: Actor::Customer,
            },
        )
        .await
        .unwrap();
    let mail = store.mail_for_order(order.id).await.unwrap();
    assert_eq!(
        kinds(&mail),
        [
            CustomerNotice::OrderConfirmed,
            CustomerNotice::OrderCancelled
        ]
    );
    let refunded = order.totals.grand_total.to_string();
    assert!(
        mail[1]
            .text_body
            .contains(&format!("Refunded now: {refunded}")),
        "{}",
        mail[1].text_body
    );
}

pub async fn fulfilling_queues_a_shipped_mail_with_the_tracking_number(store: DynCatalogStore) {
    let order = paid(&store, "ship").await;
    let tracking = TrackingNumber::parse("1Z999AA10123456784").unwrap();
    store
        .fulfil(order.id, tracking, Actor::ApiToken(None))
        .await
        .unwrap();
    let mail = store.mail_for_order(order.id).await.unwrap();
    assert_eq!(
        kinds(&mail),
        [CustomerNotice::OrderConfirmed, CustomerNotice::OrderShipped]
    );
    assert_eq!(mail[1].subject, format!("Order {} shipped", order.number));
    assert!(mail[1].text_body.contains("1Z999AA10123456784"));
    assert!(mail[1].html_body.contains("1Z999AA10123456784"));
}

pub async fn a_refused_transition_queues_no_mail(store: DynCatalogStore) {
    let order = pending(&store, "refused").await;
    let tracking = TrackingNumber::parse("TRACK-1").unwrap();
    let refused = store
        .fulfil(order.id, tracking.clone(), Actor::ApiToken(None))
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict { field: "state", .. })),
        "{refused:?}"
    );
    assert!(store.mail_for_order(order.id).await.unwrap().is_empty());
    store
        .release(order.id, ReleaseReason::PaymentExpired)
        .await
        .unwrap();
    assert!(store.mark_paid(order.id, "late").await.is_err());
    assert!(store
        .fulfil(order.id, tracking, Actor::ApiToken(None))
        .await
        .is_err());
    assert!(store.mail_for_order(order.id).await.unwrap().is_empty());
}

pub async fn concurrent_mail_claims_never_hand_out_the_same_row(store: DynCatalogStore) {
    let mut expected = HashSet::new();
    for n in 0..8 {
        let order = paid(&store, &format!("race-{n}")).await;
        for mail in store.mail_for_order(order.id).await.unwrap() {
            expected.insert(mail.id);
        }
    }
    assert_eq!(expected.len(), 8);
    let now = crate::unix_millis();
    let mut senders = Vec::new();
    for _ in 0..4 {
        let store = store.clone();
        senders.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                match store.claim_mail(now, LEASE, 2).await {
                    Ok(claimed) if claimed.is_empty() => break,
                    Ok(claimed) => got.extend(claimed.into_iter().map(|m| m.id)),
                    // SQLite may report a busy database under this contention: try again.
                    Err(StoreError::Unavailable(_)) => continue,
                    Err(e) => panic!("{e:?}"),
                }
            }
            got
        }));
    }
    let mut seen = HashSet::new();
    for sender in senders {
        for id in sender.await.unwrap() {
            assert!(seen.insert(id), "a mail was claimed twice");
        }
    }
    assert_eq!(seen, expected);
    assert!(store.claim_mail(now, LEASE, 100).await.unwrap().is_empty());
}

pub async fn a_batch_of_sent_mail_is_marked_in_one_call(store: DynCatalogStore) {
    let mut orders = Vec::new();
    for name in ["batch-a", "batch-b", "batch-c"] {
        orders.push(paid(&store, name).await.id);
    }
    let now = crate::unix_millis();
    let claimed = store.claim_mail(now, LEASE, 10).await.unwrap();
    assert_eq!(claimed.len(), 3);
    let ids: Vec<Uuid> = claimed.iter().map(|m| m.id).collect();
    store.mark_mails_sent(&ids).await.unwrap();
    store.mark_mails_sent(&[]).await.unwrap();

    let far = now + 365 * 86_400_000;
    assert!(store.claim_mail(far, LEASE, 10).await.unwrap().is_empty());
    for order in orders {
        let mail = &store.mail_for_order(order).await.unwrap()[0];
        assert!(mail.sent_at.is_some() && mail.next_attempt_at.is_none());
    }
}

pub async fn failed_mail_comes_back_at_its_retry_time_and_sent_mail_never(store: DynCatalogStore) {
    let first = paid(&store, "retry-a").await;
    let second = paid(&store, "retry-b").await;
    let now = crate::unix_millis();

    let claimed = store.claim_mail(now, LEASE, 10).await.unwrap();
    assert_eq!(claimed.len(), 2);
    assert!(claimed.iter().all(|m| m.attempts == 1));
    assert!(
        store.claim_mail(now, LEASE, 10).await.unwrap().is_empty(),
        "leased"
    );
    let lease_ms = i64::try_from(LEASE.as_millis()).unwrap();
    let after_lease = store.claim_mail(now + lease_ms, LEASE, 10).await.unwrap();
    assert_eq!(after_lease.len(), 2, "a dead sender's rows come back");

    let [a, b] = [first.id, second.id].map(|order_id| {
        after_lease
            .iter()
            .find(|m| m.order_id == order_id)
            .expect("both orders' mail")
            .id
    });
    store.mark_mails_sent(&[b]).await.unwrap();
    store
        .mark_mail_failed(a, "554 rejected", Some(now + 1_000))
        .await
        .unwrap();
    assert!(store
        .claim_mail(now + 999, LEASE, 10)
        .await
        .unwrap()
        .is_empty());
    let again = store.claim_mail(now + 1_000, LEASE, 10).await.unwrap();
    assert_eq!(again.iter().map(|m| m.id).collect::<Vec<_>>(), [a]);
    assert_eq!(again[0].attempts, 3);
    assert_eq!(again[0].last_error.as_deref(), Some("554 rejected"));

    store
        .mark_mail_failed(a, "554 still rejected", None)
        .await
        .unwrap();
    // A late failure report about a sent mail does not make it due again.
    store.mark_mail_failed(b, "late", Some(now)).await.unwrap();
    let far = now + 365 * 86_400_000;
    assert!(store.claim_mail(far, LEASE, 10).await.unwrap().is_empty());

    let given_up = &store.mail_for_order(first.id).await.unwrap()[0];
    assert_eq!(
        (
            given_up.attempts,
            given_up.sent_at,
            given_up.next_attempt_at
        ),
        (3, None, None)
    );
    assert_eq!(given_up.last_error.as_deref(), Some("554 still rejected"));
    let sent = &store.mail_for_order(second.id).await.unwrap()[0];
    assert!(sent.sent_at.is_some() && sent.next_attempt_at.is_none());
    assert_eq!(sent.last_error, None, "a sent mail keeps no late failure");

    assert!(matches!(
        store.mark_mails_sent(&[Uuid::now_v7()]).await,
        Err(StoreError::NotFound { .. })
    ));
    // Marking again, alone or beside an unknown id, keeps the first success.
    store.mark_mails_sent(&[b, b]).await.unwrap();
    assert!(store.mark_mails_sent(&[b, Uuid::now_v7()]).await.is_err());
    let still = &store.mail_for_order(second.id).await.unwrap()[0];
    assert_eq!(still.sent_at, sent.sent_at);
}
