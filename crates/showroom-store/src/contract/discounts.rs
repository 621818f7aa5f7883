//! Contract: discount codes. Codes are unique whatever their case, a checkout applies and counts
//! one in its own transaction, refusals (unknown, inactive, expired, below minimum, used up)
//! write nothing, concurrent checkouts never use a limited code more often than its limit, and
//! an order released without being paid gives its use back.

use showroom_domain::{BasisPoints, Discount, DiscountCode, UnixTime};

use super::checkout_support::{checkout, line, stock_of, stocked, HOLD};
use super::support::eur;
use crate::{Actor, DynCatalogStore, ReleaseReason, StoreError};

fn code(raw: &str) -> DiscountCode {
    DiscountCode::parse(raw).expect("test code")
}

fn ten_percent(raw: &str) -> Discount {
    Discount::percentage(code(raw), BasisPoints::new(1_000).unwrap())
}

pub async fn discount_codes_are_unique_listed_and_switched_off(store: DynCatalogStore) {
    let created = store
        .create_discount(ten_percent("spring-10").with_usage_limit(5))
        .await
        .unwrap();
    assert_eq!(created.times_used, 0);
    assert!(created.active);
    let twice = store.create_discount(ten_percent("SPRING-10")).await;
    assert!(
        matches!(twice, Err(StoreError::Conflict { field: "code", .. })),
        "{twice:?}"
    );
    let fixed = Discount::fixed(code("five-off"), eur(500))
        .unwrap()
        .with_minimum_subtotal(eur(2_000))
        .with_expiry(UnixTime(4_000_000_000));
    store.create_discount(fixed.clone()).await.unwrap();
    let found = store
        .discount_by_code(&code("Five-Off"))
        .await
        .unwrap()
        .expect("found");
    assert_eq!(found.discount, fixed, "every rule round-trips");
    assert_eq!(store.list_discounts().await.unwrap().len(), 2);
    let off = store
        .set_discount_active(&code("spring-10"), false)
        .await
        .unwrap();
    assert!(!off.active);
    assert!(matches!(
        store.set_discount_active(&code("nope-1"), true).await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn a_checkout_applies_and_counts_a_code_and_refusals_write_nothing(
    store: DynCatalogStore,
) {
    let lamp = stocked(&store, "discount-lamp", "DISC-1", 3_000, 20).await;
    store.create_discount(ten_percent("ten-off")).await.unwrap();
    store
        .create_discount(ten_percent("gone-1").with_expiry(UnixTime(1)))
        .await
        .unwrap();
    store
        .create_discount(
            Discount::fixed(code("big-spender"), eur(1_000))
                .unwrap()
                .with_minimum_subtotal(eur(50_000)),
        )
        .await
        .unwrap();
    store
        .create_discount(ten_percent("paused-1"))
        .await
        .unwrap();
    store
        .set_discount_active(&code("paused-1"), false)
        .await
        .unwrap();

    let mut with_code = checkout("discount-order-1", vec![line(lamp.id, 2)]);
    with_code.discount_code = Some(code("ten-off"));
    let (order, _) = store.place_order(with_code, HOLD).await.unwrap();
    assert_eq!(order.totals.subtotal, eur(6_000));
    assert_eq!(order.totals.discount, eur(600));
    assert_eq!(order.discount_code, Some(code("TEN-OFF")));
    let used = store
        .discount_by_code(&code("ten-off"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(used.times_used, 1);

    let before = stock_of(&store, &lamp).await;
    for (n, refused) in ["gone-1", "big-spender", "paused-1", "unknown-1"]
        .iter()
        .enumerate()
    {
        let mut request = checkout(&format!("discount-refused-{n}"), vec![line(lamp.id, 1)]);
        request.discount_code = Some(code(refused));
        let result = store.place_order(request, HOLD).await;
        assert!(
            matches!(
                result,
                Err(StoreError::Invalid {
                    field: "discount_code",
                    ..
                })
            ),
            "{refused}: {result:?}"
        );
    }
    assert_eq!(stock_of(&store, &lamp).await, before, "nothing reserved");
}

pub async fn concurrent_checkouts_never_use_a_code_past_its_limit(store: DynCatalogStore) {
    const LIMIT: u32 = 3;
    const BUYERS: usize = 12;
    let lamp = stocked(&store, "limited-lamp", "LIM-1", 2_000, 100).await;
    store
        .create_discount(ten_percent("first-three").with_usage_limit(LIMIT))
        .await
        .unwrap();
    let buyers: Vec<_> = (0..BUYERS)
        .map(|n| {
            let store = store.clone();
            let lamp_id = lamp.id;
            tokio::spawn(async move {
                let mut request =
                    checkout(&format!("limited-buyer-{n:03}"), vec![line(lamp_id, 1)]);
                request.discount_code = Some(code("first-three"));
                loop {
                    match store.place_order(request.clone(), HOLD).await {
                        Err(StoreError::Unavailable(_)) => continue,
                        other => return other,
                    }
                }
            })
        })
        .collect();
    let (mut discounted, mut refused) = (0, 0);
    for buyer in buyers {
        match buyer.await.unwrap() {
            Ok((order, _)) => {
                assert_eq!(order.totals.discount, eur(200));
                discounted += 1;
            }
            Err(StoreError::Invalid {
                field: "discount_code",
                ..
            }) => refused += 1,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(discounted, LIMIT);
    assert_eq!(refused, BUYERS - LIMIT as usize);
    let record = store
        .discount_by_code(&code("first-three"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.times_used, LIMIT);
    assert_eq!(
        stock_of(&store, &lamp).await.1,
        i64::from(LIMIT),
        "only the winners reserved"
    );
}

pub async fn an_order_released_unpaid_gives_its_code_use_back_and_a_paid_one_keeps_it(
    store: DynCatalogStore,
) {
    let lamp = stocked(&store, "once-lamp", "ONCE-1", 3_000, 20).await;
    store
        .create_discount(ten_percent("once-only").with_usage_limit(1))
        .await
        .unwrap();
    let uses = |store: DynCatalogStore| async move {
        store
            .discount_by_code(&code("once-only"))
            .await
            .unwrap()
            .unwrap()
            .times_used
    };
    let with_code = |key: &str| {
        let mut request = checkout(key, vec![line(lamp.id, 1)]);
        request.discount_code = Some(code("once-only"));
        request
    };

    // A declined card: the order is released and the single use comes back.
    let (declined, _) = store
        .place_order(with_code("once-declined"), HOLD)
        .await
        .unwrap();
    assert_eq!(uses(store.clone()).await, 1);
    store
        .release(
            declined.id,
            ReleaseReason::PaymentFailed {
                detail: "payment_declined: test".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        uses(store.clone()).await,
        0,
        "a declined card burnt the code"
    );

    // An abandoned checkout: the sweeper's release gives it back too.
    let (expired, _) = store
        .place_order(with_code("once-expired"), HOLD)
        .await
        .unwrap();
    store
        .release(expired.id, ReleaseReason::PaymentExpired)
        .await
        .unwrap();
    assert_eq!(
        uses(store.clone()).await,
        0,
        "an expired hold burnt the code"
    );

    // Paid, then cancelled by staff: the use was a real one and stays counted.
    let (paid, _) = store
        .place_order(with_code("once-paid"), HOLD)
        .await
        .unwrap();
    store.mark_paid(paid.id, "pay_once").await.unwrap();
    store
        .release(
            paid.id,
            ReleaseReason::Cancelled {
                by: Actor::ApiToken(None),
            },
        )
        .await
        .ok();
    assert_eq!(uses(store.clone()).await, 1);
    let refused = store.place_order(with_code("once-again"), HOLD).await;
    assert!(
        matches!(
            refused,
            Err(StoreError::Invalid {
                field: "discount_code",
                ..
            })
        ),
        "{refused:?}"
    );
}
