//! The reservation sweeper: a background task that returns the stock of abandoned checkouts.
//! Every `checkout.sweep_interval_secs` it asks the store for pending orders whose hold ran out
//! and releases each with [`ReleaseReason::PaymentExpired`]. Started with a guest cart age, it
//! also deletes guest carts untouched for that long ([`sweep_guest_carts_once`]). Each round also
//! deletes expired session rows from the database.
//!
//! Safe with many instances: releasing is a conditional state change in the store, so when two
//! sweepers (or a sweeper and a late payment) race for one order, one wins and the other gets
//! `Conflict { field: "state" }`, which is not an error here. A failed round is logged and
//! retried at the next tick; the sweeper never stops on an error, only on [`Sweeper::stop`].

use std::time::Duration;

use showroom_store::{unix_millis, DynCatalogStore, ReleaseReason, StoreError};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Orders released per round at most; the next round takes the rest.
const BATCH: u32 = 100;

pub struct Sweeper {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Sweeper {
    /// Starts sweeping reservations every `every`.
    pub fn start(store: DynCatalogStore, every: Duration) -> Self {
        Self::start_with(store, every, None)
    }

    /// Starts sweeping reservations, and guest carts older than `guest_carts` when given, every
    /// `every`.
    pub fn start_with(
        store: DynCatalogStore,
        every: Duration,
        guest_carts: Option<Duration>,
    ) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = ticks.tick() => {}
                    _ = stopped.changed() => break,
                }
                match sweep_once(&store).await {
                    Ok(0) => {}
                    Ok(released) => tracing::info!(released, "released expired reservations"),
                    Err(error) => tracing::warn!(%error, "sweeping expired reservations failed"),
                }
                // Sessions in the database expire by time but their rows stay until deleted
                // (Redis expires its own).
                match store.sweep_sessions(unix_millis()).await {
                    Ok(0) => {}
                    Ok(deleted) => tracing::debug!(deleted, "deleted expired sessions"),
                    Err(error) => tracing::warn!(%error, "sweeping expired sessions failed"),
                }
                let Some(age) = guest_carts else { continue };
                match sweep_guest_carts_once(&store, age).await {
                    Ok(0) => {}
                    Ok(deleted) => tracing::info!(deleted, "deleted stale guest carts"),
                    Err(error) => tracing::warn!(%error, "sweeping guest carts failed"),
                }
            }
        });
        Self { stop, task }
    }

    /// Stops after the current round.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Deletes up to one batch of guest carts untouched for `age`; returns how many went.
pub async fn sweep_guest_carts_once(
    store: &DynCatalogStore,
    age: Duration,
) -> Result<u64, StoreError> {
    let age = i64::try_from(age.as_millis()).unwrap_or(i64::MAX);
    store
        .sweep_guest_carts(unix_millis().saturating_sub(age), BATCH)
        .await
}

/// Releases up to one batch of expired reservations; returns how many this call released.
pub async fn sweep_once(store: &DynCatalogStore) -> Result<usize, StoreError> {
    let now = unix_millis();
    let mut released = 0;
    for id in store.expired_reservations(now, BATCH).await? {
        match store.release(id, ReleaseReason::PaymentExpired).await {
            Ok(_) => released += 1,
            // Paid or released by someone else in the meantime.
            Err(StoreError::Conflict { field: "state", .. }) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(released)
}
