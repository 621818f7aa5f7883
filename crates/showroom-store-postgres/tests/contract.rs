//! The catalog contract suite against PostgreSQL.
//!
//! Reads `SHOWROOM_TEST_POSTGRES_URL` (e.g. `postgres://postgres@127.0.0.1:5432/test`); when it is
//! unset every test says so on stderr and passes. When set, each test creates its own database
//! `showroom_test_<uuid>` through a maintenance connection to that URL, runs against it with a
//! small pool (so many tests in parallel stay under the server's connection limit), and drops it
//! when the test ends, pass or fail.

use showroom_store::contract::Fixture;
use showroom_store_postgres::{open, PostgresSettings};
use sqlx::{Connection, Executor, PgConnection};

const URL_VAR: &str = "SHOWROOM_TEST_POSTGRES_URL";

async fn fresh_store() -> Option<Fixture> {
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

    let settings = PostgresSettings {
        max_connections: 4,
        ..PostgresSettings::default()
    };
    let store = open(&with_database(&base, &name), &settings)
        .await
        .expect("open the test database");
    Some(Fixture::new(store).on_drop(move || drop_database(base, name)))
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
