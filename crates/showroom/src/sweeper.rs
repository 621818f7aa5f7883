//! The reservation sweeper: a background task that returns the stock of abandoned checkouts.
//! Every `checkout.sweep_interval_secs` it asks the store for pending orders whose hold ran out
//! and releases each with [`ReleaseReason::PaymentExpired`] — except those whose payment was
//! captured but never recorded (see [`showroom_store::OrderStateStore::mark_captured`]): they are
//! recorded as paid, with the confirmation mail and history of any payment. Started with a guest
//! cart age, it also deletes guest carts untouched for that long ([`sweep_guest_carts_once`]). Each round also
//! deletes expired session rows from the database and, given the login throttle's window, the
//! failed-login counts of windows that have ended.
//!
//! Safe with many instances: releasing is a conditional state change in the store, so when two
//! sweepers (or a sweeper and a late payment) race for one order, one wins and the other gets
//! `Conflict { field: "state" }`, which is not an error here. A failed round is logged and
//! retried at the next tick; the sweeper never stops on an error, only on [`Sweeper::stop`].

use std::time::Duration;

use showroom_shop::StockFreshness;
use showroom_store::{duration_millis, unix_millis, DynCatalogStore, ReleaseReason, StoreError};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Orders released per round at most; the next round takes the rest.
const BATCH: u32 = 100;

/// What a round sweeps besides expired reservations and sessions.
#[derive(Default)]
pub struct SweepExtras {
    /// Guest carts untouched this long are deleted.
    pub guest_carts: Option<Duration>,
    /// The login throttle's window: counts of windows that ended are deleted.
    pub login_window: Option<Duration>,
    /// Told when a round returned stock.
    pub stock: StockFreshness,
}

pub struct Sweeper {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Sweeper {
    /// Starts sweeping reservations every `every`.
    pub fn start(store: DynCatalogStore, every: Duration) -> Self {
        Self::start_with(store, every, SweepExtras::default())
    }

    /// Starts sweeping reservations, and what `extras` asks for, every `every`.
    pub fn start_with(store: DynCatalogStore, every: Duration, extras: SweepExtras) -> Self {
        let SweepExtras {
            guest_carts,
            login_window,
            stock,
        } = extras;
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
                    Ok(released) => {
                        tracing::info!(released, "released expired reservations");
                        stock.changed().await;
                    }
                    Err(error) => tracing::warn!(%error, "sweeping expired reservations failed"),
                }
                // Sessions in the database expire by time but their rows stay until deleted
                // (Redis expires its own).
                match store.sweep_sessions(unix_millis()).await {
                    Ok(0) => {}
                    Ok(deleted) => tracing::debug!(deleted, "deleted expired sessions"),
                    Err(error) => tracing::warn!(%error, "sweeping expired sessions failed"),
                }
                // Failed-login counts whose window has ended are of no more use.
                if let Some(window) = login_window {
                    let before = unix_millis().saturating_sub(duration_millis(window));
                    match store.sweep_login_failures(before).await {
                        Ok(0) => {}
                        Ok(deleted) => tracing::debug!(deleted, "deleted old login failures"),
                        Err(error) => tracing::warn!(%error, "sweeping login failures failed"),
                    }
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
    store
        .sweep_guest_carts(unix_millis().saturating_sub(duration_millis(age)), BATCH)
        .await
}

/// Records the payments that were captured but never recorded (checkout marked the capture,
/// then could not write the payment) once their hold ended, then releases up to one batch of
/// the other expired reservations; returns how many orders this call changed.
pub async fn sweep_once(store: &DynCatalogStore) -> Result<usize, StoreError> {
    let now = unix_millis();
    let mut released = 0;
    for (id, payment_ref) in store.unrecorded_captures(now, BATCH).await? {
        match store.mark_paid(id, &payment_ref).await {
            Ok(_) => {
                tracing::warn!(order = %id, %payment_ref, "recorded a captured payment late");
                released += 1;
            }
            Err(StoreError::Conflict { field: "state", .. }) => {}
            Err(error) => return Err(error),
        }
    }
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
