//! The catalog contract suite against PostgreSQL.
//!
//! Reads `SHOWROOM_TEST_POSTGRES_URL` (e.g. `postgres://postgres@127.0.0.1:5432/test`); when it is
//! unset every test says so on stderr and passes. When set, each test creates its own database
//! `showroom_test_<uuid>` through a maintenance connection to that URL, runs against it with a
//! small pool (so many tests in parallel stay under the server's connection limit), and drops it
//! when the test ends, pass or fail.

use std::time::Duration;

use showroom_store::contract::Fixture;
use showroom_store::StoreHealth;
use showroom_store_postgres::{open, PostgresSettings};
use showroom_store_sql::SqlCatalog;
use sqlx::{Connection, Executor, PgConnection, Row};

const URL_VAR: &str = "SHOWROOM_TEST_POSTGRES_URL";

/// A database of one test's own on the server named by `SHOWROOM_TEST_POSTGRES_URL`; `None`
/// (after saying so) when the variable is unset.
struct TestDatabase {
    base: String,
    name: String,
}

impl TestDatabase {
    async fn create() -> Option<Self> {
        let Ok(base) = std::env::var(URL_VAR) else {
            eprintln!("skipping: {URL_VAR} is not set");
            return None;
        };
        let name = format!("showroom_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&base)
            .await
            .expect("connect to SHOWROOM_TEST_POSTGRES_URL");
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create a test database");
        admin.close().await.ok();
        Some(Self { base, name })
    }

    fn url(&self) -> String {
        with_database(&self.base, &self.name)
    }

    /// The store on this database, which is dropped when the fixture is.
    async fn store(mut self, settings: &PostgresSettings) -> Fixture {
        let store = open(&self.url(), settings)
            .await
            .expect("open the test database");
        let (base, name) = (self.base.clone(), std::mem::take(&mut self.name));
        Fixture::new(store).on_drop(move || drop_database(base, name))
    }

    /// Ends every connection to this database, as a server restart does; returns how many.
    async fn kill_connections(&self) -> i64 {
        let mut admin = PgConnection::connect(&self.base).await.expect("connect");
        let row = sqlx::query(
            "SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid()",
        )
        .bind(&self.name)
        .fetch_one(&mut admin)
        .await
        .expect("terminate the pool's connections");
        admin.close().await.ok();
        row.get("n")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if !self.name.is_empty() {
            drop_database(self.base.clone(), std::mem::take(&mut self.name));
        }
    }
}

async fn fresh_store() -> Option<Fixture> {
    let settings = PostgresSettings {
        max_connections: 4,
        ..PostgresSettings::default()
    };
    Some(TestDatabase::create().await?.store(&settings).await)
}

/// The same URL naming another database on the same server.
fn with_database(url: &str, database: &str) -> String {
    let (head, query) = url
        .split_once('?')
        .map_or((url, None), |(h, q)| (h, Some(q)));
    let authority_start = head.find("://").map_or(0, |i| i + 3);
    let path_start = head[authority_start..]
        .find('/')
        .map_or(head.len(), |i| authority_start + i);
    let mut out = format!("{}/{database}", &head[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// Runs on its own thread and runtime: it is called from `Drop`, inside the test's runtime, which
/// cannot be blocked on. `WITH (FORCE)` ends the pool's connections that are still open.
fn drop_database(base: String, name: String) {
    let dropped = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let mut admin = PgConnection::connect(&base).await?;
            admin
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await?;
            admin.close().await
        })
    })
    .join();
    if let Ok(Err(e)) = dropped {
        eprintln!("could not drop a test database: {e}");
    }
}

showroom_store::contract_suite!(fresh_store());

#[test]
fn test_urls_swap_only_the_database() {
    assert_eq!(
        with_database("postgres://u@h:5432/test", "x"),
        "postgres://u@h:5432/x"
    );
    assert_eq!(
        with_database("postgres://u@h/test?sslmode=disable", "x"),
        "postgres://u@h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}

#[tokio::test]
async fn unreachable_servers_and_foreign_urls_are_clear_errors() {
    use showroom_store::StoreError;
    let err = showroom_store_postgres::connect("mysql://nope")
        .await
        .err()
        .unwrap();
    showroom_store::contract::assert_invalid_database_url(&err);
    let settings = PostgresSettings {
        acquire_timeout: std::time::Duration::from_secs(2),
        ..PostgresSettings::default()
    };
    let err = showroom_store_postgres::connect_with(
        "postgres://nobody:secret@127.0.0.1:1/none",
        &settings,
    )
    .await
    .err()
    .unwrap();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    let shown = format!("{err:?}");
    assert!(
        shown.contains("127.0.0.1:1/none") && !shown.contains("secret"),
        "{shown}"
    );
}

/// A store whose `n` pooled connections all died while idle, as a PostgreSQL restart or a
/// network fault leaves them (the store must recover by itself); `None` without the URL.
async fn pool_whose_connections_died(
    n: u32,
    check_after_idle: Duration,
) -> Option<(TestDatabase, SqlCatalog)> {
    let database = TestDatabase::create().await?;
    let settings = PostgresSettings {
        max_connections: n,
        check_after_idle,
        ..PostgresSettings::default()
    };
    let store = open(&database.url(), &settings)
        .await
        .expect("open the test database");
    let mut held = Vec::new();
    for _ in 0..n {
        held.push(store.pool().acquire().await.expect("a connection"));
    }
    drop(held);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(database.kill_connections().await, i64::from(n));
    Some((database, store))
}

#[tokio::test]
async fn connections_killed_while_idle_are_replaced_before_any_call_sees_them() {
    let Some((_database, store)) = pool_whose_connections_died(3, Duration::from_millis(100)).await
    else {
        return;
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_pings(&store, 6, "after the connections died").await;
}

/// `calls` pings in a row all succeed.
async fn assert_pings(store: &SqlCatalog, calls: u32, when: &str) {
    for call in 0..calls {
        if let Err(e) = store.ping().await {
            panic!("call {call} {when}: {e}");
        }
    }
}

/// Why the idle check exists: unchecked, a dead connection fails the one call it is handed to
/// (sqlx then closes it), after which the pool opens a live one.
#[tokio::test]
async fn unchecked_a_dead_connection_fails_one_call_and_is_then_replaced() {
    let Some((_database, store)) = pool_whose_connections_died(1, Duration::from_secs(3600)).await
    else {
        return;
    };
    assert!(store.ping().await.is_err(), "the dead connection was used");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_pings(&store, 3, "after the failed one").await;
}

/// The deferred flush of a few best-effort order and mail writes is their own transaction's
/// alone: the condition turns `synchronous_commit` off inside it, and a pooled connection used
/// afterwards commits synchronously again.
#[tokio::test]
async fn a_deferred_flush_ends_with_its_transaction() {
    use showroom_store_postgres::PostgresDialect;
    use showroom_store_sql::Dialect;
    let Some(database) = TestDatabase::create().await else {
        return;
    };
    let settings = PostgresSettings {
        max_connections: 1,
        ..PostgresSettings::default()
    };
    let store = open(&database.url(), &settings)
        .await
        .expect("open the test database");
    let condition = PostgresDialect
        .deferred_flush_condition()
        .expect("PostgreSQL defers");
    let deferring = format!("SELECT current_setting('synchronous_commit') AS s WHERE {condition}");
    let show = "SELECT current_setting('synchronous_commit') AS s";
    let setting = |row: sqlx::any::AnyRow| row.get::<String, _>("s");

    let mut tx = store.pool().begin().await.expect("begin");
    let inside = sqlx::query(&deferring).fetch_one(&mut *tx).await;
    assert_eq!(setting(inside.expect("deferring select")), "off");
    let still = sqlx::query(show).fetch_one(&mut *tx).await;
    assert_eq!(
        setting(still.expect("show")),
        "off",
        "not for the whole transaction"
    );
    tx.commit().await.expect("commit");
    let after = sqlx::query(show).fetch_one(store.pool()).await;
    assert_eq!(
        setting(after.expect("show")),
        "on",
        "outlived its transaction"
    );

    // One statement alone is its own transaction, and so is the setting's life.
    sqlx::query(&deferring)
        .fetch_one(store.pool())
        .await
        .expect("deferring select");
    let next = sqlx::query(show).fetch_one(store.pool()).await;
    assert_eq!(setting(next.expect("show")), "on", "outlived its statement");
}

/// The common checkout and its payment are one statement each (see `checkout_one_statement.rs`
/// and `order_paid.rs` in `showroom-store-sql`), and whatever they cannot decide writes nothing
/// and is left to the transactions the contract suite tests.
#[tokio::test]
async fn the_common_checkout_and_its_payment_are_one_statement_each() {
    use showroom_store::contract::{checkout, line, stocked, HOLD};
    use showroom_store::DynCatalogStore;
    let Some(database) = TestDatabase::create().await else {
        return;
    };
    let store = open(&database.url(), &PostgresSettings::default())
        .await
        .expect("open the test database");
    let shared: DynCatalogStore = std::sync::Arc::new(store.clone());
    let chair = stocked(&shared, "one-statement-chair", "ONE-CHAIR", 2_500, 5).await;
    let stock = || async {
        let row = sqlx::query("SELECT on_hand, reserved FROM variants WHERE id = $1")
            .bind(chair.id.to_string())
            .fetch_one(store.pool())
            .await
            .expect("read stock");
        (row.get::<i64, _>("on_hand"), row.get::<i64, _>("reserved"))
    };
    let count = |table: &'static str| {
        let pool = store.pool().clone();
        async move {
            sqlx::query(&format!(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table}"
            ))
            .fetch_one(&pool)
            .await
            .expect("count")
            .get::<i64, _>("n")
        }
    };

    let first = checkout("one-statement-0001", vec![line(chair.id, 2)]);
    let placed = store
        .place_order_in_one_statement(&first, HOLD)
        .await
        .expect("place")
        .expect("placed in one statement");
    assert_eq!(
        Some(&placed),
        shared.order_by_id(placed.id).await.unwrap().as_ref()
    );
    assert_eq!(placed.lines.len(), 1);
    assert_eq!(stock().await, (5, 2));

    // Left to the transaction, nothing written: the key taken, a line short as read.
    let again = store.place_order_in_one_statement(&first, HOLD).await;
    assert!(matches!(again, Ok(None)), "{again:?}");
    let short = checkout("one-statement-0002", vec![line(chair.id, 4)]);
    let refused = store.place_order_in_one_statement(&short, HOLD).await;
    assert!(matches!(refused, Ok(None)), "{refused:?}");
    assert_eq!(stock().await, (5, 2));
    assert_eq!(
        (count("orders").await, count("checkout_keys").await),
        (1, 1)
    );

    let paid = store
        .pay_captured_in_one_statement(&placed, "pay_one_statement")
        .await
        .expect("pay")
        .expect("paid in one statement");
    assert_eq!(
        Some(&paid),
        shared.order_by_id(paid.id).await.unwrap().as_ref()
    );
    assert_eq!(stock().await, (3, 0));
    assert_eq!(shared.order_history(paid.id).await.unwrap().len(), 2);
    assert_eq!(shared.mail_for_order(paid.id).await.unwrap().len(), 1);
    let captured = sqlx::query("SELECT captured_at FROM orders WHERE id = $1")
        .bind(paid.id.to_string())
        .fetch_one(store.pool())
        .await
        .expect("read the capture mark")
        .get::<Option<i64>, _>("captured_at");
    assert!(captured.is_some(), "the capture is marked with the payment");
    let twice = store
        .pay_captured_in_one_statement(&placed, "pay_twice")
        .await;
    assert!(matches!(twice, Ok(None)), "{twice:?}");
    assert_eq!(stock().await, (3, 0));
    assert_eq!(shared.order_history(paid.id).await.unwrap().len(), 2);
}
