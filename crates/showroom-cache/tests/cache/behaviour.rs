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

use crate::support::{assert_holds, bytes, get, put, MINUTE};

pub async fn a_miss_becomes_a_hit_after_put(cache: Arc<dyn Cache>) {
    assert_eq!(get(&*cache, "product", "chair").await, None);
    put(&*cache, "product", "chair", "oak chair").await;
    assert_holds(&*cache, "product", "chair", "oak chair").await;
    put(&*cache, "product", "chair", "pine chair").await;
    // A second put replaces the value.
    assert_holds(&*cache, "product", "chair", "pine chair").await;
}

pub async fn invalidating_a_namespace_leaves_other_namespaces_alone(cache: Arc<dyn Cache>) {
    put(&*cache, "product", "chair", "chair").await;
    put(&*cache, "product", "lamp", "lamp").await;
    put(&*cache, "products", "page-1", "list").await;

    cache.invalidate_namespace("product").await.unwrap();

    assert_eq!(get(&*cache, "product", "chair").await, None);
    assert_eq!(get(&*cache, "product", "lamp").await, None);
    assert_holds(&*cache, "products", "page-1", "list").await;

    put(&*cache, "product", "chair", "new chair").await;
    // The namespace is usable again after invalidation.
    assert_holds(&*cache, "product", "chair", "new chair").await;
}

pub async fn equal_keys_in_different_namespaces_do_not_collide(cache: Arc<dyn Cache>) {
    put(&*cache, "product", "x", "detail").await;
    put(&*cache, "products", "x", "list").await;
    assert_holds(&*cache, "product", "x", "detail").await;
    assert_holds(&*cache, "products", "x", "list").await;
}

pub async fn entries_expire_after_their_ttl(cache: Arc<dyn Cache>) {
    let short = Some(Duration::from_millis(300));
    cache
        .put("product", "brief", bytes("brief"), short)
        .await
        .unwrap();
    put(&*cache, "product", "long", "long").await;
    assert_holds(&*cache, "product", "brief", "brief").await;

    tokio::time::sleep(Duration::from_millis(800)).await;

    assert_eq!(get(&*cache, "product", "brief").await, None);
    assert_holds(&*cache, "product", "long", "long").await;
}

pub async fn a_zero_ttl_stores_nothing(cache: Arc<dyn Cache>) {
    cache
        .put("product", "chair", bytes("chair"), Some(Duration::ZERO))
        .await
        .unwrap();
    assert_eq!(get(&*cache, "product", "chair").await, None);
}

pub async fn counters_count_hits_and_misses(cache: Arc<dyn Cache>) {
    let before = cache.stats();
    cache.get("product", "chair").await.unwrap();
    put(&*cache, "product", "chair", "chair").await;
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
    assert_eq!(get(&*cache, "product", "ghost").await, None);
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
    assert_eq!(get(&*cache, "product", "chair").await, None);
}

pub async fn namespaces_that_could_collide_are_rejected(cache: Arc<dyn Cache>) {
    let err = cache.get("product:1", "x").await.unwrap_err();
    assert!(matches!(err, CacheError::InvalidNamespace { .. }), "{err}");
    let err = cache.put("", "x", bytes("x"), MINUTE).await.unwrap_err();
    assert!(matches!(err, CacheError::InvalidNamespace { .. }), "{err}");
    let err = cache.invalidate_namespace("a b").await.unwrap_err();
    assert!(matches!(err, CacheError::InvalidNamespace { .. }), "{err}");
}
