//! Contract: asset records and the processing queue. Registering is idempotent per hash; a claim
//! is a lease that only its holder can use, that another worker takes over once it expires, and
//! that concurrent workers never share; retries back off and stop at `max_attempts`.

use std::collections::HashSet;
use std::time::Duration;

use super::support::hash;
use crate::{AssetStatus, DynCatalogStore, FailureKind, NewAsset, StoreError, UploadFormat};

const LEASE: Duration = Duration::from_secs(60);

fn upload(n: u8) -> NewAsset {
    NewAsset {
        hash: hash(n),
        original_name: format!("chair-{n}.glb"),
        format: UploadFormat::Glb,
        byte_size: 1234,
    }
}

pub async fn registering_the_same_upload_twice_keeps_one_record_and_one_job(
    store: DynCatalogStore,
) {
    let (first, created) = store.register_asset(upload(1), 3).await.unwrap();
    assert!(created);
    assert_eq!(first.status, AssetStatus::Uploaded);
    assert_eq!((first.progress, first.attempts), (0, 0));
    let mut renamed = upload(1);
    renamed.original_name = "other-name.glb".into();
    let (again, created) = store.register_asset(renamed, 3).await.unwrap();
    assert!(!created, "the same bytes are deduplicated");
    assert_eq!(again.original_name, "chair-1.glb");
    assert!(store.claim_job("w1", LEASE).await.unwrap().is_some());
    assert!(
        store.claim_job("w2", LEASE).await.unwrap().is_none(),
        "the duplicate upload queued no second job"
    );
    assert!(store.asset(&hash(9)).await.unwrap().is_none());
}

pub async fn a_job_runs_to_ready_with_progress_and_report(store: DynCatalogStore) {
    store.register_asset(upload(2), 3).await.unwrap();
    let job = store
        .claim_job("w1", LEASE)
        .await
        .unwrap()
        .expect("a due job");
    assert_eq!((job.asset_hash.clone(), job.attempt), (hash(2), 1));
    assert_eq!(job.format, UploadFormat::Glb);
    let record = store.asset(&hash(2)).await.unwrap().unwrap();
    assert_eq!(record.status, AssetStatus::Processing);
    store
        .report_progress(job.id, "w1", 40, "optimize", LEASE)
        .await
        .unwrap();
    let record = store.asset(&hash(2)).await.unwrap().unwrap();
    assert_eq!((record.progress, record.stage.as_str()), (40, "optimize"));
    assert!(matches!(
        store
            .report_progress(job.id, "intruder", 50, "x", LEASE)
            .await,
        Err(StoreError::Conflict { field: "lease", .. })
    ));
    store
        .complete_job(job.id, "w1", serde_json::json!({"triangles": 12}))
        .await
        .unwrap();
    let record = store.asset(&hash(2)).await.unwrap().unwrap();
    assert_eq!(record.status, AssetStatus::Ready);
    assert_eq!(record.progress, 100);
    assert_eq!(record.report, Some(serde_json::json!({"triangles": 12})));
    assert!(matches!(
        store
            .complete_job(job.id, "w1", serde_json::json!({}))
            .await,
        Err(StoreError::Conflict { field: "lease", .. })
    ));
    assert!(store.claim_job("w1", LEASE).await.unwrap().is_none());
}

pub async fn an_expired_lease_is_taken_over_and_the_old_worker_is_refused(store: DynCatalogStore) {
    store.register_asset(upload(3), 3).await.unwrap();
    let crashed = store
        .claim_job("crashed", Duration::ZERO)
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    let taken = store
        .claim_job("w2", LEASE)
        .await
        .unwrap()
        .expect("expired lease");
    assert_eq!(taken.id, crashed.id);
    assert_eq!(taken.attempt, 2);
    assert!(matches!(
        store
            .report_progress(crashed.id, "crashed", 10, "validate", LEASE)
            .await,
        Err(StoreError::Conflict { field: "lease", .. })
    ));
    store
        .complete_job(taken.id, "w2", serde_json::json!({}))
        .await
        .unwrap();
}

pub async fn a_job_whose_workers_keep_dying_fails_after_max_attempts(store: DynCatalogStore) {
    store.register_asset(upload(4), 2).await.unwrap();
    for _ in 0..2 {
        store
            .claim_job("dies", Duration::ZERO)
            .await
            .unwrap()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(store.claim_job("w", LEASE).await.unwrap().is_none());
    let record = store.asset(&hash(4)).await.unwrap().unwrap();
    assert_eq!(record.status, AssetStatus::Failed);
    assert!(record.failure.unwrap().contains("2 time(s)"));
}

pub async fn retryable_failures_back_off_and_permanent_ones_fail_at_once(store: DynCatalogStore) {
    store.register_asset(upload(5), 3).await.unwrap();
    let job = store.claim_job("w", LEASE).await.unwrap().unwrap();
    let retry = FailureKind::Retryable {
        backoff: Duration::from_millis(300),
    };
    store
        .fail_job(job.id, "w", "storage timed out", retry, None)
        .await
        .unwrap();
    let record = store.asset(&hash(5)).await.unwrap().unwrap();
    assert_eq!(record.status, AssetStatus::Uploaded);
    assert!(
        record.stage.contains("storage timed out"),
        "{}",
        record.stage
    );
    assert!(
        store.claim_job("w", LEASE).await.unwrap().is_none(),
        "not before the backoff"
    );
    tokio::time::sleep(Duration::from_millis(350)).await;
    let again = store
        .claim_job("w", LEASE)
        .await
        .unwrap()
        .expect("due after backoff");
    assert_eq!((again.id, again.attempt), (job.id, 2));
    store
        .fail_job(
            again.id,
            "w",
            "not a glTF file",
            FailureKind::Permanent,
            Some(serde_json::json!({"errors": 1})),
        )
        .await
        .unwrap();
    let record = store.asset(&hash(5)).await.unwrap().unwrap();
    assert_eq!(record.status, AssetStatus::Failed);
    assert_eq!(record.failure.as_deref(), Some("not a glTF file"));
    assert_eq!(record.report, Some(serde_json::json!({"errors": 1})));
    assert!(store.claim_job("w", LEASE).await.unwrap().is_none());

    let record = store.reprocess_asset(&hash(5), 3).await.unwrap();
    assert_eq!((record.status, record.attempts), (AssetStatus::Uploaded, 0));
    assert!(record.failure.is_none());
    assert!(matches!(
        store.reprocess_asset(&hash(5), 3).await,
        Err(StoreError::Conflict {
            field: "status",
            ..
        })
    ));
    assert!(matches!(
        store.reprocess_asset(&hash(99), 3).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(store.claim_job("w", LEASE).await.unwrap().is_some());
}

pub async fn concurrent_workers_never_claim_the_same_job(store: DynCatalogStore) {
    for n in 10..22 {
        store.register_asset(upload(n), 3).await.unwrap();
    }
    let mut workers = Vec::new();
    for w in 0..6 {
        let store = store.clone();
        workers.push(tokio::spawn(async move {
            let name = format!("w{w}");
            let mut got = Vec::new();
            loop {
                match store.claim_job(&name, LEASE).await {
                    Ok(Some(job)) => {
                        store
                            .complete_job(job.id, &name, serde_json::json!({}))
                            .await
                            .unwrap();
                        got.push(job.asset_hash);
                    }
                    Ok(None) => break,
                    // SQLite may report a busy database under this contention: try again.
                    Err(StoreError::Unavailable(_)) => continue,
                    Err(e) => panic!("{e:?}"),
                }
            }
            got
        }));
    }
    let mut seen = HashSet::new();
    for worker in workers {
        for hash in worker.await.unwrap() {
            assert!(seen.insert(hash), "a job was claimed twice");
        }
    }
    assert_eq!(seen.len(), 12);
    let listed = store.list_assets(100).await.unwrap();
    assert_eq!(listed.len(), 12);
    assert!(listed.iter().all(|a| a.status == AssetStatus::Ready));
}
