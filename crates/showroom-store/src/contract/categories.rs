//! Contract: the category tree, its descendant filter, and moves that would make a cycle.

use uuid::Uuid;

use super::support::{
    all, assert_conflict, assert_invalid, make_category, make_product, matching, product, slug,
    title,
};
use crate::{build_category_tree, CategoryPatch, DynCatalogStore, ProductQuery};

pub async fn categories_are_listed_by_name(store: DynCatalogStore) {
    for name in ["tables", "chairs", "lamps"] {
        make_category(&store, name, None).await;
    }
    let names: Vec<String> = store
        .list_categories()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["chairs", "lamps", "tables"]);
}

/// furniture ⊃ seating ⊃ stools, and a sibling tree lighting.
async fn tree(store: &DynCatalogStore) -> [Uuid; 4] {
    let furniture = make_category(store, "furniture", None).await.id;
    let seating = make_category(store, "seating", Some(furniture)).await.id;
    let stools = make_category(store, "stools", Some(seating)).await.id;
    let lighting = make_category(store, "lighting", None).await.id;
    [furniture, seating, stools, lighting]
}

pub async fn category_filter_includes_descendants(store: DynCatalogStore) {
    let [furniture, seating, stools, lighting] = tree(&store).await;
    for (name, category_id) in [
        ("sofa", seating),
        ("bar-stool", stools),
        ("desk", furniture),
        ("lamp", lighting),
    ] {
        let mut new = product(name, name);
        new.category_id = Some(category_id);
        store.create_product(new).await.unwrap();
    }
    make_product(&store, "loose", "Loose").await;
    let within = |raw: &str| ProductQuery {
        category: Some(slug(raw)),
        ..all()
    };
    assert_eq!(
        matching(&store, within("furniture")).await,
        ["bar-stool", "desk", "sofa"]
    );
    assert_eq!(
        matching(&store, within("seating")).await,
        ["bar-stool", "sofa"]
    );
    assert_eq!(matching(&store, within("stools")).await, ["bar-stool"]);
    assert_eq!(matching(&store, within("lighting")).await, ["lamp"]);
    assert!(
        matching(&store, within("unknown")).await.is_empty(),
        "an unknown category matches nothing"
    );

    let nested = build_category_tree(store.list_categories().await.unwrap());
    let furniture_node = nested
        .iter()
        .find(|n| n.category.id == furniture)
        .expect("top level");
    assert_eq!(furniture_node.children[0].children[0].category.id, stools);
}

pub async fn update_category_refuses_cycles_and_leaves_the_tree_unchanged(store: DynCatalogStore) {
    let [furniture, seating, stools, _] = tree(&store).await;
    let before = store.list_categories().await.unwrap();
    for (moved, new_parent) in [
        (furniture, stools),
        (furniture, seating),
        (seating, seating),
    ] {
        let patch = CategoryPatch {
            parent_id: Some(Some(new_parent)),
            name: Some(title("Renamed")),
            ..CategoryPatch::default()
        };
        let err = store.update_category(moved, patch).await.unwrap_err();
        assert_invalid(&err, "parent_id");
    }
    assert_eq!(
        store.list_categories().await.unwrap(),
        before,
        "refused moves changed nothing"
    );

    let err = store
        .update_category(seating, move_to(Some(Uuid::now_v7())))
        .await
        .unwrap_err();
    assert_invalid(&err, "parent_id");
}

pub async fn update_category_moves_and_renames(store: DynCatalogStore) {
    let [furniture, seating, stools, lighting] = tree(&store).await;
    let moved = store
        .update_category(stools, move_to(Some(lighting)))
        .await
        .unwrap();
    assert_eq!(moved.parent_id, Some(lighting));
    let top = store
        .update_category(
            seating,
            CategoryPatch {
                parent_id: Some(None),
                slug: Some(slug("seats")),
                ..CategoryPatch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((top.parent_id, top.slug.as_str()), (None, "seats"));
    // Moving furniture under its former child is fine now that seating is top-level.
    let under = store
        .update_category(furniture, move_to(Some(seating)))
        .await
        .unwrap();
    assert_eq!(under.parent_id, Some(seating));
    let err = store
        .update_category(
            furniture,
            CategoryPatch {
                slug: Some(slug("lighting")),
                ..CategoryPatch::default()
            },
        )
        .await
        .unwrap_err();
    assert_conflict(&err, "slug");
}

/// A patch that moves a category under `parent` (`None`: to the top level).
fn move_to(parent: Option<Uuid>) -> CategoryPatch {
    CategoryPatch {
        parent_id: Some(parent),
        ..CategoryPatch::default()
    }
}
