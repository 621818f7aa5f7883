//! Rate limits per client: which class a request falls in, which buckets it draws from, and
//! where the buckets live.
//!
//! Guarantees:
//! - a request draws one token from its IP's bucket and, when it carries the session cookie,
//!   one from its session's bucket; rotating cookies cannot escape the IP's limit, and changing
//!   IPs cannot escape the session's;
//! - writes under the strict path prefixes (login, register, checkout, uploads) use the strict
//!   class, everything else the general class; the two have separate buckets;
//! - with Redis the buckets are shared by every instance; when Redis fails or is slow, the
//!   in-process buckets decide instead, Redis is left alone for [`REDIS_PAUSE`], and the
//!   outage is logged once. The limiter itself never fails a request.

mod local;
mod redis_gcra;

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use governor::Quota;
use http::Method;
use sha2::{Digest, Sha256};

pub use local::LocalLimiter;
pub use redis_gcra::RedisLimiter;

/// How long the shared limiter is bypassed after a Redis failure.
pub const REDIS_PAUSE: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    General,
    Strict,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::General => "general",
            Self::Strict => "strict",
        }
    }
}

/// Whose bucket: an IP address, or a session (by a digest of its cookie, so the key has a fixed
/// size and the secret never reaches Redis or the logs).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ClientKey {
    Ip(IpAddr),
    Session([u8; 16]),
}

impl ClientKey {
    pub fn session(cookie_value: &str) -> Self {
        let digest = Sha256::digest(cookie_value.as_bytes());
        let mut short = [0u8; 16];
        short.copy_from_slice(&digest[..16]);
        Self::Session(short)
    }

    fn redis_suffix(&self) -> String {
        match self {
            Self::Ip(ip) => format!("ip:{ip}"),
            Self::Session(digest) => {
                let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                format!("session:{hex}")
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Limited { retry_after: Duration },
}

impl Decision {
    /// Both must allow; the longer wait wins.
    fn and(self, other: Decision) -> Decision {
        match (self, other) {
            (Decision::Allow, d) | (d, Decision::Allow) => d,
            (Decision::Limited { retry_after: a }, Decision::Limited { retry_after: b }) => {
                Decision::Limited {
                    retry_after: a.max(b),
                }
            }
        }
    }
}

/// A sustained rate and a burst, validated.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    /// Time to earn one token back.
    pub interval: Duration,
    pub burst: NonZeroU32,
}

impl Rate {
    pub fn new(per_sec: f64, burst: u32) -> Result<Self, String> {
        if !(per_sec.is_finite() && per_sec > 0.0) {
            return Err(format!("{per_sec} is not a positive rate per second"));
        }
        let burst = NonZeroU32::new(burst).ok_or("the burst must be at least 1")?;
        let interval = Duration::from_secs_f64(1.0 / per_sec).max(Duration::from_nanos(1));
        Ok(Self { interval, burst })
    }

    fn quota(&self) -> Quota {
        Quota::with_period(self.interval)
            .expect("the interval is positive")
            .allow_burst(self.burst)
    }
}

pub struct RateLimiter {
    general: Rate,
    strict: Rate,
    strict_paths: Vec<String>,
    local: LocalLimiter,
    shared: Option<Shared>,
}

struct Shared {
    redis: RedisLimiter,
    started: Instant,
    /// Milliseconds since `started` before which Redis is not asked again.
    paused_until_ms: AtomicU64,
    down: AtomicBool,
}

impl RateLimiter {
    pub fn new(
        general: Rate,
        strict: Rate,
        strict_paths: Vec<String>,
        redis: Option<RedisLimiter>,
    ) -> Self {
        Self {
            local: LocalLimiter::new(&general, &strict),
            general,
            strict,
            strict_paths,
            shared: redis.map(|redis| Shared {
                redis,
                started: Instant::now(),
                paused_until_ms: AtomicU64::new(0),
                down: AtomicBool::new(false),
            }),
        }
    }

    /// The class of a request: writes under a strict prefix are strict.
    pub fn class_of(&self, method: &Method, path: &str) -> Class {
        let write = !(method == Method::GET || method == Method::HEAD || method == Method::OPTIONS);
        if write && self.strict_paths.iter().any(|p| path.starts_with(p)) {
            Class::Strict
        } else {
            Class::General
        }
    }

    pub async fn check(&self, class: Class, keys: &[ClientKey]) -> Decision {
        if let Some(shared) = &self.shared {
            if let Some(decision) = shared.check(class, self.rate(class), keys).await {
                return decision;
            }
        }
        self.local.check(class, keys)
    }

    fn rate(&self, class: Class) -> &Rate {
        match class {
            Class::General => &self.general,
            Class::Strict => &self.strict,
        }
    }
}

impl Shared {
    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// The shared decision, or `None` when Redis cannot give one now.
    async fn check(&self, class: Class, rate: &Rate, keys: &[ClientKey]) -> Option<Decision> {
        if self.now_ms() < self.paused_until_ms.load(Ordering::Relaxed) {
            return None;
        }
        match self.redis.check(class, rate, keys).await {
            Ok(decision) => {
                if self.down.swap(false, Ordering::Relaxed) {
                    tracing::info!("shield: Redis answers again; rate limits are shared again");
                }
                Some(decision)
            }
            Err(error) => {
                self.paused_until_ms.store(
                    self.now_ms() + REDIS_PAUSE.as_millis() as u64,
                    Ordering::Relaxed,
                );
                metrics::counter!("showroom_shield_limiter_fallbacks_total").increment(1);
                if !self.down.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = %error, "shield: Redis failed; rate limits are per instance until it answers");
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_must_be_positive_and_bursts_nonzero() {
        assert!(Rate::new(0.0, 10).is_err());
        assert!(Rate::new(f64::NAN, 10).is_err());
        assert!(Rate::new(5.0, 0).is_err());
        assert_eq!(
            Rate::new(4.0, 2).unwrap().interval,
            Duration::from_millis(250)
        );
    }

    #[test]
    fn only_writes_under_strict_prefixes_are_strict() {
        let limiter = RateLimiter::new(
            Rate::new(1.0, 1).unwrap(),
            Rate::new(1.0, 1).unwrap(),
            vec!["/api/v1/auth/".into(), "/api/v1/checkout".into()],
            None,
        );
        for (method, path, class) in [
            (Method::POST, "/api/v1/auth/login", Class::Strict),
            (Method::PUT, "/api/v1/checkout/42", Class::Strict),
            (Method::GET, "/api/v1/checkout/42", Class::General),
            (Method::POST, "/api/v1/admin/products", Class::General),
        ] {
            assert_eq!(limiter.class_of(&method, path), class, "{method} {path}");
        }
    }

    #[test]
    fn session_keys_are_digests() {
        assert_eq!(ClientKey::session("abc"), ClientKey::session("abc"));
        assert_ne!(ClientKey::session("abc"), ClientKey::session("abd"));
        let suffix = ClientKey::session("secret-cookie").redis_suffix();
        assert!(!suffix.contains("secret") && suffix.len() == "session:".len() + 32);
    }

    #[test]
    fn the_longer_wait_wins() {
        let a = Decision::Limited {
            retry_after: Duration::from_secs(1),
        };
        let b = Decision::Limited {
            retry_after: Duration::from_secs(3),
        };
        assert_eq!(a.and(b), b);
        assert_eq!(Decision::Allow.and(a), a);
        assert_eq!(Decision::Allow.and(Decision::Allow), Decision::Allow);
    }
}
