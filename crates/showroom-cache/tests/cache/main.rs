//! One integration-test binary for the cache crate.
//!
//! `behaviour` is the contract every backend must honour; `suite!` runs it against the memory
//! backend always and against Redis when `SHOWROOM_TEST_REDIS_URL` is set. The other modules
//! hold what only one backend or the URL dispatch can show.

mod support;

mod behaviour;
mod breaker;
mod connect;
mod memory_only;
mod redis_only;

/// Generates one test per behaviour and backend, named `<backend>::<behaviour>`.
macro_rules! suite {
    ($($behaviour:ident),* $(,)?) => {
        mod memory {
            $(
                #[tokio::test]
                async fn $behaviour() {
                    crate::behaviour::$behaviour(crate::support::memory_cache()).await;
                }
            )*
        }

        mod redis {
            $(
                #[tokio::test]
                async fn $behaviour() {
                    let Some(redis) = crate::support::TestRedis::start().await else {
                        return;
                    };
                    crate::behaviour::$behaviour(redis.cache().await).await;
                    redis.clean_up().await;
                }
            )*
        }
    };
}

suite!(
    a_miss_becomes_a_hit_after_put,
    invalidating_a_namespace_leaves_other_namespaces_alone,
    equal_keys_in_different_namespaces_do_not_collide,
    entries_expire_after_their_ttl,
    a_zero_ttl_stores_nothing,
    counters_count_hits_and_misses,
    values_of_several_megabytes_round_trip,
    get_or_fill_fills_once_then_hits,
    get_or_fill_returns_the_fill_error_and_caches_nothing,
    a_fill_racing_an_invalidation_leaves_no_stale_value,
    namespaces_that_could_collide_are_rejected,
);
