//! The SQLite dialect: FTS5 search and immediate write transactions.

use showroom_store_sql::{Dialect, SearchTerm};

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

    /// The matches' product ids through `products_fts_rows` (by the FTS row id, its own index)
    /// rather than the FTS5 table's `product_id` column, which reads each match's content row.
    fn search_predicate(&self, param: &str) -> String {
        format!(
            "p.id IN (SELECT r.product_id FROM products_fts f \
             JOIN products_fts_rows r ON r.fts_rowid = f.rowid WHERE products_fts MATCH {param})"
        )
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
