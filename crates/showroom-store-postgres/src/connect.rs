//! Opening the PostgreSQL catalog: check the URL, open a pool, run the migrations, and wrap it in
//! the shared [`SqlCatalog`]. A bad URL is `Invalid`; a server that cannot be reached is
//! `Unavailable`, with the host in the message (never the password).

use std::sync::Arc;
use std::time::Duration;

use showroom_store::{DynCatalogStore, StoreError};
use showroom_store_sql::{install_drivers, SqlCatalog};
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::postgres::PgConnectOptions;

use crate::PostgresDialect;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Pool sizing for one instance. Every instance of a scaled-out fleet opens its own pool, so the
/// total (instances × `max_connections`) must stay under the server's `max_connections`.
#[derive(Debug, Clone)]
pub struct PostgresSettings {
    pub max_connections: u32,
    /// How long a caller waits for a free connection before `Unavailable`.
    pub acquire_timeout: Duration,
}

impl Default for PostgresSettings {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// Connects to and migrates the database at `url`; the entry point of the binary.
pub async fn connect(url: &str) -> Result<DynCatalogStore, StoreError> {
    connect_with(url, &PostgresSettings::default()).await
}

/// [`connect`] with explicit pool settings.
pub async fn connect_with(
    url: &str,
    settings: &PostgresSettings,
) -> Result<DynCatalogStore, StoreError> {
    Ok(Arc::new(open(url, settings).await?))
}

/// Like [`connect_with`], returning the concrete store (its pool is reachable for tests and tools).
pub async fn open(url: &str, settings: &PostgresSettings) -> Result<SqlCatalog, StoreError> {
    install_drivers();
    let (url, shown) = checked_url(url)?;
    let pool = AnyPoolOptions::new()
        .max_connections(settings.max_connections.max(1))
        .acquire_timeout(settings.acquire_timeout)
        .connect(&url)
        .await
        .map_err(|e| {
            StoreError::Unavailable(format!("cannot connect to PostgreSQL at {shown}: {e}").into())
        })?;
    // sqlx's migrator takes an advisory lock, so concurrent instances migrate one at a time.
    MIGRATOR.run(&pool).await.map_err(|e| {
        StoreError::Internal(
            format!("migrating the PostgreSQL database at {shown} failed: {e}").into(),
        )
    })?;
    Ok(SqlCatalog::new(pool, PostgresDialect))
}

/// The URL in the spelling the `Any` driver accepts, and `host:port/database` for messages.
fn checked_url(url: &str) -> Result<(String, String), StoreError> {
    let url = match url.strip_prefix("postgresql://") {
        Some(rest) => format!("postgres://{rest}"),
        None => url.to_owned(),
    };
    if !url.starts_with("postgres://") {
        return Err(StoreError::invalid(
            "database_url",
            "a PostgreSQL URL starts with `postgres://`",
        ));
    }
    let options: PgConnectOptions = url
        .parse()
        .map_err(|e| StoreError::invalid("database_url", format!("not a PostgreSQL URL: {e}")))?;
    let shown = format!(
        "{}:{}/{}",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or_default()
    );
    Ok((url, shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_passwords_are_never_shown() {
        let (url, shown) = checked_url("postgresql://app:s3cret@db:6543/shop").unwrap();
        assert_eq!(url, "postgres://app:s3cret@db:6543/shop");
        assert_eq!(shown, "db:6543/shop");
        assert!(matches!(
            checked_url("sqlite://x.db"),
            Err(StoreError::Invalid { .. })
        ));
        assert!(matches!(
            checked_url("postgres://db:notaport/x"),
            Err(StoreError::Invalid { .. })
        ));
    }
}
