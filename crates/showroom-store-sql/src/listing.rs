//! The product listing: filters, one of five sorts, and keyset pagination, assembled as one
//! statement over the denormalized `products` columns. Every filter value is a bound placeholder.
//!
//! Each sort orders by `(key, id)` and a cursor resumes with a row-value comparison
//! `(key, id) > ($k, $id)` (or `<` for descending sorts), so a page never skips or repeats a row
//! however many rows are inserted before it. Products without a variant have no price; the price
//! sorts put them last in both directions (the `COALESCE` sentinels, matched by expression
//! indexes in both schemas).
//!
//! A search ranked by relevance starts from its matches in `products_search` (see
//! [`Dialect::search_matches`]), which carries what the ranking, the status and the in-stock
//! filter read; the products themselves are joined only for a filter on another column (category,
//! price, option), and the page's whole rows are read by primary key at the end.

use showroom_store::{
    Cursor, CursorKey, Page, ProductQuery, ProductSort, ProductSummary, StoreError, MAX_PAGE_SIZE,
};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use crate::error::db;
use crate::filters::{push_filters, resolve, Resolved, Shape};
use crate::read::covers;
use crate::rows::{self, PRODUCT_COLUMNS};
use crate::search_terms::SearchTerm;
use crate::sql::{Arg, Sql};
use crate::Dialect;

/// The columns a ranking reads, in the table a statement lists from.
struct RankedColumns {
    title_key: &'static str,
    /// A boolean expression: the product has units available.
    in_stock: &'static str,
}

/// A listing from `products` itself.
const PRODUCT_ROWS: RankedColumns = RankedColumns {
    title_key: "p.title_key",
    in_stock: "p.available > 0",
};
/// A search's matches in `products_search`.
const SEARCH_ROWS: RankedColumns = RankedColumns {
    title_key: "s.title_key",
    in_stock: "s.in_stock",
};

/// The sort key expression and whether it descends. Relevance registers its words as values.
fn sort_key(
    sql: &mut Sql,
    sort: ProductSort,
    terms: &[SearchTerm],
    rows: &RankedColumns,
) -> (String, bool) {
    match sort {
        ProductSort::Newest => ("p.created_at".into(), true),
        ProductSort::PriceAsc => (
            "COALESCE(p.price_min_minor, 9223372036854775807)".into(),
            false,
        ),
        ProductSort::PriceDesc => ("COALESCE(p.price_min_minor, -1)".into(), true),
        ProductSort::Title => ("p.title_key".into(), false),
        ProductSort::Relevance => (relevance(sql, terms, rows), true),
    }
}

/// An integer that ranks the best match highest: 2 points per searched word found in the title
/// (any of its corrections), 1 more when the title begins with the first word, all doubled, plus 1
/// when the product has units available, so availability breaks ties between equal matches. The
/// words hold only letters and digits, so they are safe inside `LIKE` patterns.
fn relevance(sql: &mut Sql, terms: &[SearchTerm], rows: &RankedColumns) -> String {
    let title = rows.title_key;
    let mut points: Vec<String> = terms
        .iter()
        .map(|term| {
            let any: Vec<String> = term
                .alternatives
                .iter()
                .map(|w| format!("{title} LIKE {}", sql.arg(Arg::Text(format!("%{w}%")))))
                .collect();
            format!("CASE WHEN {} THEN 2 ELSE 0 END", any.join(" OR "))
        })
        .collect();
    if let Some(first) = terms.first() {
        let any: Vec<String> = first
            .alternatives
            .iter()
            .map(|w| format!("{title} LIKE {}", sql.arg(Arg::Text(format!("{w}%")))))
            .collect();
        points.push(format!("CASE WHEN {} THEN 1 ELSE 0 END", any.join(" OR ")));
    }
    points.push("0".into());
    format!(
        "(({}) * 2 + CASE WHEN {} THEN 1 ELSE 0 END)",
        points.join(" + "),
        rows.in_stock
    )
}

pub(crate) async fn list(
    conn: &mut AnyConnection,
    dialect: &dyn Dialect,
    query: &ProductQuery,
) -> Result<Page<ProductSummary>, StoreError> {
    let limit = query.limit.clamp(1, MAX_PAGE_SIZE);
    let Some(resolved) = resolve(&mut *conn, query).await? else {
        // No searchable word is left, or no such category: nothing can match.
        return Ok(Page {
            items: Vec::new(),
            next: None,
        });
    };
    let sql = build(dialect, query, limit, &resolved)?;
    let mut found = sql.query().fetch_all(&mut *conn).await.map_err(db)?;
    let has_more = found.len() > limit as usize;
    found.truncate(limit as usize);

    let next = match (has_more, found.last()) {
        (true, Some(last)) => Some(Cursor {
            sort: query.sort,
            key: match query.sort {
                ProductSort::Title => CursorKey::Text(rows::get(last, "sort_key")?),
                _ => CursorKey::Int(rows::get(last, "sort_key")?),
            },
            id: rows::uuid(last, "id")?,
        }),
        _ => None,
    };
    Ok(Page {
        items: summaries(conn, &found).await?,
        next,
    })
}

/// Best sellers (see `ProductReads::best_sellers`): the units sold per product since `since`,
/// summed in the database, joined to the products still for sale.
pub(crate) async fn best_sellers(
    conn: &mut AnyConnection,
    since: i64,
    limit: u32,
) -> Result<Vec<ProductSummary>, StoreError> {
    let sql = format!(
        "SELECT {PRODUCT_COLUMNS} FROM products p JOIN (\
           SELECT l.product_id, SUM(l.quantity) AS units FROM order_lines l \
           JOIN orders o ON o.id = l.order_id \
           WHERE o.state IN ('paid', 'fulfilled', 'partially_refunded') AND o.created_at >= $1 \
           GROUP BY l.product_id) sold ON sold.product_id = p.id \
         WHERE p.status = 'published' AND p.available > 0 \
         ORDER BY sold.units DESC, p.id LIMIT $2"
    );
    let found = sqlx::query(&sql)
        .bind(since)
        .bind(i64::from(limit.clamp(1, MAX_PAGE_SIZE)))
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
    summaries(conn, &found).await
}

/// The summaries of product rows (selected with `PRODUCT_COLUMNS`), in their order, each with
/// its cover image read in one further query for all of them.
async fn summaries(
    conn: &mut AnyConnection,
    found: &[AnyRow],
) -> Result<Vec<ProductSummary>, StoreError> {
    let heads = found
        .iter()
        .map(rows::product_head)
        .collect::<Result<Vec<_>, _>>()?;
    let ids: Vec<_> = heads.iter().map(|h| h.id).collect();
    let mut covers = covers(conn, &ids).await?;
    Ok(heads
        .into_iter()
        .map(|head| {
            let cover = covers.remove(&head.id);
            head.into_summary(cover)
        })
        .collect())
}

/// The listing statement over the query's resolved filters.
fn build(
    dialect: &dyn Dialect,
    query: &ProductQuery,
    limit: u32,
    resolved: &Resolved,
) -> Result<Sql, StoreError> {
    let mut sql = Sql::default();
    let terms = resolved.terms.as_deref();
    // Relevance is no index's order: every match is ranked before the page is known. Only the
    // id and the key are ranked, the page's whole rows read afterwards by primary key, so the
    // sort carries two narrow columns per match instead of whole products (a one-word search
    // ranks thousands of matches at 100,000 products). The other sorts follow an index and stop
    // at the page's end, so they read whole rows directly.
    let ranked = query.sort == ProductSort::Relevance;
    let (from, id, mut filters, rows) = match terms {
        Some(terms) if ranked => {
            let (from, filters) = ranked_search_source(&mut sql, dialect, query, resolved, terms);
            (from, "s.product_id", filters, &SEARCH_ROWS)
        }
        _ => {
            let filters = push_filters(&mut sql, dialect, query, resolved, Shape::Page);
            ("products p".to_owned(), "p.id", filters, &PRODUCT_ROWS)
        }
    };
    let (key, descending) = sort_key(&mut sql, query.sort, terms.unwrap_or_default(), rows);
    let columns = if ranked {
        format!("{id} AS id")
    } else {
        PRODUCT_COLUMNS.to_owned()
    };
    sql.push(&format!("SELECT {columns}, {key} AS sort_key FROM {from}"));
    if let Some(after) = &query.after {
        filters.push(resume_after(
            &mut sql, query.sort, after, &key, id, descending,
        )?);
    }

    if !filters.is_empty() {
        sql.push(" WHERE ").push(&filters.join(" AND "));
    }
    let direction = if descending { "DESC" } else { "ASC" };
    let fetch = sql.arg(Arg::Int(i64::from(limit) + 1));
    sql.push(&format!(
        " ORDER BY sort_key {direction}, {id} {direction} LIMIT {fetch}"
    ));
    if ranked {
        sql.wrap(
            &format!("SELECT {PRODUCT_COLUMNS}, r.sort_key AS sort_key FROM ("),
            &format!(") r JOIN products p ON p.id = r.id ORDER BY sort_key {direction}, p.id {direction}"),
        );
    }
    Ok(sql)
}

/// The `FROM` and conditions of a search ranked by relevance: its matches in `products_search`
/// (aliased `s`), filtered there by status and stock; the products (`p`) are joined only when
/// another filter reads their columns.
fn ranked_search_source(
    sql: &mut Sql,
    dialect: &dyn Dialect,
    query: &ProductQuery,
    resolved: &Resolved,
    terms: &[SearchTerm],
) -> (String, Vec<String>) {
    let param = sql.arg(Arg::Text(dialect.search_argument(terms)));
    let matches = dialect.search_matches(&param);
    let mut filters = vec![matches.condition];
    if let Some(wanted) = query.status {
        let wanted = sql.arg(Arg::Text(wanted.as_str().into()));
        filters.push(format!("s.status = {wanted}"));
    }
    if query.in_stock {
        filters.push(SEARCH_ROWS.in_stock.into());
    }
    let rest = ProductQuery {
        status: None,
        in_stock: false,
        search: None,
        ..query.clone()
    };
    let rest_resolved = Resolved {
        terms: None,
        categories: resolved.categories.clone(),
    };
    let product_filters = push_filters(sql, dialect, &rest, &rest_resolved, Shape::Page);
    let mut from = matches.from;
    if !product_filters.is_empty() {
        from.push_str(" JOIN products p ON p.id = s.product_id");
        filters.extend(product_filters);
    }
    (from, filters)
}

fn resume_after(
    sql: &mut Sql,
    sort: ProductSort,
    after: &Cursor,
    key: &str,
    id: &str,
    descending: bool,
) -> Result<String, StoreError> {
    if after.sort != sort {
        return Err(StoreError::invalid(
            "after",
            "the cursor was made for another sort",
        ));
    }
    let key_value = match &after.key {
        CursorKey::Int(value) => Arg::Int(*value),
        CursorKey::Text(value) => Arg::Text(value.clone()),
    };
    let key_param = sql.arg(key_value);
    let id_param = sql.arg(Arg::Text(after.id.to_string()));
    let op = if descending { "<" } else { ">" };
    Ok(format!("({key}, {id}) {op} ({key_param}, {id_param})"))
}
