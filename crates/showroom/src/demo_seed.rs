//! Seeds the demo shop: three top-level categories (furniture, gadgets, fashion) and every
//! product of `showroom_assets::demo::demo_catalog()`, each with a Color option (one variant per
//! colour of its procedurally generated model, whose `KHR_materials_variants` carry the same
//! names), stock, prices, and the GLB stored content-addressed and attached as its 3D media.
//!
//! Seeding happens only when the catalog is empty, so restarting with `--demo` never duplicates
//! or overwrites a merchant's edits. If two instances seed at once, the loser's writes fail on
//! unique slugs and it stops quietly: the winner's catalog is complete.

use std::collections::BTreeMap;

use bytes::Bytes;
use showroom_assets::demo::{demo_catalog, DemoCategory, DemoProduct};
use showroom_assets::FileName;
use showroom_domain::{Currency, Description, Money, ProductStatus, Quantity, Sku, Slug, Title};
use showroom_store::{
    ContentHash, MediaKind, NewCategory, NewMedia, NewProduct, NewVariant, ProductOption,
    StoreError,
};
use uuid::Uuid;

use crate::backends::Backends;

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("object storage: {0}")]
    Blobs(#[from] showroom_assets::AssetError),
    #[error("demo data is invalid: {0}")]
    Data(String),
}

/// Returns the number of products created (0 when the catalog already had products).
pub async fn seed_if_empty(backends: &Backends, currency: Currency) -> Result<usize, SeedError> {
    if backends.store.count_products().await? > 0 {
        tracing::info!("catalog is not empty: demo seeding skipped");
        return Ok(0);
    }
    match seed(backends, currency).await {
        Err(SeedError::Store(StoreError::Conflict { .. })) => {
            tracing::info!("another instance is seeding the demo catalog; leaving it to it");
            Ok(0)
        }
        other => other,
    }
}

async fn seed(backends: &Backends, currency: Currency) -> Result<usize, SeedError> {
    let started = std::time::Instant::now();
    let mut category_ids = BTreeMap::new();
    for (category, name) in [
        (DemoCategory::Furniture, "Furniture"),
        (DemoCategory::Gadgets, "Gadgets"),
        (DemoCategory::Fashion, "Fashion"),
    ] {
        let created = backends
            .store
            .create_category(NewCategory {
                slug: slug(category.slug())?,
                name: title(name)?,
                parent_id: None,
            })
            .await?;
        category_ids.insert(category.slug(), created.id);
    }
    let products = demo_catalog();
    for (index, product) in products.iter().enumerate() {
        seed_product(
            backends,
            currency,
            product,
            category_ids[product.category().slug()],
            index,
        )
        .await?;
    }
    backends.cache.invalidate_namespace("products").await.ok();
    tracing::info!(
        products = products.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo catalog seeded"
    );
    Ok(products.len())
}

async fn seed_product(
    backends: &Backends,
    currency: Currency,
    demo: &DemoProduct,
    category_id: Uuid,
    index: usize,
) -> Result<(), SeedError> {
    let colors: Vec<String> = demo
        .colors
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    let product = backends
        .store
        .create_product(NewProduct {
            slug: slug(demo.slug)?,
            title: title(demo.title)?,
            description: Description::parse(demo.description).map_err(|e| SeedError::Data(e.0))?,
            status: ProductStatus::Draft,
            category_id: Some(category_id),
            attributes: BTreeMap::from([("model".to_owned(), demo.kind.slug().to_owned())]),
            options: vec![ProductOption {
                name: "Color".into(),
                values: colors.clone(),
            }],
        })
        .await?;
    for (color_index, color) in colors.iter().enumerate() {
        // Deterministic variety: a few colours cost more, some are low or sold out.
        let price = demo.price_minor + (color_index as i64) * (demo.price_minor / 20);
        let on_hand = ((index * 7 + color_index * 5) % 23) as i64;
        let compare_at = index.is_multiple_of(4).then(|| price + price / 5);
        backends
            .store
            .add_variant(
                product.id,
                NewVariant {
                    material_variant: Some(color.to_owned()),
                    sku: Sku::parse(&format!("{}-{}", demo.slug, color.replace(' ', "-")))
                        .map_err(|e| SeedError::Data(e.0))?,
                    option_values: BTreeMap::from([("Color".to_owned(), color.clone())]),
                    price: Money::price(price, currency).map_err(|e| SeedError::Data(e.0))?,
                    compare_at_price: compare_at
                        .map(|p| Money::price(p, currency))
                        .transpose()
                        .map_err(|e| SeedError::Data(e.0))?,
                    weight_grams: None,
                    on_hand: Quantity::new(on_hand).map_err(|e| SeedError::Data(e.0))?,
                },
            )
            .await?;
    }
    let glb = tokio::task::spawn_blocking({
        let demo = demo.clone();
        move || demo.glb()
    })
    .await
    .map_err(|e| SeedError::Data(e.to_string()))?;
    let file_name = FileName::parse("model.glb")?;
    let address = backends
        .blobs
        .put_asset(&file_name, Bytes::from(glb))
        .await?;
    backends
        .store
        .add_media(
            product.id,
            NewMedia {
                kind: MediaKind::Model,
                asset_hash: ContentHash::parse(address.as_str())
                    .map_err(|e| SeedError::Data(e.0))?,
                file_name: file_name.as_str().to_owned(),
                alt: format!("3D model of the {}", demo.title),
            },
        )
        .await?;
    backends
        .store
        .set_product_status(product.id, ProductStatus::Published)
        .await?;
    Ok(())
}

fn slug(raw: &str) -> Result<Slug, SeedError> {
    Slug::parse(raw).map_err(|e| SeedError::Data(format!("{raw}: {e}")))
}

fn title(raw: &str) -> Result<Title, SeedError> {
    Title::parse(raw).map_err(|e| SeedError::Data(format!("{raw}: {e}")))
}
