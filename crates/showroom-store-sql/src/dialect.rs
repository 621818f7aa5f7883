//! What really differs between the engines, supplied by each backend crate. Everything not here is
//! written once in portable SQL; keeping the trait this small is the point.
//!
//! Keeping the search index current is the schema's job, not the dialect's: on both engines
//! triggers on `products` keep the full-text index and the narrow `products_search` table (status,
//! in stock, title key) in step, so no write path can forget them.

/// The engine-specific parts of the catalog's SQL.
pub trait Dialect: Send + Sync + 'static {
    /// `"sqlite"` or `"postgres"`, reported by [`showroom_store::StoreHealth::backend_name`].
    fn name(&self) -> &'static str;

    /// The statement that opens a write transaction. SQLite needs `BEGIN IMMEDIATE` so the write
    /// lock is taken (waiting up to `busy_timeout`) before anything is read; a deferred
    /// transaction that reads first can fail with `SQLITE_BUSY` when it later tries to write.
    fn begin_write(&self) -> &'static str {
        "BEGIN"
    }

    /// A condition, always true, ANDed into the `WHERE` clause of a one-statement write whose
    /// commit may reach the disk a moment after it returns: on PostgreSQL it turns
    /// `synchronous_commit` off until that statement's own transaction ends, so its commit
    /// record is flushed by the next synchronous commit or by the WAL writer (within about
    /// 0.6 s), without a round trip of its own. Used only for writes that a synchronous commit
    /// always follows before anyone is told of them, or whose loss in a crash is repaired anyway
    /// (see `order_state.rs`, `outbox.rs`): a crash can undo such a write, never half-write it.
    /// `None` where commits do not wait for the disk one by one (SQLite in WAL mode).
    fn deferred_flush_condition(&self) -> Option<&'static str> {
        None
    }

    /// A statement run first when a category moves, so two concurrent moves cannot together build a
    /// cycle that neither sees alone. `None` when [`Dialect::begin_write`] already serializes
    /// writers (SQLite).
    fn lock_category_tree(&self) -> Option<&'static str> {
        None
    }

    /// The products matching the search bound at placeholder `param` (e.g. `$4`), as rows of
    /// `products_search` aliased `s` (`s.product_id`, `s.status`, `s.in_stock`, `s.title_key`):
    /// a `FROM` fragment and the condition that selects the matches.
    fn search_matches(&self, param: &str) -> SearchMatches;

    /// An aggregate over the rows a `SELECT` reads: one JSON text, an array with one array of
    /// `columns` (a comma-separated list of text and integer expressions) per row, `[]` for no
    /// rows. Thousands of rows then cross the driver as one value, which on SQLite is several
    /// times cheaper than as rows.
    fn json_rows(&self, columns: &str) -> String;

    /// The value bound at that placeholder. `terms` is never empty; every term must match, by
    /// one of its alternatives, each holding only alphanumeric characters (see
    /// [`crate::search_words`] and [`crate::SearchTerm`]): as a prefix when `prefix` is set, else
    /// as a whole word.
    fn search_argument(&self, terms: &[crate::SearchTerm]) -> String;

    /// The locking clause that ends the job-claim `SELECT` over the jobs table aliased `alias`:
    /// PostgreSQL's ` FOR UPDATE OF j SKIP LOCKED` lets concurrent workers pass each other's
    /// claims. Empty when [`Dialect::begin_write`] already serializes writers (SQLite).
    fn skip_locked(&self, alias: &str) -> String {
        let _ = alias;
        String::new()
    }

    /// The clause that locks the rows a `SELECT` read until the transaction ends: ` FOR UPDATE`.
    /// Empty when [`Dialect::begin_write`] already serializes writers (SQLite).
    fn for_update(&self) -> &'static str {
        " FOR UPDATE"
    }

    /// A statement, run inside the checkout transaction, that takes the next order sequence value
    /// and returns it as the BIGINT column `n`. It must never return a value twice; gaps are fine.
    fn next_order_number(&self) -> &'static str;

    /// Whether `INSERT`s may stand in a `WITH` clause (PostgreSQL), so that the writes of one step
    /// reach the server as one statement: one round trip instead of several. When `true`,
    /// [`Dialect::next_order_number`] must also work as a scalar subquery. SQLite, whose writes do
    /// not cross a network, sends them one by one.
    fn writes_in_with(&self) -> bool {
        false
    }

    /// A statement that refreshes the planner's statistics of the catalog tables after a bulk
    /// write, so the next reads use their indexes: PostgreSQL plans from the statistics it last
    /// gathered and, before autovacuum runs, may scan a whole freshly imported table. `None`
    /// where that would hurt: with `ANALYZE` statistics SQLite counts a category's option facet
    /// by walking every option value in index order (523 ms instead of 54 ms at 100,000
    /// products), so SQLite keeps planning without them.
    fn refresh_catalog_statistics(&self) -> Option<&'static str> {
        None
    }
}

/// The matches of a search (see [`Dialect::search_matches`]): `SELECT … FROM {from} WHERE
/// {condition}` reads them as rows of `products_search` aliased `s`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchMatches {
    pub from: String,
    pub condition: String,
}
