//! Accounts as a service, kept out of the handlers so HTML pages can reuse it: registration,
//! login and logout for customers and staff, password change.
//!
//! - Passwords pass the domain's policy ([`Password::parse`]) and are hashed with Argon2id off
//!   the async threads ([`crate::passwords`]).
//! - A login rotates the session id (`cycle_id`) and the CSRF token, so a session id planted
//!   before login is worth nothing after it; a guest cart in the session is merged into the
//!   customer's cart.
//! - Failed logins are throttled per account and per client IP in a fixed window shared by every
//!   instance (the database): past the limit, even the right password gets 429 until the
//!   window ends, and the answer carries `Retry-After`. A success clears the account's count.
//! - Wrong email and wrong password are the same 401, in the same time.

use std::net::IpAddr;
use std::time::Duration;

use axum::http::StatusCode;
use secrecy::SecretString;
use showroom_domain::{Email, Password};
use showroom_store::{Customer, DynCatalogStore, StaffMember, StaffRole, StoreError};
use tower_sessions::Session;
use uuid::Uuid;

use crate::error::ApiError;
use crate::passwords;
use crate::sessions::{CSRF_TOKEN, CUSTOMER_ID, GUEST_CART_ID, STAFF_ID};
use crate::shopper::{csrf_token, session_failed};

/// Limits of the login throttle.
#[derive(Debug, Clone, Copy)]
pub struct LoginThrottle {
    /// Failed logins per account per window.
    pub per_account: u32,
    /// Failed logins per client IP per window (many accounts behind one address).
    pub per_ip: u32,
    pub window: Duration,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            per_account: 5,
            per_ip: 50,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// Why a login failed.
#[derive(Debug)]
pub enum LoginError {
    /// 401: unknown email or wrong password (indistinguishable on purpose).
    InvalidCredentials,
    /// 429: too many failures; retry after this many seconds.
    Throttled {
        retry_after_secs: u64,
    },
    Other(ApiError),
}

impl From<ApiError> for LoginError {
    fn from(error: ApiError) -> Self {
        Self::Other(error)
    }
}

impl From<StoreError> for LoginError {
    fn from(error: StoreError) -> Self {
        Self::Other(error.into())
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

/// The policy's check of a new password, as a 422 on `field`.
pub fn new_password(candidate: &str, email: &Email, field: &str) -> Result<Password, ApiError> {
    Password::parse(candidate, email).map_err(|e| ApiError::Validation {
        field: field.into(),
        detail: e.to_string(),
    })
}

/// Hashes a password that passed the policy.
pub async fn hash_password(password: &Password) -> Result<String, ApiError> {
    passwords::hash(SecretString::from(password.expose().to_owned())).await
}

/// Creates a customer account and logs the session in as it.
pub async fn register_customer(
    store: &DynCatalogStore,
    session: &Session,
    email: Email,
    password: Password,
) -> Result<Customer, ApiError> {
    let hash = hash_password(&password).await?;
    let customer = store.create_customer(&email, &hash).await?;
    start_session(session, CUSTOMER_ID, customer.id).await?;
    Ok(customer)
}

/// Throttled password check shared by both realms: `Ok(Some(id))` when the password matched.
async fn check_login(
    store: &DynCatalogStore,
    throttle: &LoginThrottle,
    realm: Realm,
    email: &Email,
    password: &str,
    client_ip: Option<IpAddr>,
    stored: Option<(Uuid, String)>,
) -> Result<Uuid, LoginError> {
    let now = showroom_store::unix_millis();
    let account_key = realm.account_key(email);
    let ip_key = client_ip.map(|ip| format!("ip:{ip}"));
    let mut limits = vec![(account_key.clone(), throttle.per_account)];
    if let Some(ip_key) = &ip_key {
        limits.push((ip_key.clone(), throttle.per_ip));
    }
    for (key, limit) in &limits {
        let (failures, window_ends) = store.login_failures(key, now, throttle.window).await?;
        if failures >= *limit {
            let wait_ms = u64::try_from(window_ends - now).unwrap_or(0);
            return Err(LoginError::Throttled {
                retry_after_secs: wait_ms.div_ceil(1000).max(1),
            });
        }
    }
    let (id, hash) = match stored {
        Some((id, hash)) => (Some(id), Some(hash)),
        None => (None, None),
    };
    let matched = passwords::verify(SecretString::from(password.to_owned()), hash).await?;
    match (matched, id) {
        (true, Some(id)) => {
            store.clear_login_failures(&account_key).await?;
            Ok(id)
        }
        _ => {
            for (key, _) in &limits {
                store
                    .record_login_failure(key, now, throttle.window)
                    .await?;
            }
            Err(LoginError::InvalidCredentials)
        }
    }
}

/// Logs a customer in: throttled, then the session is rotated and a guest cart merged.
pub async fn login_customer(
    store: &DynCatalogStore,
    throttle: &LoginThrottle,
    session: &Session,
    email: &Email,
    password: &str,
    client_ip: Option<IpAddr>,
) -> Result<Customer, LoginError> {
    let found = store.customer_login(email).await?;
    let stored = found
        .as_ref()
        .map(|f| (f.account.id, f.password_hash.clone()));
    let id = check_login(
        store,
        throttle,
        Realm::Customer,
        email,
        password,
        client_ip,
        stored,
    )
    .await?;
    let guest_cart = session
        .get::<Uuid>(GUEST_CART_ID)
        .await
        .map_err(session_failed)?;
    start_session(session, CUSTOMER_ID, id).await?;
    if guest_cart.is_some() {
        crate::cart::merge_guest_cart(store, guest_cart, id).await?;
        session
            .remove_value(GUEST_CART_ID)
            .await
            .map_err(session_failed)?;
    }
    let customer = found
        .map(|f| f.account)
        .ok_or(LoginError::InvalidCredentials)?;
    Ok(customer)
}

/// Logs a member of staff in; a deactivated member fails like a wrong password.
pub async fn login_staff(
    store: &DynCatalogStore,
    throttle: &LoginThrottle,
    session: &Session,
    email: &Email,
    password: &str,
    client_ip: Option<IpAddr>,
) -> Result<StaffMember, LoginError> {
    let found = store.staff_login(email).await?.filter(|f| f.account.active);
    let stored = found
        .as_ref()
        .map(|f| (f.account.id, f.password_hash.clone()));
    let id = check_login(
        store,
        throttle,
        Realm::Staff,
        email,
        password,
        client_ip,
        stored,
    )
    .await?;
    start_session(session, STAFF_ID, id).await?;
    found
        .map(|f| f.account)
        .ok_or(LoginError::InvalidCredentials)
}

/// A new session id and CSRF token, then the account's id under `key`.
async fn start_session(session: &Session, key: &str, id: Uuid) -> Result<(), ApiError> {
    session.cycle_id().await.map_err(session_failed)?;
    session
        .remove_value(CSRF_TOKEN)
        .await
        .map_err(session_failed)?;
    session.insert(key, id).await.map_err(session_failed)?;
    csrf_token(session).await?;
    Ok(())
}

/// Ends the session entirely (its record is deleted, the cookie cleared).
pub async fn logout(session: &Session) -> Result<(), ApiError> {
    session.flush().await.map_err(session_failed)
}

/// Checks the current password, stores the new one's hash and rotates the session id.
pub async fn change_customer_password(
    store: &DynCatalogStore,
    session: &Session,
    customer: &Customer,
    current: &str,
    new: &str,
) -> Result<(), ApiError> {
    let stored = store.customer_password_hash(customer.id).await?;
    if !passwords::verify(SecretString::from(current.to_owned()), stored).await? {
        return Err(ApiError::Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "wrong_password",
            detail: "the current password is not right".into(),
        });
    }
    let password = new_password(new, &customer.email, "new_password")?;
    let hash = hash_password(&password).await?;
    store.set_customer_password(customer.id, &hash).await?;
    session.cycle_id().await.map_err(session_failed)
}

/// Creates a member of staff (the CLI's `admin create`, and admins through the API).
pub async fn create_staff(
    store: &DynCatalogStore,
    email: Email,
    password: &str,
    role: StaffRole,
) -> Result<StaffMember, ApiError> {
    let password = new_password(password, &email, "password")?;
    let hash = hash_password(&password).await?;
    Ok(store.create_staff(&email, &hash, role).await?)
}
