//! [`spawn_low_priority`]: CPU-heavy work (the 3D pipeline) on a thread of its own at a lower
//! scheduling priority, so that a hostile or simply huge upload cannot starve the threads that
//! serve shoppers: when both want the CPU, the kernel gives the serving threads the larger share.
//!
//! Each job gets a fresh thread (jobs are few and long), so no pooled thread keeps the lowered
//! priority for other work, such as password hashing. Threads the pipeline starts inherit it.

use tokio::sync::oneshot;

/// The nice value of pipeline threads (0 is normal, 19 the lowest).
pub const PIPELINE_NICE: i32 = 10;

/// Why the work gave no answer: it panicked, or its thread could not start.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Crashed(String);

/// Runs `work` on a new thread named `name` at [`PIPELINE_NICE`]; the answer arrives on the
/// returned future.
pub fn spawn_low_priority<T, F>(
    name: &str,
    work: F,
) -> impl std::future::Future<Output = Result<T, Crashed>>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = oneshot::channel();
    let started = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            lower_this_threads_priority();
            let _ = tx.send(work());
        });
    async move {
        started.map_err(|e| Crashed(format!("could not start a pipeline thread: {e}")))?;
        rx.await
            .map_err(|_| Crashed("the pipeline thread panicked".to_owned()))
    }
}

/// Lowers the calling thread's priority (Linux: `setpriority` on the thread id); elsewhere, or
/// when refused, the work runs at normal priority.
fn lower_this_threads_priority() {
    #[cfg(target_os = "linux")]
    {
        let thread = rustix::thread::gettid();
        if let Err(error) = rustix::process::setpriority_process(Some(thread), PIPELINE_NICE) {
            tracing::debug!(%error, "could not lower the pipeline thread's priority");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_work_answers_from_a_thread_at_the_lower_priority() {
        let answer = spawn_low_priority("test-pipeline", || {
            #[cfg(target_os = "linux")]
            let nice = rustix::process::getpriority_process(Some(rustix::thread::gettid())).ok();
            #[cfg(not(target_os = "linux"))]
            let nice: Option<i32> = None;
            (std::thread::current().name().map(str::to_owned), nice)
        })
        .await
        .unwrap();
        assert_eq!(answer.0.as_deref(), Some("test-pipeline"));
        #[cfg(target_os = "linux")]
        assert!(
            answer.1.is_some_and(|nice| nice >= PIPELINE_NICE),
            "{answer:?}"
        );
    }

    #[tokio::test]
    async fn a_panic_is_an_error_not_a_hang() {
        let answer = spawn_low_priority("test-panic", || -> u8 { panic!("boom") }).await;
        assert!(answer.is_err());
    }
}
