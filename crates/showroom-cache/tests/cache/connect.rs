//! Choosing the backend from a URL, and failing fast and clearly when it is wrong.

use std::time::{Duration, Instant};

use showroom_cache::{connect, CacheError, CacheOptions};

use crate::support::TestRedis;

/// The error connecting to `url` with the default options ends in; connecting must fail.
async fn refusal(url: &str) -> CacheError {
    match connect(Some(url), &CacheOptions::default()).await {
        Ok(_) => panic!("{url}: accepted"),
        Err(err) => err,
    }
}

/// What `work` gives, after asserting it took at most 3 s.
async fn within_three_seconds<T>(work: impl std::future::Future<Output = T>) -> T {
    let started = Instant::now();
    let out = work.await;
    assert!(
        started.elapsed() <= Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    out
}

#[tokio::test]
async fn no_url_or_memory_scheme_gives_the_memory_backend() {
    for url in [None, Some(""), Some("memory://")] {
        let cache = connect(url, &CacheOptions::default()).await.unwrap();
        assert_eq!(cache.backend_name(), "memory", "{url:?}");
        cache.ping().await.unwrap();
    }
}

#[tokio::test]
async fn an_unknown_scheme_is_named_in_the_error() {
    let err = refusal("memcached://:pw@cache:11211").await;
    assert!(matches!(err, CacheError::UnsupportedScheme { .. }));
    let message = err.to_string();
    assert!(message.contains("memcached"), "{message}");
    assert!(!message.contains("pw@"), "password leaked: {message}");
}

#[tokio::test]
async fn a_url_without_a_scheme_is_rejected() {
    let err = refusal("localhost:6379").await;
    assert!(matches!(err, CacheError::InvalidUrl { .. }), "{err}");
}

#[tokio::test]
async fn a_refused_redis_fails_fast_and_names_the_url_without_its_password() {
    // Nothing listens on port 1.
    let err = within_three_seconds(refusal("redis://:hunter2@127.0.0.1:1")).await;
    let message = err.display_chain();
    assert!(message.contains("127.0.0.1:1"), "{message}");
    assert!(!message.contains("hunter2"), "password leaked: {message}");
}

#[tokio::test]
async fn an_unanswering_redis_times_out_within_the_bound() {
    // 192.0.2.0/24 is reserved for documentation: packets to it go nowhere.
    within_three_seconds(refusal("redis://192.0.2.1:6379")).await;
}

#[tokio::test]
async fn a_redis_url_gives_the_redis_backend() {
    let Some(redis) = TestRedis::start().await else {
        return;
    };
    let cache = connect(Some(&redis.url), &redis.options).await.unwrap();
    assert_eq!(cache.backend_name(), "redis");
    cache.ping().await.unwrap();
}

/// Exercises the TLS stack (and its crypto provider) without a TLS server: the plain Redis
/// answers the handshake with garbage, which must be an error, not a panic or a hang.
#[tokio::test]
async fn a_rediss_url_to_a_plain_redis_fails_cleanly() {
    let Some(redis) = TestRedis::start().await else {
        return;
    };
    let Some(address) = redis.url.strip_prefix("redis://") else {
        eprintln!("skipping: the test Redis URL is not redis://");
        return;
    };
    let result = within_three_seconds(connect(
        Some(&format!("rediss://{address}")),
        &redis.options,
    ))
    .await;
    assert!(result.is_err());
}
