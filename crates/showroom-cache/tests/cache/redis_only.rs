//! What only the shared backend promises: instances see each other's writes and invalidations.

use std::time::Duration;

use showroom_cache::Cache;

use crate::support::{assert_holds, get, put, TestRedis};

#[tokio::test]
async fn a_put_on_one_instance_is_seen_by_another() {
    let Some(redis) = TestRedis::start().await else {
        return;
    };
    let (a, b) = (redis.instance().await, redis.instance().await);
    put(&a, "product", "chair", "chair").await;
    assert_holds(&b, "product", "chair", "chair").await;
    redis.clean_up().await;
}

#[tokio::test]
async fn an_invalidation_on_one_instance_makes_another_miss_at_once() {
    let Some(redis) = TestRedis::start().await else {
        return;
    };
    let (a, b) = (redis.instance().await, redis.instance().await);
    put(&b, "product", "chair", "old").await;
    put(&b, "products", "page-1", "list").await;
    assert!(get(&b, "product", "chair").await.is_some());

    a.invalidate_namespace("product").await.unwrap();

    assert_eq!(get(&b, "product", "chair").await, None);
    assert!(get(&b, "products", "page-1").await.is_some());
    put(&b, "product", "chair", "new").await;
    assert_holds(&a, "product", "chair", "new").await;
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
    put(&cache, "product", "chair", "old").await;
    let version_key = format!("{}ver:product", redis.options.key_prefix);
    redis::cmd("DEL")
        .arg(&version_key)
        .query_async::<()>(&mut redis.raw().await)
        .await
        .unwrap();
    assert_eq!(get(&cache, "product", "chair").await, None);
    redis.clean_up().await;
}

#[tokio::test]
async fn entries_are_stored_under_the_documented_keys() {
    let Some(redis) = TestRedis::start().await else {
        return;
    };
    let cache = redis.instance().await;
    put(&cache, "product", "chair", "chair").await;
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
