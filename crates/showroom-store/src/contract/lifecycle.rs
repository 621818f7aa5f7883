//! Contract: a product's life after creation: patches (with the search index following), status
//! changes, its media gallery, and counting.

use std::collections::BTreeMap;

use showroom_domain::{Description, ProductStatus};

use super::support::{all, hash, image, make_product, matching, product, set_status, slug, title};
use crate::{DynCatalogStore, ProductPatch, ProductQuery};

pub async fn update_product_patches_fields_and_search_follows(store: DynCatalogStore) {
    let created = make_product(&store, "old-name", "Walnut Cabinet").await;
    let patch = ProductPatch {
        slug: Some(slug("new-name")),
        title: Some(title("Cherry Sideboard")),
        description: Some(Description::parse("Dovetailed drawers.").unwrap()),
        attributes: Some(BTreeMap::from([("finish".into(), "oil".into())])),
        ..ProductPatch::default()
    };
    let updated = store.update_product(created.id, patch).await.unwrap();
    assert_eq!(updated.slug, slug("new-name"));
    assert_eq!(updated.title, title("Cherry Sideboard"));
    assert_eq!(updated.description.as_str(), "Dovetailed drawers.");
    assert_eq!(
        updated.attributes.get("finish").map(String::as_str),
        Some("oil")
    );
    assert_eq!(updated.options, created.options, "unpatched fields stay");
    assert!(store
        .product_by_slug(&slug("old-name"))
        .await
        .unwrap()
        .is_none());

    let search = |text: &str| ProductQuery {
        search: Some(text.into()),
        ..all()
    };
    assert_eq!(matching(&store, search("sideboard")).await, ["new-name"]);
    assert_eq!(matching(&store, search("dovetailed")).await, ["new-name"]);
    assert!(
        matching(&store, search("cabinet")).await.is_empty(),
        "the old title is no longer found"
    );
}

/// Each searched text follows its own patch: a description-only patch re-indexes the
/// description and keeps the title found; a patch of neither (attributes) leaves both found.
pub async fn search_follows_a_patch_of_either_text_alone(store: DynCatalogStore) {
    let created = store
        .create_product(product("lamp", "Brass Lamp"))
        .await
        .unwrap();
    let search = |text: &str| ProductQuery {
        search: Some(text.into()),
        ..all()
    };
    let describe = ProductPatch {
        description: Some(Description::parse("Hand-spun shade.").unwrap()),
        ..ProductPatch::default()
    };
    store.update_product(created.id, describe).await.unwrap();
    assert_eq!(matching(&store, search("spun")).await, ["lamp"]);
    assert_eq!(matching(&store, search("brass")).await, ["lamp"]);

    let unrelated = ProductPatch {
        attributes: Some(BTreeMap::from([("bulb".into(), "E27".into())])),
        ..ProductPatch::default()
    };
    store.update_product(created.id, unrelated).await.unwrap();
    assert_eq!(matching(&store, search("spun brass")).await, ["lamp"]);

    let retitle = ProductPatch {
        title: Some(title("Copper Lantern")),
        ..ProductPatch::default()
    };
    store.update_product(created.id, retitle).await.unwrap();
    assert_eq!(matching(&store, search("lantern spun")).await, ["lamp"]);
    assert!(
        matching(&store, search("brass")).await.is_empty(),
        "the old title is no longer found"
    );
}

pub async fn set_product_status_changes_what_a_status_filter_lists(store: DynCatalogStore) {
    let mut draft = product("prototype", "Prototype");
    draft.status = ProductStatus::Draft;
    let draft = store.create_product(draft).await.unwrap();
    make_product(&store, "classic", "Classic").await;
    let published = |status| ProductQuery {
        status: Some(status),
        ..all()
    };
    assert_eq!(
        matching(&store, published(ProductStatus::Published)).await,
        ["classic"]
    );
    assert_eq!(
        matching(&store, published(ProductStatus::Draft)).await,
        ["prototype"]
    );

    let now = set_status(&store, draft.id, ProductStatus::Published).await;
    assert_eq!(now.status, ProductStatus::Published);
    assert_eq!(
        matching(&store, published(ProductStatus::Published)).await,
        ["classic", "prototype"]
    );
    set_status(&store, draft.id, ProductStatus::Archived).await;
    assert_eq!(
        matching(&store, published(ProductStatus::Archived)).await,
        ["prototype"]
    );
    assert_eq!(
        matching(&store, all()).await.len(),
        2,
        "no status filter lists every status"
    );
}

pub async fn media_is_appended_in_order_and_the_first_is_the_cover(store: DynCatalogStore) {
    let vase = make_product(&store, "vase", "Vase").await;
    assert!(store.list_products(&all()).await.unwrap().items[0]
        .cover
        .is_none());
    let mut added = Vec::new();
    for n in 1..=3 {
        added.push(store.add_media(vase.id, image(n)).await.unwrap());
    }
    assert_eq!(
        added.iter().map(|m| m.position).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    assert_eq!(added[0].asset_hash, hash(1));
    let cover = store.list_products(&all()).await.unwrap().items[0]
        .cover
        .clone();
    assert_eq!(cover, Some(added[0].clone()));
}

pub async fn count_products_counts_every_status(store: DynCatalogStore) {
    assert_eq!(store.count_products().await.unwrap(), 0);
    for (n, status) in [
        ProductStatus::Draft,
        ProductStatus::Published,
        ProductStatus::Archived,
    ]
    .into_iter()
    .enumerate()
    {
        let mut new = product(&format!("thing-{n}"), "Thing");
        new.status = status;
        store.create_product(new).await.unwrap();
    }
    assert_eq!(store.count_products().await.unwrap(), 3);
}
