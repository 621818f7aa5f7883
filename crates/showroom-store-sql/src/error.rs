//! Turns sqlx errors into the few outcomes callers tell apart. Both drivers report unique and
//! foreign-key violations through sqlx's `ErrorKind`, so this needs no dialect; the field a unique
//! violation names is read from the constraint name (PostgreSQL: `variants_sku_key`) or the
//! message (SQLite: `UNIQUE constraint failed: variants.sku`).

use showroom_store::StoreError;
use sqlx::error::{DatabaseError, ErrorKind};

/// Maps an error from a statement whose foreign keys, if violated, mean `fk_field` names something
/// that does not exist.
pub(crate) fn on_write(fk_field: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |err| classify(err, fk_field)
}

/// Maps an error from a statement without foreign keys worth naming.
pub(crate) fn db(err: sqlx::Error) -> StoreError {
    classify(err, "id")
}

fn classify(err: sqlx::Error, fk_field: &'static str) -> StoreError {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => StoreError::Unavailable(Box::new(err)),
        sqlx::Error::Database(ref db) => match db.kind() {
            ErrorKind::UniqueViolation => unique_conflict(db.as_ref()),
            ErrorKind::ForeignKeyViolation => StoreError::invalid(
                fk_field,
                format!("`{fk_field}` refers to something that does not exist"),
            ),
            _ if is_transient(db.as_ref()) => StoreError::Unavailable(Box::new(err)),
            _ => StoreError::Internal(Box::new(err)),
        },
        other => StoreError::Internal(Box::new(other)),
    }
}

fn unique_conflict(db: &dyn DatabaseError) -> StoreError {
    let text = format!("{} {}", db.constraint().unwrap_or_default(), db.message());
    if text.contains("sku") {
        StoreError::conflict("sku", "that SKU is already taken")
    } else if text.contains("discount_codes") {
        StoreError::conflict("code", "that discount code already exists")
    } else if text.contains("email") {
        StoreError::conflict("email", "an account with that email address already exists")
    } else if text.contains("slug") {
        StoreError::conflict("slug", "that slug is already taken")
    } else {
        StoreError::conflict("id", "that record already exists")
    }
}

/// Errors a retry may cure: SQLite busy/locked (codes 5, 6 and their extended forms), PostgreSQL
/// connection loss (class 08), shutdown (57P), serialization failures and deadlocks.
fn is_transient(db: &dyn DatabaseError) -> bool {
    let Some(code) = db.code() else { return false };
    let sqlite_busy = code.parse::<i64>().is_ok_and(|c| matches!(c & 0xff, 5 | 6));
    let postgres_retry =
        code.starts_with("08") || code.starts_with("57P") || code == "40001" || code == "40P01";
    sqlite_busy || postgres_retry
}

/// A stored value this code did not write (or a newer version wrote): a bug or a bad migration,
/// never user input.
pub(crate) fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(format!("stored {what} is malformed: {detail}").into())
}
