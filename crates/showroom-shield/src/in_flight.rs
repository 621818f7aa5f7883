//! Load shedding: at most `max_in_flight` requests run at once. One more is refused at once
//! (never queued, so overload shows as fast 503s with `Retry-After`, not as timeouts), except
//! the health checks, which must keep answering for the load balancer to judge the instance.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Paths that are never shed.
const EXEMPT: &[&str] = &["/healthz", "/readyz"];

#[derive(Debug, Clone)]
pub struct InFlight {
    slots: Option<Arc<Semaphore>>,
}

/// Holding one keeps a slot taken (unless the request is exempt); dropping it frees the slot.
pub struct Admission {
    _slot: Option<OwnedSemaphorePermit>,
}

impl InFlight {
    /// `max == 0` means no limit.
    pub fn new(max: usize) -> Self {
        Self {
            slots: (max > 0).then(|| Arc::new(Semaphore::new(max.min(Semaphore::MAX_PERMITS)))),
        }
    }

    /// A slot for the request, or `None` when every slot is taken.
    pub fn admit(&self, path: &str) -> Option<Admission> {
        let Some(slots) = &self.slots else {
            return Some(Admission { _slot: None });
        };
        if EXEMPT.contains(&path) {
            return Some(Admission { _slot: None });
        }
        slots
            .clone()
            .try_acquire_owned()
            .ok()
            .map(|permit| Admission {
                _slot: Some(permit),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_more_than_the_maximum_is_refused_until_a_slot_frees() {
        let limit = InFlight::new(2);
        let a = limit.admit("/api/v1/products");
        let b = limit.admit("/api/v1/products");
        assert!(a.is_some() && b.is_some());
        assert!(limit.admit("/api/v1/products").is_none());
        assert!(limit.admit("/healthz").is_some());
        assert!(limit.admit("/readyz").is_some());
        drop(a);
        assert!(limit.admit("/api/v1/products").is_some());
    }

    #[test]
    fn zero_means_unlimited() {
        let limit = InFlight::new(0);
        let held: Vec<_> = (0..10_000).map(|_| limit.admit("/")).collect();
        assert!(held.iter().all(Option::is_some));
    }
}
