//! Bulk import and export. A batch of products is one write transaction; each product is checked
//! with reads before anything of it is written (SKUs owned by another product, currency, option
//! values), so a refused product leaves the transaction healthy and the rest of the batch is kept.
//! Matching is by the product's slug and each variant's SKU: importing the same file twice
//! updates rows in place.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use showroom_store::{
    CatalogImportStore, ImportOutcome, ImportProduct, Product, ProductOption, StoreError,
    MAX_PAGE_SIZE,
};
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use crate::error::{corrupt, db, on_write};
use crate::read::{self, ProductKey};
use crate::sql::{in_list, now_millis, Arg, Sql};
use crate::variants::{recompute_listing, write_option_values};
use crate::{validate, SqlCatalog};

/// A stored product the import matched by slug.
struct Existing {
    id: Uuid,
    options: Vec<ProductOption>,
}

/// A refusal of one product, reported instead of written.
struct Refusal(&'static str, String);

impl From<Refusal> for ImportOutcome {
    fn from(Refusal(field, message): Refusal) -> Self {
        ImportOutcome::Refused { field, message }
    }
}

#[async_trait]
impl CatalogImportStore for SqlCatalog {
    async fn import_products(
        &self,
        batch: &[ImportProduct],
    ) -> Result<Vec<ImportOutcome>, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut outcomes = Vec::with_capacity(batch.len());
        for item in batch {
            outcomes.push(import_one(&mut tx, item).await?);
        }
        tx.commit().await.map_err(db)?;
        Ok(outcomes)
    }

    async fn export_products(
        &self,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<Product>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let ids = sqlx::query("SELECT id FROM products WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after.map(|a| a.to_string()).unwrap_or_default())
            .bind(i64::from(limit.clamp(1, MAX_PAGE_SIZE)))
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
        let mut products = Vec::with_capacity(ids.len());
        for row in &ids {
            let id = crate::rows::uuid(row, "id")?;
            if let Some(product) = read::product(&mut conn, ProductKey::Id(id)).await? {
                products.push(product);
            }
        }
        Ok(products)
    }

    async fn refresh_statistics(&self) -> Result<(), StoreError> {
        if let Some(statement) = self.dialect.refresh_catalog_statistics() {
            sqlx::query(statement)
                .execute(&self.pool)
                .await
                .map_err(db)?;
        }
        Ok(())
    }
}

async fn import_one(
    conn: &mut AnyConnection,
    item: &ImportProduct,
) -> Result<ImportOutcome, StoreError> {
    let existing = existing_product(conn, item.product.slug.as_str()).await?;
    let options = match &existing {
        Some(stored) => merge_options(&stored.options, &item.product.options),
        None => item.product.options.clone(),
    };
    let known_skus = match check(conn, item, existing.as_ref(), &options).await? {
        Ok(known) => known,
        Err(refusal) => return Ok(refusal.into()),
    };
    let now = now_millis();
    let new = &item.product;
    crate::search_terms::remember(conn, &[new.title.as_str(), new.description.as_str()]).await?;
    let options_json =
        serde_json::to_string(&options).map_err(|e| StoreError::Internal(e.into()))?;
    let attributes_json =
        serde_json::to_string(&new.attributes).map_err(|e| StoreError::Internal(e.into()))?;
    let (product_id, outcome) = match &existing {
        Some(stored) => {
            sqlx::query(
                "UPDATE products SET title = $2, title_key = $3, description = $4, status = $5, \
                 category_id = $6, attributes = $7, options = $8, updated_at = $9 WHERE id = $1",
            )
            .bind(stored.id.to_string())
            .bind(new.title.as_str())
            .bind(new.title.as_str().to_lowercase())
            .bind(new.description.as_str())
            .bind(new.status.as_str())
            .bind(new.category_id.map(|c| c.to_string()))
            .bind(&attributes_json)
            .bind(&options_json)
            .bind(now)
            .execute(&mut *conn)
            .await
            .map_err(on_write("category_id"))?;
            (stored.id, ImportOutcome::Updated)
        }
        None => {
            let id = Uuid::now_v7();
            sqlx::query(
                "INSERT INTO products (id, slug, title, title_key, description, status, category_id, \
                 attributes, options, available, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $10)",
            )
            .bind(id.to_string())
            .bind(new.slug.as_str())
            .bind(new.title.as_str())
            .bind(new.title.as_str().to_lowercase())
            .bind(new.description.as_str())
            .bind(new.status.as_str())
            .bind(new.category_id.map(|c| c.to_string()))
            .bind(&attributes_json)
            .bind(&options_json)
            .bind(now)
            .execute(&mut *conn)
            .await
            .map_err(on_write("category_id"))?;
            (id, ImportOutcome::Created)
        }
    };
    for variant in &item.variants {
        let variant_id = match known_skus.get(variant.sku.as_str()) {
            Some(id) => {
                // Stock is set to the file's figure, but never below what pending orders hold.
                sqlx::query(
                    "UPDATE variants SET price_minor = $2, currency = $3, compare_at_minor = $4, \
                     weight_grams = $5, on_hand = CASE WHEN $6 < reserved THEN reserved ELSE $6 END \
                     WHERE id = $1",
                )
                .bind(id.to_string())
                .bind(variant.price.amount_minor)
                .bind(variant.price.currency.code())
                .bind(variant.compare_at_price.map(|m| m.amount_minor))
                .bind(variant.weight_grams)
                .bind(i64::from(variant.on_hand))
                .execute(&mut *conn)
                .await
                .map_err(db)?;
                sqlx::query("DELETE FROM variant_options WHERE variant_id = $1")
                    .bind(id.to_string())
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?;
                *id
            }
            None => {
                let id = Uuid::now_v7();
                sqlx::query(
                    "INSERT INTO variants (id, product_id, sku, price_minor, currency, compare_at_minor, \
                     weight_grams, on_hand, reserved, created_at, material_variant) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, NULL)",
                )
                .bind(id.to_string())
                .bind(product_id.to_string())
                .bind(variant.sku.as_str())
                .bind(variant.price.amount_minor)
                .bind(variant.price.currency.code())
                .bind(variant.compare_at_price.map(|m| m.amount_minor))
                .bind(variant.weight_grams)
                .bind(i64::from(variant.on_hand))
                .bind(now)
                .execute(&mut *conn)
                .await
                .map_err(db)?;
                id
            }
        };
        write_option_values(conn, variant_id, &variant.option_values).await?;
    }
    recompute_listing(conn, product_id).await?;
    Ok(outcome)
}

async fn existing_product(
    conn: &mut AnyConnection,
    slug: &str,
) -> Result<Option<Existing>, StoreError> {
    let Some(row) = sqlx::query("SELECT id, options FROM products WHERE slug = $1")
        .bind(slug)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
    else {
        return Ok(None);
    };
    let options: String = crate::rows::get(&row, "options")?;
    Ok(Some(Existing {
        id: crate::rows::uuid(&row, "id")?,
        options: serde_json::from_str(&options).map_err(|e| corrupt("options", e))?,
    }))
}

/// The stored options extended by the file's: values a stored variant uses stay declared.
fn merge_options(stored: &[ProductOption], file: &[ProductOption]) -> Vec<ProductOption> {
    let mut merged = stored.to_vec();
    for option in file {
        match merged.iter_mut().find(|o| o.name == option.name) {
            Some(kept) => {
                for value in &option.values {
                    if !kept.values.contains(value) {
                        kept.values.push(value.clone());
                    }
                }
            }
            None => merged.push(option.clone()),
        }
    }
    merged
}

/// Checks a product before any of it is written. `Ok(Ok(known))` maps the SKUs it already owns
/// to their variant ids; `Ok(Err(refusal))` says why it is skipped.
async fn check(
    conn: &mut AnyConnection,
    item: &ImportProduct,
    existing: Option<&Existing>,
    options: &[ProductOption],
) -> Result<Result<HashMap<String, Uuid>, Refusal>, StoreError> {
    if let Err(StoreError::Invalid { field, message }) = validate::options(options) {
        return Ok(Err(Refusal(field, message)));
    }
    let mut seen = HashSet::new();
    for variant in &item.variants {
        if !seen.insert(variant.sku.as_str()) {
            let sku = variant.sku.as_str();
            return Ok(Err(Refusal(
                "sku",
                format!("the SKU {sku} is listed twice"),
            )));
        }
        if let Err(StoreError::Invalid { field, message }) =
            validate::option_values(options, &variant.option_values)
        {
            return Ok(Err(Refusal(field, message)));
        }
    }
    let currencies: HashSet<&str> = item
        .variants
        .iter()
        .flat_map(|v| std::iter::once(v.price).chain(v.compare_at_price))
        .map(|m| m.currency.code())
        .collect();
    if currencies.len() > 1 {
        return Ok(Err(Refusal(
            "price",
            "every variant of a product uses the same currency".into(),
        )));
    }
    let mut known = HashMap::new();
    if item.variants.is_empty() {
        return Ok(Ok(known));
    }
    let mut sql = Sql::default();
    let skus = in_list(
        &mut sql,
        item.variants.iter().map(|v| v.sku.as_str().to_owned()),
    );
    let owner = sql.arg(Arg::Text(
        existing.map(|e| e.id.to_string()).unwrap_or_default(),
    ));
    sql.push(&format!(
        "SELECT id, sku, product_id, currency FROM variants WHERE sku IN ({skus}) \
         OR product_id = {owner}"
    ));
    for row in sql.query().fetch_all(&mut *conn).await.map_err(db)? {
        let owned_here = existing
            .is_some_and(|e| row.try_get::<String, _>("product_id").ok() == Some(e.id.to_string()));
        let sku: String = crate::rows::get(&row, "sku")?;
        let currency: String = crate::rows::get(&row, "currency")?;
        if !owned_here {
            return Ok(Err(Refusal(
                "sku",
                format!("the SKU {sku} belongs to another product"),
            )));
        }
        if !currencies.contains(currency.as_str()) {
            return Ok(Err(Refusal(
                "price",
                format!("the product's stored variants sell in {currency}"),
            )));
        }
        known.insert(sku, crate::rows::uuid(&row, "id")?);
    }
    Ok(Ok(known))
}
