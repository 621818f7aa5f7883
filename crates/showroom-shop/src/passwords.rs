//! Argon2id password hashes (OWASP's parameters: 19 MiB, 2 passes, 1 lane), made and checked on
//! the blocking thread pool so a burst of logins never stalls the async workers. A login for an
//! unknown account still verifies against a fixed dummy hash, so response timing does not tell
//! which emails have accounts.

use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use secrecy::{ExposeSecret, SecretString};

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

/// The PHC string of `plaintext` (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub async fn hash(plaintext: SecretString) -> Result<String, ShopError> {
    tokio::task::spawn_blocking(move || hash_now(plaintext.expose_secret()))
        .await
        .map_err(ShopError::internal)?
        .map_err(|e| ShopError::internal(e.to_string()))
}

/// Whether `plaintext` matches `stored`; `None` (no such account) is checked against the dummy
/// hash and is always `false`.
pub async fn verify(plaintext: SecretString, stored: Option<String>) -> Result<bool, ShopError> {
    tokio::task::spawn_blocking(move || {
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
        let stored = hash(SecretString::from("correct horse battery"))
            .await
            .unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify(
            SecretString::from("correct horse battery"),
            Some(stored.clone())
        )
        .await
        .unwrap());
        assert!(
            !verify(SecretString::from("correct horse batterY"), Some(stored))
                .await
                .unwrap()
        );
        assert!(!verify(
            SecretString::from("showroom dummy password, never valid"),
            None
        )
        .await
        .unwrap());
    }
}
