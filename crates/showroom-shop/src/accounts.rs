//! [`Accounts`]: customers and staff. Registration, login with the throttle, password change,
//! staff creation and API tokens — for the API, the pages and `showroom admin` alike. Sessions
//! are the caller's business: a login answers with the account, and the caller starts a fresh
//! session for it (a new session id and CSRF token).
//!
//! - Passwords pass the domain's policy ([`Password::parse`]) and are hashed with Argon2id off
//!   the async threads ([`crate::passwords`]).
//! - Failed logins are throttled per account and per client IP in a fixed window shared by every
//!   instance (the database): past the limit, even the right password is refused
//!   ([`ShopError::Throttled`]) until the window ends. Each attempt is counted *before* its
//!   password is checked (one atomic upsert per key), so concurrent guesses cannot all slip past
//!   the check; a success then clears the account's count and takes its own attempt back from
//!   the address's. IPv6 clients are counted by their /64, the block one subscriber gets.
//! - Wrong email and wrong password are the same [`ShopError::InvalidCredentials`], in the same
//!   time.
//! - A customer's registration or login moves the guest cart they filled before into their own
//!   cart (quantities added, capped at the stock; see `CartStore::merge_into_customer`).
//! - [`Accounts::session_stamp`] names the customer's current password without revealing it: a
//!   session keeps the stamp of its login, and a password change, which changes the stamp, ends
//!   every other session of the account.

use std::net::IpAddr;
use std::time::Duration;

use secrecy::SecretString;
use showroom_domain::{Email, Password};
use showroom_store::{ApiTokenRecord, Customer, NewApiToken, StaffMember, StaffRole};
use showroom_store::{DynAccountStore, DynCartStore};
use uuid::Uuid;

use crate::api_tokens::{check_scopes, check_token_name, new_token, token_digest};
use crate::error::ShopError;
use crate::passwords::{self, HashGate};

/// The throttle's key for a client address: the address itself for IPv4, its /64 for IPv6 (one
/// subscriber's block, which a guesser can rotate through freely).
fn throttle_key_of_address(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("ip:{v4}"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("ip:{v4}"),
            None => {
                let s = v6.segments();
                format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

fn stamp_of(password_hash: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(b"showroom-session-stamp:v1:")
        .chain_update(password_hash.as_bytes())
        .finalize();
    hex::encode(&digest[..12])
}

fn throttled(window_ends: i64, now: i64) -> ShopError {
    let wait_ms = u64::try_from(window_ends - now).unwrap_or(0);
    ShopError::Throttled {
        retry_after_secs: wait_ms.div_ceil(1000).max(1),
    }
}

/// Limits of the login throttle.
#[derive(Debug, Clone, Copy)]
pub struct LoginThrottle {
    /// Failed logins per account per window.
    pub per_account: u32,
    /// Failed logins per client IP per window (many accounts behind one address).
    pub per_ip: u32,
    pub window: Duration,
    /// Password hashes (registrations, logins, changes) running at once; 0: one per CPU core.
    pub concurrent_hashes: usize,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            per_account: 5,
            per_ip: 50,
            window: Duration::from_secs(15 * 60),
            concurrent_hashes: 0,
        }
    }
}

/// Which kind of account a login is for; the throttle keeps them apart.
#[derive(Debug, Clone, Copy)]
enum Realm {
    Customer,
    Staff,
}

impl Realm {
    fn account_key(self, email: &Email) -> String {
        match self {
            Self::Customer => format!("customer:{}", email.normalized()),
            Self::Staff => format!("staff:{}", email.normalized()),
        }
    }
}

/// A new API token: its record, and the secret itself, shown this once.
#[derive(Debug)]
pub struct IssuedToken {
    pub record: ApiTokenRecord,
    pub token: String,
}

/// The accounts service: the account store, the carts (a login merges the guest cart) and the
/// throttle's limits.
#[derive(Clone)]
pub struct Accounts {
    accounts: DynAccountStore,
    carts: DynCartStore,
    throttle: LoginThrottle,
    /// Shared by every clone: the bound on password hashes running at once.
    hashes: HashGate,
}

/// How long a registration or login waits for a free hashing turn before it is refused as busy.
const HASH_TURN_WAIT: Duration = Duration::from_millis(500);

/// The policy's check of a new password, as [`ShopError::Invalid`] on `field`.
pub fn new_password(candidate: &str, email: &Email, field: &str) -> Result<Password, ShopError> {
    Password::parse(candidate, email).map_err(|e| ShopError::invalid(field, e.to_string()))
}

async fn hash_password(gate: &HashGate, password: &Password) -> Result<String, ShopError> {
    passwords::hash(gate, SecretString::from(password.expose().to_owned())).await
}

impl Accounts {
    pub fn new(accounts: DynAccountStore, carts: DynCartStore, throttle: LoginThrottle) -> Self {
        Self {
            accounts,
            carts,
            hashes: HashGate::new(throttle.concurrent_hashes, HASH_TURN_WAIT),
            throttle,
        }
    }

    /// Creates a customer account and moves `guest_cart` (the cart the shopper filled as a
    /// guest, if any) into it. The password must pass the policy (`Invalid` on `password`); a
    /// taken email is a `Conflict`. The caller logs the session in as it.
    pub async fn register_customer(
        &self,
        email: Email,
        password: &str,
        guest_cart: Option<Uuid>,
    ) -> Result<Customer, ShopError> {
        let password = new_password(password, &email, "password")?;
        let hash = hash_password(&self.hashes, &password).await?;
        let customer = self.accounts.create_customer(&email, &hash).await?;
        if let Some(guest) = guest_cart {
            self.carts.merge_into_customer(guest, customer.id).await?;
        }
        Ok(customer)
    }

    /// Checks a customer's email and password (throttled), then moves `guest_cart` (the cart the
    /// shopper filled as a guest, if any) into the customer's cart. The caller starts a fresh
    /// session for the customer.
    pub async fn login_customer(
        &self,
        email: &Email,
        password: &str,
        client_ip: Option<IpAddr>,
        guest_cart: Option<Uuid>,
    ) -> Result<Customer, ShopError> {
        let found = self.accounts.customer_login(email).await?;
        let stored = found
            .as_ref()
            .map(|f| (f.account.id, f.password_hash.clone()));
        let id = self
            .check_login(Realm::Customer, email, password, client_ip, stored)
            .await?;
        if let Some(guest) = guest_cart {
            self.carts.merge_into_customer(guest, id).await?;
        }
        found
            .map(|f| f.account)
            .ok_or(ShopError::InvalidCredentials)
    }

    /// Checks a member of staff's email and password (throttled like customers); a deactivated
    /// member fails like a wrong password. The caller starts a fresh session for them.
    pub async fn login_staff(
        &self,
        email: &Email,
        password: &str,
        client_ip: Option<IpAddr>,
    ) -> Result<StaffMember, ShopError> {
        let found = self
            .accounts
            .staff_login(email)
            .await?
            .filter(|f| f.account.active);
        let stored = found
            .as_ref()
            .map(|f| (f.account.id, f.password_hash.clone()));
        self.check_login(Realm::Staff, email, password, client_ip, stored)
            .await?;
        found
            .map(|f| f.account)
            .ok_or(ShopError::InvalidCredentials)
    }

    /// Throttled password check shared by both realms: the account's id when it matched.
    async fn check_login(
        &self,
        realm: Realm,
        email: &Email,
        password: &str,
        client_ip: Option<IpAddr>,
        stored: Option<(Uuid, String)>,
    ) -> Result<Uuid, ShopError> {
        let throttle = &self.throttle;
        let now = showroom_store::unix_millis();
        let account_key = realm.account_key(email);
        let mut limits = vec![(account_key.clone(), throttle.per_account)];
        if let Some(ip) = client_ip {
            limits.push((throttle_key_of_address(ip), throttle.per_ip));
        }
        // Past the limit already: refuse without counting, so a blocked guesser cannot push the
        // count (or the window) on and on.
        for (key, limit) in &limits {
            let (failures, window_ends) = self
                .accounts
                .login_failures(key, now, throttle.window)
                .await?;
            if failures >= *limit {
                return Err(throttled(window_ends, now));
            }
        }
        // Count this attempt as a failure first: of concurrent guesses, only the first `limit`
        // get their password checked.
        for (key, limit) in &limits {
            let failures = self
                .accounts
                .record_login_failure(key, now, throttle.window)
                .await?;
            if failures > *limit {
                let (_, window_ends) = self
                    .accounts
                    .login_failures(key, now, throttle.window)
                    .await?;
                return Err(throttled(window_ends, now));
            }
        }
        let (id, hash) = stored.unzip();
        let matched =
            passwords::verify(&self.hashes, SecretString::from(password.to_owned()), hash).await?;
        match (matched, id) {
            (true, Some(id)) => {
                self.accounts.clear_login_failures(&account_key).await?;
                for (key, _) in limits.iter().skip(1) {
                    self.accounts.forgive_login_failure(key).await?;
                }
                Ok(id)
            }
            _ => Err(ShopError::InvalidCredentials),
        }
    }

    /// The stamp of the customer's current password: a digest of its hash (which has its own
    /// salt, so every change makes a new stamp); `None` for an unknown customer.
    pub async fn session_stamp(&self, customer_id: Uuid) -> Result<Option<String>, ShopError> {
        let hash = self.accounts.customer_password_hash(customer_id).await?;
        Ok(hash.map(|hash| stamp_of(&hash)))
    }

    /// Changes a customer's password: the current one must match ([`ShopError::WrongPassword`]),
    /// the new one pass the policy (`Invalid` on `new_password`). The caller rotates the
    /// session id afterwards.
    pub async fn change_customer_password(
        &self,
        customer: &Customer,
        current: &str,
        new: &str,
    ) -> Result<(), ShopError> {
        let stored = self.accounts.customer_password_hash(customer.id).await?;
        if !passwords::verify(&self.hashes, SecretString::from(current.to_owned()), stored).await? {
            return Err(ShopError::WrongPassword);
        }
        let password = new_password(new, &customer.email, "new_password")?;
        let hash = hash_password(&self.hashes, &password).await?;
        Ok(self
            .accounts
            .set_customer_password(customer.id, &hash)
            .await?)
    }

    /// Creates a member of staff (`showroom admin create`, and admins through the API). The
    /// password must pass the policy (`Invalid` on `password`); a taken email is a `Conflict`.
    pub async fn create_staff(
        &self,
        email: Email,
        password: &str,
        role: StaffRole,
    ) -> Result<StaffMember, ShopError> {
        let password = new_password(password, &email, "password")?;
        let hash = hash_password(&self.hashes, &password).await?;
        Ok(self.accounts.create_staff(&email, &hash, role).await?)
    }

    /// Creates an API token named `name` (1–100 characters, no control characters: `Invalid` on
    /// `name`) with `scopes` (at least one of [`TOKEN_SCOPES`](crate::api_tokens::TOKEN_SCOPES):
    /// `Invalid` on `scopes`). Only the token's SHA-256 is stored; the token is in the answer,
    /// once.
    pub async fn create_api_token(
        &self,
        name: &str,
        scopes: Vec<String>,
        created_by: Option<Uuid>,
    ) -> Result<IssuedToken, ShopError> {
        let name = check_token_name(name)?;
        let scopes = check_scopes(scopes)?;
        let token = new_token();
        let record = self
            .accounts
            .create_api_token(NewApiToken {
                name,
                token_hash: token_digest(&token),
                scopes,
                created_by,
            })
            .await?;
        Ok(IssuedToken { record, token })
    }
}

#[cfg(test)]
mod throttle_key_tests {
    use super::throttle_key_of_address;

    #[test]
    fn ipv6_clients_share_a_key_per_64_and_ipv4_keeps_its_address() {
        let key = |s: &str| throttle_key_of_address(s.parse().unwrap());
        assert_eq!(
            key("2001:db8:1:2::1"),
            key("2001:db8:1:2:ffff:ffff:ffff:fffe")
        );
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("2001:db8:1:2::1"), "ip:2001:db8:1:2::/64");
        assert_eq!(key("203.0.113.7"), "ip:203.0.113.7");
        assert_eq!(key("::ffff:203.0.113.7"), "ip:203.0.113.7");
        assert_ne!(key("203.0.113.7"), key("203.0.113.8"));
    }
}
