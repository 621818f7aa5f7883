//! Reading a category's [`FacetBase`]: its products (own category, cheapest price,
//! availability) and their option values from `product_option_values`, narrowed by the same
//! category and status conditions the facets' statements use ([`category_and_status`]), on one
//! pooled connection. Two short index ranges and the category names; no variant is read. Each
//! range comes back as one JSON value ([`Dialect::json_rows`]): for a category of 10,000
//! products, 40,000 rows as rows cost SQLite's driver ~250 ms, as one value ~40 ms.
//!
//! The products and their values are two statements, like the two statements
//! `product_facets` counts with: a value whose product was written between them is left out,
//! as that product is then missing from one of `product_facets`' counts too.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::Hash;

use serde::de::DeserializeOwned;
use showroom_domain::{ProductStatus, Slug};
use showroom_store::{BaseCategory, BaseProduct, BaseValue, FacetBase, ProductQuery, StoreError};
use sqlx::AnyConnection;

use crate::error::{corrupt, db};
use crate::filters::{category_and_status, resolve};
use crate::rows;
use crate::sql::{in_list, Sql};
use crate::Dialect;

/// A product's row: id, category id, cheapest price, units available.
type ProductRow = (String, Option<String>, Option<i64>, i64);
/// An option value's row: product id, the name's key, the value, the name.
type ValueRow = (String, String, String, String);

pub(crate) async fn facet_base(
    conn: &mut AnyConnection,
    dialect: &dyn Dialect,
    category: &Slug,
    status: Option<ProductStatus>,
) -> Result<Option<FacetBase>, StoreError> {
    let query = ProductQuery {
        category: Some(category.clone()),
        status,
        ..ProductQuery::default()
    };
    let Some(resolved) = resolve(&mut *conn, &query).await? else {
        return Ok(None);
    };
    let product_rows: Vec<ProductRow> = json_rows(
        conn,
        dialect,
        "p.id, p.category_id, p.price_min_minor, p.available",
        "products p",
        &|sql| category_and_status(sql, &query, &resolved, "p"),
    )
    .await?;
    let value_rows: Vec<ValueRow> = json_rows(
        conn,
        dialect,
        "o.product_id, o.name_key, o.value, o.name",
        "product_option_values o",
        &|sql| category_and_status(sql, &query, &resolved, "o"),
    )
    .await?;
    let categories =
        category_names(conn, resolved.categories.as_deref().unwrap_or_default()).await?;

    let mut base = FacetBase {
        category: query.category,
        status,
        ..FacetBase::default()
    };
    let mut category_index = HashMap::new();
    let mut product_index = HashMap::with_capacity(product_rows.len());
    for (id, category_id, price_min_minor, available) in product_rows {
        // A category deleted between the statements is no category, as the facets' join reads it.
        let category = category_id
            .filter(|id| categories.contains_key(id))
            .map(|id| {
                intern(&mut category_index, &mut base.categories, id, |id| {
                    let (slug, name) = &categories[id];
                    BaseCategory {
                        slug: slug.clone(),
                        name: name.clone(),
                    }
                })
            });
        product_index.insert(id, base.products.len());
        base.products.push(BaseProduct {
            category,
            price_min_minor,
            available: available > 0,
            values: Vec::new(),
        });
    }
    let mut value_index = HashMap::new();
    for (product_id, name_key, value, name) in value_rows {
        let Some(&product) = product_index.get(&product_id) else {
            continue; // written between the statements
        };
        let value = BaseValue {
            name_key,
            value,
            name,
        };
        let i = intern(&mut value_index, &mut base.values, value, BaseValue::clone);
        base.products[product].values.push(i);
    }
    Ok(Some(base))
}

/// The index in `list` of the item `key` names, made by `make` and pushed on first sight.
fn intern<K: Hash + Eq, T>(
    index: &mut HashMap<K, u32>,
    list: &mut Vec<T>,
    key: K,
    make: impl FnOnce(&K) -> T,
) -> u32 {
    match index.entry(key) {
        Entry::Occupied(found) => *found.get(),
        Entry::Vacant(new) => {
            list.push(make(new.key()));
            *new.insert(list.len() as u32 - 1)
        }
    }
}

/// The `columns` of every row of `from` that the conditions `filters` writes select, read as
/// one JSON value ([`Dialect::json_rows`]) and decoded as `T`s.
async fn json_rows<T: DeserializeOwned>(
    conn: &mut AnyConnection,
    dialect: &dyn Dialect,
    columns: &str,
    from: &str,
    filters: &(dyn Fn(&mut Sql) -> Vec<String> + Sync),
) -> Result<Vec<T>, StoreError> {
    let mut sql = Sql::default();
    let conditions = filters(&mut sql).join(" AND ");
    sql.push(&format!(
        "SELECT {} AS found FROM {from} WHERE {conditions}",
        dialect.json_rows(columns)
    ));
    let row = sql.query().fetch_one(&mut *conn).await.map_err(db)?;
    let found: String = rows::get(&row, "found")?;
    serde_json::from_str(&found).map_err(|e| corrupt("facet base rows", e.to_string()))
}

/// Slug and name by id of the categories `ids`.
async fn category_names(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<HashMap<String, (Slug, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut sql = Sql::default();
    let list = in_list(&mut sql, ids.iter().cloned());
    sql.push(&format!(
        "SELECT c.id, c.slug, c.name FROM categories c WHERE c.id IN ({list})"
    ));
    let found = sql.query().fetch_all(&mut *conn).await.map_err(db)?;
    found
        .iter()
        .map(|row| {
            let slug: String = rows::get(row, "slug")?;
            Ok((
                rows::get(row, "id")?,
                (
                    Slug::parse(&slug).map_err(|e| corrupt("category slug", e.0))?,
                    rows::get(row, "name")?,
                ),
            ))
        })
        .collect()
}
