//! Background processing of uploaded models: workers claim jobs from the database queue, run the
//! 3D pipeline (`showroom_assets::pipeline`) on a blocking thread, store the derived files next
//! to the original, and record the outcome.
//!
//! Guarantees:
//! - a job is worked on by one worker at a time (the queue's lease), and a job whose worker dies
//!   is picked up again once its lease runs out — also by another instance;
//! - the lease is renewed with every progress report and by a heartbeat, so a long model never
//!   loses its lease while it is being worked on;
//! - derived files are all stored *before* the asset is marked ready, so a ready asset never
//!   points at a missing file; a worker that lost its lease writes no outcome;
//! - bad models fail at once with the pipeline's reason; storage failures are retried with
//!   exponential backoff up to `assets.max_attempts`;
//! - on shutdown, workers stop claiming; an unfinished job is left to its lease.
//!
//! `/metrics` counts jobs by outcome (`showroom_asset_jobs_total{outcome="ready|failed|retry|
//! lost_lease"}`) with their durations (`showroom_asset_job_seconds`).

mod job;
mod low_priority;

use std::sync::Arc;
use std::time::Duration;

use showroom_assets::pipeline::PipelineOptions;
use showroom_assets::BlobStore;
use showroom_store::DynJobQueue;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::config::Config;

pub use job::process_claimed;

/// How workers run.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Workers in this process.
    pub concurrency: usize,
    pub lease: Duration,
    pub poll: Duration,
    pub pipeline: PipelineOptions,
}

impl WorkerSettings {
    pub fn from_config(config: &Config) -> Self {
        let assets = &config.assets;
        Self {
            concurrency: assets.workers,
            lease: Duration::from_secs(assets.lease_secs.max(5)),
            poll: Duration::from_millis(assets.poll_millis.clamp(10, 60_000)),
            pipeline: PipelineOptions {
                poster_sizes: assets.poster_sizes.clone(),
                ..PipelineOptions::default()
            },
        }
    }
}

/// Everything a worker touches.
#[derive(Clone)]
pub struct WorkerContext {
    /// The processing queue: all a worker touches in the database.
    pub queue: DynJobQueue,
    pub blobs: Arc<BlobStore>,
    pub settings: Arc<WorkerSettings>,
}

/// A running pool of workers; [`Workers::stop`] asks them to finish.
pub struct Workers {
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

impl Workers {
    /// Starts `settings.concurrency` workers (none when it is 0).
    pub fn start(context: WorkerContext) -> Self {
        let (stop, stopped) = watch::channel(false);
        let mut tasks = JoinSet::new();
        let instance = uuid::Uuid::new_v4().simple().to_string();
        for n in 0..context.settings.concurrency {
            let worker_id = format!("{}-{}-{n}", &instance[..8], std::process::id());
            tasks.spawn(run_worker(context.clone(), worker_id, stopped.clone()));
        }
        if context.settings.concurrency > 0 {
            tracing::info!(
                workers = context.settings.concurrency,
                "asset workers started"
            );
        }
        Self { stop, tasks }
    }

    /// Asks every worker to stop claiming and waits up to `grace` for running jobs to end;
    /// jobs still running after it are left to their leases.
    pub async fn stop(mut self, grace: Duration) {
        let _ = self.stop.send(true);
        let all = async { while self.tasks.join_next().await.is_some() {} };
        if tokio::time::timeout(grace, all).await.is_err() {
            tracing::warn!("asset workers still busy at shutdown: their jobs resume elsewhere once the lease expires");
            self.tasks.abort_all();
        }
    }
}

async fn run_worker(context: WorkerContext, worker_id: String, mut stopped: watch::Receiver<bool>) {
    let poll = context.settings.poll;
    while !*stopped.borrow() {
        match context
            .queue
            .claim_job(&worker_id, context.settings.lease)
            .await
        {
            Ok(Some(job)) => {
                process_claimed(&context, &worker_id, job).await;
                continue;
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(error = %error, "asset worker cannot reach the queue"),
        }
        tokio::select! {
            () = tokio::time::sleep(poll) => {}
            _ = stopped.changed() => {}
        }
    }
}
