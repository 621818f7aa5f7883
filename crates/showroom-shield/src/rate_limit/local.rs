//! The in-process limiter: one `governor` keyed token bucket per class. It is the limiter of a
//! single instance, and the fallback of the shared one while Redis is unreachable.
//!
//! Memory stays bounded under a flood of distinct clients: every [`SWEEP_EVERY`] checks, buckets
//! that have refilled completely (and so hold no information) are dropped.

use std::sync::atomic::{AtomicU64, Ordering};

use governor::clock::{Clock, DefaultClock};
use governor::DefaultKeyedRateLimiter;

use super::{Class, ClientKey, Decision, Rate};

const SWEEP_EVERY: u64 = 8192;

pub struct LocalLimiter {
    general: DefaultKeyedRateLimiter<ClientKey>,
    strict: DefaultKeyedRateLimiter<ClientKey>,
    checks: AtomicU64,
}

impl LocalLimiter {
    pub fn new(general: &Rate, strict: &Rate) -> Self {
        Self {
            general: DefaultKeyedRateLimiter::keyed(general.quota()),
            strict: DefaultKeyedRateLimiter::keyed(strict.quota()),
            checks: AtomicU64::new(0),
        }
    }

    /// Takes a token from each key's bucket; refused when any bucket is empty, with the longest
    /// wait among them.
    pub fn check(&self, class: Class, keys: &[ClientKey]) -> Decision {
        let limiter = match class {
            Class::General => &self.general,
            Class::Strict => &self.strict,
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            for limiter in [&self.general, &self.strict] {
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        }
        let mut decision = Decision::Allow;
        for key in keys {
            if let Err(not_until) = limiter.check_key(key) {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                decision = decision.and(Decision::Limited { retry_after: wait });
            }
        }
        decision
    }

    #[cfg(test)]
    pub fn tracked_keys(&self) -> usize {
        self.general.len() + self.strict.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    fn ip(s: &str) -> ClientKey {
        ClientKey::Ip(s.parse::<IpAddr>().unwrap())
    }

    fn limiter() -> LocalLimiter {
        LocalLimiter::new(&Rate::new(1.0, 3).unwrap(), &Rate::new(0.1, 1).unwrap())
    }

    #[test]
    fn a_burst_passes_then_the_next_request_waits() {
        let limiter = limiter();
        let key = [ip("192.0.2.1")];
        for _ in 0..3 {
            assert_eq!(limiter.check(Class::General, &key), Decision::Allow);
        }
        match limiter.check(Class::General, &key) {
            Decision::Limited { retry_after } => {
                assert!(retry_after.as_millis() > 0 && retry_after.as_secs() <= 1)
            }
            Decision::Allow => panic!("the fourth request should be limited"),
        }
    }

    #[test]
    fn clients_and_classes_have_separate_buckets() {
        let limiter = limiter();
        let a = [ip("192.0.2.1")];
        let b = [ip("192.0.2.2")];
        assert_eq!(limiter.check(Class::Strict, &a), Decision::Allow);
        assert!(matches!(
            limiter.check(Class::Strict, &a),
            Decision::Limited { .. }
        ));
        assert_eq!(limiter.check(Class::Strict, &b), Decision::Allow);
        assert_eq!(limiter.check(Class::General, &a), Decision::Allow);
    }

    #[test]
    fn a_session_is_limited_even_when_it_changes_ip() {
        let limiter = limiter();
        let session = ClientKey::session("cookie-value");
        for n in 0..3 {
            let keys = [ip(&format!("192.0.2.{n}")), session.clone()];
            assert_eq!(limiter.check(Class::General, &keys), Decision::Allow);
        }
        let keys = [ip("192.0.2.99"), session];
        assert!(matches!(
            limiter.check(Class::General, &keys),
            Decision::Limited { .. }
        ));
    }

    #[test]
    fn idle_buckets_are_swept() {
        let limiter = LocalLimiter::new(&Rate::new(1e9, 1).unwrap(), &Rate::new(1e9, 1).unwrap());
        for n in 0..SWEEP_EVERY {
            let key = [ClientKey::Ip(IpAddr::from((n as u32).to_be_bytes()))];
            limiter.check(Class::General, &key);
        }
        assert!(limiter.tracked_keys() < SWEEP_EVERY as usize);
    }
}
