//! The Redis circuit breaker against a real Redis: a private `redis-server` this test starts on
//! a free port (never the shared one, which others use), stalls with `CLIENT PAUSE`, kills and
//! starts again. Skipped, saying so, where `redis-server` is not installed.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use showroom_cache::{get_or_fill, Cache, CacheError, CacheOptions, RedisCache};

/// A `redis-server` of this test's own, persisting only when told to (`SAVE`) into its own
/// folder; killed when dropped.
struct PrivateRedis {
    port: u16,
    dir: std::path::PathBuf,
    child: Option<Child>,
}

impl PrivateRedis {
    fn start() -> Option<Self> {
        if Command::new("redis-server")
            .arg("--version")
            .output()
            .is_err()
        {
            eprintln!("skipping: redis-server is not installed");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir =
            std::env::temp_dir().join(format!("showroom-breaker-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a folder for redis-server");
        let mut redis = Self {
            port,
            dir,
            child: None,
        };
        redis.spawn();
        Some(redis)
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn spawn(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Writes everything to disk now, so that a restart finds it again.
    async fn save(&self) {
        let client = redis::Client::open(self.url()).unwrap();
        let mut raw = client.get_multiplexed_async_connection().await.unwrap();
        redis::cmd("SAVE")
            .query_async::<()>(&mut raw)
            .await
            .unwrap();
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The first `Ok` of `operation`, tried every 100 ms; after `patience` the test fails, saying
/// `what` and the last error.
async fn retried<T, E, F, Fut>(patience: Duration, what: &str, operation: F) -> T
where
    E: std::fmt::Display,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    let deadline = Instant::now() + patience;
    loop {
        match operation().await {
            Ok(value) => return value,
            Err(error) => {
                assert!(Instant::now() < deadline, "{what}: {error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// The first `Ok` of `operation`, tried for at most 5 s (Redis coming back).
async fn eventually<T, F, Fut>(operation: F) -> T
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, CacheError>>,
{
    retried(
        Duration::from_secs(5),
        "the cache never used Redis again",
        operation,
    )
    .await
}

/// Connects to the freshly started private Redis. Its port answers before it serves, and on a
/// loaded machine the first connection can miss the short timeout the breaker is tested with:
/// that start-up is not what these tests are about, so it is retried for a few seconds.
async fn connect_when_up(url: &str, options: &CacheOptions) -> RedisCache {
    retried(
        Duration::from_secs(10),
        "the private Redis never answered",
        || RedisCache::connect(url, options),
    )
    .await
}

fn options(cooldown_ms: u64) -> CacheOptions {
    CacheOptions {
        key_prefix: "breaker-test:".into(),
        command_timeout: Duration::from_millis(500),
        connect_timeout: Duration::from_millis(500),
        breaker_cooldown: Duration::from_millis(cooldown_ms),
        ..CacheOptions::default()
    }
}

#[tokio::test]
async fn a_dead_redis_is_skipped_instead_of_waited_on_and_used_again_when_it_returns() {
    let Some(mut redis) = PrivateRedis::start() else {
        return;
    };
    let cache = connect_when_up(&redis.url(), &options(1_000)).await;
    cache
        .put("product", "chair", Bytes::from_static(b"v1"), None)
        .await
        .unwrap();
    assert_eq!(
        cache.get("product", "chair").await.unwrap().as_deref(),
        Some(&b"v1"[..])
    );

    redis.kill();
    // The first command meets the failure and opens the breaker…
    assert!(matches!(
        cache.get("product", "chair").await,
        Err(CacheError::Backend { .. })
    ));
    // …and the next requests do not wait on Redis at all: they are answered at once, from the
    // database the first time and then from a short-lived copy in the process.
    let fills = std::sync::atomic::AtomicUsize::new(0);
    let lookup = || async {
        let value: Result<Bytes, std::convert::Infallible> =
            get_or_fill(&cache, "product", "chair", None, || async {
                fills.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Ok(Bytes::from_static(b"db"))
            })
            .await;
        value.unwrap()
    };
    let started = Instant::now();
    for _ in 0..200 {
        assert_eq!(lookup().await, Bytes::from_static(b"db"));
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_millis(300),
        "200 lookups took {elapsed:?} with Redis down"
    );
    assert_eq!(
        fills.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "one fill, then the outage copy"
    );
    // An edit on this instance drops its outage copy at once, though Redis cannot be told.
    assert!(cache.invalidate_namespace("product").await.is_err());
    lookup().await;
    assert_eq!(
        fills.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "filled again after the edit"
    );
    let stats = cache.stats();
    assert!(stats.skipped >= 200, "{stats:?}");
    assert!(matches!(
        cache.get("product", "chair").await,
        Err(CacheError::CircuitOpen { .. })
    ));

    redis.spawn();
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    // After the cool-down a probe goes through, finds Redis back, and the cache works again.
    eventually(|| cache.put("product", "chair", Bytes::from_static(b"v2"), None)).await;
    assert_eq!(
        cache.get("product", "chair").await.unwrap().as_deref(),
        Some(&b"v2"[..])
    );
}

/// A cache over a private Redis holding `product`/`key`, saved to disk (Redis will come back from
/// that snapshot, old entry and all) and then killed; `None` where redis-server is missing.
async fn stored_then_redis_down(
    key: &str,
    value: &'static [u8],
) -> Option<(PrivateRedis, RedisCache)> {
    let mut redis = PrivateRedis::start()?;
    let cache = connect_when_up(&redis.url(), &options(300)).await;
    cache
        .put("product", key, Bytes::from_static(value), None)
        .await
        .unwrap();
    redis.save().await;
    redis.kill();
    Some((redis, cache))
}

#[tokio::test]
async fn an_invalidation_that_failed_while_redis_was_down_is_replayed_before_the_next_read() {
    let Some((mut redis, cache)) = stored_then_redis_down("lamp", b"old price").await else {
        return;
    };

    let started = Instant::now();
    assert!(
        cache.invalidate_namespace("product").await.is_err(),
        "Redis is down"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "bounded: {:?}",
        started.elapsed()
    );
    assert!(
        cache.get("product", "lamp").await.is_err(),
        "a miss while the breaker is open"
    );

    redis.spawn();
    let found = eventually(|| cache.get("product", "lamp")).await;
    assert_eq!(
        found, None,
        "the entry from before the edit must not come back with Redis"
    );
}

#[tokio::test]
async fn while_the_breaker_is_open_an_invalidation_waits_on_nothing_and_is_still_replayed() {
    let Some((mut redis, cache)) = stored_then_redis_down("sofa", b"3 left").await else {
        return;
    };
    // The first failure opens the breaker.
    assert!(cache.invalidate_namespace("product").await.is_err());

    let started = Instant::now();
    for _ in 0..50 {
        assert!(matches!(
            cache.invalidate_namespace("product").await,
            Err(CacheError::CircuitOpen { .. })
        ));
    }
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "50 invalidations while the breaker is open took {:?}",
        started.elapsed()
    );

    redis.spawn();
    let found = eventually(|| cache.get("product", "sofa")).await;
    assert_eq!(
        found, None,
        "the remembered invalidation ran before the read"
    );
}
