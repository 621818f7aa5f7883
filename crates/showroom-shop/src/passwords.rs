//! Argon2id password hashes (OWASP's parameters: 19 MiB, 2 passes, 1 lane), made and checked on
//! the blocking thread pool so a burst of logins never stalls the async workers. A login for an
//! unknown account still verifies against a fixed dummy hash, so response timing does not tell
//! which emails have accounts.
//!
//! Each hash costs 19 MiB and tens of milliseconds of a core, so a flood of registrations or
//! logins could take the machine's memory and CPU. A [`HashGate`] lets only so many run at once;
//! a request that cannot get a turn within a short wait is refused with [`ShopError::Busy`] (503
//! with `Retry-After` at the edge) instead of queueing without bound.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::ShopError;

/// A valid hash of a password nobody has, checked when the account does not exist.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_now("showroom dummy password, never valid").unwrap_or_default());

fn hash_now(plaintext: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(plaintext.as_bytes(), &salt)?
        .to_string())
}

/// How many password hashes may run at once, and how long a request waits for a turn.
#[derive(Debug, Clone)]
pub struct HashGate {
    turns: Arc<Semaphore>,
    wait: Duration,
}

impl HashGate {
    /// `concurrent` hashes at once (0: one per CPU core), a turn waited for at most `wait`.
    pub fn new(concurrent: usize, wait: Duration) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let concurrent = if concurrent == 0 { cores } else { concurrent };
        Self {
            turns: Arc::new(Semaphore::new(concurrent)),
            wait,
        }
    }

    async fn turn(&self) -> Result<OwnedSemaphorePermit, ShopError> {
        let waiting = tokio::time::timeout(self.wait, self.turns.clone().acquire_owned());
        match waiting.await {
            Ok(Ok(permit)) => Ok(permit),
            _ => {
                metrics::counter!("showroom_password_hashes_refused_total").increment(1);
                Err(ShopError::Busy {
                    detail: "too many password checks are running; try again in a few seconds"
                        .into(),
                })
            }
        }
    }
}

impl Default for HashGate {
    fn default() -> Self {
        Self::new(0, Duration::from_millis(500))
    }
}

/// The PHC string of `plaintext` (`$argon2id$v=19$m=19456,t=2,p=1$…`), once `gate` gives a turn.
pub async fn hash(gate: &HashGate, plaintext: SecretString) -> Result<String, ShopError> {
    let turn = gate.turn().await?;
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        hash_now(plaintext.expose_secret())
    })
    .await
    .map_err(ShopError::internal)?
    .map_err(|e| ShopError::internal(e.to_string()))
}

/// Whether `plaintext` matches `stored`; `None` (no such account) is checked against the dummy
/// hash and is always `false`.
pub async fn verify(
    gate: &HashGate,
    plaintext: SecretString,
    stored: Option<String>,
) -> Result<bool, ShopError> {
    let turn = gate.turn().await?;
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        let exists = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let matches = PasswordHash::new(&stored).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(plaintext.expose_secret().as_bytes(), &parsed)
                .is_ok()
        });
        exists && matches
    })
    .await
    .map_err(ShopError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_password() {
        let gate = HashGate::default();
        let stored = hash(&gate, SecretString::from("correct horse battery"))
            .await
            .unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify(
            &gate,
            SecretString::from("correct horse battery"),
            Some(stored.clone())
        )
        .await
        .unwrap());
        assert!(!verify(
            &gate,
            SecretString::from("correct horse batterY"),
            Some(stored)
        )
        .await
        .unwrap());
        assert!(!verify(
            &gate,
            SecretString::from("showroom dummy password, never valid"),
            None
        )
        .await
        .unwrap());
    }

    #[tokio::test]
    async fn past_the_gate_a_hash_is_refused_as_busy_not_queued() {
        let gate = HashGate::new(1, Duration::from_millis(0));
        let held = gate.turn().await.unwrap();
        let refused = hash(&gate, SecretString::from("a password long enough")).await;
        assert!(
            matches!(refused, Err(ShopError::Busy { .. })),
            "{refused:?}"
        );
        drop(held);
        assert!(hash(&gate, SecretString::from("a password long enough"))
            .await
            .is_ok());
    }
}
