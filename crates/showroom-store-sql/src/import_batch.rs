//! One import batch, written with a few statements per batch instead of a dozen per product.
//!
//! A batch is cut into runs of products that share no slug and no SKU ([`independent_runs`]):
//! within a run no product's writes can change what another product's checks read, so each run
//! reads everything it checks in two queries (the stored products by slug, the stored variants
//! by SKU and by product), checks every product in memory exactly as one-by-one would, and
//! writes the accepted ones with multi-row statements: products, variants and option values
//! inserted many rows at a time, the listing columns recomputed for all of them at once. A later
//! run sees the earlier runs' writes (same transaction), so a file naming a product twice still
//! updates it rather than duplicating it. Re-imported products and variants are updated row by
//! row, as before.

use std::collections::{BTreeMap, HashMap, HashSet};

use showroom_store::{ImportOutcome, ImportProduct, ProductOption, StoreError};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::bulk::{execute_in, insert_rows, select_in};
use crate::error::{corrupt, db, on_write};
use crate::rows::{self, get};
use crate::sql::{now_millis, Arg};
use crate::validate;
use crate::variants::recompute_listings;

/// A stored product the import matched by slug.
struct Existing {
    id: Uuid,
    options: Vec<ProductOption>,
}

/// A stored variant the checks look at.
#[derive(Clone)]
struct StoredVariant {
    id: Uuid,
    sku: String,
    product_id: Uuid,
    currency: String,
}

/// A refusal of one product, reported instead of written.
struct Refusal(&'static str, String);

/// A product that passed its checks, with what writing it needs.
struct Accepted<'a> {
    item: &'a ImportProduct,
    product_id: Uuid,
    existing: bool,
    options: Vec<ProductOption>,
    /// Its SKUs already stored, to their variant ids.
    known: HashMap<String, Uuid>,
}

/// `batch` cut, in order, into runs in which no slug and no SKU appears in two products.
pub(crate) fn independent_runs(batch: &[ImportProduct]) -> Vec<&[ImportProduct]> {
    let mut runs = Vec::new();
    let mut start = 0;
    let mut slugs = HashSet::new();
    let mut skus = HashSet::new();
    for (at, item) in batch.iter().enumerate() {
        let own: HashSet<&str> = item.variants.iter().map(|v| v.sku.as_str()).collect();
        if slugs.contains(item.product.slug.as_str()) || own.iter().any(|sku| skus.contains(sku)) {
            runs.push(&batch[start..at]);
            start = at;
            slugs.clear();
            skus.clear();
        }
        slugs.insert(item.product.slug.as_str());
        skus.extend(own);
    }
    if start < batch.len() {
        runs.push(&batch[start..]);
    }
    runs
}

/// Checks and writes one run (see the module docs); one outcome per product, in order.
pub(crate) async fn import_run(
    conn: &mut AnyConnection,
    run: &[ImportProduct],
) -> Result<Vec<ImportOutcome>, StoreError> {
    let existing = existing_products(conn, run).await?;
    let stored = stored_variants(conn, run, &existing).await?;
    let mut outcomes = Vec::with_capacity(run.len());
    let mut accepted = Vec::new();
    for item in run {
        let found = existing.get(item.product.slug.as_str());
        let options = match found {
            Some(stored) => merge_options(&stored.options, &item.product.options),
            None => item.product.options.clone(),
        };
        let relevant = stored.iter().filter(|v| {
            found.is_some_and(|e| e.id == v.product_id)
                || item.variants.iter().any(|n| n.sku.as_str() == v.sku)
        });
        match check(item, found, &options, relevant) {
            Err(Refusal(field, message)) => {
                outcomes.push(ImportOutcome::Refused { field, message });
            }
            Ok(known) => {
                outcomes.push(if found.is_some() {
                    ImportOutcome::Updated
                } else {
                    ImportOutcome::Created
                });
                accepted.push(Accepted {
                    item,
                    product_id: found.map_or_else(Uuid::now_v7, |e| e.id),
                    existing: found.is_some(),
                    options,
                    known,
                });
            }
        }
    }
    write(conn, &accepted).await?;
    Ok(outcomes)
}

async fn existing_products(
    conn: &mut AnyConnection,
    run: &[ImportProduct],
) -> Result<HashMap<String, Existing>, StoreError> {
    let slugs = run.iter().map(|i| i.product.slug.as_str().to_owned());
    let found = select_in(
        conn,
        "SELECT id, slug, options FROM products WHERE slug IN ({})",
        slugs.collect(),
    )
    .await?;
    found
        .iter()
        .map(|row| {
            let options: String = get(row, "options")?;
            let existing = Existing {
                id: rows::uuid(row, "id")?,
                options: serde_json::from_str(&options).map_err(|e| corrupt("options", e))?,
            };
            Ok((get::<String>(row, "slug")?, existing))
        })
        .collect()
}

/// The stored variants with one of the run's SKUs or of one of its existing products.
async fn stored_variants(
    conn: &mut AnyConnection,
    run: &[ImportProduct],
    existing: &HashMap<String, Existing>,
) -> Result<Vec<StoredVariant>, StoreError> {
    const COLUMNS: &str = "SELECT id, sku, product_id, currency FROM variants";
    let skus = run
        .iter()
        .flat_map(|i| i.variants.iter().map(|v| v.sku.as_str().to_owned()));
    let mut rows = select_in(
        conn,
        &format!("{COLUMNS} WHERE sku IN ({{}})"),
        skus.collect(),
    )
    .await?;
    let owners = existing.values().map(|e| e.id.to_string());
    rows.extend(
        select_in(
            conn,
            &format!("{COLUMNS} WHERE product_id IN ({{}})"),
            owners.collect(),
        )
        .await?,
    );
    let mut seen = HashSet::new();
    let mut stored = Vec::with_capacity(rows.len());
    for row in &rows {
        let variant = stored_variant(row)?;
        if seen.insert(variant.id) {
            stored.push(variant);
        }
    }
    Ok(stored)
}

fn stored_variant(row: &AnyRow) -> Result<StoredVariant, StoreError> {
    Ok(StoredVariant {
        id: rows::uuid(row, "id")?,
        sku: get(row, "sku")?,
        product_id: rows::uuid(row, "product_id")?,
        currency: get(row, "currency")?,
    })
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

/// Checks a product before any of it is written, against the stored variants that share one of
/// its SKUs or belong to it. `Ok(known)` maps the SKUs it already owns to their variant ids.
fn check<'s>(
    item: &ImportProduct,
    existing: Option<&Existing>,
    options: &[ProductOption],
    stored: impl Iterator<Item = &'s StoredVariant>,
) -> Result<HashMap<String, Uuid>, Refusal> {
    if let Err(StoreError::Invalid { field, message }) = validate::options(options) {
        return Err(Refusal(field, message));
    }
    let mut seen = HashSet::new();
    for variant in &item.variants {
        if !seen.insert(variant.sku.as_str()) {
            let sku = variant.sku.as_str();
            return Err(Refusal("sku", format!("the SKU {sku} is listed twice")));
        }
        if let Err(StoreError::Invalid { field, message }) =
            validate::option_values(options, &variant.option_values)
        {
            return Err(Refusal(field, message));
        }
    }
    let currencies: HashSet<&str> = item
        .variants
        .iter()
        .flat_map(|v| std::iter::once(v.price).chain(v.compare_at_price))
        .map(|m| m.currency.code())
        .collect();
    if currencies.len() > 1 {
        return Err(Refusal(
            "price",
            "every variant of a product uses the same currency".into(),
        ));
    }
    let mut known = HashMap::new();
    if item.variants.is_empty() {
        return Ok(known);
    }
    for variant in stored {
        if existing.is_none_or(|e| e.id != variant.product_id) {
            let sku = &variant.sku;
            return Err(Refusal(
                "sku",
                format!("the SKU {sku} belongs to another product"),
            ));
        }
        if !currencies.contains(variant.currency.as_str()) {
            let currency = &variant.currency;
            return Err(Refusal(
                "price",
                format!("the product's stored variants sell in {currency}"),
            ));
        }
        known.insert(variant.sku.clone(), variant.id);
    }
    Ok(known)
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Internal(Box::new(e)))
}

/// Writes the accepted products of a run: see the module docs.
async fn write(conn: &mut AnyConnection, accepted: &[Accepted<'_>]) -> Result<(), StoreError> {
    if accepted.is_empty() {
        return Ok(());
    }
    let now = now_millis();
    let texts: Vec<Vec<&str>> = accepted
        .iter()
        .map(|a| {
            let p = &a.item.product;
            vec![p.title.as_str(), p.description.as_str()]
        })
        .collect();
    crate::search_terms::remember_each(conn, &texts).await?;
    let mut new_products = Vec::new();
    for product in accepted {
        let p = &product.item.product;
        let options = json(&product.options)?;
        let attributes = json(&p.attributes)?;
        if product.existing {
            sqlx::query(
                // Unchanged products are not written at all (a re-import of the same file is
                // mostly unchanged rows): no new row version, no index or trigger work, and
                // `updated_at` keeps saying when the product last changed.
                "UPDATE products SET title = $2, title_key = $3, description = $4, status = $5, \
                 category_id = $6, attributes = $7, options = $8, updated_at = $9 WHERE id = $1 \
                 AND NOT (title = $2 AND title_key = $3 AND description = $4 AND status = $5 \
                 AND category_id IS NOT DISTINCT FROM $6 AND attributes = $7 AND options = $8)",
            )
            .bind(product.product_id.to_string())
            .bind(p.title.as_str())
            .bind(p.title.as_str().to_lowercase())
            .bind(p.description.as_str())
            .bind(p.status.as_str())
            .bind(p.category_id.map(|c| c.to_string()))
            .bind(&attributes)
            .bind(&options)
            .bind(now)
            .execute(&mut *conn)
            .await
            .map_err(on_write("category_id"))?;
        } else {
            new_products.push(vec![
                Arg::Text(product.product_id.to_string()),
                Arg::Text(p.slug.as_str().to_owned()),
                Arg::Text(p.title.as_str().to_owned()),
                Arg::Text(p.title.as_str().to_lowercase()),
                Arg::Text(p.description.as_str().to_owned()),
                Arg::Text(p.status.as_str().to_owned()),
                Arg::OptText(p.category_id.map(|c| c.to_string())),
                Arg::Text(attributes),
                Arg::Text(options),
                Arg::Int(0),
                Arg::Int(now),
                Arg::Int(now),
            ]);
        }
    }
    insert_rows(
        conn,
        "products (id, slug, title, title_key, description, status, category_id, attributes, \
         options, available, created_at, updated_at)",
        new_products,
        on_write("category_id"),
    )
    .await?;
    write_variants(conn, accepted, now).await?;
    let ids = accepted.iter().map(|a| a.product_id.to_string());
    recompute_listings(conn, ids.collect()).await
}

/// The option values (name as spelled, value) stored for each of `variant_ids`.
async fn stored_option_values(
    conn: &mut AnyConnection,
    variant_ids: Vec<String>,
) -> Result<HashMap<String, BTreeMap<String, String>>, StoreError> {
    let found = select_in(
        conn,
        "SELECT variant_id, name, value FROM variant_options WHERE variant_id IN ({})",
        variant_ids,
    )
    .await?;
    let mut stored: HashMap<String, BTreeMap<String, String>> = HashMap::new();
    for row in &found {
        stored
            .entry(get(row, "variant_id")?)
            .or_default()
            .insert(get(row, "name")?, get(row, "value")?);
    }
    Ok(stored)
}

/// Updates the variants with a known SKU (stock set to the file's figure, never below what
/// pending orders hold) and inserts the others. A known variant's option values are written anew
/// only when they differ from the file's (a re-import of an unchanged catalog rewrites none, nor
/// the option facet rows their triggers keep); a new variant's are inserted.
async fn write_variants(
    conn: &mut AnyConnection,
    accepted: &[Accepted<'_>],
    now: i64,
) -> Result<(), StoreError> {
    let known_ids = accepted
        .iter()
        .flat_map(|p| {
            p.item
                .variants
                .iter()
                .filter_map(|v| p.known.get(v.sku.as_str()))
        })
        .map(Uuid::to_string)
        .collect();
    let stored = stored_option_values(conn, known_ids).await?;
    let mut new_variants = Vec::new();
    let mut rewritten = Vec::new();
    let mut option_rows = Vec::new();
    for product in accepted {
        for variant in &product.item.variants {
            let variant_id = match product.known.get(variant.sku.as_str()) {
                Some(id) => {
                    sqlx::query(
                        "UPDATE variants SET price_minor = $2, currency = $3, \
                         compare_at_minor = $4, weight_grams = $5, \
                         on_hand = CASE WHEN $6 < reserved THEN reserved ELSE $6 END \
                         WHERE id = $1 AND NOT (price_minor = $2 AND currency = $3 \
                         AND compare_at_minor IS NOT DISTINCT FROM $4 \
                         AND weight_grams IS NOT DISTINCT FROM $5 \
                         AND on_hand = CASE WHEN $6 < reserved THEN reserved ELSE $6 END)",
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
                    let unchanged = stored
                        .get(&id.to_string())
                        .map_or(variant.option_values.is_empty(), |values| {
                            *values == variant.option_values
                        });
                    if unchanged {
                        continue;
                    }
                    rewritten.push(id.to_string());
                    *id
                }
                None => {
                    let id = Uuid::now_v7();
                    new_variants.push(vec![
                        Arg::Text(id.to_string()),
                        Arg::Text(product.product_id.to_string()),
                        Arg::Text(variant.sku.as_str().to_owned()),
                        Arg::Int(variant.price.amount_minor),
                        Arg::Text(variant.price.currency.code().to_owned()),
                        Arg::OptInt(variant.compare_at_price.map(|m| m.amount_minor)),
                        Arg::OptInt(variant.weight_grams),
                        Arg::Int(i64::from(variant.on_hand)),
                        Arg::Int(0),
                        Arg::Int(now),
                        Arg::OptText(None),
                    ]);
                    id
                }
            };
            for (name, value) in &variant.option_values {
                option_rows.push(vec![
                    Arg::Text(variant_id.to_string()),
                    Arg::Text(name.clone()),
                    Arg::Text(name.to_lowercase()),
                    Arg::Text(value.clone()),
                ]);
            }
        }
    }
    execute_in(
        conn,
        "DELETE FROM variant_options WHERE variant_id IN ({})",
        rewritten,
    )
    .await?;
    insert_rows(
        conn,
        "variants (id, product_id, sku, price_minor, currency, compare_at_minor, weight_grams, \
         on_hand, reserved, created_at, material_variant)",
        new_variants,
        db,
    )
    .await?;
    insert_rows(
        conn,
        "variant_options (variant_id, name, name_key, value)",
        option_rows,
        db,
    )
    .await
}
