//! Statements over many rows at once, for bulk writes (the catalog import): multi-row `INSERT`s
//! and `IN` lists, cut into chunks of a few hundred bound values however large the batch (far
//! below both engines' limits, and where SQLite prepares them fast: see [`MAX_ARGS`]).

use showroom_store::StoreError;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use crate::sql::{in_list, Arg, Sql};

/// Bound values per statement at most. SQLite looks its `$N` parameters up by name, a linear
/// search each, so a statement's preparation grows with the square of its parameters: 10,000
/// took over a second, while a few hundred cost microseconds apiece. PostgreSQL does not care;
/// a few more round trips per thousand rows are nothing.
const MAX_ARGS: usize = 500;

/// `INSERT INTO {into} VALUES (…), (…)` of `rows` (each as many values as `into` names columns),
/// as few statements as [`MAX_ARGS`] allows. `on_error` classifies a failed statement.
pub(crate) async fn insert_rows(
    conn: &mut AnyConnection,
    into: &str,
    rows: Vec<Vec<Arg>>,
    on_error: impl Fn(sqlx::Error) -> StoreError,
) -> Result<(), StoreError> {
    let width = rows.first().map_or(1, Vec::len).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut sql = Sql::default();
        let values: Vec<String> = rows
            .by_ref()
            .take(MAX_ARGS / width)
            .map(|row| {
                let cells: Vec<String> = row.into_iter().map(|value| sql.arg(value)).collect();
                format!("({})", cells.join(", "))
            })
            .collect();
        sql.push(&format!("INSERT INTO {into} VALUES {}", values.join(", ")));
        sql.query().execute(&mut *conn).await.map_err(&on_error)?;
    }
    Ok(())
}

/// The rows of `select`, whose text has one `{}` where the `IN` list of `values` goes, run over
/// chunks of [`MAX_ARGS`] values (none without values).
pub(crate) async fn select_in(
    conn: &mut AnyConnection,
    select: &str,
    values: Vec<String>,
) -> Result<Vec<AnyRow>, StoreError> {
    let mut found = Vec::new();
    for chunk in values.chunks(MAX_ARGS) {
        let mut sql = Sql::default();
        let list = in_list(&mut sql, chunk.iter().cloned());
        sql.push(&select.replacen("{}", &list, 1));
        found.extend(
            sql.query()
                .fetch_all(&mut *conn)
                .await
                .map_err(crate::error::db)?,
        );
    }
    Ok(found)
}

/// Runs `statement`, whose text has one `{}` where the `IN` list of `values` goes, over chunks of
/// [`MAX_ARGS`] values (not at all without values).
pub(crate) async fn execute_in(
    conn: &mut AnyConnection,
    statement: &str,
    values: Vec<String>,
) -> Result<(), StoreError> {
    for chunk in values.chunks(MAX_ARGS) {
        let mut sql = Sql::default();
        let list = in_list(&mut sql, chunk.iter().cloned());
        sql.push(&statement.replacen("{}", &list, 1));
        sql.query()
            .execute(&mut *conn)
            .await
            .map_err(crate::error::db)?;
    }
    Ok(())
}
