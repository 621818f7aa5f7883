//! Short-lived signed asset URLs: `/assets/<hash>/<file>?expires=<unix seconds>&sig=<hex>`,
//! where `sig` is HMAC-SHA256 over `"<hash>/<file>/<expires>"` with the configured
//! `asset_signing_key`. A signature binds the exact file and expiry, so it cannot be moved to
//! another asset or extended; it is compared in constant time. Every instance must share the key
//! for a URL minted on one to work on another.

use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The outcome of checking a signed URL's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureCheck {
    Valid,
    /// The signature is right but its time has passed.
    Expired,
    /// The signature does not match (tampered, another key, another file) or is malformed.
    Invalid,
}

/// Seconds since the Unix epoch.
pub fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn mac(key: &SecretString, hash: &str, file: &str, expires: u64) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(key.expose_secret().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(format!("{hash}/{file}/{expires}").as_bytes());
    mac
}

/// The hex signature of one file under one address until `expires`.
pub fn signature(key: &SecretString, hash: &str, file: &str, expires: u64) -> String {
    hex::encode(mac(key, hash, file, expires).finalize().into_bytes())
}

/// The path and query of a signed URL (prefix it with the asset base URL when there is one).
/// `hash` and `file` must already be a valid address and file name.
pub fn signed_asset_path(key: &SecretString, hash: &str, file: &str, expires: u64) -> String {
    let sig = signature(key, hash, file, expires);
    format!("/assets/{hash}/{file}?expires={expires}&sig={sig}")
}

/// Checks `expires` and `sig` (raw query values) for this file at time `now`.
pub fn verify(
    key: &SecretString,
    hash: &str,
    file: &str,
    expires: &str,
    sig: &str,
    now: u64,
) -> SignatureCheck {
    let (Ok(expires), Ok(sig)) = (expires.parse::<u64>(), hex::decode(sig)) else {
        return SignatureCheck::Invalid;
    };
    if mac(key, hash, file, expires).verify_slice(&sig).is_err() {
        return SignatureCheck::Invalid;
    }
    if expires < now {
        SignatureCheck::Expired
    } else {
        SignatureCheck::Valid
    }
}

/// A random key for when none is configured: 244 bits from the OS generator (two v4 UUIDs).
pub fn random_signing_key() -> SecretString {
    let key = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    SecretString::from(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "ab";

    #[test]
    fn a_signature_is_valid_until_it_expires_and_only_for_its_file() {
        let key = SecretString::from("k");
        let sig = signature(&key, HASH, "model.glb", 100);
        let other = SecretString::from("other");
        // (key, file, expires, signature, now): what each check answers.
        let cases = [
            (
                &key,
                "model.glb",
                "100",
                sig.as_str(),
                100,
                SignatureCheck::Valid,
            ),
            (&key, "model.glb", "100", &sig, 101, SignatureCheck::Expired),
            (&key, "poster.png", "100", &sig, 50, SignatureCheck::Invalid),
            (&key, "model.glb", "200", &sig, 50, SignatureCheck::Invalid),
            (
                &other,
                "model.glb",
                "100",
                &sig,
                50,
                SignatureCheck::Invalid,
            ),
            (&key, "model.glb", "100", "zz", 50, SignatureCheck::Invalid),
            (&key, "model.glb", "-1", &sig, 50, SignatureCheck::Invalid),
        ];
        for (n, (key, file, expires, signature, now, answer)) in cases.into_iter().enumerate() {
            assert_eq!(
                verify(key, HASH, file, expires, signature, now),
                answer,
                "case {n}"
            );
        }
    }

    #[test]
    fn generated_keys_differ() {
        assert_ne!(
            random_signing_key().expose_secret(),
            random_signing_key().expose_secret()
        );
    }
}
