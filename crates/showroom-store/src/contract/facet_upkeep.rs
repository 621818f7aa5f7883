//! Contract: the option facet and the option filter follow every write that changes which option
//! values a product offers (a variant added, a variant's values replaced, a re-import that
//! changes them) or where it is listed (its category, its status), whatever the store keeps to
//! answer them fast.

use std::collections::BTreeMap;

use super::support::{
    all, eur, make_category, make_product, make_variant, matching, product, set_status, variant,
};
use showroom_domain::ProductStatus;

use crate::{DynCatalogStore, ImportProduct, ProductPatch, ProductQuery, VariantPatch};

/// The option facet as `(name, [(value, count)])`, in the store's order.
async fn option_counts(
    store: &DynCatalogStore,
    query: &ProductQuery,
) -> Vec<(String, Vec<(String, i64)>)> {
    let facets = store.product_facets(query, &[]).await.unwrap();
    facets
        .options
        .into_iter()
        .map(|o| {
            let values = o.values.into_iter().map(|v| (v.value, v.count)).collect();
            (o.name, values)
        })
        .collect()
}

fn counts(facet: &[(&str, &[(&str, i64)])]) -> Vec<(String, Vec<(String, i64)>)> {
    facet
        .iter()
        .map(|(name, values)| {
            let values = values.iter().map(|(v, n)| ((*v).to_owned(), *n)).collect();
            ((*name).to_owned(), values)
        })
        .collect()
}

/// Asserts the option facet of the whole catalog: products per colour and per size.
async fn assert_offered(
    store: &DynCatalogStore,
    colors: &[(&str, i64)],
    sizes: &[(&str, i64)],
    why: &str,
) {
    let expected = counts(&[("Color", colors), ("Size", sizes)]);
    assert_eq!(option_counts(store, &all()).await, expected, "{why}");
}

fn with_color(color: &str) -> ProductQuery {
    ProductQuery {
        option_values: vec![("COLOR".into(), color.into())],
        ..all()
    }
}

fn picks(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

pub async fn option_facets_and_filters_follow_variant_edits(store: DynCatalogStore) {
    let chair = make_product(&store, "oak-chair", "Oak chair").await;
    let table = make_product(&store, "ash-table", "Ash table").await;
    let small = make_variant(
        &store,
        chair.id,
        variant("CH-1", eur(100), 1, &[("Color", "Oak"), ("Size", "S")]),
    )
    .await;
    let large = make_variant(
        &store,
        chair.id,
        variant("CH-2", eur(100), 1, &[("Color", "Oak"), ("Size", "L")]),
    )
    .await;
    make_variant(
        &store,
        table.id,
        variant("TA-1", eur(100), 1, &[("Color", "Ash")]),
    )
    .await;
    let why = "two oak variants of one product count once";
    assert_offered(
        &store,
        &[("Ash", 1), ("Oak", 1)],
        &[("L", 1), ("S", 1)],
        why,
    )
    .await;

    // One of the two oak variants turns walnut: the chair still offers oak.
    let repaint = |values: &[(&str, &str)]| VariantPatch {
        option_values: Some(picks(values)),
        ..VariantPatch::default()
    };
    store
        .update_variant(small.id, repaint(&[("Color", "Walnut"), ("Size", "S")]))
        .await
        .unwrap();
    assert_offered(
        &store,
        &[("Ash", 1), ("Oak", 1), ("Walnut", 1)],
        &[("L", 1), ("S", 1)],
        "",
    )
    .await;
    assert_eq!(matching(&store, with_color("Oak")).await, ["oak-chair"]);

    // The other one too, and it loses its size: oak and L are gone everywhere.
    store
        .update_variant(large.id, repaint(&[("Color", "Walnut")]))
        .await
        .unwrap();
    assert_offered(&store, &[("Ash", 1), ("Walnut", 1)], &[("S", 1)], "").await;
    assert!(matching(&store, with_color("Oak")).await.is_empty());
    assert_eq!(matching(&store, with_color("Walnut")).await, ["oak-chair"]);
    assert_eq!(
        option_counts(&store, &with_color("Walnut")).await,
        counts(&[("Color", &[("Walnut", 1)]), ("Size", &[("S", 1)])]),
        "the facet of a filtered list counts only the matching products"
    );

    // A patch that leaves the option values alone keeps them.
    store
        .update_variant(
            large.id,
            VariantPatch {
                price: Some(eur(200)),
                ..VariantPatch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(matching(&store, with_color("Walnut")).await, ["oak-chair"]);
}

pub async fn option_facets_and_filters_follow_an_import_that_changes_option_values(
    store: DynCatalogStore,
) {
    let import = |pairs: &[(&str, &[(&str, &str)])]| ImportProduct {
        product: product("oak-chair", "Oak chair"),
        variants: pairs
            .iter()
            .map(|(sku, values)| variant(sku, eur(100), 1, values))
            .collect(),
    };
    store
        .import_products(&[import(&[
            ("CH-1", &[("Color", "Oak"), ("Size", "S")]),
            ("CH-2", &[("Color", "Ash"), ("Size", "L")]),
        ])])
        .await
        .unwrap();
    assert_offered(&store, &[("Ash", 1), ("Oak", 1)], &[("L", 1), ("S", 1)], "").await;

    // The same SKUs again, CH-2 now walnut and without a size, and a third variant.
    store
        .import_products(&[import(&[
            ("CH-1", &[("Color", "Oak"), ("Size", "S")]),
            ("CH-2", &[("Color", "Walnut")]),
            ("CH-3", &[("Color", "Oak"), ("Size", "S")]),
        ])])
        .await
        .unwrap();
    assert_offered(&store, &[("Oak", 1), ("Walnut", 1)], &[("S", 1)], "").await;
    assert!(matching(&store, with_color("Ash")).await.is_empty());
    assert_eq!(matching(&store, with_color("Walnut")).await, ["oak-chair"]);
    let one_variant_with_both = ProductQuery {
        option_values: vec![
            ("color".into(), "Walnut".into()),
            ("size".into(), "S".into()),
        ],
        ..all()
    };
    assert!(
        matching(&store, one_variant_with_both).await.is_empty(),
        "walnut and S are offered, but by different variants"
    );
}

pub async fn option_facets_follow_a_product_moving_category_or_changing_status(
    store: DynCatalogStore,
) {
    let seating = make_category(&store, "seating", None).await;
    let tables = make_category(&store, "tables", None).await;
    let mut new = product("oak-chair", "Oak chair");
    new.category_id = Some(seating.id);
    let chair = store.create_product(new).await.unwrap();
    make_variant(
        &store,
        chair.id,
        variant("CH-1", eur(100), 1, &[("Color", "Oak")]),
    )
    .await;
    let in_category = |slug: &str, color: Option<&str>| ProductQuery {
        category: Some(super::support::slug(slug)),
        status: Some(ProductStatus::Published),
        option_values: color
            .map(|c| vec![("color".to_owned(), c.to_owned())])
            .unwrap_or_default(),
        ..all()
    };
    let oak_once = counts(&[("Color", &[("Oak", 1)])]);
    assert_eq!(
        option_counts(&store, &in_category("seating", None)).await,
        oak_once
    );

    let moved = ProductPatch {
        category_id: Some(Some(tables.id)),
        ..ProductPatch::default()
    };
    store.update_product(chair.id, moved).await.unwrap();
    assert!(option_counts(&store, &in_category("seating", None))
        .await
        .is_empty());
    assert_eq!(
        option_counts(&store, &in_category("tables", Some("Oak"))).await,
        oak_once
    );
    assert_eq!(
        matching(&store, in_category("tables", Some("Oak"))).await,
        ["oak-chair"]
    );

    set_status(&store, chair.id, ProductStatus::Archived).await;
    assert!(option_counts(&store, &in_category("tables", None))
        .await
        .is_empty());
    assert!(matching(&store, in_category("tables", Some("Oak")))
        .await
        .is_empty());
    set_status(&store, chair.id, ProductStatus::Published).await;
    assert_eq!(
        option_counts(&store, &in_category("tables", None)).await,
        oak_once
    );
}
