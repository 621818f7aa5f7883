//! Facet counts over the products a listing's filters match: three grouped counts (category,
//! option value, price band) over the same filter conditions the listing uses
//! ([`crate::filters::push_filters`]), on one pooled connection.
//!
//! The option facet counts `product_option_values` (one row per product and value, with copies of
//! the product's category and status), so a category's facet is one index range and reads no
//! product and no variant; it joins `products` only for a price, stock or search filter. The
//! category and price facets read the narrow `products_filter_idx` rather than whole rows.

use std::collections::BTreeMap;

use showroom_domain::Slug;
use showroom_store::{
    CategoryCount, OptionFacet, PriceBand, ProductFacets, ProductQuery, StoreError, ValueCount,
    MAX_FACET_VALUES,
};
use sqlx::AnyConnection;

use crate::error::{corrupt, db};
use crate::filters::{needs_products, push_filters, resolve, Over, Resolved};
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
    Ok(ProductFacets {
        categories: categories(conn, dialect, query, &resolved).await?,
        options: options(conn, dialect, query, &resolved).await?,
        price_bands: price_bands(conn, dialect, query, &resolved, band_starts).await?,
    })
}

fn empty(band_starts: &[i64]) -> ProductFacets {
    ProductFacets {
        price_bands: bands(band_starts, &BTreeMap::new()),
        ..ProductFacets::default()
    }
}

/// `SELECT …` over the matching rows of `over`, with `select` and `tail` around the filters
/// (`resolved`: the query's search words and category, looked up).
fn over_matching(
    dialect: &dyn Dialect,
    query: &ProductQuery,
    resolved: &Resolved,
    over: Over,
    (select, tail): (&str, &str),
) -> Sql {
    let mut sql = Sql::default();
    let filters = push_filters(&mut sql, dialect, query, resolved, over);
    sql.push(select);
    if !filters.is_empty() {
        sql.push(" WHERE ").push(&filters.join(" AND "));
    }
    sql.push(tail);
    sql
}

async fn categories(
    conn: &mut AnyConnection,
    dialect: &dyn Dialect,
    query: &ProductQuery,
    resolved: &Resolved,
) -> Result<Vec<CategoryCount>, StoreError> {
    let sql = over_matching(
        dialect,
        query,
        resolved,
        Over::Products,
        (
            "SELECT c.slug, c.name, CAST(COUNT(*) AS BIGINT) AS n \
             FROM products p JOIN categories c ON c.id = p.category_id",
            " GROUP BY c.slug, c.name ORDER BY n DESC, c.name",
        ),
    );
    let found = sql.query().fetch_all(&mut *conn).await.map_err(db)?;
    found
        .iter()
        .map(|row| {
            let slug: String = rows::get(row, "slug")?;
            Ok(CategoryCount {
                slug: Slug::parse(&slug).map_err(|e| corrupt("category slug", e.0))?,
                name: rows::get(row, "name")?,
                count: rows::get(row, "n")?,
            })
        })
        .collect()
}

async fn options(
    conn: &mut AnyConnection,
    dialect: &dyn Dialect,
    query: &ProductQuery,
    resolved: &Resolved,
) -> Result<Vec<OptionFacet>, StoreError> {
    // One row per product and value (however many of its variants carry it), so a plain count
    // is the number of products, and no variant is read.
    let from = if needs_products(query, resolved) {
        "FROM product_option_values o JOIN products p ON p.id = o.product_id"
    } else {
        "FROM product_option_values o"
    };
    let select = format!(
        "SELECT MIN(o.name) AS name, o.name_key, o.value, CAST(COUNT(*) AS BIGINT) AS n {from}"
    );
    let mut sql = over_matching(
        dialect,
        query,
        resolved,
        Over::OptionValues,
        (
            &select,
            " GROUP BY o.name_key, o.value ORDER BY o.name_key, n DESC, o.value",
        ),
    );
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

async fn price_bands(
    conn: &mut AnyConnection,
    dialect: &dyn Dialect,
    query: &ProductQuery,
    resolved: &Resolved,
    band_starts: &[i64],
) -> Result<Vec<PriceBand>, StoreError> {
    if band_starts.is_empty() {
        return Ok(Vec::new());
    }
    // The band's index: the number of band starts at or below the price, less one.
    let index: Vec<String> = band_starts
        .iter()
        .map(|start| format!("CASE WHEN p.price_min_minor >= {start} THEN 1 ELSE 0 END"))
        .collect();
    let select = format!(
        "SELECT CAST(({}) AS BIGINT) AS band, CAST(COUNT(*) AS BIGINT) AS n FROM products p",
        index.join(" + ")
    );
    let sql = over_matching(
        dialect,
        query,
        resolved,
        Over::Products,
        (&select, " GROUP BY band"),
    );
    let found = sql.query().fetch_all(&mut *conn).await.map_err(db)?;
    let mut counts = BTreeMap::new();
    for row in &found {
        counts.insert(rows::get::<i64>(row, "band")?, rows::get::<i64>(row, "n")?);
    }
    Ok(bands(band_starts, &counts))
}

/// Every band in order with its count; band 0 (below the first start, or no price) is left out.
fn bands(band_starts: &[i64], counts: &BTreeMap<i64, i64>) -> Vec<PriceBand> {
    band_starts
        .iter()
        .enumerate()
        .map(|(i, start)| PriceBand {
            min: *start,
            max: band_starts.get(i + 1).copied(),
            count: counts.get(&(i as i64 + 1)).copied().unwrap_or(0),
        })
        .collect()
}
