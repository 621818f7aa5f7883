//! A listing's filters as SQL conditions, shared by the listing and its facets: what a query's
//! filters name is looked up first ([`resolve`]: the category tree, the corrected search words),
//! then [`push_filters`] turns them into conditions whose every value is a bound placeholder.
//!
//! The option facet counts `product_option_values`, which copies each product's category and
//! status: it uses [`category_and_status`] and [`option_filter`] over those rows directly, and the
//! products only when a filter needs another product column ([`needs_products`]).

use showroom_store::{ProductQuery, StoreError};
use sqlx::AnyConnection;

use crate::error::db;
use crate::rows;
use crate::search::search_words;
use crate::search_terms::{correct, SearchTerm};
use crate::sql::{in_list, Arg, Sql};
use crate::Dialect;

/// How a statement reads the rows its filters select, which decides how the option filter is
/// written so that both planners pick the cheap plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A page: rows are read in the sort's order until the page is full, so each is checked by
    /// one probe of its own option values (a correlated `EXISTS`). As a set (`IN`), PostgreSQL
    /// estimated many matches and started parallel workers for a 25-row page.
    Page,
    /// A count over every match: the option filter's products are selected once as a set,
    /// narrowed by the category and status their rows copy (one short index range).
    Count,
}

/// Whether a filter names a product column that `product_option_values` does not copy.
pub(crate) fn needs_products(query: &ProductQuery, resolved: &Resolved) -> bool {
    query.price_min.is_some()
        || query.price_max.is_some()
        || query.in_stock
        || resolved.terms.is_some()
}

/// The conditions of `query`'s filters over `products p`, pagination aside, with its category and
/// search words already [resolved](resolve). The category is a plain list of ids, so both
/// planners see how few products it selects and start from an index on it (with the tree as a
/// recursive CTE PostgreSQL assumed every category and joined every variant first).
pub(crate) fn push_filters(
    sql: &mut Sql,
    dialect: &dyn Dialect,
    query: &ProductQuery,
    resolved: &Resolved,
    shape: Shape,
) -> Vec<String> {
    let mut filters = category_and_status(sql, query, resolved, "p");
    if let Some(min) = query.price_min {
        filters.push(format!("p.price_min_minor >= {}", sql.arg(Arg::Int(min))));
    }
    if let Some(max) = query.price_max {
        filters.push(format!("p.price_min_minor <= {}", sql.arg(Arg::Int(max))));
    }
    if query.in_stock {
        filters.push("p.available > 0".into());
    }
    if let Some(terms) = resolved.terms.as_deref() {
        let param = sql.arg(Arg::Text(dialect.search_argument(terms)));
        let matches = dialect.search_matches(&param);
        filters.push(format!(
            "p.id IN (SELECT s.product_id FROM {} WHERE {})",
            matches.from, matches.condition
        ));
    }
    if !query.option_values.is_empty() {
        filters.push(option_filter(sql, query, resolved, "p.id", shape));
    }
    filters
}

/// The category and status conditions over the `category_id` and `status` columns of `alias`
/// (the products, or `product_option_values`, which copies both).
pub(crate) fn category_and_status(
    sql: &mut Sql,
    query: &ProductQuery,
    resolved: &Resolved,
    alias: &str,
) -> Vec<String> {
    let mut filters = Vec::new();
    if let Some(categories) = &resolved.categories {
        let ids = in_list(sql, categories.iter().cloned());
        filters.push(format!("{alias}.category_id IN ({ids})"));
    }
    if let Some(wanted) = query.status {
        let wanted = sql.arg(Arg::Text(wanted.as_str().into()));
        filters.push(format!("{alias}.status = {wanted}"));
    }
    filters
}

/// One variant of the product must carry every requested option value; names compare
/// case-insensitively (through the lowercased `name_key`), values exactly. Each value is looked up
/// in `product_option_values`, written as `shape` says; only when several are asked for must one
/// variant be found that carries them all together.
pub(crate) fn option_filter(
    sql: &mut Sql,
    query: &ProductQuery,
    resolved: &Resolved,
    id: &str,
    shape: Shape,
) -> String {
    let mut each = Vec::new();
    for (name, value) in &query.option_values {
        let name = sql.arg(Arg::Text(name.to_lowercase()));
        let value = sql.arg(Arg::Text(value.clone()));
        let offered = [format!("f.name_key = {name}"), format!("f.value = {value}")];
        each.push(match shape {
            Shape::Page => format!(
                "EXISTS (SELECT 1 FROM product_option_values f WHERE f.product_id = {id} AND {})",
                offered.join(" AND ")
            ),
            Shape::Count => {
                let mut narrowed = offered.to_vec();
                narrowed.extend(category_and_status(sql, query, resolved, "f"));
                format!(
                    "{id} IN (SELECT f.product_id FROM product_option_values f WHERE {})",
                    narrowed.join(" AND ")
                )
            }
        });
    }
    if query.option_values.len() > 1 {
        let together: Vec<String> = query
            .option_values
            .iter()
            .map(|(name, value)| {
                let name = sql.arg(Arg::Text(name.to_lowercase()));
                let value = sql.arg(Arg::Text(value.clone()));
                format!(
                    "EXISTS (SELECT 1 FROM variant_options vo WHERE vo.variant_id = v.id \
                     AND vo.name_key = {name} AND vo.value = {value})"
                )
            })
            .collect();
        each.push(format!(
            "EXISTS (SELECT 1 FROM variants v WHERE v.product_id = {id} AND {})",
            together.join(" AND ")
        ));
    }
    each.join(" AND ")
}

/// What a query's filters name, looked up before the statement is built.
pub(crate) struct Resolved {
    /// The search words as corrected; `None` without a search.
    pub terms: Option<Vec<SearchTerm>>,
    /// The category and every category below it; `None` without a category filter.
    pub categories: Option<Vec<String>>,
}

/// Looks up the query's search words and category tree; `None` when nothing can match (no
/// searchable word is left, or no category has the slug).
pub(crate) async fn resolve(
    conn: &mut AnyConnection,
    query: &ProductQuery,
) -> Result<Option<Resolved>, StoreError> {
    let Ok(terms) = search_terms_of(&mut *conn, query).await? else {
        return Ok(None);
    };
    let categories = match &query.category {
        None => None,
        Some(slug) => {
            let found = sqlx::query(
                "WITH RECURSIVE tree(id) AS (SELECT id FROM categories WHERE slug = $1 \
                 UNION SELECT c.id FROM categories c JOIN tree t ON c.parent_id = t.id) \
                 SELECT id FROM tree",
            )
            .bind(slug.as_str())
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
            if found.is_empty() {
                return Ok(None);
            }
            let ids = found
                .iter()
                .map(|row| rows::get::<String>(row, "id"))
                .collect::<Result<Vec<_>, _>>()?;
            Some(ids)
        }
    };
    Ok(Some(Resolved { terms, categories }))
}

/// The query's search words as corrected: `Ok(None)` without a search, `Err(())` when the
/// search has no searchable word left (nothing can match).
async fn search_terms_of(
    conn: &mut AnyConnection,
    query: &ProductQuery,
) -> Result<Result<Option<Vec<SearchTerm>>, ()>, StoreError> {
    let Some(search) = &query.search else {
        return Ok(Ok(None));
    };
    let words = search_words(search);
    if words.is_empty() {
        return Ok(Err(()));
    }
    Ok(Ok(Some(correct(conn, &words).await?)))
}
