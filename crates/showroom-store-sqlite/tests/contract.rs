//! The catalog contract suite against SQLite: each test opens its own database file in a fresh
//! temporary directory (removed when the test ends), so tests run in parallel and exercise WAL
//! with several connections, as production does.

use std::path::PathBuf;

use showroom_store::contract::Fixture;
use showroom_store_sqlite::{open, SqliteSettings};

async fn fresh_store() -> Option<Fixture> {
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "showroom-contract-{}",
        uuid::Uuid::new_v4().simple()
    ));
    // A nested, not-yet-existing directory also proves `connect` creates parents.
    let url = format!("sqlite://{}/nested/catalog.db", dir.display());
    let store = open(&url, &SqliteSettings::default())
        .await
        .expect("open a fresh SQLite catalog");
    Some(Fixture::new(store).on_drop(move || {
        let _ = std::fs::remove_dir_all(&dir);
    }))
}

showroom_store::contract_suite!(fresh_store());

#[tokio::test]
async fn in_memory_databases_work_and_keep_their_data() {
    let store = open("sqlite::memory:", &SqliteSettings::default())
        .await
        .unwrap();
    showroom_store::contract::product_round_trip_keeps_variants_options_and_media(
        std::sync::Arc::new(store),
    )
    .await;
}

#[tokio::test]
async fn malformed_urls_and_unopenable_paths_are_clear_errors() {
    use showroom_store::StoreError;
    let err = showroom_store_sqlite::connect("mysql://nope")
        .await
        .err()
        .unwrap();
    showroom_store::contract::assert_invalid_database_url(&err);
    // A directory where the database file should be cannot be opened as a database.
    let dir = std::env::temp_dir().join(format!("showroom-dir-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let err = showroom_store_sqlite::connect(&format!("sqlite://{}", dir.display()))
        .await
        .err()
        .unwrap();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(format!("{:?}", err).contains(&dir.display().to_string()));
    let _ = std::fs::remove_dir_all(&dir);
}
