//! The behaviour every backend must show; each function is one test per backend.

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use bytes::Bytes;
use showroom_cache::{get_or_fill, Cache, CacheError};

const MINUTE: Option<Duration> = Some(Duration::from_secs(60));

fn bytes(text: &'static str) -> Bytes {
    Bytes::from_static(text.as_bytes())
}

pub async fn a_miss_becomes_a_hit_after_put(cache: Arc<dyn Cache>) {
    assert_eq!(cache.get("product", "chair").await.unwrap(), None);
    cache
        .put("product", "chair", bytes("oak chair"), MINUTE)
        .await
        .unwrap();
    assert_eq!(
        cache.get("product", "chair").await.unwrap(),
        Some(bytes("oak chair"))
    );
    cache
        .put("product", "chair", bytes("pine chair"), MINUTE)
        .await
        .unwrap();
    assert_eq!(
        cache.get("product", "chair").await.unwrap(),
        Some(bytes("pine chair")),
        "a second put replaces the value"
    );
}

pub async fn invalidating_a_namespace_leaves_other_namespaces_alone(cache: Arc<dyn Cache>) {
    cache
        .put("product", "chair", bytes("chair"), MINUTE)
        .await
        .unwrap();
    cache
        .put("product", "lamp", bytes("lamp"), MINUTE)
        .await
        .unwrap();
    cache
        .put("products", "page-1", bytes("list"), MINUTE)
        .await
        .unwrap();

    cache.invalidate_namespace("product").await.unwrap();

    assert_eq!(cache.get("product", "chair").await.unwrap(), None);
    assert_eq!(cache.get("product", "lamp").await.unwrap(), None);
    assert_eq!(
        cache.get("products", "page-1").await.unwrap(),
        Some(bytes("list"))
    );

    cache
        .put("product", "chair", bytes("new chair"), MINUTE)
        .await
        .unwrap();
    assert_eq!(
        cache.get("product", "chair").await.unwrap(),
        Some(bytes("new chair")),
        "the namespace is usable again after invalidation"
    );
}

pub async fn equal_keys_in_different_namespaces_do_not_collide(cache: Arc<dyn Cache>) {
    cache
        .put("product", "x", bytes("detail"), MINUTE)
        .await
        .unwrap();
    cache
        .put("products", "x", bytes("list"), MINUTE)
        .await
        .unwrap();
    assert_eq!(
        cache.get("product", "x").await.unwrap(),
        Some(bytes("detail"))
    );
    assert_eq!(
        cache.get("products", "x").await.unwrap(),
        Some(bytes("list"))
    );
}

pub async fn entries_expire_after_their_ttl(cache: Arc<dyn Cache>) {
    let short = Some(Duration::from_millis(300));
    cache
        .put("product", "brief", bytes("brief"), short)
        .await
        .unwrap();
    cache
        .put("product", "long", bytes("long"), MINUTE)
        .await
        .unwrap();
    assert_eq!(
        cache.get("product", "brief").await.unwrap(),
        Some(bytes("brief"))
    );

    tokio::time::sleep(Duration::from_millis(800)).await;

    assert_eq!(cache.get("product", "brief").await.unwrap(), None);
    assert_eq!(
        cache.get("product", "long").await.unwrap(),
        Some(bytes("long"))
    );
}

pub async fn a_zero_ttl_stores_nothing(cache: Arc<dyn Cache>) {
    cache
        .put("product", "chair", bytes("chair"), Some(Duration::ZERO))
        .await
        .unwrap();
    assert_eq!(cache.get("product", "chair").await.unwrap(), None);
}

pub async fn counters_count_hits_and_misses(cache: Arc<dyn Cache>) {
    let before = cache.stats();
    cache.get("product", "chair").await.unwrap();
    cache
        .put("product", "chair", bytes("chair"), MINUTE)
        .await
        .unwrap();
    cache.get("product", "chair").await.unwrap();
    cache.get("product", "chair").await.unwrap();
    let after = cache.stats();
    assert_eq!(after.misses - before.misses, 1);
    assert_eq!(after.hits - before.hits, 2);
    assert_eq!(after.errors, 0);
}

pub async fn values_of_several_megabytes_round_trip(cache: Arc<dyn Cache>) {
    let large: Bytes = (0..4 * 1024 * 1024).map(|i: u32| (i % 251) as u8).collect();
    cache
        .put("products", "all", large.clone(), MINUTE)
        .await
        .unwrap();
    let back = cache.get("products", "all").await.unwrap().expect("stored");
    assert_eq!(back.len(), large.len());
    assert!(back == large, "the bytes come back unchanged");
}

pub async fn get_or_fill_fills_once_then_hits(cache: Arc<dyn Cache>) {
    let fills = AtomicUsize::new(0);
    let fill = || async {
        fills.fetch_add(1, Ordering::SeqCst);
        Ok::<_, std::io::Error>(bytes("from the database"))
    };
    for _ in 0..3 {
        let value = get_or_fill(&*cache, "product", "chair", MINUTE, fill)
            .await
            .unwrap();
        assert_eq!(value, bytes("from the database"));
    }
    assert_eq!(fills.load(Ordering::SeqCst), 1);
    assert_eq!(cache.stats().hits, 2);

    cache.invalidate_namespace("product").await.unwrap();
    get_or_fill(&*cache, "product", "chair", MINUTE, fill)
        .await
        .unwrap();
    assert_eq!(
        fills.load(Ordering::SeqCst),
        2,
        "invalidation forces a refill"
    );
}

#[derive(Debug, PartialEq)]
struct NotFound;

pub async fn get_or_fill_returns_the_fill_error_and_caches_nothing(cache: Arc<dyn Cache>) {
    let result = get_or_fill(&*cache, "product", "ghost", MINUTE, || async {
        Err::<Bytes, _>(NotFound)
    })
    .await;
    assert_eq!(result, Err(NotFound));
    assert_eq!(cache.get("product", "ghost").await.unwrap(), None);
}

/// A fill reads the database, an admin write invalidates, then the fill stores what it read:
/// that value is already stale and must not be served.
pub async fn a_fill_racing_an_invalidation_leaves_no_stale_value(cache: Arc<dyn Cache>) {
    let value = get_or_fill(&*cache, "product", "chair", MINUTE, || async {
        cache.invalidate_namespace("product").await.unwrap();
        Ok::<_, std::io::Error>(bytes("read before the admin write"))
    })
    .await
    .unwrap();
    assert_eq!(
        value,
        bytes("read before the admin write"),
        "the caller still gets it"
    );
    assert_eq!(cache.get("product", "chair").await.unwrap(), None);
}

pub async fn namespaces_that_could_collide_are_rejected(cache: Arc<dyn Cache>) {
    let err = cache.get("product:1", "x").await.unwrap_err();
    assert!(matches!(err, CacheError::InvalidNamespace { .. }), "{err}");
    let err = cache.put("", "x", bytes("x"), MINUTE).await.unwrap_err();
    assert!(matches!(err, CacheError::InvalidNamespace { .. }), "{err}");
    let err = cache.invalidate_namespace("a b").await.unwrap_err();
    assert!(matches!(err, CacheError::InvalidNamespace { .. }), "{err}");
}
