//! Contract: who may see an asset. An address is public while any published product shows it,
//! private while only draft or archived products do, unknown when no product uses it — and the
//! answer follows status changes at once, with no stale read after the write returns.

use showroom_domain::ProductStatus;

use super::support::{hash, image, make_product, product, set_status};
use crate::{AssetVisibility, DynCatalogStore};

/// The visibility of the asset `hash(n)`.
async fn visibility(store: &DynCatalogStore, n: u8) -> AssetVisibility {
    store.asset_visibility(&hash(n)).await.unwrap()
}

pub async fn asset_visibility_follows_the_status_of_the_products_using_it(store: DynCatalogStore) {
    assert_eq!(
        visibility(&store, 7).await,
        AssetVisibility::Unknown,
        "no product uses it yet"
    );

    let mut draft = product("prototype-lamp", "Prototype Lamp");
    draft.status = ProductStatus::Draft;
    let draft = store.create_product(draft).await.unwrap();
    store.add_media(draft.id, image(7)).await.unwrap();
    assert_eq!(visibility(&store, 7).await, AssetVisibility::Private);

    set_status(&store, draft.id, ProductStatus::Published).await;
    assert_eq!(visibility(&store, 7).await, AssetVisibility::Public);

    set_status(&store, draft.id, ProductStatus::Archived).await;
    assert_eq!(
        visibility(&store, 7).await,
        AssetVisibility::Private,
        "archiving hides it again"
    );
    assert_eq!(
        visibility(&store, 8).await,
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
    assert_eq!(visibility(&store, 9).await, AssetVisibility::Private);
    store.add_media(published.id, image(9)).await.unwrap();
    assert_eq!(
        visibility(&store, 9).await,
        AssetVisibility::Public,
        "a draft that shares the address does not hide it"
    );
}
