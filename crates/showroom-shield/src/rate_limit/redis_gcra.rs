//! The shared limiter: GCRA (the generic cell rate algorithm, a token bucket stored as one
//! timestamp) in a Lua script on Redis, so every instance draws from the same buckets.
//!
//! Each bucket is one key, `<prefix><class>:<client>`, holding its "theoretical arrival time"
//! in milliseconds of the Redis clock, with a time to live of just past the moment the bucket
//! is full again; an idle client therefore costs nothing. One script call checks every key of a
//! request (its IP and its session) atomically: either all take a token or none does. Time comes
//! from Redis' `TIME`, so instances with skewed clocks still agree.

use std::sync::LazyLock;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{RedisError, Script};

use super::{Class, ClientKey, Decision, Rate};

/// KEYS: the buckets. ARGV: emission interval and burst tolerance, in milliseconds.
/// Returns `{allowed (1|0), retry after in milliseconds}`.
static GCRA: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local new_tats = {}
local wait = 0
for i, key in ipairs(KEYS) do
  local tat = tonumber(redis.call('GET', key) or now)
  if tat < now then tat = now end
  local new_tat = tat + interval
  local allow_at = new_tat - tolerance
  if allow_at > now and allow_at - now > wait then wait = allow_at - now end
  new_tats[i] = new_tat
end
if wait > 0 then
  return {0, math.ceil(wait)}
end
for i, key in ipairs(KEYS) do
  redis.call('SET', key, string.format('%.3f', new_tats[i]), 'PX', math.ceil(new_tats[i] - now) + 1000)
end
return {1, 0}
",
    )
});

pub struct RedisLimiter {
    connection: ConnectionManager,
    prefix: String,
}

impl RedisLimiter {
    /// Connects and checks that Redis answers, within `timeout`. Each later command waits at
    /// most `command_timeout`; the connection manager reconnects in the background.
    pub async fn connect(
        url: &str,
        prefix: &str,
        timeout: Duration,
        command_timeout: Duration,
    ) -> Result<Self, RedisError> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(timeout)
            .set_response_timeout(command_timeout)
            .set_number_of_retries(1)
            .set_max_delay(500);
        let connecting = async {
            let mut connection = ConnectionManager::new_with_config(client, config).await?;
            redis::cmd("PING")
                .query_async::<()>(&mut connection)
                .await?;
            Ok::<_, RedisError>(connection)
        };
        let connection = tokio::time::timeout(timeout, connecting)
            .await
            .map_err(|_| {
                RedisError::from(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "no answer from Redis",
                ))
            })??;
        Ok(Self {
            connection,
            prefix: prefix.to_owned(),
        })
    }

    pub async fn check(
        &self,
        class: Class,
        rate: &Rate,
        keys: &[ClientKey],
    ) -> Result<Decision, RedisError> {
        let mut invocation = GCRA.prepare_invoke();
        for key in keys {
            invocation.key(format!(
                "{}{}:{}",
                self.prefix,
                class.as_str(),
                key.redis_suffix()
            ));
        }
        let interval_ms = rate.interval.as_secs_f64() * 1000.0;
        let (allowed, wait_ms): (i64, i64) = invocation
            .arg(interval_ms)
            .arg(interval_ms * f64::from(rate.burst.get()))
            .invoke_async(&mut self.connection.clone())
            .await?;
        Ok(if allowed == 1 {
            Decision::Allow
        } else {
            Decision::Limited {
                retry_after: Duration::from_millis(wait_ms.max(1) as u64),
            }
        })
    }
}
