//! Contract: a category's facet base counts exactly what the store counts, for every query it
//! accepts — so the storefront may count from it instead of asking the store.

use showroom_domain::ProductStatus;

use super::support::{eur, make_category, product, slug, variant};
use crate::{DynCatalogStore, FacetBase, ProductQuery};

/// A product to make: slug, category, status, price (negative: no variant), units, option picks.
type Made<'a> = (
    &'a str,
    uuid::Uuid,
    ProductStatus,
    i64,
    i64,
    &'a [(&'a str, &'a str)],
);

pub async fn a_categorys_facet_base_counts_what_the_store_counts(store: DynCatalogStore) {
    let home = make_category(&store, "home", None).await;
    let seating = make_category(&store, "seating", Some(home.id)).await;
    let tables = make_category(&store, "tables", Some(home.id)).await;
    let garden = make_category(&store, "garden", None).await;
    // (slug, category, status, price, units, picks): prices on and between band starts, sold-out
    // and draft products, a product with no variant (no price), one outside the category, and the
    // option's name spelt two ways.
    let products: [Made; 9] = [
        (
            "oak-chair",
            home.id,
            ProductStatus::Published,
            5_000,
            1,
            &[("Color", "Oak"), ("Size", "S")],
        ),
        (
            "ash-chair",
            seating.id,
            ProductStatus::Published,
            10_000,
            0,
            &[("Color", "Ash"), ("Size", "L")],
        ),
        (
            "walnut-chair",
            seating.id,
            ProductStatus::Published,
            15_000,
            3,
            &[("color", "Walnut"), ("Size", "S")],
        ),
        (
            "oak-table",
            tables.id,
            ProductStatus::Published,
            60_000,
            2,
            &[("color", "Oak"), ("Size", "L")],
        ),
        (
            "ash-table",
            tables.id,
            ProductStatus::Published,
            9_999,
            5,
            &[("Color", "Ash"), ("Size", "L")],
        ),
        (
            "draft-table",
            tables.id,
            ProductStatus::Draft,
            20_000,
            1,
            &[("Color", "Oak"), ("Size", "S")],
        ),
        (
            "bare-stool",
            seating.id,
            ProductStatus::Published,
            -1,
            0,
            &[],
        ),
        (
            "oak-bench",
            garden.id,
            ProductStatus::Published,
            7_000,
            4,
            &[("Color", "Oak"), ("Size", "L")],
        ),
        (
            "ash-stool",
            seating.id,
            ProductStatus::Published,
            100,
            9,
            &[("Color", "Ash"), ("Size", "S")],
        ),
    ];
    for (name, category, status, price, units, picks) in products {
        let mut new = product(name, &name.replace('-', " "));
        new.category_id = Some(category);
        new.status = status;
        if picks.iter().any(|(option, _)| *option == "color") {
            new.options[0].name = "color".into();
        }
        let created = store.create_product(new).await.unwrap();
        if price >= 0 {
            let sku = name.to_uppercase();
            let picks: Vec<(&str, &str)> = picks.to_vec();
            store
                .add_variant(created.id, variant(&sku, eur(price), units, &picks))
                .await
                .unwrap();
            if name == "oak-chair" {
                // A second variant with another value: the product counts once per value.
                let second = variant(
                    "OAK-CHAIR-2",
                    eur(price + 1),
                    0,
                    &[("Color", "Ash"), ("Size", "S")],
                );
                store.add_variant(created.id, second).await.unwrap();
            }
        }
    }

    let bands = [0, 5_000, 10_000, 50_000];
    for status in [Some(ProductStatus::Published), None] {
        for category in ["home", "seating", "tables", "garden"] {
            let base = store
                .facet_base(&slug(category), status)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("{category} has a base"));
            for query in queries(category, status) {
                assert!(base.counts(&query), "{query:?}");
                let expected = store.product_facets(&query, &bands).await.unwrap();
                assert_eq!(base.facets(&query, &bands), expected, "{query:?}");
            }
        }
    }
    assert!(
        store
            .facet_base(&slug("no-such-category"), None)
            .await
            .unwrap()
            .is_none(),
        "an unknown category has no base"
    );
}

/// Every filter a base counts, alone and together, for `category` and `status`.
fn queries(category: &str, status: Option<ProductStatus>) -> Vec<ProductQuery> {
    let mut queries = Vec::new();
    for option in [
        None,
        Some(("Color", "Oak")),
        Some(("COLOR", "Ash")),
        Some(("Size", "S")),
        Some(("Color", "Teak")),
    ] {
        for (price_min, price_max) in [
            (None, None),
            (Some(5_000), None),
            (None, Some(9_999)),
            (Some(100), Some(15_000)),
        ] {
            for in_stock in [false, true] {
                let query = ProductQuery {
                    category: Some(slug(category)),
                    status,
                    price_min,
                    price_max,
                    in_stock,
                    option_values: option
                        .map(|(name, value)| vec![(name.to_owned(), value.to_owned())])
                        .unwrap_or_default(),
                    ..ProductQuery::default()
                };
                assert!(FacetBase::could_count(&query));
                queries.push(query);
            }
        }
    }
    queries
}
