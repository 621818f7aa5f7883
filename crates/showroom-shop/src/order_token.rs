//! [`order_token`]: a guest's proof of owning an order, handed out with the order and asked for
//! when they look at it again. HMAC-SHA256 of the order id under the server's signing key,
//! domain-separated from the signed asset URLs made with the same key.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

fn token_mac(key: &SecretString, order_id: Uuid) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key.expose_secret().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    // The prefix keeps these MACs apart from signed asset URLs made with the same key.
    mac.update(b"showroom-order-token:v1:");
    mac.update(order_id.as_bytes());
    mac
}

/// The guest's proof of owning `order_id` (64 hex characters).
pub fn order_token(key: &SecretString, order_id: Uuid) -> String {
    hex::encode(token_mac(key, order_id).finalize().into_bytes())
}

/// Checks a token in constant time.
pub fn verify_order_token(key: &SecretString, order_id: Uuid, token: &str) -> bool {
    hex::decode(token).is_ok_and(|raw| token_mac(key, order_id).verify_slice(&raw).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_token_verifies_only_for_its_order_and_key() {
        let key = SecretString::from("k1".to_owned());
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let token = order_token(&key, a);
        assert!(verify_order_token(&key, a, &token));
        assert!(!verify_order_token(&key, b, &token));
        assert!(!verify_order_token(
            &SecretString::from("k2".to_owned()),
            a,
            &token
        ));
        assert!(!verify_order_token(&key, a, "zz"));
    }
}
