//! Contract: listing filters, the four sorts, keyset pagination and facet counts (search is in
//! `search.rs`).

use std::cmp::Reverse;

use uuid::Uuid;

use super::support::{
    all, eur, list_all, make_category, make_product, make_variant, matching, product, slugs,
    variant,
};
use crate::{
    Cursor, CursorKey, DynCatalogStore, ProductQuery, ProductSort, StoreError, MAX_PAGE_SIZE,
};

/// What the test knows about each product it created, to compute the expected orders itself.
struct Made {
    slug: String,
    id: Uuid,
    created_at: i64,
    title_key: String,
    price_min: Option<i64>,
}

/// 27 products: tied prices, tied and mixed-case titles, and every ninth without a variant (no
/// price), so every sort has ties for the id to break.
async fn catalog(store: &DynCatalogStore) -> Vec<Made> {
    let mut made = Vec::new();
    for n in 0..27u8 {
        let title = match n % 4 {
            0 => format!("alpha {}", n % 3),
            1 => format!("Beta {}", n % 3),
            2 => "Same Title".to_owned(),
            _ => format!("{} chair", char::from(b'a' + n)),
        };
        let created = make_product(store, &format!("item-{n}"), &title).await;
        let price = (n % 9 != 0).then(|| i64::from(n % 5) * 1_000);
        if let Some(price) = price {
            make_variant(
                store,
                created.id,
                variant(&format!("SKU-{n}"), eur(price), 1, &[]),
            )
            .await;
            make_variant(
                store,
                created.id,
                variant(&format!("SKU-{n}-B"), eur(price + 500), 1, &[]),
            )
            .await;
        }
        made.push(Made {
            slug: created.slug.as_str().to_owned(),
            id: created.id,
            created_at: created.created_at,
            title_key: title.to_lowercase(),
            price_min: price,
        });
    }
    made
}

pub async fn pagination_visits_every_product_once_in_order_for_every_sort(store: DynCatalogStore) {
    let mut made = catalog(&store).await;
    for sort in [
        ProductSort::Newest,
        ProductSort::PriceAsc,
        ProductSort::PriceDesc,
        ProductSort::Title,
        ProductSort::Relevance,
    ] {
        match sort {
            ProductSort::Newest => made.sort_by_key(|m| Reverse((m.created_at, m.id))),
            ProductSort::PriceAsc => made.sort_by_key(|m| (m.price_min.unwrap_or(i64::MAX), m.id)),
            ProductSort::PriceDesc => {
                made.sort_by_key(|m| Reverse((m.price_min.unwrap_or(-1), m.id)))
            }
            ProductSort::Title => {
                made.sort_by(|a, b| (&a.title_key, a.id).cmp(&(&b.title_key, b.id)))
            }
            // Without a search: products with units available first.
            ProductSort::Relevance => made.sort_by_key(|m| Reverse((m.price_min.is_some(), m.id))),
        }
        let expected: Vec<&str> = made.iter().map(|m| m.slug.as_str()).collect();
        let seen = list_all(
            &store,
            ProductQuery {
                sort,
                limit: 4,
                ..ProductQuery::default()
            },
        )
        .await;
        assert_eq!(slugs(&seen), expected, "sort {sort:?}");
    }
    // The last page says so, even when it is exactly full.
    let page = store
        .list_products(&ProductQuery {
            limit: 27,
            ..ProductQuery::default()
        })
        .await
        .unwrap();
    assert_eq!((page.items.len(), page.next.is_none()), (27, true));
}

pub async fn a_cursor_from_another_sort_is_refused(store: DynCatalogStore) {
    let forged = Cursor {
        sort: ProductSort::Title,
        key: CursorKey::Text("m".into()),
        id: Uuid::now_v7(),
    };
    let query = ProductQuery {
        sort: ProductSort::Newest,
        after: Some(forged),
        ..all()
    };
    let err = store.list_products(&query).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid { field: "after", .. }),
        "{err:?}"
    );
}

pub async fn page_size_is_clamped(store: DynCatalogStore) {
    for n in 0..3 {
        make_product(&store, &format!("p-{n}"), "P").await;
    }
    let zero = store
        .list_products(&ProductQuery {
            limit: 0,
            ..ProductQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(zero.items.len(), 1, "a limit of 0 is raised to 1");
    assert!(zero.next.is_some());
    let huge = store
        .list_products(&ProductQuery {
            limit: MAX_PAGE_SIZE * 10,
            ..ProductQuery::default()
        })
        .await
        .unwrap();
    assert_eq!((huge.items.len(), huge.next.is_none()), (3, true));
}

pub async fn price_range_filter_is_inclusive_on_the_cheapest_variant(store: DynCatalogStore) {
    for (name, prices) in [
        ("cheap", &[1_000, 9_000][..]),
        ("mid", &[5_000][..]),
        ("dear", &[9_000, 12_000][..]),
        ("none", &[][..]),
    ] {
        let p = make_product(&store, name, name).await;
        for (i, price) in prices.iter().enumerate() {
            make_variant(
                &store,
                p.id,
                variant(&format!("{name}-{i}"), eur(*price), 1, &[]),
            )
            .await;
        }
    }
    let range = |min, max| ProductQuery {
        price_min: min,
        price_max: max,
        ..all()
    };
    assert_eq!(
        matching(&store, range(Some(5_000), Some(9_000))).await,
        ["dear", "mid"]
    );
    assert_eq!(matching(&store, range(None, Some(1_000))).await, ["cheap"]);
    assert_eq!(
        matching(&store, range(Some(9_001), None)).await,
        Vec::<String>::new()
    );
    assert_eq!(
        matching(&store, range(Some(0), None)).await,
        ["cheap", "dear", "mid"],
        "no price, no match"
    );
}

pub async fn option_filter_needs_one_variant_with_every_value_and_ignores_name_case(
    store: DynCatalogStore,
) {
    let split = make_product(&store, "split", "Split").await;
    make_variant(
        &store,
        split.id,
        variant("SPLIT-1", eur(1), 1, &[("Color", "Oak"), ("Size", "S")]),
    )
    .await;
    make_variant(
        &store,
        split.id,
        variant("SPLIT-2", eur(1), 1, &[("Color", "Ash"), ("Size", "L")]),
    )
    .await;
    let whole = make_product(&store, "whole", "Whole").await;
    make_variant(
        &store,
        whole.id,
        variant("WHOLE-1", eur(1), 1, &[("Color", "Oak"), ("Size", "L")]),
    )
    .await;

    let picks = |pairs: &[(&str, &str)]| ProductQuery {
        option_values: pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        ..all()
    };
    assert_eq!(
        matching(&store, picks(&[("color", "Oak")])).await,
        ["split", "whole"]
    );
    assert_eq!(
        matching(&store, picks(&[("COLOR", "Oak"), ("size", "L")])).await,
        ["whole"]
    );
    assert_eq!(
        matching(&store, picks(&[("Color", "Ash")])).await,
        ["split"]
    );
    assert!(matching(&store, picks(&[("Color", "Walnut")]))
        .await
        .is_empty());
    assert!(matching(&store, picks(&[("Finish", "Oak")]))
        .await
        .is_empty());
}

pub async fn in_stock_filter_counts_available_units(store: DynCatalogStore) {
    let stocked = make_product(&store, "stocked", "Stocked").await;
    make_variant(&store, stocked.id, variant("IN-1", eur(1), 0, &[])).await;
    make_variant(&store, stocked.id, variant("IN-2", eur(1), 2, &[])).await;
    let empty = make_product(&store, "sold-out", "Sold Out").await;
    let last = make_variant(&store, empty.id, variant("OUT-1", eur(1), 1, &[])).await;
    make_product(&store, "no-variants", "No Variants").await;

    let in_stock = || ProductQuery {
        in_stock: true,
        ..all()
    };
    assert_eq!(matching(&store, in_stock()).await, ["sold-out", "stocked"]);
    store.adjust_inventory(last.id, -1).await.unwrap();
    assert_eq!(matching(&store, in_stock()).await, ["stocked"]);
    assert_eq!(
        matching(&store, all()).await.len(),
        3,
        "without the filter, all are listed"
    );
}

pub async fn facets_count_categories_option_values_and_price_bands_of_the_filtered_set(
    store: DynCatalogStore,
) {
    let seating = make_category(&store, "seating", None).await;
    let tables = make_category(&store, "tables", None).await;
    let mut made = Vec::new();
    for (slug, category, picks, price, stock) in [
        (
            "oak-chair",
            Some(seating.id),
            [("Oak", "S"), ("Oak", "L")],
            5_000,
            1,
        ),
        (
            "ash-chair",
            Some(seating.id),
            [("Ash", "S"), ("Walnut", "S")],
            15_000,
            0,
        ),
        (
            "oak-table",
            Some(tables.id),
            [("Oak", "L"), ("Oak", "L")],
            60_000,
            2,
        ),
    ] {
        let mut new = product(slug, &slug.replace('-', " "));
        new.category_id = category;
        let created = store.create_product(new).await.unwrap();
        for (n, (color, size)) in picks.iter().enumerate() {
            if n == 1 && picks[0] == picks[1] {
                continue;
            }
            let sku = format!("{slug}-{n}").to_uppercase();
            let chosen = [("Color", *color), ("Size", *size)];
            make_variant(
                &store,
                created.id,
                variant(&sku, eur(price), stock, &chosen),
            )
            .await;
        }
        made.push(created);
    }
    // No variant, no category: counted nowhere but the total.
    make_product(&store, "bare", "Bare").await;

    let everything = store
        .product_facets(&all(), &[0, 10_000, 50_000])
        .await
        .unwrap();
    let categories: Vec<(&str, i64)> = everything
        .categories
        .iter()
        .map(|c| (c.slug.as_str(), c.count))
        .collect();
    assert_eq!(categories, [("seating", 2), ("tables", 1)]);
    let options: Vec<(&str, Vec<(&str, i64)>)> = everything
        .options
        .iter()
        .map(|o| {
            (
                o.name.as_str(),
                o.values
                    .iter()
                    .map(|v| (v.value.as_str(), v.count))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        options,
        [
            ("Color", vec![("Oak", 2), ("Ash", 1), ("Walnut", 1)]),
            ("Size", vec![("L", 2), ("S", 2)]),
        ],
        "products counted once per value, however many variants carry it"
    );
    let bands: Vec<(i64, Option<i64>, i64)> = everything
        .price_bands
        .iter()
        .map(|b| (b.min, b.max, b.count))
        .collect();
    assert_eq!(
        bands,
        [
            (0, Some(10_000), 1),
            (10_000, Some(50_000), 1),
            (50_000, None, 1)
        ]
    );

    // The current filter applies: only in-stock oak.
    let filtered = ProductQuery {
        in_stock: true,
        option_values: vec![("color".into(), "Oak".into())],
        ..all()
    };
    let narrowed = store
        .product_facets(&filtered, &[0, 10_000, 50_000])
        .await
        .unwrap();
    let categories: Vec<(&str, i64)> = narrowed
        .categories
        .iter()
        .map(|c| (c.slug.as_str(), c.count))
        .collect();
    assert_eq!(categories, [("seating", 1), ("tables", 1)]);
    let searched = ProductQuery {
        search: Some("tabel".into()),
        ..all()
    };
    let found = store.product_facets(&searched, &[0]).await.unwrap();
    assert_eq!(
        found.categories.len(),
        1,
        "search (with its typo) narrows too"
    );
    assert_eq!(found.price_bands[0].count, 1);
    let nothing = ProductQuery {
        search: Some("***".into()),
        ..all()
    };
    let none = store.product_facets(&nothing, &[0, 100]).await.unwrap();
    assert!(none.categories.is_empty() && none.options.is_empty());
    assert_eq!(none.price_bands.len(), 2);
}
