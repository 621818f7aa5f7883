//! Contract: carts. A line is checked against the variant, its product's status and the stock
//! available now; reads join the catalog's current prices; a guest cart merges into the
//! customer's at login exactly once, also when two merges race; stale guest carts are swept.

use showroom_domain::{ProductStatus, Slug};
use uuid::Uuid;

use super::checkout_support::{key, line, place, stocked, HOLD};
use super::support::{
    assert_conflict, assert_invalid, eur, make_product, make_variant, new_price, set_status,
    variant,
};
use crate::{Cart, DynCatalogStore, LineChange, ProductPatch, StoreError, MAX_ORDER_LINES};

fn quantity_of(cart: &Cart, variant_id: Uuid) -> Option<i64> {
    cart.lines
        .iter()
        .find(|l| l.variant_id == variant_id)
        .map(|l| i64::from(l.quantity))
}

/// The cart after `change` to its line of `variant_id`, a change that must be accepted.
async fn changed(
    store: &DynCatalogStore,
    cart_id: Uuid,
    variant_id: Uuid,
    change: LineChange,
) -> Cart {
    store
        .change_cart_line(cart_id, variant_id, change)
        .await
        .unwrap()
}

pub async fn cart_lines_are_added_changed_and_removed(store: DynCatalogStore) {
    let lamp = stocked(&store, "cart-lamp", "CART-LAMP", 2_500, 10).await;
    let cart = store.create_guest_cart().await.unwrap();
    assert!(cart.lines.is_empty() && cart.customer_id.is_none());

    let added = changed(&store, cart.id, lamp.id, LineChange::Add(2)).await;
    assert_eq!(quantity_of(&added, lamp.id), Some(2));
    let again = changed(&store, cart.id, lamp.id, LineChange::Add(3)).await;
    assert_eq!(quantity_of(&again, lamp.id), Some(5), "adding adds");
    assert_eq!(again.lines.len(), 1);
    let line = &again.lines[0];
    assert_eq!(line.unit_price, eur(2_500));
    assert_eq!(line.sku.as_str(), "CART-LAMP");
    assert_eq!(line.available, 10, "a cart reserves nothing");
    assert!(line.sellable());

    let set = changed(&store, cart.id, lamp.id, LineChange::Set(1)).await;
    assert_eq!(quantity_of(&set, lamp.id), Some(1));
    let zero = changed(&store, cart.id, lamp.id, LineChange::Set(0)).await;
    assert!(zero.lines.is_empty(), "0 removes the line");
    changed(&store, cart.id, lamp.id, LineChange::Set(4)).await;
    let removed = store.remove_cart_line(cart.id, lamp.id).await.unwrap();
    assert!(removed.lines.is_empty());
    assert!(store.remove_cart_line(cart.id, lamp.id).await.is_ok());

    let unknown = store
        .change_cart_line(Uuid::now_v7(), lamp.id, LineChange::Add(1))
        .await
        .unwrap_err();
    assert!(
        matches!(unknown, StoreError::NotFound { what: "cart" }),
        "{unknown:?}"
    );
    assert!(store.cart(Uuid::now_v7()).await.unwrap().is_none());
}

pub async fn cart_lines_are_checked_against_variant_status_and_stock(store: DynCatalogStore) {
    let vase = stocked(&store, "cart-vase", "CART-VASE", 1_000, 3).await;
    let gone = stocked(&store, "cart-gone", "CART-GONE", 1_000, 3).await;
    set_status(&store, gone.product_id, ProductStatus::Archived).await;
    let cart = store.create_guest_cart().await.unwrap();

    let unknown = store
        .change_cart_line(cart.id, Uuid::now_v7(), LineChange::Add(1))
        .await
        .unwrap_err();
    assert_invalid(&unknown, "variant_id");
    let archived = store
        .change_cart_line(cart.id, gone.id, LineChange::Add(1))
        .await
        .unwrap_err();
    assert_invalid(&archived, "variant_id");
    match store
        .change_cart_line(cart.id, vase.id, LineChange::Set(4))
        .await
        .unwrap_err()
    {
        StoreError::Conflict {
            field: "stock",
            message,
        } => assert!(message.contains("only 3"), "{message}"),
        other => panic!("expected a stock conflict, got {other:?}"),
    }
    for change in [
        LineChange::Set(-1),
        LineChange::Add(0),
        LineChange::Add(-2),
        LineChange::Set(1_000_001),
        LineChange::Add(i64::MAX),
    ] {
        let err = store
            .change_cart_line(cart.id, vase.id, change)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Invalid {
                    field: "quantity",
                    ..
                }
            ),
            "{change:?}: {err:?}"
        );
    }
    changed(&store, cart.id, vase.id, LineChange::Add(3)).await;
    let over = store
        .change_cart_line(cart.id, vase.id, LineChange::Add(1))
        .await
        .unwrap_err();
    assert_conflict(&over, "stock");
    let read = store.cart(cart.id).await.unwrap().unwrap();
    assert_eq!(
        quantity_of(&read, vase.id),
        Some(3),
        "refusals wrote nothing"
    );

    // Stock reserved by a checkout is not available to carts; the line stays but is unsellable.
    let order = place(&store, "cart-stock-1", vec![line(vase.id, 2)], HOLD).await;
    let by_key = store
        .order_for_checkout_key(&key("cart-stock-1"))
        .await
        .unwrap();
    assert_eq!(by_key.map(|o| o.id), Some(order.id));
    assert!(store
        .order_for_checkout_key(&key("cart-stock-2"))
        .await
        .unwrap()
        .is_none());
    let read = store.cart(cart.id).await.unwrap().unwrap();
    assert_eq!(read.lines[0].available, 1);
    assert!(!read.lines[0].sellable());
}

pub async fn cart_reads_join_the_current_price_status_and_slug(store: DynCatalogStore) {
    let rug = stocked(&store, "cart-rug", "CART-RUG", 8_000, 5).await;
    let cart = store.create_guest_cart().await.unwrap();
    changed(&store, cart.id, rug.id, LineChange::Add(1)).await;
    store
        .update_variant(rug.id, new_price(eur(6_500)))
        .await
        .unwrap();
    set_status(&store, rug.product_id, ProductStatus::Archived).await;
    let before = store.cart(cart.id).await.unwrap().unwrap();
    assert_eq!(before.lines[0].product_slug.as_str(), "cart-rug");
    store
        .update_product(
            rug.product_id,
            ProductPatch {
                slug: Some(Slug::parse("cart-rug-wool").unwrap()),
                ..ProductPatch::default()
            },
        )
        .await
        .unwrap();
    let read = store.cart(cart.id).await.unwrap().unwrap();
    assert_eq!(
        read.lines[0].product_slug.as_str(),
        "cart-rug-wool",
        "the link follows the product's slug"
    );
    assert_eq!(read.lines[0].unit_price, eur(6_500), "the price is today's");
    assert_eq!(read.lines[0].status, ProductStatus::Archived);
    assert!(!read.lines[0].sellable());
}

pub async fn a_cart_holds_at_most_max_order_lines(store: DynCatalogStore) {
    let shelf = make_product(&store, "cart-shelf", "Shelf").await;
    let cart = store.create_guest_cart().await.unwrap();
    let mut last = None;
    for n in 0..=MAX_ORDER_LINES {
        let v = make_variant(
            &store,
            shelf.id,
            variant(&format!("SHELF-{n}"), eur(100), 5, &[]),
        )
        .await;
        let result = store
            .change_cart_line(cart.id, v.id, LineChange::Add(1))
            .await;
        last = Some((n, result));
    }
    let (n, result) = last.unwrap();
    assert_eq!(n, MAX_ORDER_LINES);
    let err = result.unwrap_err();
    assert_invalid(&err, "lines");
    let read = store.cart(cart.id).await.unwrap().unwrap();
    assert_eq!(read.lines.len(), MAX_ORDER_LINES);
}

pub async fn discount_codes_are_kept_and_clearing_empties_the_cart(store: DynCatalogStore) {
    let cup = stocked(&store, "cart-cup", "CART-CUP", 900, 5).await;
    let cart = store.create_guest_cart().await.unwrap();
    let coded = store
        .set_cart_discount_code(cart.id, Some(" SPRING10 "))
        .await
        .unwrap();
    assert_eq!(coded.discount_code.as_deref(), Some("SPRING10"));
    for bad in ["", "   ", &"X".repeat(65)] {
        let err = store
            .set_cart_discount_code(cart.id, Some(bad))
            .await
            .unwrap_err();
        assert_invalid(&err, "code");
    }
    let cleared = store.set_cart_discount_code(cart.id, None).await.unwrap();
    assert_eq!(cleared.discount_code, None);

    store
        .set_cart_discount_code(cart.id, Some("SPRING10"))
        .await
        .unwrap();
    changed(&store, cart.id, cup.id, LineChange::Add(2)).await;
    let empty = store.clear_cart(cart.id).await.unwrap();
    assert!(empty.lines.is_empty() && empty.discount_code.is_none());
}

pub async fn a_customer_has_one_cart_created_on_first_use(store: DynCatalogStore) {
    let customer = Uuid::now_v7();
    let racers: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { patiently(|| store.customer_cart(customer)).await })
        })
        .collect();
    let mut ids = Vec::new();
    for racer in racers {
        ids.push(racer.await.unwrap().unwrap().id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one cart per customer: {ids:?}");
    let cart = store.customer_cart(customer).await.unwrap();
    assert_eq!(cart.id, ids[0]);
    assert_eq!(cart.customer_id, Some(customer));
    let other = store.customer_cart(Uuid::now_v7()).await.unwrap();
    assert_ne!(other.id, cart.id);
}

pub async fn merging_adds_quantities_capped_at_stock_and_deletes_the_guest_cart(
    store: DynCatalogStore,
) {
    let both = stocked(&store, "merge-both", "MERGE-BOTH", 1_000, 4).await;
    let guest_only = stocked(&store, "merge-guest", "MERGE-GUEST", 1_000, 9).await;
    let mine_only = stocked(&store, "merge-mine", "MERGE-MINE", 1_000, 9).await;
    let archived = stocked(&store, "merge-arch", "MERGE-ARCH", 1_000, 9).await;
    let customer = Uuid::now_v7();
    let mine = store.customer_cart(customer).await.unwrap();
    let guest = store.create_guest_cart().await.unwrap();
    for (cart, variant, q) in [
        (mine.id, both.id, 3),
        (mine.id, mine_only.id, 2),
        (guest.id, both.id, 3),
        (guest.id, guest_only.id, 5),
        (guest.id, archived.id, 1),
    ] {
        store
            .change_cart_line(cart, variant, LineChange::Add(q))
            .await
            .unwrap();
    }
    store
        .set_cart_discount_code(guest.id, Some("WELCOME"))
        .await
        .unwrap();
    set_status(&store, archived.product_id, ProductStatus::Archived).await;

    let merged = store.merge_into_customer(guest.id, customer).await.unwrap();
    assert_eq!(merged.id, mine.id);
    assert_eq!(quantity_of(&merged, both.id), Some(4), "3 + 3 capped at 4");
    assert_eq!(quantity_of(&merged, guest_only.id), Some(5));
    assert_eq!(quantity_of(&merged, mine_only.id), Some(2));
    assert_eq!(quantity_of(&merged, archived.id), None);
    assert_eq!(merged.lines.len(), 3);
    assert_eq!(merged.discount_code.as_deref(), Some("WELCOME"));
    assert!(
        store.cart(guest.id).await.unwrap().is_none(),
        "guest cart deleted"
    );

    let again = store.merge_into_customer(guest.id, customer).await.unwrap();
    assert_eq!(again.lines, merged.lines, "a second merge changes nothing");

    // A customer's cart is never merged away as if it were a guest's.
    let other = Uuid::now_v7();
    let theirs = store.merge_into_customer(mine.id, other).await.unwrap();
    assert!(theirs.lines.is_empty());
    assert!(store.cart(mine.id).await.unwrap().is_some());
}

pub async fn two_concurrent_merges_do_not_duplicate_lines(store: DynCatalogStore) {
    let chair = stocked(&store, "merge-race", "MERGE-RACE", 1_000, 50).await;
    for round in 0..5 {
        let customer = Uuid::now_v7();
        let guest = store.create_guest_cart().await.unwrap();
        store
            .change_cart_line(guest.id, chair.id, LineChange::Add(2))
            .await
            .unwrap();
        let racers: Vec<_> = (0..2)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move {
                    patiently(|| store.merge_into_customer(guest.id, customer)).await
                })
            })
            .collect();
        for racer in racers {
            racer.await.unwrap().unwrap();
        }
        let cart = store.customer_cart(customer).await.unwrap();
        assert_eq!(cart.lines.len(), 1, "round {round}");
        assert_eq!(
            quantity_of(&cart, chair.id),
            Some(2),
            "round {round}: merged once"
        );
    }
}

pub async fn concurrent_adds_to_one_line_lose_no_update_and_never_exceed_stock(
    store: DynCatalogStore,
) {
    let mug = stocked(&store, "cart-race", "CART-RACE", 500, 12).await;
    let cart = store.create_guest_cart().await.unwrap();
    let adders: Vec<_> = (0..16)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                patiently(|| store.change_cart_line(cart.id, mug.id, LineChange::Add(1))).await
            })
        })
        .collect();
    let mut added = 0;
    for adder in adders {
        match adder.await.unwrap() {
            Ok(_) => added += 1,
            Err(StoreError::Conflict { field: "stock", .. }) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(added, 12, "every unit in stock was added, no more");
    let read = store.cart(cart.id).await.unwrap().unwrap();
    assert_eq!(quantity_of(&read, mug.id), Some(12), "no add was lost");
}

pub async fn sweeping_deletes_only_stale_guest_carts(store: DynCatalogStore) {
    let customer = store.customer_cart(Uuid::now_v7()).await.unwrap();
    let stale = store.create_guest_cart().await.unwrap();
    let cutoff = stale.updated_at + 1;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let fresh = store.create_guest_cart().await.unwrap();
    assert!(fresh.updated_at >= cutoff);
    let swept = store.sweep_guest_carts(cutoff, 100).await.unwrap();
    assert_eq!(swept, 1);
    assert!(store.cart(stale.id).await.unwrap().is_none());
    assert!(store.cart(fresh.id).await.unwrap().is_some());
    assert!(store.cart(customer.id).await.unwrap().is_some());
    assert_eq!(store.sweep_guest_carts(i64::MAX, 0).await.unwrap(), 0);
}

/// Retries while SQLite reports a busy database under racing writers (PostgreSQL never does).
async fn patiently<T, F, Fut>(mut call: F) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, StoreError>>,
{
    loop {
        match call().await {
            Err(StoreError::Unavailable(_)) => tokio::task::yield_now().await,
            other => return other,
        }
    }
}
