//! Contract: linking sellable variants to the looks (`KHR_materials_variants`) of the product's
//! model. Matching is by option value, ignoring ASCII case, in the product's option order; a
//! merchant's own choice is never overwritten by a later match, and can be cleared.

use super::support::{eur, make_product, make_variant, variant};
use crate::{DynCatalogStore, StoreError, VariantPatch};

pub async fn material_variants_are_matched_by_option_value_and_keep_a_merchants_choice(
    store: DynCatalogStore,
) {
    let table = make_product(&store, "linked-table", "Linked Table").await;
    let oak = make_variant(
        &store,
        table.id,
        variant("LT-OAK-S", eur(100), 1, &[("Color", "Oak"), ("Size", "S")]),
    )
    .await;
    let ash = make_variant(
        &store,
        table.id,
        variant("LT-ASH-L", eur(100), 1, &[("Color", "Ash"), ("Size", "L")]),
    )
    .await;
    let mut chosen = variant(
        "LT-WAL-S",
        eur(100),
        1,
        &[("Color", "Walnut"), ("Size", "S")],
    );
    chosen.material_variant = Some("Dark wood".into());
    let walnut = store.add_variant(table.id, chosen).await.unwrap();
    assert_eq!(oak.material_variant, None);

    let names = vec!["oak".to_owned(), "S".to_owned(), "Dark wood".to_owned()];
    let linked = store
        .link_material_variants(table.id, &names)
        .await
        .unwrap();
    let by_id = |id| {
        linked
            .iter()
            .find(|v| v.id == id)
            .unwrap()
            .material_variant
            .clone()
    };
    assert_eq!(
        by_id(oak.id).as_deref(),
        Some("oak"),
        "Color comes before Size"
    );
    assert_eq!(by_id(ash.id), None, "no look is named Ash or L");
    assert_eq!(
        by_id(walnut.id).as_deref(),
        Some("Dark wood"),
        "the merchant's choice stays"
    );

    let cleared = store
        .update_variant(
            oak.id,
            VariantPatch {
                material_variant: Some(None),
                ..VariantPatch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(cleared.material_variant, None);
    let read = store.product_by_id(table.id).await.unwrap().unwrap();
    assert_eq!(
        read.variants
            .iter()
            .find(|v| v.id == walnut.id)
            .unwrap()
            .material_variant
            .as_deref(),
        Some("Dark wood")
    );
    assert!(matches!(
        store
            .link_material_variants(uuid::Uuid::now_v7(), &names)
            .await,
        Err(StoreError::NotFound { .. })
    ));
}
