//! A circuit breaker in front of Redis: after a failed command, Redis is skipped for
//! [`crate::CacheOptions::breaker_cooldown`] instead of being waited on by every request, so a
//! dead or stalled Redis costs the shop one command timeout per cool-down, not one per request.
//!
//! States: **closed** (every command goes to Redis) → a failure → **open** (commands are skipped
//! and answered with [`crate::CacheError::CircuitOpen`], which callers treat as a miss) → the
//! cool-down passes → **half-open**: exactly one command is let through as a probe while the rest
//! keep skipping; its success closes the breaker, its failure opens it for another cool-down.
//!
//! Counted in metrics (label `backend`):
//! - `showroom_cache_breaker_open` — 1 while Redis is being skipped, else 0;
//! - `showroom_cache_breaker_trips_total` — closed → open transitions;
//! - `showroom_cache_breaker_skips_total` — commands not sent to Redis.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The breaker of one backend connection; shared by every request of the process.
#[derive(Debug)]
pub(crate) struct Breaker {
    backend: &'static str,
    cooldown: Duration,
    started: Instant,
    /// Milliseconds since `started` until which commands are skipped; 0 while closed.
    open_until_ms: AtomicU64,
    /// Set while one half-open probe is in flight.
    probing: AtomicBool,
    skips: AtomicU64,
}

/// Whether a command may go to the backend, and if so whether it is the half-open probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Permit {
    Closed,
    Probe,
    Skip,
}

impl Breaker {
    pub(crate) fn new(backend: &'static str, cooldown: Duration) -> Self {
        metrics::gauge!("showroom_cache_breaker_open", "backend" => backend).set(0.0);
        Self {
            backend,
            cooldown,
            started: Instant::now(),
            open_until_ms: AtomicU64::new(0),
            probing: AtomicBool::new(false),
            skips: AtomicU64::new(0),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Asks to send one command. A `Skip` is counted here.
    pub(crate) fn permit(&self) -> Permit {
        let open_until = self.open_until_ms.load(Ordering::Acquire);
        if open_until == 0 {
            return Permit::Closed;
        }
        if self.now_ms() >= open_until
            && self
                .probing
                .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            return Permit::Probe;
        }
        self.skips.fetch_add(1, Ordering::Relaxed);
        metrics::counter!("showroom_cache_breaker_skips_total", "backend" => self.backend)
            .increment(1);
        Permit::Skip
    }

    /// The command answered: close the breaker if it was open.
    pub(crate) fn succeeded(&self, permit: Permit) {
        if permit == Permit::Probe {
            self.open_until_ms.store(0, Ordering::Release);
            self.probing.store(false, Ordering::Release);
            metrics::gauge!("showroom_cache_breaker_open", "backend" => self.backend).set(0.0);
            tracing::info!(
                backend = self.backend,
                "cache: Redis answers again; using it again"
            );
        }
    }

    /// The command failed: (re)open the breaker for a cool-down.
    pub(crate) fn failed(&self, permit: Permit) {
        let until = self.now_ms().saturating_add(
            u64::try_from(self.cooldown.as_millis())
                .unwrap_or(u64::MAX)
                .max(1),
        );
        let previous = self.open_until_ms.swap(until, Ordering::AcqRel);
        if permit == Permit::Probe {
            self.probing.store(false, Ordering::Release);
        }
        if previous == 0 {
            metrics::counter!("showroom_cache_breaker_trips_total", "backend" => self.backend)
                .increment(1);
            metrics::gauge!("showroom_cache_breaker_open", "backend" => self.backend).set(1.0);
            tracing::warn!(
                backend = self.backend,
                cooldown_ms = self.cooldown.as_millis() as u64,
                "cache: Redis failed; skipping it (serving from the database) until a probe succeeds"
            );
        }
    }

    /// Whether commands are being skipped now.
    pub(crate) fn is_open(&self) -> bool {
        self.open_until_ms.load(Ordering::Acquire) != 0
    }

    /// Commands skipped since start.
    pub(crate) fn skips(&self) -> u64 {
        self.skips.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_opens_the_breaker_until_one_probe_succeeds() {
        let breaker = Breaker::new("test", Duration::from_millis(40));
        assert_eq!(breaker.permit(), Permit::Closed);
        breaker.failed(Permit::Closed);
        assert!(breaker.is_open());
        assert_eq!(breaker.permit(), Permit::Skip);
        assert_eq!(breaker.permit(), Permit::Skip);
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(
            breaker.permit(),
            Permit::Probe,
            "after the cool-down one probe goes through"
        );
        assert_eq!(breaker.permit(), Permit::Skip, "and only one");
        breaker.succeeded(Permit::Probe);
        assert!(!breaker.is_open());
        assert_eq!(breaker.permit(), Permit::Closed);
        assert_eq!(breaker.skips(), 3);
    }

    #[test]
    fn a_failed_probe_opens_the_breaker_for_another_cooldown() {
        let breaker = Breaker::new("test", Duration::from_millis(30));
        breaker.failed(Permit::Closed);
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(breaker.permit(), Permit::Probe);
        breaker.failed(Permit::Probe);
        assert_eq!(breaker.permit(), Permit::Skip);
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(
            breaker.permit(),
            Permit::Probe,
            "the probe flag was released"
        );
    }
}
