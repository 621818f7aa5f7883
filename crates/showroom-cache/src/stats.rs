//! Hit, miss and error counting.
//!
//! Every lookup is counted twice: in the process-wide `metrics` registry, for Prometheus, and in
//! cheap atomic counters owned by the cache instance, so tests and the advisor can read them
//! without installing a metrics recorder.
//!
//! Metric names and labels:
//! - `showroom_cache_hits_total{namespace, backend}`
//! - `showroom_cache_misses_total{namespace, backend}`
//! - `showroom_cache_errors_total{operation, backend}`
//! - `showroom_cache_breaker_{open,trips_total,skips_total}{backend}` (see `breaker.rs`)
//!
//! The `namespace` label is bounded because namespaces are code constants, never user input.

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of one cache instance's counters since it was created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups that found a value.
    pub hits: u64,
    /// Lookups that found nothing (or found only an invalidated or expired value).
    pub misses: u64,
    /// Backend operations that failed; a failed lookup counts here, not as a miss.
    pub errors: u64,
    /// Operations the circuit breaker did not send to a failing backend (Redis only).
    pub skipped: u64,
}

/// The live counters behind [`CacheStats`], tagged with the backend name for the metrics.
#[derive(Debug)]
pub(crate) struct Counters {
    backend: &'static str,
    hits: AtomicU64,
    misses: AtomicU64,
    errors: AtomicU64,
}

impl Counters {
    pub(crate) fn new(backend: &'static str) -> Self {
        Self {
            backend,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        }
    }

    /// Counts a lookup in `ns` as a hit when `found`, else as a miss.
    pub(crate) fn lookup(&self, ns: &str, found: bool) {
        let (counter, name) = if found {
            (&self.hits, "showroom_cache_hits_total")
        } else {
            (&self.misses, "showroom_cache_misses_total")
        };
        counter.fetch_add(1, Ordering::Relaxed);
        metrics::counter!(name, "namespace" => ns.to_owned(), "backend" => self.backend)
            .increment(1);
    }

    /// Counts a failed backend operation.
    pub(crate) fn error(&self, operation: &'static str) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        metrics::counter!(
            "showroom_cache_errors_total",
            "operation" => operation,
            "backend" => self.backend
        )
        .increment(1);
    }

    pub(crate) fn snapshot(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
            skipped: 0,
        }
    }
}
