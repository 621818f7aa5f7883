//! Retrying a store write through a brief database outage (a failover, a restart): for writes
//! that record money that already moved, where giving up at once would leave the shop and the
//! payment provider disagreeing.

use std::future::Future;
use std::time::Duration;

use showroom_store::StoreError;

/// Attempts in all, with pauses of 100, 200 and 400 ms between them.
const ATTEMPTS: u32 = 4;

/// Runs `write` until it succeeds or fails with anything but [`StoreError::Unavailable`], at
/// most [`ATTEMPTS`] times.
pub async fn while_unavailable<T, F, Fut>(mut write: F) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let mut pause = Duration::from_millis(100);
    for _ in 1..ATTEMPTS {
        match write().await {
            Err(StoreError::Unavailable(cause)) => {
                tracing::warn!(error = %cause, "a store write failed; retrying");
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
            done => return done,
        }
    }
    write().await
}
