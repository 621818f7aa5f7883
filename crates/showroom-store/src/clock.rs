//! The one clock of stored times: every `created_at`, `updated_at`, lease and expiry the stores
//! write or compare is Unix milliseconds from [`unix_millis`], so the binary, the HTTP layer and
//! the backends agree on what "now" means.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Unix milliseconds now; 0 for a clock before 1970, saturated far in the future.
pub fn unix_millis() -> i64 {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}

/// A duration in the clock's unit, saturated at `i64::MAX`: add it to a [`unix_millis`] time
/// with `saturating_add`.
pub fn duration_millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
