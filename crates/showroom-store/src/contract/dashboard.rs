//! Contract: the dashboard's figures. Only paid, not wholly refunded or cancelled orders in the
//! shop's currency are sales, net of refunds, bucketed by the UTC day they were placed; best
//! sellers are ranked by units; low stock lists published variants at or under the threshold,
//! fewest first; the pipeline queue counts uploads by state.

use super::checkout_support::{checkout, line, place, stocked, HOLD};
use super::support::{eur, hash, set_status};
use crate::{
    Actor, DashboardQuery, DynCatalogStore, NewAsset, NewRefund, RefundKind, ReleaseReason,
    UploadFormat,
};

fn query(since: i64) -> DashboardQuery {
    DashboardQuery {
        since,
        currency: "EUR".into(),
        top_products: 5,
        low_stock_at_most: 3,
        low_stock_rows: 10,
    }
}

pub async fn dashboard_counts_paid_sales_net_of_refunds_and_lists_low_stock(
    store: DynCatalogStore,
) {
    let lamp = stocked(&store, "dash-lamp", "DASH-LAMP", 2_000, 50).await;
    let vase = stocked(&store, "dash-vase", "DASH-VASE", 1_000, 4).await;
    let before = crate::unix_millis() - 1_000;

    // Three lamps and one vase sold; one order paid then partly refunded; one never paid; one
    // cancelled after payment.
    let first = place(
        &store,
        "dash-0001",
        vec![line(lamp.id, 3), line(vase.id, 1)],
        HOLD,
    )
    .await;
    store.mark_paid(first.id, "pay-dash-1").await.unwrap();
    let second = place(&store, "dash-0002", vec![line(lamp.id, 1)], HOLD).await;
    store.mark_paid(second.id, "pay-dash-2").await.unwrap();
    let (refund, _) = store
        .begin_refund(
            second.id,
            NewRefund {
                key: super::checkout_support::key("dash-refund-1"),
                kind: RefundKind::Refund,
                amount: Some(eur(500)),
                reason: None,
                actor: Actor::Sweeper,
            },
        )
        .await
        .unwrap();
    store.complete_refund(refund.id, "re-dash-1").await.unwrap();
    let _unpaid = place(&store, "dash-0003", vec![line(lamp.id, 5)], HOLD).await;
    let cancelled = place(&store, "dash-0004", vec![line(vase.id, 1)], HOLD).await;
    store.mark_paid(cancelled.id, "pay-dash-4").await.unwrap();
    store
        .release(
            cancelled.id,
            ReleaseReason::Cancelled { by: Actor::Sweeper },
        )
        .await
        .unwrap();

    let figures = store.dashboard(&query(before)).await.unwrap();
    let orders: i64 = figures.days.iter().map(|d| d.orders).sum();
    let revenue: i64 = figures.days.iter().map(|d| d.revenue_minor).sum();
    assert_eq!(
        orders, 2,
        "the unpaid and the cancelled order are not sales"
    );
    let first = store.order_by_id(first.id).await.unwrap().unwrap();
    let second = store.order_by_id(second.id).await.unwrap().unwrap();
    assert_eq!(
        revenue,
        first.totals.grand_total.amount_minor + second.totals.grand_total.amount_minor - 500,
        "revenue is what was paid minus what went back"
    );
    let today = crate::unix_millis() / 86_400_000;
    assert!(figures.days.iter().all(|d| d.day == today));

    assert_eq!(figures.top_products[0].product_id, lamp.product_id);
    assert_eq!(figures.top_products[0].units, 4);
    assert_eq!(figures.top_products[1].units, 1);
    assert_eq!(figures.top_products.len(), 2);

    // The vase: 4 on hand, one sold and one back from the cancellation → 3 left: low. The lamp
    // (50 − 4 sold − 5 held) is not.
    assert_eq!(figures.low_stock.len(), 1, "{:?}", figures.low_stock);
    assert_eq!(figures.low_stock[0].variant_id, vase.id);
    assert_eq!(figures.low_stock[0].available, 3);

    assert!(store
        .dashboard(&query(crate::unix_millis() + 60_000))
        .await
        .unwrap()
        .days
        .is_empty());
    let other_currency = DashboardQuery {
        currency: "USD".into(),
        ..query(before)
    };
    assert!(store
        .dashboard(&other_currency)
        .await
        .unwrap()
        .top_products
        .is_empty());

    for n in [201, 202] {
        store
            .register_asset(
                NewAsset {
                    hash: hash(n),
                    original_name: format!("dash-{n}.glb"),
                    format: UploadFormat::Glb,
                    byte_size: 10,
                },
                3,
            )
            .await
            .unwrap();
    }
    let queue = store.dashboard(&query(before)).await.unwrap().queue;
    assert_eq!(queue.waiting, 2);
    assert_eq!((queue.running, queue.failed, queue.ready), (0, 0, 0));
}

/// The home page's best sellers: units of paid sales since a time, for products still for sale.
pub async fn best_sellers_rank_units_sold_since_a_time_among_products_for_sale(
    store: DynCatalogStore,
) {
    let chair = stocked(&store, "best-chair", "BEST-CHAIR", 5_000, 20).await;
    let lamp = stocked(&store, "best-lamp", "BEST-LAMP", 2_000, 20).await;
    let rug = stocked(&store, "best-rug", "BEST-RUG", 3_000, 20).await;
    let vase = stocked(&store, "best-vase", "BEST-VASE", 1_000, 20).await;
    let mug = stocked(&store, "best-mug", "BEST-MUG", 500, 2).await;
    let before = crate::unix_millis() - 1_000;
    let paid = |number: &'static str, lines| {
        let store = store.clone();
        async move {
            let (order, _) = store
                .place_order(checkout(number, lines), HOLD)
                .await
                .unwrap();
            store
                .mark_paid(order.id, &format!("pay-{number}"))
                .await
                .unwrap();
        }
    };
    paid("best-0001", vec![line(lamp.id, 3), line(chair.id, 1)]).await;
    paid("best-0002", vec![line(chair.id, 1), line(rug.id, 5)]).await;
    // The mug sells out; the rug stops being for sale; the vases are never paid for.
    paid("best-0003", vec![line(mug.id, 2)]).await;
    set_status(
        &store,
        rug.product_id,
        showroom_domain::ProductStatus::Archived,
    )
    .await;
    store
        .place_order(checkout("best-0004", vec![line(vase.id, 10)]), HOLD)
        .await
        .unwrap();

    let slugs = |list: Vec<crate::ProductSummary>| -> Vec<String> {
        list.into_iter().map(|p| p.slug.to_string()).collect()
    };
    let best = store.best_sellers(before, 10).await.unwrap();
    assert_eq!(
        slugs(best),
        ["best-lamp", "best-chair"],
        "most units first; unpaid, sold-out and withdrawn products left out"
    );
    let top = store.best_sellers(before, 1).await.unwrap();
    assert_eq!(slugs(top), ["best-lamp"]);
    let later = store
        .best_sellers(crate::unix_millis() + 60_000, 10)
        .await
        .unwrap();
    assert!(later.is_empty(), "only sales since the given time count");
}
