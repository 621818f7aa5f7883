//! Contract: checkout under concurrency. A flash sale sells exactly the stock, every other buyer
//! hears "sold out", and no reader (a dedicated observer, and every buyer right after its own
//! attempt) ever sees more units reserved than are on hand; the same idempotency key sent at once
//! by several retries makes exactly one order.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::checkout_support::{checkout, line, stock_of, stocked, HOLD};
use crate::{DynCatalogStore, Order, ReleaseReason, StoreError};

/// A checkout task's outcome, after retrying the busy database.
enum Outcome {
    Created(Box<Order>),
    SoldOut(String),
}

pub async fn flash_sale_sells_exactly_the_stock_and_never_oversells(store: DynCatalogStore) {
    const STOCK: i64 = 10;
    const BUYERS: usize = 200;
    let hot = stocked(&store, "flash-lamp", "FLASH-1", 4_990, STOCK).await;

    let done = Arc::new(AtomicBool::new(false));
    let observer = {
        let (store, done, hot) = (store.clone(), done.clone(), hot.clone());
        tokio::spawn(async move {
            let mut seen = 0u32;
            while !done.load(Ordering::Relaxed) {
                assert_sellable_stock_is_never_negative(stock_of(&store, &hot).await);
                seen += 1;
                tokio::task::yield_now().await;
            }
            seen
        })
    };

    let buyers: Vec<_> = (0..BUYERS)
        .map(|n| {
            let store = store.clone();
            let request = checkout(&format!("flash-sale-{n:04}"), vec![line(hot.id, 1)]);
            let hot = hot.clone();
            tokio::spawn(async move {
                let mut busy_retries = 0u32;
                loop {
                    let attempt = store.place_order(request.clone(), HOLD).await;
                    // Each buyer also looks at the stock the moment its own attempt ends, so the
                    // invariant is observed mid-sale even when the pool makes the observer wait.
                    assert_sellable_stock_is_never_negative(stock_of(&store, &hot).await);
                    match attempt {
                        Ok((order, created)) => {
                            assert!(created, "a fresh key creates its order");
                            return (Outcome::Created(Box::new(order)), busy_retries);
                        }
                        Err(StoreError::Conflict {
                            field: "stock",
                            message,
                        }) => return (Outcome::SoldOut(message), busy_retries),
                        // The winners' payments are still pending: the last units are held by
                        // them, which is said as such.
                        Err(StoreError::StockHeld { message, .. }) => {
                            return (Outcome::SoldOut(message), busy_retries)
                        }
                        // SQLite may report a busy database under this contention: try again.
                        Err(StoreError::Unavailable(_)) => busy_retries += 1,
                        Err(other) => panic!("a checkout failed with {other:?}"),
                    }
                }
            })
        })
        .collect();
    let mut created = Vec::new();
    let mut sold_out = 0;
    let mut busy_retries = 0;
    for buyer in buyers {
        let (outcome, retries) = buyer.await.expect("buyer task panicked");
        busy_retries += retries;
        match outcome {
            Outcome::Created(order) => created.push(*order),
            Outcome::SoldOut(message) => {
                assert!(
                    message.contains("sold out") || message.contains("held"),
                    "{message}"
                );
                assert!(message.contains("FLASH-1"), "{message}");
                sold_out += 1;
            }
        }
    }
    done.store(true, Ordering::Relaxed);
    let observations = observer.await.expect("the observer saw a negative stock");
    eprintln!(
        "flash sale: {} orders, {sold_out} sold out, {busy_retries} busy retries, \
         {observations} observations",
        created.len()
    );
    assert_eq!(created.len(), STOCK as usize, "exactly the stock was sold");
    assert_eq!(sold_out, BUYERS - STOCK as usize);
    assert!(
        observations > 0,
        "the observer read the stock at least once"
    );
    let numbers: HashSet<_> = created.iter().map(|o| o.number).collect();
    assert_eq!(numbers.len(), created.len(), "order numbers are unique");
    assert_eq!(stock_of(&store, &hot).await, (STOCK, STOCK));
    let listed = store.product_by_id(hot.product_id).await.unwrap().unwrap();
    assert_eq!(listed.variants[0].on_hand - listed.variants[0].reserved, 0);

    for order in &created {
        let paid = store
            .mark_paid(order.id, &format!("pay-{}", order.number))
            .await
            .expect("pay a reserved order");
        assert_eq!(paid.state, showroom_domain::OrderState::Paid);
    }
    assert_eq!(
        stock_of(&store, &hot).await,
        (0, 0),
        "paid units left the shelf"
    );
    let after = checkout("flash-sale-late", vec![line(hot.id, 1)]);
    assert!(matches!(
        store.place_order(after, HOLD).await,
        Err(StoreError::Conflict { field: "stock", .. })
    ));
}

fn assert_sellable_stock_is_never_negative((on_hand, reserved): (i64, i64)) {
    assert!(
        reserved >= 0 && reserved <= on_hand && on_hand - reserved >= 0,
        "observed on_hand {on_hand}, reserved {reserved}"
    );
}

pub async fn the_same_idempotency_key_sent_five_times_at_once_makes_one_order(
    store: DynCatalogStore,
) {
    let chair = stocked(&store, "retry-chair", "RETRY-1", 12_000, 5).await;
    let request = checkout("retry-key-0001", vec![line(chair.id, 2)]);
    let retries: Vec<_> = (0..5)
        .map(|_| {
            let (store, request) = (store.clone(), request.clone());
            tokio::spawn(async move {
                loop {
                    match store.place_order(request.clone(), HOLD).await {
                        Err(StoreError::Unavailable(_)) => continue,
                        other => return other.expect("a retried checkout succeeds"),
                    }
                }
            })
        })
        .collect();
    let mut results = Vec::new();
    for retry in retries {
        results.push(retry.await.expect("retry task panicked"));
    }
    let creators = results.iter().filter(|(_, created)| *created).count();
    assert_eq!(creators, 1, "exactly one call created the order");
    let first = &results[0].0;
    for (order, _) in &results {
        assert_eq!(order, first, "every retry returns the same order");
    }
    assert_eq!(stock_of(&store, &chair).await, (5, 2), "reserved once");
    assert_eq!(
        store
            .orders_for_email(&first.email, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    let (again, created) = store.place_order(request, HOLD).await.unwrap();
    assert!(!created);
    assert_eq!(&again, first, "a later retry still returns it");
}

pub async fn a_payment_and_an_expiry_racing_for_one_order_have_exactly_one_winner(
    store: DynCatalogStore,
) {
    const ORDERS: i64 = 8;
    let stool = stocked(&store, "race-stool", "RACE-1", 1_500, ORDERS).await;
    let mut races = Vec::new();
    for n in 0..ORDERS {
        let request = checkout(&format!("race-order-{n:03}"), vec![line(stool.id, 1)]);
        let (order, _) = store.place_order(request, HOLD).await.unwrap();
        let (payer, sweeper) = (store.clone(), store.clone());
        let pay = tokio::spawn(async move {
            loop {
                match payer.mark_paid(order.id, "pay-race").await {
                    Err(StoreError::Unavailable(_)) => continue,
                    other => return other,
                }
            }
        });
        let expire = tokio::spawn(async move {
            loop {
                match sweeper
                    .release(order.id, ReleaseReason::PaymentExpired)
                    .await
                {
                    Err(StoreError::Unavailable(_)) => continue,
                    other => return other,
                }
            }
        });
        races.push((pay, expire));
    }
    let mut paid = 0;
    for (pay, expire) in races {
        let (pay, expire) = (pay.await.unwrap(), expire.await.unwrap());
        match (&pay, &expire) {
            (Ok(_), Err(StoreError::Conflict { field: "state", .. })) => paid += 1,
            (Err(StoreError::Conflict { field: "state", .. }), Ok(_)) => {}
            _ => panic!("one of pay and expire must win: {pay:?} / {expire:?}"),
        }
    }
    assert_eq!(
        stock_of(&store, &stool).await,
        (ORDERS - paid, 0),
        "paid units sold, expired ones back on sale, nothing still reserved"
    );
}
