//! The catalog out as Shopify product CSV: one record per variant, the product's fields on its
//! first record only (as Shopify writes them), every status. Media are not written: their files
//! live under content addresses this file format has no column for.

use std::collections::HashMap;
use std::io::Write;

use showroom_domain::ProductStatus;
use showroom_store::{DynCatalogStore, Product};
use uuid::Uuid;

use super::format::{body_html, format_price, COLUMNS};
use crate::ShopError;

/// Writes every product to `out`; returns how many products were written. `progress` is called
/// with that count after every page.
pub async fn export_catalog(
    store: &DynCatalogStore,
    out: impl Write,
    mut progress: impl FnMut(u64),
) -> Result<u64, ShopError> {
    let categories: HashMap<Uuid, String> = store
        .list_categories()
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(COLUMNS).map_err(write_failed)?;
    let mut after = None;
    let mut written = 0;
    loop {
        let page = store
            .export_products(after, showroom_store::MAX_PAGE_SIZE)
            .await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for product in &page {
            let category = product.category_id.and_then(|id| categories.get(&id));
            for record in records(product, category.map(String::as_str)) {
                csv.write_record(&record).map_err(write_failed)?;
            }
            written += 1;
        }
        progress(written);
    }
    csv.flush().map_err(|e| write_failed(e.into()))?;
    Ok(written)
}

/// The records of one product, each as many fields as [`COLUMNS`].
fn records(product: &Product, category: Option<&str>) -> Vec<Vec<String>> {
    let column = |name: &str| {
        COLUMNS
            .iter()
            .position(|c| *c == name)
            .expect("a known column")
    };
    let blank = || vec![String::new(); COLUMNS.len()];
    let mut first = blank();
    let set = |record: &mut Vec<String>, name: &str, value: String| record[column(name)] = value;
    set(&mut first, "Title", product.title.as_str().to_owned());
    set(
        &mut first,
        "Body (HTML)",
        body_html(product.description.as_str()),
    );
    set(
        &mut first,
        "Vendor",
        product
            .attributes
            .get("vendor")
            .cloned()
            .unwrap_or_default(),
    );
    set(&mut first, "Type", category.unwrap_or_default().to_owned());
    set(
        &mut first,
        "Tags",
        product.attributes.get("tags").cloned().unwrap_or_default(),
    );
    let published = product.status == ProductStatus::Published;
    set(
        &mut first,
        "Published",
        if published { "true" } else { "false" }.to_owned(),
    );
    let status = match product.status {
        ProductStatus::Published => "active",
        ProductStatus::Draft => "draft",
        ProductStatus::Archived => "archived",
    };
    set(&mut first, "Status", status.to_owned());
    for (i, option) in product.options.iter().take(3).enumerate() {
        set(
            &mut first,
            &format!("Option{} Name", i + 1),
            option.name.clone(),
        );
    }
    if product.variants.is_empty() {
        set(&mut first, "Handle", product.slug.as_str().to_owned());
        return vec![first];
    }
    let mut out = Vec::with_capacity(product.variants.len());
    for (n, variant) in product.variants.iter().enumerate() {
        let mut record = if n == 0 { first.clone() } else { blank() };
        set(&mut record, "Handle", product.slug.as_str().to_owned());
        for (i, option) in product.options.iter().take(3).enumerate() {
            let value = variant
                .option_values
                .get(&option.name)
                .cloned()
                .unwrap_or_default();
            set(&mut record, &format!("Option{} Value", i + 1), value);
        }
        set(&mut record, "Variant SKU", variant.sku.as_str().to_owned());
        set(
            &mut record,
            "Variant Grams",
            variant
                .weight_grams
                .map(|g| g.to_string())
                .unwrap_or_default(),
        );
        set(
            &mut record,
            "Variant Inventory Qty",
            variant.on_hand.to_string(),
        );
        set(&mut record, "Variant Price", format_price(variant.price));
        set(
            &mut record,
            "Variant Compare At Price",
            variant
                .compare_at_price
                .map(format_price)
                .unwrap_or_default(),
        );
        out.push(record);
    }
    out
}

fn write_failed(error: csv::Error) -> ShopError {
    ShopError::Internal(Box::new(error))
}
