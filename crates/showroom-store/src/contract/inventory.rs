//! Contract: stock never goes below zero, concurrent sales never oversell, and variant writes keep
//! the listing's price range and availability current.

use super::support::{all, assert_conflict, eur, make_product, make_variant, variant};
use crate::{DynCatalogStore, VariantPatch};

pub async fn adjust_inventory_never_goes_below_zero(store: DynCatalogStore) {
    let mug = make_product(&store, "mug", "Mug").await;
    let v = make_variant(&store, mug.id, variant("MUG-1", eur(900), 2, &[])).await;
    assert_eq!(store.adjust_inventory(v.id, 5).await.unwrap().on_hand, 7);
    assert_eq!(store.adjust_inventory(v.id, -7).await.unwrap().on_hand, 0);
    let err = store.adjust_inventory(v.id, -1).await.unwrap_err();
    assert_conflict(&err, "delta");
    assert_eq!(store.adjust_inventory(v.id, 3).await.unwrap().on_hand, 3);
    let err = store.adjust_inventory(v.id, -4).await.unwrap_err();
    assert_conflict(&err, "delta");
    let read = store.product_by_id(mug.id).await.unwrap().unwrap();
    assert_eq!(
        read.variants[0].on_hand, 3,
        "a refused change wrote nothing"
    );
    assert_eq!(
        store.list_products(&all()).await.unwrap().items[0].available,
        3
    );
}

pub async fn concurrent_decrements_sell_exactly_the_stock(store: DynCatalogStore) {
    let chair = make_product(&store, "hot-item", "Hot Item").await;
    let v = make_variant(&store, chair.id, variant("HOT-1", eur(1_000), 10, &[])).await;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.adjust_inventory(v.id, -1).await })
        })
        .collect();
    let results = join_all(tasks).await;
    let sold = results.iter().filter(|r| r.is_ok()).count();
    for refused in results.iter().filter_map(|r| r.as_ref().err()) {
        assert_conflict(refused, "delta");
    }
    assert_eq!(sold, 10, "exactly the stock was sold");
    let read = store.product_by_id(chair.id).await.unwrap().unwrap();
    assert_eq!(read.variants[0].on_hand, 0);
    assert_eq!(
        store.list_products(&all()).await.unwrap().items[0].available,
        0
    );
}

pub async fn update_variant_changes_the_listing_price_range(store: DynCatalogStore) {
    let desk = make_product(&store, "desk", "Desk").await;
    let cheap = make_variant(
        &store,
        desk.id,
        variant("DESK-S", eur(20_000), 1, &[("Size", "S")]),
    )
    .await;
    make_variant(
        &store,
        desk.id,
        variant("DESK-L", eur(30_000), 1, &[("Size", "L")]),
    )
    .await;
    let range = |store: DynCatalogStore| async move {
        let item = store.list_products(&all()).await.unwrap().items.remove(0);
        (
            item.price_min.map(|m| m.amount_minor),
            item.price_max.map(|m| m.amount_minor),
        )
    };
    assert_eq!(range(store.clone()).await, (Some(20_000), Some(30_000)));
    let patch = VariantPatch {
        price: Some(eur(45_000)),
        compare_at_price: Some(Some(eur(50_000))),
        ..VariantPatch::default()
    };
    let updated = store.update_variant(cheap.id, patch).await.unwrap();
    assert_eq!(
        (updated.price, updated.compare_at_price),
        (eur(45_000), Some(eur(50_000)))
    );
    assert_eq!(range(store.clone()).await, (Some(30_000), Some(45_000)));
    let cleared = store
        .update_variant(
            cheap.id,
            VariantPatch {
                compare_at_price: Some(None),
                ..VariantPatch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(cleared.compare_at_price, None);
    assert_eq!(cleared.price, eur(45_000), "unpatched fields stay");
}

/// The tasks' results in spawn order; a panicked task fails the test.
async fn join_all<T>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(tasks.len());
    for task in tasks {
        out.push(task.await.expect("task panicked"));
    }
    out
}
