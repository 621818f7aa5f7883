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
use sqlx::Connection;

use crate::PostgresDialect;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Pool sizing for one instance. Every instance of a scaled-out fleet opens its own pool, so the
/// total (instances × `max_connections`) must stay under the server's `max_connections`.
#[derive(Debug, Clone)]
pub struct PostgresSettings {
    pub max_connections: u32,
    /// How long a caller waits for a free connection before `Unavailable`.
    pub acquire_timeout: Duration,
    /// A connection idle longer than this is pinged before it is handed out (see [`open`]).
    pub check_after_idle: Duration,
}

impl Default for PostgresSettings {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(10),
            check_after_idle: Duration::from_secs(1),
        }
    }
}

/// Connections are closed after this long idle, and after this long at all, so the pool sheds
/// what a burst opened and no connection outlives a server-side change for long.
const IDLE_TIMEOUT: Duration = Duration::from_secs(600);
const MAX_LIFETIME: Duration = Duration::from_secs(1800);

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
    let check_after_idle = settings.check_after_idle;
    // sqlx pings every connection before handing it out (`test_before_acquire`): a round trip
    // per use, on a checkout's four uses the cost of a whole statement each. sqlx also pings each
    // connection when it comes back, and closes it if that fails, so a connection that a server
    // restart or a network fault broke while in use is never reused. What that misses is a
    // connection broken while it sat idle: only those that have been idle a while are pinged,
    // so after a restart (which takes longer than `check_after_idle`) the pool still drops every
    // dead connection before any query sees it.
    let pool = AnyPoolOptions::new()
        .max_connections(settings.max_connections.max(1))
        .acquire_timeout(settings.acquire_timeout)
        .idle_timeout(IDLE_TIMEOUT)
        .max_lifetime(MAX_LIFETIME)
        .test_before_acquire(false)
        .before_acquire(move |conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= check_after_idle {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
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
