//! A small builder for statements assembled at run time (the product listing): text and bound
//! values grow together, so every value a caller supplies is a `$n` placeholder, never SQL text.

use showroom_store::StoreError;
use sqlx::any::{Any, AnyArguments};
use sqlx::query::Query;
use sqlx::AnyConnection;

use crate::error::db;

/// A value bound to a placeholder; the `Any` driver carries these types to every engine.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
    /// Text or SQL `NULL`.
    OptText(Option<String>),
    /// An integer or SQL `NULL`.
    OptInt(Option<i64>),
}

#[derive(Debug, Default)]
pub(crate) struct Sql {
    pub text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Puts `before` and `after` around the text so far (a statement becomes a subquery).
    pub fn wrap(&mut self, before: &str, after: &str) -> &mut Self {
        self.text = format!("{before}{}{after}", self.text);
        self
    }

    /// Registers a value and returns its placeholder (`$3`) to splice into the text.
    pub fn arg(&mut self, value: Arg) -> String {
        self.args.push(value);
        format!("${}", self.args.len())
    }

    pub fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        self.args
            .iter()
            .fold(sqlx::query(&self.text), |query, arg| match arg {
                Arg::Int(value) => query.bind(*value),
                Arg::Text(value) => query.bind(value.as_str()),
                Arg::OptText(value) => query.bind(value.as_deref()),
                Arg::OptInt(value) => query.bind(*value),
            })
    }
}

/// `$1, $2, ..` for an `IN (..)` list, registering each value.
pub(crate) fn in_list(sql: &mut Sql, values: impl IntoIterator<Item = String>) -> String {
    values
        .into_iter()
        .map(|v| sql.arg(Arg::Text(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Unix milliseconds now; the clock of every `created_at` / `updated_at` this store writes.
pub(crate) fn now_millis() -> i64 {
    showroom_store::unix_millis()
}

/// Runs `query`, an `INSERT … ON CONFLICT DO NOTHING` of one row: true when it inserted the
/// row, false when a row with its key was there already.
pub(crate) async fn insert_if_absent<'q>(
    query: Query<'q, Any, AnyArguments<'q>>,
    conn: &mut AnyConnection,
) -> Result<bool, StoreError> {
    let done = query.execute(conn).await.map_err(db)?;
    Ok(done.rows_affected() == 1)
}
