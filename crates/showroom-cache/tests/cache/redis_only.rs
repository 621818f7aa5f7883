//! What only the shared backend promises: instances see each other's writes and invalidations.

use std::time::Duration;

use bytes::Bytes;
use showroom_cache::Cache;

use crate::support::TestRedis;

const MINUTE: Option<Duration> = Some(Duration::from_secs(60));

#[tokio::test]
async fn a_put_on_one_instance_is_seen_by_another() {
    let Some(redis) = TestRedis::start().await else {
        return;
    };
    let (a, b) = (redis.instance().await, redis.instance().await);
    a.put("product", "chair", Bytes::from_static(b"chair"), MINUTE)
        .await
        .unwrap();
    assert_eq!(
        b.get("product", "chair").await.unwrap(),
        Some(Bytes::from_static(b"chair"))
    );
    redis.clean_up().await;
}

#[tokio::test]
async fn an_invalidation_on_one_instance_makes_another_miss_at_once() {
    let Some(redis) = TestRedis::start().await else {
        return;
    };
    let (a, b) = (redis.instance().await, redis.instance().await);
    b.put("product", "chair", Bytes::from_static(b"old"), MINUTE)
        .await
        .unwrap();
    b.put("products", "page-1", Bytes::from_static(b"list"), MINUTE)
        .await
        .unwrap();
    assert!(b.get("product", "chair").await.unwrap().is_some());

    a.invalidate_namespace("product").await.unwrap();

    assert_eq!(b.get("product", "chair").await.unwrap(), None);
    assert!(b.get("products", "page-1").await.unwrap().is_some());
    b.put("product", "chair", Bytes::from_static(b"new"), MINUTE)
        .await
        .unwrap();
    assert_eq!(
        a.get("product", "chair").await.unwrap(),
        Some(Bytes::from_static(b"new"))
    );
    redis.clean_up().await;
}

/// Under an `allkeys-*` eviction policy Redis may drop a version counter; old entries must not
/// become readable again when it is recreated.
#[tokio::test]
async fn a_lost_version_counter_does_not_revive_old_entries() {
    let Some(redis) = TestRedis::start().await else {
        return;
    };
    let cache = redis.instance().await;
    cache
        .put("product", "chair", Bytes::from_static(b"old"), MINUTE)
        .await
        .unwrap();
    let version_key = format!("{}ver:product", redis.options.key_prefix);
    redis::cmd("DEL")
        .arg(&version_key)
        .query_async::<()>(&mut redis.raw().await)
        .await
        .unwrap();
    assert_eq!(cache.get("product", "chair").await.unwrap(), None);
    redis.clean_up().await;
}

#[tokio::test]
async fn entries_are_stored_under_the_documented_keys() {
    let Some(redis) = TestRedis::start().await else {
        return;
    };
    let cache = redis.instance().await;
    cache
        .put("product", "chair", Bytes::from_static(b"chair"), MINUTE)
        .await
        .unwrap();
    let prefix = &redis.options.key_prefix;
    let mut raw = redis.raw().await;
    let version: String = redis::cmd("GET")
        .arg(format!("{prefix}ver:product"))
        .query_async(&mut raw)
        .await
        .unwrap();
    let entry_key = format!("{prefix}product:{version}:chair");
    let stored: Option<Vec<u8>> = redis::cmd("GET")
        .arg(&entry_key)
        .query_async(&mut raw)
        .await
        .unwrap();
    assert_eq!(stored.as_deref(), Some(&b"chair"[..]));
    let ttl_ms: i64 = redis::cmd("PTTL")
        .arg(&entry_key)
        .query_async(&mut raw)
        .await
        .unwrap();
    assert!(
        (1..=60_000).contains(&ttl_ms),
        "entries always expire: {ttl_ms}"
    );
    redis.clean_up().await;
}

#[tokio::test]
async fn an_invalidation_is_announced_on_the_channel() {
    let Some(redis) = TestRedis::start().await else {
        return;
    };
    let cache = redis.instance().await;
    let channel = format!("{}invalidate", redis.options.key_prefix);
    let mut pubsub = redis::Client::open(redis.url.as_str())
        .unwrap()
        .get_async_pubsub()
        .await
        .unwrap();
    pubsub.subscribe(&channel).await.unwrap();

    cache.invalidate_namespace("products").await.unwrap();

    let mut messages = pubsub.on_message();
    let message = tokio::time::timeout(
        Duration::from_secs(2),
        futures::StreamExt::next(&mut messages),
    )
    .await
    .expect("announced within 2 s")
    .expect("a message");
    assert_eq!(message.get_payload::<String>().unwrap(), "products");
    drop(messages);
    redis.clean_up().await;
}

#[tokio::test]
async fn ping_answers_when_redis_is_up() {
    let Some(redis) = TestRedis::start().await else {
        return;
    };
    let cache = redis.instance().await;
    cache.ping().await.unwrap();
    assert_eq!(cache.backend_name(), "redis");
}
