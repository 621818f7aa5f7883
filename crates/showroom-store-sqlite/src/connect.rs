//! Opening the SQLite catalog: check the URL, create the file's directory, open a pool whose every
//! connection gets the same pragmas, run the migrations, and wrap it all in the shared
//! [`SqlCatalog`]. A bad URL is `Invalid`, a file that cannot be opened is `Unavailable`, both with
//! a message that names the URL's path.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use showroom_store::{DynCatalogStore, StoreError};
use showroom_store_sql::{install_drivers, SqlCatalog};
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::Executor;

use crate::SqliteDialect;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Run on every new connection. `busy_timeout` comes first so the switch to WAL, which needs a
/// brief exclusive lock, waits for other connections instead of failing. `mmap_size` lets reads
/// use the first GiB of the file in place, shared by every connection, instead of copying each
/// page into the connection's own 2 MB cache with a system call (at 100,000 products a cold
/// list or search read thousands of pages that way: a fifth of its CPU time). Writes and the WAL
/// are unchanged.
const PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                       PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
                       PRAGMA mmap_size = 1073741824;";

/// Pool sizing. SQLite has one writer at a time, so a few connections are enough for readers.
#[derive(Debug, Clone)]
pub struct SqliteSettings {
    pub max_connections: u32,
    /// How long a caller waits for a free connection before `Unavailable`.
    pub acquire_timeout: Duration,
}

impl Default for SqliteSettings {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// Opens (creating if missing) and migrates the database at `url`; the entry point of the binary.
pub async fn connect(url: &str) -> Result<DynCatalogStore, StoreError> {
    connect_with(url, &SqliteSettings::default()).await
}

/// [`connect`] with explicit pool settings.
pub async fn connect_with(
    url: &str,
    settings: &SqliteSettings,
) -> Result<DynCatalogStore, StoreError> {
    Ok(Arc::new(open(url, settings).await?))
}

/// Like [`connect_with`], returning the concrete store (its pool is reachable for tests and tools).
pub async fn open(url: &str, settings: &SqliteSettings) -> Result<SqlCatalog, StoreError> {
    install_drivers();
    let target = Target::parse(url)?;
    if let Some(dir) = target.directory() {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Unavailable(
                format!(
                    "cannot create the directory {} for the database: {e}",
                    dir.display()
                )
                .into(),
            )
        })?;
    }
    // sqlx pings every connection before handing it out (`test_before_acquire`): for SQLite a
    // round trip to the connection's worker thread (two thread wake-ups) on every read, as many
    // as a one-statement read needs for its statement. A SQLite connection is a file handle in
    // this process that nothing outside can break while it sits idle (unlike a network
    // connection), and sqlx still pings each one when it comes back to the pool, closing it if
    // that fails.
    let mut options = AnyPoolOptions::new()
        .acquire_timeout(settings.acquire_timeout)
        .test_before_acquire(false)
        .after_connect(|conn, _meta| {
            Box::pin(async move { conn.execute(PRAGMAS).await.map(drop) })
        });
    options = if target.in_memory {
        // Each connection to `sqlite::memory:` is a new empty database: keep exactly one, forever.
        options
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
    } else {
        options.max_connections(settings.max_connections.max(1))
    };
    let pool = options.connect(&target.url).await.map_err(|e| {
        StoreError::Unavailable(
            format!("cannot open the SQLite database {}: {e}", target.shown).into(),
        )
    })?;
    MIGRATOR.run(&pool).await.map_err(|e| {
        StoreError::Internal(
            format!("migrating the SQLite database {} failed: {e}", target.shown).into(),
        )
    })?;
    Ok(SqlCatalog::new(pool, SqliteDialect))
}

/// A checked database URL and what it names.
struct Target {
    /// The URL handed to sqlx, with `mode=rwc` added unless the caller chose a mode.
    url: String,
    /// The file path, for messages.
    shown: String,
    filename: std::path::PathBuf,
    in_memory: bool,
}

impl Target {
    fn parse(url: &str) -> Result<Self, StoreError> {
        let invalid = |why: String| StoreError::invalid("database_url", why);
        if !url.starts_with("sqlite:") {
            return Err(invalid(
                "a SQLite URL starts with `sqlite:`, e.g. `sqlite://data/showroom.db`".into(),
            ));
        }
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| invalid(format!("`{url}` is not a SQLite URL: {e}")))?;
        let filename = options.get_filename().to_path_buf();
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if !in_memory && filename.as_os_str().is_empty() {
            return Err(invalid(format!("`{url}` names no database file")));
        }
        let url = if in_memory || url.contains("mode=") {
            url.to_owned()
        } else if url.contains('?') {
            format!("{url}&mode=rwc")
        } else {
            format!("{url}?mode=rwc")
        };
        Ok(Self {
            url,
            shown: filename.display().to_string(),
            filename,
            in_memory,
        })
    }

    /// The directory to create for a file database, if it has one.
    fn directory(&self) -> Option<&Path> {
        if self.in_memory {
            return None;
        }
        self.filename
            .parent()
            .filter(|dir| !dir.as_os_str().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_opened_for_creation() {
        let target = Target::parse("sqlite://data/shop.db").unwrap();
        assert_eq!(target.url, "sqlite://data/shop.db?mode=rwc");
        assert_eq!(target.directory(), Some(Path::new("data")));
        assert!(Target::parse("sqlite::memory:").unwrap().in_memory);
        assert_eq!(
            Target::parse("sqlite://shop.db?mode=ro").unwrap().url,
            "sqlite://shop.db?mode=ro"
        );
        assert!(matches!(
            Target::parse("postgres://x/y"),
            Err(StoreError::Invalid { .. })
        ));
        assert!(matches!(
            Target::parse("sqlite://shop.db?mode=banana"),
            Err(StoreError::Invalid { .. })
        ));
    }
}
