//! Facet counts over the products a listing's filters match: three grouped counts (category,
//! option value, price band) over the same filter conditions the listing uses
//! ([`crate::filters::push_filters`]), on one pooled connection.
//!
//! The option facet counts `product_option_values` (one row per product and value, with copies of
//! the product's category and status), so a category's facet is one index range and reads no
//! product and no variant; it reads `products` only for a price, stock or search filter. The
//! category and price facets read `products_category_listing_idx`, which carries every column
//! they need, rather than whole rows.

use std::collections::HashMap;

use showroom_domain::Slug;
use showroom_store::{
    price_bands, CategoryCount, OptionFacet, PriceBand, ProductFacets, ProductQuery, StoreError,
    ValueCount, MAX_FACET_VALUES,
};
use sqlx::AnyConnection;

use crate::error::{corrupt, db};
use crate::filters::{
    category_and_status, needs_products, option_filter, push_filters, resolve, Resolved, Shape,
};
use crate::rows;
use crate::sql::{Arg, Sql};
use crate::Dialect;

pub(crate) async fn facets(
    conn: &mut AnyConnection,
    dialect: &dyn Dialect,
    query: &ProductQuery,
    band_starts: &[i64],
) -> Result<ProductFacets, StoreError> {
    let Some(resolved) = resolve(&mut *conn, query).await? else {
        return Ok(empty(band_starts));
    };
    let (categories, bands) =
        categories_and_bands(conn, dialect, query, &resolved, band_starts).await?;
    Ok(ProductFacets {
        categories,
        options: options(conn, dialect, query, &resolved).await?,
        price_bands: bands,
    })
}

fn empty(band_starts: &[i64]) -> ProductFacets {
    ProductFacets {
        price_bands: price_bands(band_starts, &HashMap::new()),
        ..ProductFacets::default()
    }
}

/// `SELECT …` over the matching products aliased `p`, with `select` and `tail` around the filters
/// (`resolved`: the query's search words and category, looked up).
fn over_matching(
    dialect: &dyn Dialect,
    query: &ProductQuery,
    resolved: &Resolved,
    (select, tail): (&str, &str),
) -> Sql {
    let mut sql = Sql::default();
    let filters = push_filters(&mut sql, dialect, query, resolved, Shape::Count);
    sql.push(select).push(&where_clause(&filters)).push(tail);
    sql
}

/// ` WHERE a AND b`, or nothing without conditions.
fn where_clause(filters: &[String]) -> String {
    if filters.is_empty() {
        return String::new();
    }
    format!(" WHERE {}", filters.join(" AND "))
}

async fn options(
    conn: &mut AnyConnection,
    dialect: &dyn Dialect,
    query: &ProductQuery,
    resolved: &Resolved,
) -> Result<Vec<OptionFacet>, StoreError> {
    // One row per product and value (however many of its variants carry it), so a plain count
    // is the number of products, and no variant is read. The category and status narrow the
    // rows through their copies (one index range). A price, stock or search filter needs the
    // products: the matching ones are selected first and their values joined by primary key,
    // so the count reads only their rows (at 100,000 products, a category's filtered facet took
    // 20 ms as a scan of the category's values with a membership test, 1 ms joined).
    let mut sql = Sql::default();
    let from = if needs_products(query, resolved) {
        let products = push_filters(&mut sql, dialect, query, resolved, Shape::Count);
        format!(
            "(SELECT p.id FROM products p{}) m JOIN product_option_values o ON o.product_id = m.id",
            where_clause(&products)
        )
    } else {
        let mut filters = category_and_status(&mut sql, query, resolved, "o");
        if !query.option_values.is_empty() {
            filters.push(option_filter(
                &mut sql,
                query,
                resolved,
                "o.product_id",
                Shape::Count,
            ));
        }
        format!("product_option_values o{}", where_clause(&filters))
    };
    sql.push(&format!(
        "SELECT MIN(o.name) AS name, o.name_key, o.value, CAST(COUNT(*) AS BIGINT) AS n \
         FROM {from} GROUP BY o.name_key, o.value ORDER BY o.name_key, n DESC, o.value"
    ));
    let limit = sql.arg(Arg::Int(MAX_FACET_VALUES as i64));
    sql.push(&format!(" LIMIT {limit}"));
    let found = sql.query().fetch_all(&mut *conn).await.map_err(db)?;
    let mut facets: Vec<OptionFacet> = Vec::new();
    let mut last_key = None;
    for row in &found {
        let key: String = rows::get(row, "name_key")?;
        let value = ValueCount {
            value: rows::get(row, "value")?,
            count: rows::get(row, "n")?,
        };
        match facets.last_mut() {
            Some(facet) if last_key.as_ref() == Some(&key) => facet.values.push(value),
            _ => facets.push(OptionFacet {
                name: rows::get(row, "name")?,
                values: vec![value],
            }),
        }
        last_key = Some(key);
    }
    Ok(facets)
}

/// The category and price facets in one pass over the matching products: counts per category
/// and band, each row also carrying its category's total, so the rows come in the category
/// facet's order (most products first, then by name) and each band's count is their sum over
/// every category (products without one included).
async fn categories_and_bands(
    conn: &mut AnyConnection,
    dialect: &dyn Dialect,
    query: &ProductQuery,
    resolved: &Resolved,
    band_starts: &[i64],
) -> Result<(Vec<CategoryCount>, Vec<PriceBand>), StoreError> {
    // The band's index: the number of band starts at or below the price, less one.
    let mut index: Vec<String> = band_starts
        .iter()
        .map(|start| format!("CASE WHEN p.price_min_minor >= {start} THEN 1 ELSE 0 END"))
        .collect();
    index.push("0".into());
    let select = format!(
        "SELECT c.slug, c.name, CAST(({}) AS BIGINT) AS band, CAST(COUNT(*) AS BIGINT) AS n, \
         CAST(SUM(COUNT(*)) OVER (PARTITION BY c.slug) AS BIGINT) AS total \
         FROM products p LEFT JOIN categories c ON c.id = p.category_id",
        index.join(" + ")
    );
    let sql = over_matching(
        dialect,
        query,
        resolved,
        (
            &select,
            " GROUP BY c.slug, c.name, band ORDER BY total DESC, c.name, c.slug",
        ),
    );
    let found = sql.query().fetch_all(&mut *conn).await.map_err(db)?;
    let mut categories: Vec<CategoryCount> = Vec::new();
    let mut counts = HashMap::new();
    for row in &found {
        let n: i64 = rows::get(row, "n")?;
        *counts.entry(rows::get::<i64>(row, "band")?).or_insert(0) += n;
        let Some(slug) = rows::get::<Option<String>>(row, "slug")? else {
            continue;
        };
        if categories.last().is_some_and(|c| c.slug.as_str() == slug) {
            continue;
        }
        categories.push(CategoryCount {
            slug: Slug::parse(&slug).map_err(|e| corrupt("category slug", e.0))?,
            name: rows::get(row, "name")?,
            count: rows::get(row, "total")?,
        });
    }
    Ok((categories, price_bands(band_starts, &counts)))
}
