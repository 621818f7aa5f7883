//! API tokens for automation: `srt_` and 64 random hex digits (256 bits), stored only as their
//! SHA-256, scoped to areas of the admin API ([`TOKEN_SCOPES`]) and revocable. They are issued
//! by [`Accounts::create_api_token`](crate::accounts::Accounts::create_api_token).

use sha2::{Digest, Sha256};

use crate::error::ShopError;

/// The scopes an API token may carry.
pub const TOKEN_SCOPES: [&str; 3] = ["catalog", "orders", "discounts"];

/// A new random token: `srt_` and 64 hex digits (256 bits).
pub fn new_token() -> String {
    format!("srt_{}", hex::encode(rand::random::<[u8; 32]>()))
}

/// The SHA-256 (hex) under which an API token is stored and looked up.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A token's name, trimmed: 1 to 100 characters and no control characters.
pub(crate) fn check_token_name(raw: &str) -> Result<String, ShopError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ShopError::invalid(
            "name",
            "a token name has 1 to 100 characters and no control characters",
        ));
    }
    Ok(name.to_owned())
}

/// The scopes as given, checked: at least one, each known.
pub(crate) fn check_scopes(raw: Vec<String>) -> Result<Vec<String>, ShopError> {
    if raw.is_empty() {
        return Err(ShopError::invalid(
            "scopes",
            "give at least one scope: catalog, orders or discounts",
        ));
    }
    if let Some(unknown) = raw.iter().find(|s| !TOKEN_SCOPES.contains(&s.as_str())) {
        return Err(ShopError::invalid(
            "scopes",
            format!("unknown scope `{unknown}`; scopes are catalog, orders and discounts"),
        ));
    }
    Ok(raw)
}
