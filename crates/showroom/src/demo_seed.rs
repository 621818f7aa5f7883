//! Seeds the demo shop: three top-level categories (furniture, gadgets, fashion) and every
//! product of `showroom_assets::demo::demo_catalog()`, each with a Color option (one variant per
//! colour of its procedurally generated model, whose `KHR_materials_variants` carry the same
//! names), stock, prices, and its GLB taken in like a merchant's upload (stored under its SHA-256
//! with a processing job) and attached as its 3D media.
//!
//! Seeding writes rows and originals only, so start-up stays quick; the asset workers then run
//! each model through the pipeline in the background (posters per colour, optimized GLBs, USDZ)
//! and the pages show the pictures as jobs finish. [`log_progress`] says how far it is. A second
//! start finds the catalog seeded and its assets processed, and does nothing again.
//!
//! Seeding happens only when the catalog is empty, so restarting with `--demo` never duplicates
//! or overwrites a merchant's edits. If two instances seed at once, the loser's writes fail on
//! unique slugs and it stops quietly: the winner's catalog is complete.

use std::collections::BTreeMap;

use bytes::Bytes;
use showroom_assets::demo::{demo_catalog, DemoCategory, DemoProduct};
use showroom_assets::pipeline;
use showroom_domain::{Currency, Description, Money, ProductStatus, Quantity, Sku, Slug, Title};
use showroom_shop::{Shop, ShopError};
use showroom_store::{
    AssetStatus, DynCatalogStore, MediaKind, NewCategory, NewMedia, NewProduct, NewVariant,
    ProductOption, StoreError,
};
use uuid::Uuid;

use crate::backends::Backends;

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("object storage: {0}")]
    Blobs(#[from] showroom_assets::AssetError),
    #[error("storing a demo model: {0}")]
    Ingest(#[from] ShopError),
    #[error("demo data is invalid: {0}")]
    Data(String),
}

/// Returns the number of products created (0 when the catalog already had products).
pub async fn seed_if_empty(shop: &Shop, backends: &Backends) -> Result<usize, SeedError> {
    if backends.store.count_products().await? > 0 {
        tracing::info!("catalog is not empty: demo seeding skipped");
        return Ok(0);
    }
    match seed(shop, backends).await {
        Err(SeedError::Store(StoreError::Conflict { .. })) => {
            tracing::info!("another instance is seeding the demo catalog; leaving it to it");
            Ok(0)
        }
        other => other,
    }
}

async fn seed(shop: &Shop, backends: &Backends) -> Result<usize, SeedError> {
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
            shop,
            &backends.store,
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
    shop: &Shop,
    store: &DynCatalogStore,
    demo: &DemoProduct,
    category_id: Uuid,
    index: usize,
) -> Result<(), SeedError> {
    let colors: Vec<String> = demo
        .colors
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    let product = store
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
    let currency: Currency = shop.currency();
    for (color_index, color) in colors.iter().enumerate() {
        // Deterministic variety: a few colours cost more, some are low or sold out.
        let price = demo.price_minor + (color_index as i64) * (demo.price_minor / 20);
        let on_hand = ((index * 7 + color_index * 5) % 23) as i64;
        let compare_at = index.is_multiple_of(4).then(|| price + price / 5);
        store
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
    let upload = futures::stream::iter([Ok::<_, std::convert::Infallible>(Bytes::from(glb))]);
    let (record, _) = shop
        .uploads
        .ingest(upload, format!("{}.glb", demo.slug))
        .await?;
    // The optimized GLB appears under the upload's address once its job is done; the pages
    // show a placeholder until then.
    store
        .add_media(
            product.id,
            NewMedia {
                kind: MediaKind::Model,
                asset_hash: record.hash,
                file_name: pipeline::DELIVERY_GLB.to_owned(),
                alt: format!("3D model of the {}", demo.title),
            },
        )
        .await?;
    store
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

/// Logs how many uploaded models are processed, every few seconds while any is waiting or
/// being processed, and once more when all are done. Runs until then (or until the process
/// stops).
pub async fn log_progress(store: DynCatalogStore) {
    let mut last = None;
    loop {
        let assets = match store.list_assets(1000).await {
            Ok(assets) => assets,
            Err(error) => {
                tracing::warn!(%error, "cannot read the demo models' progress");
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                continue;
            }
        };
        let count = |status: AssetStatus| assets.iter().filter(|a| a.status == status).count();
        let (ready, failed) = (count(AssetStatus::Ready), count(AssetStatus::Failed));
        let pending = assets.len() - ready - failed;
        if last != Some((ready, failed)) {
            if pending == 0 {
                tracing::info!(
                    ready,
                    failed,
                    "demo models processed: all pictures and AR files are ready"
                );
                return;
            }
            tracing::info!(
                ready,
                failed,
                pending,
                "demo models: {ready} of {} processed (posters, optimized GLB, USDZ)",
                assets.len()
            );
            last = Some((ready, failed));
        }
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    }
}
