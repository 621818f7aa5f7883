//! The SQLite dialect: FTS5 search and immediate write transactions.

use showroom_store_sql::{Dialect, SearchMatches, SearchTerm};

/// SQLite's answers to the questions [`Dialect`] asks.
#[derive(Debug, Clone, Copy, Default)]
pub struct SqliteDialect;

impl Dialect for SqliteDialect {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn begin_write(&self) -> &'static str {
        "BEGIN IMMEDIATE"
    }

    /// `BEGIN IMMEDIATE` already holds the database's write lock.
    fn for_update(&self) -> &'static str {
        ""
    }

    /// One writer at a time, so a counter row is unique and never contended.
    fn next_order_number(&self) -> &'static str {
        "UPDATE order_counter SET last_value = last_value + 1 WHERE id = 1 RETURNING last_value AS n"
    }

    /// The full-text matches joined to `products_search` by the FTS row id, its primary key: the
    /// matches come in row id order, so their rows are read in order. `CROSS JOIN` keeps SQLite
    /// from starting at `products_search` (by status, say) and probing the index per product.
    fn search_matches(&self, param: &str) -> SearchMatches {
        SearchMatches {
            from: "products_fts f CROSS JOIN products_search s ON s.fts_rowid = f.rowid".into(),
            condition: format!("products_fts MATCH {param}"),
        }
    }

    fn json_rows(&self, columns: &str) -> String {
        format!("json_group_array(json_array({columns}))")
    }

    /// `"oak"* AND ("chair" OR "chia")`: each word a quoted FTS5 string (so `NEAR`, `OR` and
    /// `*` in user text are just words), with a prefix star when typed, or its corrections.
    fn search_argument(&self, terms: &[SearchTerm]) -> String {
        terms
            .iter()
            .map(|term| {
                let star = if term.prefix { "*" } else { "" };
                let each: Vec<String> = term
                    .alternatives
                    .iter()
                    .map(|w| format!("\"{w}\"{star}"))
                    .collect();
                format!("({})", each.join(" OR "))
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }
}
