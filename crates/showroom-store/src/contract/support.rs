//! Test fixtures and builders shared by the contract tests: a [`Fixture`] that owns a fresh store
//! and its clean-up, and terse constructors for valid write models.

use std::collections::BTreeMap;
use std::sync::Arc;

use showroom_domain::{Currency, Description, Money, ProductStatus, Quantity, Sku, Slug, Title};

use crate::{
    CatalogStore, Category, ContentHash, DynCatalogStore, MediaKind, NewCategory, NewMedia,
    NewProduct, NewVariant, Product, ProductOption, ProductQuery, ProductSummary, StoreError,
    Variant, VariantPatch,
};

/// A fresh, isolated store for one test, plus whatever must happen when the test ends (removing
/// a temporary file, dropping a database). The clean-up runs on drop, so it also runs when the test
/// fails.
pub struct Fixture {
    pub store: DynCatalogStore,
    cleanup: Option<Box<dyn FnOnce() + Send>>,
}

impl Fixture {
    pub fn new(store: impl CatalogStore) -> Self {
        Self {
            store: Arc::new(store),
            cleanup: None,
        }
    }

    pub fn on_drop(mut self, cleanup: impl FnOnce() + Send + 'static) -> Self {
        self.cleanup = Some(Box::new(cleanup));
        self
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Some(cleanup) = self.cleanup.take() {
            cleanup();
        }
    }
}

pub(crate) fn slug(raw: &str) -> Slug {
    Slug::parse(raw).expect("test slug")
}

pub(crate) fn title(raw: &str) -> Title {
    Title::parse(raw).expect("test title")
}

pub(crate) fn eur(minor: i64) -> Money {
    Money::price(minor, Currency::parse("EUR").expect("EUR")).expect("test price")
}

pub(crate) fn usd(minor: i64) -> Money {
    Money::price(minor, Currency::parse("USD").expect("USD")).expect("test price")
}

pub(crate) fn hash(n: u8) -> ContentHash {
    ContentHash::of_bytes_hex([n; 32])
}

/// A published product varying by Color (Oak, Ash, Walnut) and Size (S, L).
pub(crate) fn product(slug_raw: &str, title_raw: &str) -> NewProduct {
    NewProduct {
        slug: slug(slug_raw),
        title: title(title_raw),
        description: Description::parse("Solid wood, oiled by hand.").expect("description"),
        status: ProductStatus::Published,
        category_id: None,
        attributes: BTreeMap::from([("material".to_owned(), "wood".to_owned())]),
        options: vec![
            ProductOption {
                name: "Color".into(),
                values: vec!["Oak".into(), "Ash".into(), "Walnut".into()],
            },
            ProductOption {
                name: "Size".into(),
                values: vec!["S".into(), "L".into()],
            },
        ],
    }
}

/// Creates [`product`]`(slug, title)` in `store`; the test fails if the store refuses it.
/// Moves product `id` to `status`, which the store must accept.
pub(crate) async fn set_status(
    store: &DynCatalogStore,
    id: uuid::Uuid,
    status: ProductStatus,
) -> Product {
    store.set_product_status(id, status).await.unwrap()
}

pub(crate) async fn make_product(
    store: &DynCatalogStore,
    slug_raw: &str,
    title_raw: &str,
) -> Product {
    store
        .create_product(product(slug_raw, title_raw))
        .await
        .unwrap_or_else(|e| panic!("creating {slug_raw}: {e}"))
}

/// Adds `new` (usually a [`variant`]) to product `product_id`; the test fails if the store
/// refuses it.
pub(crate) async fn make_variant(
    store: &DynCatalogStore,
    product_id: uuid::Uuid,
    new: NewVariant,
) -> Variant {
    let sku = new.sku.to_string();
    store
        .add_variant(product_id, new)
        .await
        .unwrap_or_else(|e| panic!("adding {sku}: {e}"))
}

pub(crate) fn variant(sku: &str, price: Money, on_hand: i64, picks: &[(&str, &str)]) -> NewVariant {
    NewVariant {
        sku: Sku::parse(sku).expect("test SKU"),
        option_values: picks
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        price,
        compare_at_price: None,
        weight_grams: None,
        on_hand: Quantity::new(on_hand).expect("test quantity"),
        material_variant: None,
    }
}

pub(crate) fn category(slug_raw: &str, parent_id: Option<uuid::Uuid>) -> NewCategory {
    NewCategory {
        slug: slug(slug_raw),
        name: title(slug_raw),
        parent_id,
    }
}

/// Creates [`category`]`(slug, parent_id)` in `store`; the test fails if the store refuses it.
pub(crate) async fn make_category(
    store: &DynCatalogStore,
    slug_raw: &str,
    parent_id: Option<uuid::Uuid>,
) -> Category {
    store
        .create_category(category(slug_raw, parent_id))
        .await
        .unwrap_or_else(|e| panic!("creating category {slug_raw}: {e}"))
}

pub(crate) fn image(n: u8) -> NewMedia {
    NewMedia {
        kind: MediaKind::Image,
        asset_hash: hash(n),
        file_name: "poster.png".into(),
        alt: format!("view {n}"),
    }
}

/// A query for every status with the largest page.
pub(crate) fn all() -> ProductQuery {
    ProductQuery {
        limit: crate::MAX_PAGE_SIZE,
        ..ProductQuery::default()
    }
}

/// Every listed product, following cursors to the end; fails if pages never end.
pub(crate) async fn list_all(
    store: &DynCatalogStore,
    mut query: ProductQuery,
) -> Vec<ProductSummary> {
    let mut seen = Vec::new();
    for _ in 0..1000 {
        let page = store.list_products(&query).await.expect("list products");
        assert!(page.items.len() <= query.limit.clamp(1, crate::MAX_PAGE_SIZE) as usize);
        seen.extend(page.items);
        match page.next {
            Some(cursor) => query.after = Some(cursor),
            None => return seen,
        }
    }
    panic!("pagination never ended");
}

/// The slugs of a listing, in order.
pub(crate) fn slugs(items: &[ProductSummary]) -> Vec<String> {
    items.iter().map(|p| p.slug.as_str().to_owned()).collect()
}

/// Slugs of every product matching `query` (all statuses unless the query says otherwise).
pub(crate) async fn matching(store: &DynCatalogStore, query: ProductQuery) -> Vec<String> {
    let mut found = slugs(&list_all(store, query).await);
    found.sort();
    found
}

/// Asserts that `err` is an `Invalid` refusal naming `field`.
#[track_caller]
pub(crate) fn assert_invalid(err: &StoreError, field: &str) {
    assert!(
        matches!(err, StoreError::Invalid { field: named, .. } if *named == field),
        "{err:?}"
    );
}

/// Asserts that `err` is a `Conflict` naming `field`.
#[track_caller]
pub(crate) fn assert_conflict(err: &StoreError, field: &str) {
    assert!(
        matches!(err, StoreError::Conflict { field: named, .. } if *named == field),
        "{err:?}"
    );
}

/// A variant patch that changes only the price.
pub(crate) fn new_price(price: Money) -> VariantPatch {
    VariantPatch {
        price: Some(price),
        ..VariantPatch::default()
    }
}
