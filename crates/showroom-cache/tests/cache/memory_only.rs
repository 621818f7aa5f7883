//! What only the in-process backend promises: concurrent fills of one key share one run.

use std::{
    sync::atomic::{AtomicUsize, Ordering},
    time::Duration,
};

use bytes::Bytes;
use showroom_cache::get_or_fill;

use crate::support::memory_cache;

#[tokio::test]
async fn concurrent_fills_of_one_key_run_the_fill_once() {
    let cache = memory_cache();
    let fills = AtomicUsize::new(0);
    let fill = || async {
        fills.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok::<_, std::io::Error>(Bytes::from_static(b"shared"))
    };
    let callers = (0..8).map(|_| get_or_fill(&*cache, "product", "chair", None, fill));
    let values = futures::future::join_all(callers).await;
    assert!(values
        .iter()
        .all(|value| value.as_deref().ok() == Some(&b"shared"[..])));
    assert_eq!(fills.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn waiters_on_a_failed_shared_fill_get_an_answer_of_their_own() {
    let cache = memory_cache();
    let attempts = AtomicUsize::new(0);
    let fill = || async {
        // The first run fails after the others have started waiting on it.
        let attempt = attempts.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(50)).await;
        if attempt == 0 {
            Err("database hiccup")
        } else {
            Ok(Bytes::from_static(b"fresh"))
        }
    };
    let callers = (0..4).map(|_| get_or_fill(&*cache, "product", "chair", None, fill));
    let results = futures::future::join_all(callers).await;
    assert_eq!(results.iter().filter(|r| r.is_err()).count(), 1);
    assert!(results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .all(|value| value == &Bytes::from_static(b"fresh")));
}
