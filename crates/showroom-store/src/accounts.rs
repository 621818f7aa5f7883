//! Accounts: customers, staff with roles, API tokens for automation, the session records of the
//! cookie sessions, and the shared login throttle.
//!
//! The store keeps only what it is given: password hashes are made (Argon2id) and checked by the
//! HTTP layer off the async threads, API tokens arrive already hashed (SHA-256), and session data
//! is an opaque JSON document. Emails are unique by their normalized form
//! ([`Email::normalized`]); a second account with the same address is
//! `Conflict { field: "email" }`.
//!
//! The login throttle counts failures per key in a fixed window shared by every instance:
//! [`LoginSessionStore::record_login_failure`] is one atomic upsert, so concurrent guesses cannot
//! slip past the count.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use showroom_domain::Email;
use uuid::Uuid;

use crate::StoreError;

/// What a member of staff may do: `admin` everything, `staff` the catalog and orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Admin,
    Staff,
}

impl StaffRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Staff => "staff",
        }
    }
}

impl fmt::Display for StaffRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StaffRole {
    type Err = StoreError;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw {
            "admin" => Ok(Self::Admin),
            "staff" => Ok(Self::Staff),
            _ => Err(StoreError::invalid("role", "a role is `admin` or `staff`")),
        }
    }
}

/// A shopper's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: Uuid,
    pub email: Email,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A member of staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: Uuid,
    pub email: Email,
    pub role: StaffRole,
    /// A deactivated member can neither log in nor use a session started before.
    pub active: bool,
    pub created_at: i64,
}

/// An account together with its stored password hash (a PHC string), for checking a login.
#[derive(Debug, Clone)]
pub struct WithPasswordHash<T> {
    pub account: T,
    pub password_hash: String,
}

/// A token for automation, as listed: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: Uuid,
    pub name: String,
    /// The areas it may act on (`catalog`, `orders`, `discounts`), sorted.
    pub scopes: Vec<String>,
    /// The member of staff who created it; `None` for the bootstrap token or the CLI.
    pub created_by: Option<Uuid>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A token to be stored: its SHA-256 (hex), never the plaintext.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub name: String,
    pub token_hash: String,
    pub scopes: Vec<String>,
    pub created_by: Option<Uuid>,
}

/// A stored session: the session layer's record as JSON, and when it expires (Unix ms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub data: String,
    pub expires_at: i64,
}

/// Customers, staff and API tokens. Guarantees that an email has at most one account of each
/// kind (by its normalized form) and that the shop never loses its last active admin.
#[async_trait]
pub trait AccountRecordStore: Send + Sync + 'static {
    /// `Conflict { field: "email" }` when the address already has an account.
    async fn create_customer(
        &self,
        email: &Email,
        password_hash: &str,
    ) -> Result<Customer, StoreError>;

    async fn customer(&self, id: Uuid) -> Result<Option<Customer>, StoreError>;

    async fn customer_login(
        &self,
        email: &Email,
    ) -> Result<Option<WithPasswordHash<Customer>>, StoreError>;

    async fn customer_password_hash(&self, id: Uuid) -> Result<Option<String>, StoreError>;

    /// `NotFound` for an unknown customer.
    async fn set_customer_password(&self, id: Uuid, password_hash: &str) -> Result<(), StoreError>;

    /// `Conflict { field: "email" }` when the address already belongs to staff.
    async fn create_staff(
        &self,
        email: &Email,
        password_hash: &str,
        role: StaffRole,
    ) -> Result<StaffMember, StoreError>;

    async fn staff_member(&self, id: Uuid) -> Result<Option<StaffMember>, StoreError>;

    async fn staff_login(
        &self,
        email: &Email,
    ) -> Result<Option<WithPasswordHash<StaffMember>>, StoreError>;

    /// Every member, oldest first.
    async fn list_staff(&self) -> Result<Vec<StaffMember>, StoreError>;

    /// Changes role and/or active flag. Refuses (`Conflict { field: "role" }`) a change that
    /// would leave the shop without an active admin.
    async fn update_staff(
        &self,
        id: Uuid,
        role: Option<StaffRole>,
        active: Option<bool>,
    ) -> Result<StaffMember, StoreError>;

    async fn count_staff(&self) -> Result<i64, StoreError>;

    async fn create_api_token(&self, new: NewApiToken) -> Result<ApiTokenRecord, StoreError>;

    /// The token with this hash if it is not revoked; records that it was used.
    async fn use_api_token(&self, token_hash: &str) -> Result<Option<ApiTokenRecord>, StoreError>;

    /// Every token, newest first, revoked ones included.
    async fn list_api_tokens(&self) -> Result<Vec<ApiTokenRecord>, StoreError>;

    /// `NotFound` for an unknown token; revoking twice keeps the first time.
    async fn revoke_api_token(&self, id: Uuid) -> Result<ApiTokenRecord, StoreError>;
}

/// The cookie sessions' records and the login throttle's counters: short statements on small
/// tables, each one atomic on its own, shared by every instance.
#[async_trait]
pub trait LoginSessionStore: Send + Sync + 'static {
    /// The record if it exists and has not expired at `now` (Unix ms).
    async fn load_session(&self, id: &str, now: i64) -> Result<Option<SessionRecord>, StoreError>;

    /// Inserts or replaces.
    async fn save_session(&self, id: &str, record: &SessionRecord) -> Result<(), StoreError>;

    /// Inserts only; `false` when the id is taken (the caller draws another).
    async fn create_session(&self, id: &str, record: &SessionRecord) -> Result<bool, StoreError>;

    async fn delete_session(&self, id: &str) -> Result<(), StoreError>;

    /// Deletes sessions expired before `now`; returns how many.
    async fn sweep_sessions(&self, now: i64) -> Result<u64, StoreError>;

    /// Counts one failed login for `key` and returns the failures in the current window
    /// (a window of `window` starting at the first failure after the last one ended).
    async fn record_login_failure(
        &self,
        key: &str,
        now: i64,
        window: Duration,
    ) -> Result<u32, StoreError>;

    /// Failures of `key` in its current window, and when that window ends (Unix ms).
    async fn login_failures(
        &self,
        key: &str,
        now: i64,
        window: Duration,
    ) -> Result<(u32, i64), StoreError>;

    /// Forgets the failures of `key` (after a successful login).
    async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError>;

    /// Takes one counted attempt of `key` back (a login counted before its password was
    /// checked turned out right); never below zero.
    async fn forgive_login_failure(&self, key: &str) -> Result<(), StoreError>;

    /// Deletes the counts of windows that started before `before` (Unix ms); returns how many.
    async fn sweep_login_failures(&self, before: i64) -> Result<u64, StoreError>;
}

/// Everything about accounts: the records ([`AccountRecordStore`]) and the sessions and login
/// throttle ([`LoginSessionStore`]). It has no methods of its own; [`crate::DynAccountStore`]
/// names it, and every type that implements both implements it.
pub trait AccountStore: AccountRecordStore + LoginSessionStore + Send + Sync + 'static {}

impl<T> AccountStore for T where T: AccountRecordStore + LoginSessionStore + ?Sized {}
