//! The mail outbox: customer mail written by the same transaction as the order change it is
//! about, and handed out to senders under a lease.
//!
//! Guarantees:
//! - **a mail exists if and only if its order change committed**: the store renders the mail
//!   ([`crate::render_order_mail`]) and inserts it inside the transaction that applies the
//!   domain's transition whenever [`showroom_domain::Effects::notify`] asks for one; a refused or
//!   rolled-back change leaves no mail;
//! - [`OutboxStore::claim_mail`] hands each due, unsent row to one caller at a time: claiming
//!   counts an attempt and moves the row's `next_attempt_at` to the end of the lease, so a
//!   concurrent claim skips it, and a sender that dies mid-send sees its rows come back once the
//!   lease ends;
//! - delivery is therefore **at least once**: a sender that sent but died before
//!   [`OutboxStore::mark_mails_sent`] lets the mail go out again after the lease. Marking is
//!   idempotent, and a failure mark never overwrites a row already sent.
//!
//! How often to retry is the sender's policy: it passes the next attempt time to
//! [`OutboxStore::mark_mail_failed`], or `None` to give up (the row is kept with its last error
//! for the staff to see, and never claimed again).

use std::time::Duration;

use async_trait::async_trait;
use showroom_domain::CustomerNotice;
use uuid::Uuid;

use crate::StoreError;

/// One stored mail and where its delivery stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMail {
    /// A UUIDv7, so ids sort by creation.
    pub id: Uuid,
    pub order_id: Uuid,
    pub kind: CustomerNotice,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Claims so far, including the one that returned this row.
    pub attempts: u32,
    /// When the row is due (again); `None` once sent or given up.
    pub next_attempt_at: Option<i64>,
    pub sent_at: Option<i64>,
    /// The last delivery failure, kept after giving up.
    pub last_error: Option<String>,
}

#[async_trait]
pub trait OutboxStore: Send + Sync + 'static {
    /// Up to `limit` (clamped to 1..=100) unsent rows due at `now` (Unix ms), oldest due first,
    /// each leased to this caller for `lease`: counted as an attempt and not due again before
    /// `now + lease`. Concurrent callers never receive the same row from claims whose leases
    /// overlap.
    async fn claim_mail(
        &self,
        now: i64,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<OutboxMail>, StoreError>;

    /// These mails went out: none is claimed again. One statement for a sender's whole batch.
    /// `NotFound` when any id is unknown (the known ones are marked all the same).
    async fn mark_mails_sent(&self, ids: &[Uuid]) -> Result<(), StoreError>;

    /// Delivery failed with `error`: due again at `retry_at` (Unix ms), or never when `None`.
    /// A row already sent is left as it is. `NotFound` for an unknown id.
    async fn mark_mail_failed(
        &self,
        id: Uuid,
        error: &str,
        retry_at: Option<i64>,
    ) -> Result<(), StoreError>;

    /// Every mail about one order, oldest first; empty for an unknown order.
    async fn mail_for_order(&self, order_id: Uuid) -> Result<Vec<OutboxMail>, StoreError>;
}
