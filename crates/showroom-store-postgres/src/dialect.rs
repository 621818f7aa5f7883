//! The PostgreSQL dialect: `tsvector` search, a table lock that serializes category moves,
//! `SKIP LOCKED` job claims, and a sequence for order numbers.

use showroom_store_sql::{Dialect, SearchMatches, SearchTerm};

/// PostgreSQL's answers to the questions [`Dialect`] asks.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostgresDialect;

impl Dialect for PostgresDialect {
    fn name(&self) -> &'static str {
        "postgres"
    }

    /// `set_config(…, true)` lasts until the transaction ends, and a commit waits for the disk
    /// or not by the setting in force when it commits.
    fn deferred_flush_condition(&self) -> Option<&'static str> {
        Some("set_config('synchronous_commit', 'off', true) = 'off'")
    }

    /// Under READ COMMITTED two concurrent moves could each pass the cycle check and together make
    /// a cycle; this lock mode conflicts with itself, so moves queue. Reads are not blocked.
    fn lock_category_tree(&self) -> Option<&'static str> {
        Some("LOCK TABLE categories IN SHARE ROW EXCLUSIVE MODE")
    }

    /// A sequence never blocks concurrent checkouts; a rolled-back one leaves a gap.
    fn next_order_number(&self) -> &'static str {
        "SELECT nextval('order_number_seq') AS n"
    }

    fn writes_in_with(&self) -> bool {
        true
    }

    /// `VACUUM (ANALYZE)`, not only `ANALYZE`: vacuuming marks the freshly written pages
    /// all-visible, without which an index-only scan still visits every row's page and the
    /// planner, rightly, prefers scanning the whole table (the option facet of one category
    /// over all 300,000 option rows of a 100,000-product import: seconds instead of
    /// milliseconds). Sent alone, outside any transaction, as VACUUM requires.
    fn refresh_catalog_statistics(&self) -> Option<&'static str> {
        Some(
            "VACUUM (ANALYZE) categories, products, variants, variant_options, \
             product_option_values, media, search_terms, search_term_keys",
        )
    }

    /// `products_search` by its GIN index on the full-text document.
    fn search_matches(&self, param: &str) -> SearchMatches {
        SearchMatches {
            from: "products_search s".into(),
            condition: format!("s.search @@ to_tsquery('simple', {param})"),
        }
    }

    fn json_rows(&self, columns: &str) -> String {
        format!("CAST(COALESCE(json_agg(json_build_array({columns})), '[]') AS TEXT)")
    }

    /// `'oak':* & ('chair' | 'chia')`: each word quoted as a lexeme, with a prefix marker when
    /// typed, or its corrections. The words hold only letters and digits, so no quote or
    /// operator can appear inside them.
    fn search_argument(&self, terms: &[SearchTerm]) -> String {
        terms
            .iter()
            .map(|term| {
                let star = if term.prefix { ":*" } else { "" };
                let each: Vec<String> = term
                    .alternatives
                    .iter()
                    .map(|w| format!("'{w}'{star}"))
                    .collect();
                format!("({})", each.join(" | "))
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }

    fn skip_locked(&self, alias: &str) -> String {
        format!(" FOR UPDATE OF {alias} SKIP LOCKED")
    }
}
