//! Contract: bulk import (create or update by slug and SKU, refusals that keep the rest of the
//! batch) and the export's walk over every product.

use showroom_domain::ProductStatus;

use super::support::{all, assert_invalid, eur, matching, product, usd, variant};
use crate::{DynCatalogStore, ImportOutcome, ImportProduct};

fn chair(title: &str, price: i64, stock: i64) -> ImportProduct {
    let mut new = product("oak-chair", title);
    new.status = ProductStatus::Draft;
    ImportProduct {
        product: new,
        variants: vec![
            variant(
                "CH-OAK-S",
                eur(price),
                stock,
                &[("Color", "Oak"), ("Size", "S")],
            ),
            variant(
                "CH-ASH-L",
                eur(price + 500),
                stock,
                &[("Color", "Ash"), ("Size", "L")],
            ),
        ],
    }
}

pub async fn importing_twice_updates_by_slug_and_sku_instead_of_duplicating(
    store: DynCatalogStore,
) {
    let first = store
        .import_products(&[chair("Oak chair", 10_000, 3)])
        .await
        .unwrap();
    assert_eq!(first, [ImportOutcome::Created]);
    let created = store
        .product_by_slug(&product("oak-chair", "x").slug)
        .await
        .unwrap()
        .unwrap();

    // The same product again with a new title, a new price, less stock and one more variant.
    let mut again = chair("Oak chair, oiled", 12_000, 1);
    again.variants.push(variant(
        "CH-WAL-S",
        eur(15_000),
        2,
        &[("Color", "Walnut"), ("Size", "S")],
    ));
    let second = store.import_products(&[again]).await.unwrap();
    assert_eq!(second, [ImportOutcome::Updated]);

    let updated = store.product_by_id(created.id).await.unwrap().unwrap();
    assert_eq!(
        store.count_products().await.unwrap(),
        1,
        "no duplicate product"
    );
    assert_eq!(updated.title.as_str(), "Oak chair, oiled");
    assert_eq!(updated.variants.len(), 3, "two updated in place, one added");
    assert_eq!(
        updated.variants[0].id, created.variants[0].id,
        "kept by SKU"
    );
    assert_eq!(updated.variants[0].price, eur(12_000));
    assert_eq!(updated.variants[0].on_hand, 1);
    let listed = store.list_products(&all()).await.unwrap().items;
    assert_eq!(
        listed[0].price_min,
        Some(eur(12_000)),
        "listing columns follow"
    );
    assert_eq!(listed[0].available, 4);

    // After a bulk write the planner's statistics can be refreshed on every engine (the table
    // list the statement names exists), and reads go on as before.
    store.refresh_statistics().await.unwrap();
    assert_eq!(store.count_products().await.unwrap(), 1);
}

/// The same file twice: the second import reports the product updated but writes nothing, so
/// `updated_at` still says when it last changed; a change in one variant's stock alone is written.
pub async fn reimporting_an_unchanged_product_leaves_it_as_it_was(store: DynCatalogStore) {
    store
        .import_products(&[chair("Oak chair", 10_000, 3)])
        .await
        .unwrap();
    let slug = product("oak-chair", "x").slug;
    let first = store.product_by_slug(&slug).await.unwrap().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;

    let again = store
        .import_products(&[chair("Oak chair", 10_000, 3)])
        .await
        .unwrap();
    assert_eq!(again, [ImportOutcome::Updated]);
    let same = store.product_by_slug(&slug).await.unwrap().unwrap();
    assert_eq!(
        same.updated_at, first.updated_at,
        "nothing changed, nothing written"
    );
    assert_eq!(same.variants, first.variants);

    let mut restocked = chair("Oak chair", 10_000, 3);
    restocked.variants[1].on_hand = showroom_domain::Quantity::new(9).unwrap();
    store.import_products(&[restocked]).await.unwrap();
    let now = store.product_by_slug(&slug).await.unwrap().unwrap();
    assert_eq!(now.variants[0].on_hand, 3);
    assert_eq!(now.variants[1].on_hand, 9, "the one change is written");
    let listed = store.list_products(&all()).await.unwrap().items;
    assert_eq!(listed[0].available, 12, "listing columns follow");
}

pub async fn a_refused_product_is_reported_and_the_rest_of_the_batch_is_written(
    store: DynCatalogStore,
) {
    store
        .import_products(&[chair("Oak chair", 10_000, 3)])
        .await
        .unwrap();
    // A second product that claims the first one's SKU, one in a mixed currency, one with an
    // undeclared option value, and a good one.
    let thief = ImportProduct {
        product: product("ash-table", "Ash table"),
        variants: vec![variant("CH-OAK-S", eur(1), 1, &[])],
    };
    let mixed = ImportProduct {
        product: product("mixed", "Mixed"),
        variants: vec![
            variant("MX-1", eur(1), 1, &[]),
            variant("MX-2", usd(1), 1, &[]),
        ],
    };
    let undeclared = ImportProduct {
        product: product("odd", "Odd"),
        variants: vec![variant("ODD-1", eur(1), 1, &[("Color", "Pink")])],
    };
    let good = ImportProduct {
        product: product("walnut-desk", "Walnut desk"),
        variants: vec![variant("DESK-1", eur(40_000), 1, &[("Color", "Walnut")])],
    };
    let outcomes = store
        .import_products(&[thief, mixed, undeclared, good])
        .await
        .unwrap();
    let fields: Vec<_> = outcomes
        .iter()
        .map(|o| match o {
            ImportOutcome::Refused { field, .. } => *field,
            ImportOutcome::Created => "created",
            ImportOutcome::Updated => "updated",
        })
        .collect();
    assert_eq!(fields, ["sku", "price", "option_values", "created"]);
    assert_eq!(matching(&store, all()).await, ["oak-chair", "walnut-desk"]);
}

pub async fn one_batch_naming_a_product_or_a_sku_twice_acts_in_file_order(store: DynCatalogStore) {
    let stool = |n: i64| ImportProduct {
        product: product(&format!("stool-{n}"), &format!("Stool {n}")),
        variants: vec![
            variant(
                &format!("ST-{n}-OAK"),
                eur(1_000 + n),
                n,
                &[("Color", "Oak")],
            ),
            variant(
                &format!("ST-{n}-ASH"),
                eur(2_000 + n),
                n,
                &[("Color", "Ash")],
            ),
        ],
    };
    let mut batch = vec![chair("Oak chair", 10_000, 3)];
    batch.extend((1..=30).map(stool));
    // The chair again, later in the same batch: it updates what the batch just created. Then a
    // product claiming a SKU the batch gave the chair.
    batch.push(chair("Oak chair, oiled", 12_000, 1));
    batch.push(ImportProduct {
        product: product("ash-table", "Ash table"),
        variants: vec![variant("CH-ASH-L", eur(1), 1, &[])],
    });
    let outcomes = store.import_products(&batch).await.unwrap();
    assert_eq!(outcomes[0], ImportOutcome::Created);
    assert!(outcomes[1..=30]
        .iter()
        .all(|o| *o == ImportOutcome::Created));
    assert_eq!(outcomes[31], ImportOutcome::Updated);
    assert!(
        matches!(&outcomes[32], ImportOutcome::Refused { field: "sku", .. }),
        "{:?}",
        outcomes[32]
    );
    assert_eq!(store.count_products().await.unwrap(), 31);
    let chair_read = store
        .product_by_slug(&product("oak-chair", "x").slug)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(chair_read.title.as_str(), "Oak chair, oiled");
    assert_eq!(chair_read.variants.len(), 2, "updated by SKU, not added");
    assert!(chair_read.variants.iter().all(|v| v.on_hand == 1));
    assert_eq!(chair_read.variants[0].option_values.len(), 2);
    let listed = store.list_products(&all()).await.unwrap().items;
    for n in 1..=30 {
        let slug = format!("stool-{n}");
        let read = listed
            .iter()
            .find(|p| p.slug.as_str() == slug)
            .expect("every stool listed");
        assert_eq!(read.price_min, Some(eur(1_000 + n)), "{slug}");
        assert_eq!(read.price_max, Some(eur(2_000 + n)), "{slug}");
        assert_eq!(read.available, 2 * n, "{slug}");
    }
    let chair_listed = listed.iter().find(|p| p.slug.as_str() == "oak-chair");
    assert_eq!(chair_listed.map(|p| p.available), Some(2));
}

pub async fn an_unknown_category_fails_the_whole_batch(store: DynCatalogStore) {
    let mut stray = chair("Oak chair", 10_000, 3);
    stray.product.category_id = Some(uuid::Uuid::now_v7());
    let good = ImportProduct {
        product: product("walnut-desk", "Walnut desk"),
        variants: vec![],
    };
    let err = store.import_products(&[good, stray]).await.unwrap_err();
    assert_invalid(&err, "category_id");
    assert_eq!(
        store.count_products().await.unwrap(),
        0,
        "nothing of the batch stays"
    );
}

pub async fn export_walks_every_product_once_with_its_variants(store: DynCatalogStore) {
    let batch: Vec<ImportProduct> = (0..7)
        .map(|n| ImportProduct {
            product: product(&format!("item-{n}"), &format!("Item {n}")),
            variants: vec![variant(
                &format!("IT-{n}"),
                eur(100 * n),
                n,
                &[("Size", "S")],
            )],
        })
        .collect();
    store.import_products(&batch).await.unwrap();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store.export_products(after, 3).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        assert!(page.len() <= 3);
        seen.extend(page);
    }
    let mut slugs: Vec<_> = seen.iter().map(|p| p.slug.as_str().to_owned()).collect();
    assert!(seen.windows(2).all(|w| w[0].id < w[1].id), "id order");
    slugs.sort();
    assert_eq!(
        slugs,
        (0..7).map(|n| format!("item-{n}")).collect::<Vec<_>>()
    );
    assert!(seen.iter().all(|p| p.variants.len() == 1));
}
