//! Contract: creating and reading products, variants and media; unique fields; all-or-nothing
//! writes.

use std::collections::BTreeMap;

use showroom_domain::{ProductStatus, Sku};
use uuid::Uuid;

use super::support::{
    all, assert_conflict, assert_invalid, eur, image, make_category, make_product, make_variant,
    matching, new_price, product, slug, title, usd, variant,
};
use crate::{DynCatalogStore, ProductOption, ProductPatch, ProductQuery, StoreError, VariantPatch};

pub async fn product_round_trip_keeps_variants_options_and_media(store: DynCatalogStore) {
    let created = make_product(&store, "oak-chair", "Oak Chair").await;
    let small = make_variant(
        &store,
        created.id,
        variant("OAK-S", eur(12_000), 3, &[("Color", "Oak"), ("Size", "S")]),
    )
    .await;
    let mut large = variant("oak-l", eur(15_000), 5, &[("Color", "Oak"), ("Size", "L")]);
    large.compare_at_price = Some(eur(18_000));
    large.weight_grams = Some(7_500);
    let large = store.add_variant(created.id, large).await.unwrap();
    let poster = store.add_media(created.id, image(1)).await.unwrap();
    let model = store.add_media(created.id, image(2)).await.unwrap();

    let read = store
        .product_by_id(created.id)
        .await
        .unwrap()
        .expect("the product exists");
    assert_eq!(read.slug, slug("oak-chair"));
    assert_eq!(read.title, title("Oak Chair"));
    assert_eq!(read.status, ProductStatus::Published);
    assert_eq!(
        read.attributes,
        BTreeMap::from([("material".to_owned(), "wood".to_owned())])
    );
    assert_eq!(
        read.options,
        product("x", "x").options,
        "options keep their declared order"
    );
    assert_eq!(
        read.variants,
        vec![small.clone(), large.clone()],
        "variants in creation order"
    );
    assert_eq!(read.media, vec![poster, model], "media in position order");
    assert_eq!(large.sku, Sku::parse("OAK-L").unwrap());
    assert_eq!(large.compare_at_price, Some(eur(18_000)));
    assert_eq!(large.weight_grams, Some(7_500));
    assert_eq!(
        (large.on_hand, large.reserved, large.available()),
        (5, 0, 5)
    );
    assert_eq!(
        small.option_values.get("Size").map(String::as_str),
        Some("S")
    );
    assert!(read.created_at > 0 && read.updated_at >= read.created_at);

    let summary = &store.list_products(&all()).await.unwrap().items[0];
    assert_eq!(
        (summary.price_min, summary.price_max),
        (Some(eur(12_000)), Some(eur(15_000)))
    );
    assert_eq!(summary.available, 8);
    assert_eq!(summary.cover.as_ref().map(|m| m.position), Some(0));
}

pub async fn product_by_slug_finds_published_and_unknown_is_none(store: DynCatalogStore) {
    let created = make_product(&store, "ash-table", "Ash Table").await;
    let found = store
        .product_by_slug(&slug("ash-table"))
        .await
        .unwrap()
        .expect("found by slug");
    assert_eq!(found.id, created.id);
    assert!(store
        .product_by_slug(&slug("no-such-thing"))
        .await
        .unwrap()
        .is_none());
    assert!(store.product_by_id(Uuid::now_v7()).await.unwrap().is_none());
}

/// Look-ups by slug asked for at once may be read together (SQL stores coalesce them): each
/// still gets exactly its own product, with its own variants, options and media, unknown slugs
/// get `None`, and a write is seen by every look-up asked for after it.
pub async fn look_ups_by_slug_at_once_each_get_their_own_product(store: DynCatalogStore) {
    let mut made = Vec::new();
    for i in 0..6 {
        let created = make_product(&store, &format!("at-once-{i}"), &format!("At Once {i}")).await;
        for (n, size) in ["S", "L"].iter().enumerate().take(i % 3) {
            let sku = format!("ONCE-{i}-{n}");
            make_variant(
                &store,
                created.id,
                variant(
                    &sku,
                    eur(1_000 + i as i64),
                    2,
                    &[("Color", "Oak"), ("Size", size)],
                ),
            )
            .await;
        }
        if i % 2 == 0 {
            store.add_media(created.id, image(1)).await.unwrap();
        }
        made.push(store.product_by_id(created.id).await.unwrap().unwrap());
    }
    let mut look_ups = tokio::task::JoinSet::new();
    for n in 0..48 {
        let store = store.clone();
        look_ups.spawn(async move {
            let i = n % 8;
            (
                i,
                store
                    .product_by_slug(&slug(&format!("at-once-{i}")))
                    .await
                    .unwrap(),
            )
        });
    }
    while let Some(done) = look_ups.join_next().await {
        let (i, found) = done.unwrap();
        match made.get(i) {
            Some(expected) => assert_eq!(found.as_ref(), Some(expected), "look-up of at-once-{i}"),
            None => assert!(found.is_none(), "at-once-{i} names no product"),
        }
    }
    store
        .update_product(
            made[1].id,
            ProductPatch {
                title: Some(title("Renamed")),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let renamed = store
        .product_by_slug(&slug("at-once-1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(renamed.title, title("Renamed"));
}

pub async fn duplicate_slugs_conflict_on_slug(store: DynCatalogStore) {
    make_product(&store, "lamp", "Lamp").await;
    let err = store
        .create_product(product("lamp", "Another Lamp"))
        .await
        .unwrap_err();
    assert_conflict(&err, "slug");

    make_category(&store, "lighting", None).await;
    let err = store
        .create_category(super::support::category("lighting", None))
        .await
        .unwrap_err();
    assert_conflict(&err, "slug");
    assert_eq!(store.count_products().await.unwrap(), 1);
}

pub async fn duplicate_sku_conflicts_on_sku_and_leaves_no_trace(store: DynCatalogStore) {
    let first = make_product(&store, "stool", "Stool").await;
    let second = make_product(&store, "bench", "Bench").await;
    make_variant(
        &store,
        first.id,
        variant("WOOD-1", eur(5_000), 2, &[("Color", "Oak")]),
    )
    .await;

    let err = store
        .add_variant(
            second.id,
            variant("wood-1", eur(100), 9, &[("Color", "Ash")]),
        )
        .await
        .unwrap_err();
    assert_conflict(&err, "sku");
    let bench = store.product_by_id(second.id).await.unwrap().unwrap();
    assert!(
        bench.variants.is_empty(),
        "the refused variant was not written"
    );
    let ash = ProductQuery {
        option_values: vec![("Color".into(), "Ash".into())],
        ..all()
    };
    assert!(
        matching(&store, ash).await.is_empty(),
        "its option values were not written"
    );
    let cheap = ProductQuery {
        price_max: Some(1_000),
        ..all()
    };
    assert!(
        matching(&store, cheap).await.is_empty(),
        "listing data did not move"
    );

    let other = make_variant(&store, second.id, variant("WOOD-2", eur(100), 1, &[])).await;
    let err = store
        .update_variant(
            other.id,
            VariantPatch {
                sku: Some(Sku::parse("WOOD-1").unwrap()),
                ..VariantPatch::default()
            },
        )
        .await
        .unwrap_err();
    assert_conflict(&err, "sku");
}

pub async fn failed_product_update_leaves_no_trace(store: DynCatalogStore) {
    make_product(&store, "taken", "Taken").await;
    let target = make_product(&store, "mine", "Mine").await;
    let patch = ProductPatch {
        slug: Some(slug("taken")),
        title: Some(title("Renamed")),
        ..ProductPatch::default()
    };
    let err = store.update_product(target.id, patch).await.unwrap_err();
    assert_conflict(&err, "slug");
    let after = store.product_by_id(target.id).await.unwrap().unwrap();
    assert_eq!(
        (after.slug.as_str(), after.title.as_str()),
        ("mine", "Mine")
    );
    let renamed = ProductQuery {
        search: Some("renamed".into()),
        ..all()
    };
    assert!(
        matching(&store, renamed).await.is_empty(),
        "the search index kept the old title"
    );
}

pub async fn unknown_category_or_parent_is_invalid_and_creates_nothing(store: DynCatalogStore) {
    let mut new = product("orphan", "Orphan");
    new.category_id = Some(Uuid::now_v7());
    let err = store.create_product(new).await.unwrap_err();
    assert_invalid(&err, "category_id");
    assert_eq!(store.count_products().await.unwrap(), 0);

    let err = store
        .create_category(super::support::category("lost", Some(Uuid::now_v7())))
        .await
        .unwrap_err();
    assert_invalid(&err, "parent_id");
    assert!(store.list_categories().await.unwrap().is_empty());

    let existing = make_product(&store, "kept", "Kept").await;
    let patch = ProductPatch {
        category_id: Some(Some(Uuid::now_v7())),
        ..ProductPatch::default()
    };
    let err = store.update_product(existing.id, patch).await.unwrap_err();
    assert_invalid(&err, "category_id");
}

pub async fn option_values_must_be_declared_by_the_product(store: DynCatalogStore) {
    let chair = make_product(&store, "chair", "Chair").await;
    for picks in [[("Color", "Pink")], [("Finish", "Matte")]] {
        let err = store
            .add_variant(chair.id, variant("BAD-1", eur(1), 1, &picks))
            .await
            .unwrap_err();
        assert_invalid(&err, "option_values");
    }
    let ok = make_variant(
        &store,
        chair.id,
        variant("OK-1", eur(1), 1, &[("Color", "Ash")]),
    )
    .await;
    let patch = VariantPatch {
        option_values: Some(BTreeMap::from([("Size".into(), "XXL".into())])),
        ..VariantPatch::default()
    };
    let err = store.update_variant(ok.id, patch).await.unwrap_err();
    assert_invalid(&err, "option_values");
    let read = store.product_by_id(chair.id).await.unwrap().unwrap();
    assert_eq!(read.variants.len(), 1);
    assert_eq!(
        read.variants[0].option_values,
        BTreeMap::from([("Color".into(), "Ash".into())])
    );
}

pub async fn product_options_cannot_drop_values_variants_use(store: DynCatalogStore) {
    let chair = make_product(&store, "sofa", "Sofa").await;
    make_variant(
        &store,
        chair.id,
        variant("SOFA-1", eur(1), 1, &[("Color", "Walnut")]),
    )
    .await;
    let mut options = product("x", "x").options;
    options[0].values.retain(|v| v != "Walnut");
    let err = store
        .update_product(chair.id, options_patch(&options))
        .await
        .unwrap_err();
    assert_invalid(&err, "options");
    options[0].values.push("Walnut".into());
    options[0].values.push("Cherry".into());
    let updated = store
        .update_product(chair.id, options_patch(&options))
        .await
        .unwrap();
    assert_eq!(updated.options, options);
}

pub async fn a_product_sells_in_one_currency(store: DynCatalogStore) {
    let lamp = make_product(&store, "desk-lamp", "Desk Lamp").await;
    let only = make_variant(&store, lamp.id, variant("LAMP-1", eur(4_000), 1, &[])).await;
    let err = store
        .add_variant(lamp.id, variant("LAMP-2", usd(4_000), 1, &[]))
        .await
        .unwrap_err();
    assert_invalid(&err, "price");
    // The only variant may change the product's currency.
    let changed = store
        .update_variant(only.id, new_price(usd(4_500)))
        .await
        .unwrap();
    assert_eq!(changed.price, usd(4_500));
    let listed = &store.list_products(&all()).await.unwrap().items[0];
    assert_eq!(listed.price_min, Some(usd(4_500)));
}

pub async fn unknown_ids_are_not_found(store: DynCatalogStore) {
    let nobody = Uuid::now_v7();
    let not_found = |r: Result<(), StoreError>, what: &str| match r {
        Err(StoreError::NotFound { what: got }) => assert_eq!(got, what),
        other => panic!("expected {what} not found, got {other:?}"),
    };
    not_found(
        store
            .update_product(nobody, ProductPatch::default())
            .await
            .map(drop),
        "product",
    );
    not_found(
        store
            .set_product_status(nobody, ProductStatus::Archived)
            .await
            .map(drop),
        "product",
    );
    not_found(
        store
            .add_variant(nobody, variant("GHOST-1", eur(1), 1, &[]))
            .await
            .map(drop),
        "product",
    );
    not_found(store.add_media(nobody, image(1)).await.map(drop), "product");
    not_found(
        store
            .update_variant(nobody, VariantPatch::default())
            .await
            .map(drop),
        "variant",
    );
    not_found(store.adjust_inventory(nobody, 1).await.map(drop), "variant");
    not_found(
        store
            .update_category(nobody, crate::CategoryPatch::default())
            .await
            .map(drop),
        "category",
    );
}

/// A patch that replaces only the product's options.
fn options_patch(options: &[ProductOption]) -> ProductPatch {
    ProductPatch {
        options: Some(options.to_vec()),
        ..ProductPatch::default()
    }
}
