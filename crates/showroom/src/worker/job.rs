//! One claimed job, start to finish: read the original, run the pipeline off the async threads
//! while forwarding its progress (which renews the lease), store every derived file, record the
//! outcome. See the module above for the guarantees.

use std::time::{Duration, Instant};

use showroom_assets::bundle::GltfBundle;
use showroom_assets::gltf::{Format, NoResources};
use showroom_assets::pipeline::{self, ProcessError, Processed, RejectionReport, Step};
use showroom_assets::{ContentAddress, UploadKind};
use showroom_store::{ClaimedJob, FailureKind, StoreError, UploadFormat};
use tokio::sync::mpsc;
use tracing::Instrument;

use super::low_priority::spawn_low_priority;
use super::WorkerContext;

/// How a job ended, for the log.
enum Outcome {
    Ready(Box<Processed>),
    Failed(String, FailureKind, Option<serde_json::Value>),
}

/// Backoff before retry `attempt` (1-based): 5 s, 10 s, 20 s … at most 5 minutes.
fn backoff(attempt: u32) -> Duration {
    Duration::from_secs((5u64 << attempt.saturating_sub(1).min(6)).min(300))
}

fn retry(attempt: u32, why: String) -> Outcome {
    Outcome::Failed(
        why,
        FailureKind::Retryable {
            backoff: backoff(attempt),
        },
        None,
    )
}

pub async fn process_claimed(context: &WorkerContext, worker: &str, job: ClaimedJob) {
    let span =
        tracing::info_span!("asset_job", asset = %job.asset_hash.as_str(), attempt = job.attempt);
    finish(context, worker, &job).instrument(span).await;
}

async fn finish(context: &WorkerContext, worker: &str, job: &ClaimedJob) {
    let started = Instant::now();
    let queue = &context.queue;
    let outcome = run(context, worker, job).await;
    let label = match &outcome {
        Ok(Outcome::Ready(_)) => "ready",
        Ok(Outcome::Failed(_, FailureKind::Retryable { .. }, _)) => "retry",
        Ok(Outcome::Failed(..)) => "failed",
        Err(LostLease) => "lost_lease",
    };
    metrics::counter!("showroom_asset_jobs_total", "outcome" => label).increment(1);
    metrics::histogram!("showroom_asset_job_seconds", "outcome" => label)
        .record(started.elapsed().as_secs_f64());
    let recorded = match outcome {
        Ok(Outcome::Ready(processed)) => {
            let files = processed.files.len();
            let result = queue
                .complete_job(job.id, worker, processed.report.to_stored())
                .await;
            if result.is_ok() {
                let elapsed_ms = started.elapsed().as_millis() as u64;
                tracing::info!(files, elapsed_ms, "asset ready");
            }
            result
        }
        Ok(Outcome::Failed(reason, kind, report)) => {
            let retry = matches!(kind, FailureKind::Retryable { .. });
            tracing::warn!(reason = %reason, retry, "asset processing failed");
            queue.fail_job(job.id, worker, &reason, kind, report).await
        }
        Err(LostLease) => {
            tracing::warn!("lease lost to another worker: this run's results are dropped");
            return;
        }
    };
    match recorded {
        Ok(()) => {}
        Err(StoreError::Conflict { field: "lease", .. }) => {
            tracing::warn!("lease lost before the outcome was recorded");
        }
        Err(error) => tracing::error!(
            error = %error,
            "cannot record the job outcome; the lease will expire and the job run again"
        ),
    }
}

/// The worker no longer holds the job.
struct LostLease;

async fn run(
    context: &WorkerContext,
    worker: &str,
    job: &ClaimedJob,
) -> Result<Outcome, LostLease> {
    let lease = context.settings.lease;
    let address = match ContentAddress::parse(job.asset_hash.as_str()) {
        Ok(address) => address,
        Err(e) => return Ok(Outcome::Failed(e.to_string(), FailureKind::Permanent, None)),
    };
    let original = match job.format {
        UploadFormat::Glb => UploadKind::Glb,
        UploadFormat::Zip => UploadKind::Zip,
    }
    .original_file();
    let bytes = match context.blobs.get(&address, &original).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            return Ok(Outcome::Failed(
                "the original upload is missing from object storage; upload it again".into(),
                FailureKind::Permanent,
                None,
            ))
        }
        Err(e) => return Ok(retry(job.attempt, format!("object storage: {e}"))),
    };

    // The pipeline is CPU-bound: it runs on a thread of its own at a lower priority (so it cannot
    // starve the serving threads) and reports progress through a channel, which this task forwards to the queue (renewing the lease).
    let (progress_tx, mut progress_rx) = mpsc::unbounded_channel::<(Step, u8)>();
    let options = context.settings.pipeline.clone();
    let format = job.format;
    let mut pipeline = Box::pin(spawn_low_priority("showroom-pipeline", move || {
        let mut progress = |step: Step, percent: u8| {
            let _ = progress_tx.send((step, percent));
        };
        match format {
            UploadFormat::Glb => {
                pipeline::process(&bytes, Format::Glb, &NoResources, &options, &mut progress)
            }
            UploadFormat::Zip => match GltfBundle::from_zip(&bytes) {
                Ok(bundle) => {
                    pipeline::process(&bundle.gltf, Format::Gltf, &bundle, &options, &mut progress)
                }
                Err(e) => Err(ProcessError::Rejected {
                    reason: e.to_string(),
                    report: RejectionReport::unreadable_bundle(e.to_string()),
                }),
            },
        }
    }));
    let mut heartbeat = tokio::time::interval(lease / 3);
    heartbeat.tick().await;
    let mut last = (Step::Validate.name(), 0u8);
    let result = loop {
        tokio::select! {
            joined = &mut pipeline => break joined,
            Some((step, percent)) = progress_rx.recv() => {
                last = (step.name(), percent);
                report(context, worker, job, last, lease).await?;
            }
            _ = heartbeat.tick() => report(context, worker, job, last, lease).await?,
        }
    };
    let processed = match result {
        Ok(Ok(processed)) => processed,
        Ok(Err(ProcessError::Rejected { reason, report })) => {
            return Ok(Outcome::Failed(
                reason,
                FailureKind::Permanent,
                Some(report.to_stored()),
            ))
        }
        Ok(Err(ProcessError::Internal(why))) => {
            return Ok(Outcome::Failed(
                format!("processing failed inside Showroom (not the model's fault): {why}"),
                FailureKind::Permanent,
                None,
            ))
        }
        Err(crashed) => {
            return Ok(Outcome::Failed(
                format!("processing crashed: {crashed}"),
                FailureKind::Permanent,
                None,
            ))
        }
    };
    report(
        context,
        worker,
        job,
        (Step::Store.name(), Step::Store.percent()),
        lease,
    )
    .await?;
    // Under the report's revision: files another pipeline revision made stay where they are.
    let revision = &processed.report.revision;
    for file in &processed.files {
        let name = pipeline::stored_name(revision, &file.name);
        let stored = context
            .blobs
            .put_file(&address, &name, bytes::Bytes::from(file.bytes.clone()))
            .await;
        if let Err(e) = stored {
            return Ok(retry(job.attempt, format!("object storage: {e}")));
        }
    }
    Ok(Outcome::Ready(Box::new(processed)))
}

async fn report(
    context: &WorkerContext,
    worker: &str,
    job: &ClaimedJob,
    (stage, percent): (&str, u8),
    lease: Duration,
) -> Result<(), LostLease> {
    match context
        .queue
        .report_progress(job.id, worker, percent, stage, lease)
        .await
    {
        Err(StoreError::Conflict { field: "lease", .. }) => Err(LostLease),
        Err(error) => {
            // A database hiccup: keep working; the next report or the outcome tries again.
            tracing::warn!(error = %error, "cannot report progress");
            Ok(())
        }
        Ok(()) => Ok(()),
    }
}
