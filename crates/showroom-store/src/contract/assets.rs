//! Contract: who may see an asset. An address is public while any published product shows it,
//! private while only draft or archived products do, unknown when no product uses it — and the
//! answer follows status changes at once, with no stale read after the write returns.

use showroom_domain::ProductStatus;

use super::support::{hash, image, make_product, product};
use crate::{AssetVisibility, DynCatalogStore};

pub async fn asset_visibility_follows_the_status_of_the_products_using_it(store: DynCatalogStore) {
    assert_eq!(
        store.asset_visibility(&hash(7)).await.unwrap(),
        AssetVisibility::Unknown,
        "no product uses it yet"
    );

    let mut draft = product("prototype-lamp", "Prototype Lamp");
    draft.status = ProductStatus::Draft;
    let draft = store.create_product(draft).await.unwrap();
    store.add_media(draft.id, image(7)).await.unwrap();
    assert_eq!(
        store.asset_visibility(&hash(7)).await.unwrap(),
        AssetVisibility::Private
    );

    store
        .set_product_status(draft.id, ProductStatus::Published)
        .await
        .unwrap();
    assert_eq!(
        store.asset_visibility(&hash(7)).await.unwrap(),
        AssetVisibility::Public
    );

    store
        .set_product_status(draft.id, ProductStatus::Archived)
        .await
        .unwrap();
    assert_eq!(
        store.asset_visibility(&hash(7)).await.unwrap(),
        AssetVisibility::Private,
        "archiving hides it again"
    );
    assert_eq!(
        store.asset_visibility(&hash(8)).await.unwrap(),
        AssetVisibility::Unknown,
        "other addresses are not affected"
    );
}

pub async fn one_published_product_makes_a_shared_asset_public(store: DynCatalogStore) {
    let mut draft = product("draft-chair", "Draft Chair");
    draft.status = ProductStatus::Draft;
    let draft = store.create_product(draft).await.unwrap();
    let published = make_product(&store, "shop-chair", "Shop Chair").await;
    store.add_media(draft.id, image(9)).await.unwrap();
    store.add_media(draft.id, image(9)).await.unwrap();
    assert_eq!(
        store.asset_visibility(&hash(9)).await.unwrap(),
        AssetVisibility::Private
    );
    store.add_media(published.id, image(9)).await.unwrap();
    assert_eq!(
        store.asset_visibility(&hash(9)).await.unwrap(),
        AssetVisibility::Public,
        "a draft that shares the address does not hide it"
    );
}
