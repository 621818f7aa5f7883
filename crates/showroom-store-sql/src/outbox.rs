//! The mail outbox in SQL: [`queued_mail`] and [`insert`] (or [`row_values`] inside a larger
//! statement), used by the order state change inside its transaction, and the sender's side of
//! [`showroom_store::OutboxStore`].
//!
//! Claiming is one statement, like a job queue's: an `UPDATE` of the due rows picked by a
//! sub-select that on PostgreSQL locks them `FOR UPDATE … SKIP LOCKED` (from the dialect), so
//! two senders claiming at once each get different rows without waiting; SQLite runs one writer
//! at a time instead. Each claimed row's `next_attempt_at` moves to the end of the lease in that
//! same statement, so a later claim does not see it as due until the lease runs out.

use std::time::Duration;

use async_trait::async_trait;
use showroom_domain::{CustomerNotice, Money};
use showroom_store::{render_order_mail, Order, OutboxMail, OutboxStore, StoreError};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::error::{corrupt, db};
use crate::rows;
use crate::sql::{in_list, now_millis, Arg, Sql};
use crate::SqlCatalog;

const COLUMNS: &str = "id, order_id, kind, recipient, subject, text_body, html_body, created_at, \
                       attempts, next_attempt_at, sent_at, last_error";

/// The longest error text kept per row, in characters: an SMTP server's answer, not its essay.
const MAX_ERROR: usize = 1_000;

/// A rendered mail, ready to be queued.
pub(crate) struct QueuedMail {
    id: Uuid,
    order_id: Uuid,
    kind: &'static str,
    recipient: String,
    subject: String,
    text: String,
    html: String,
    due: i64,
}

/// The columns [`row_values`] fills, in its order.
pub(crate) const INSERT_COLUMNS: &str = "id, order_id, kind, recipient, subject, text_body, \
     html_body, created_at, attempts, next_attempt_at";

/// Renders `notice` about `after` (the order as the change left it; `before` as it was), due at
/// once. The amount refunded by this change is named in the mail. Queue it inside the
/// transaction that made the change, so the mail commits or rolls back with it.
pub(crate) fn queued_mail(notice: CustomerNotice, after: &Order, before: &Order) -> QueuedMail {
    let refunded_now = after.refunded.amount_minor - before.refunded.amount_minor;
    let refund = (refunded_now > 0).then_some(Money {
        amount_minor: refunded_now,
        currency: after.refunded.currency,
    });
    let mail = render_order_mail(notice, after, refund);
    QueuedMail {
        id: Uuid::now_v7(),
        order_id: after.id,
        kind: notice.as_str(),
        recipient: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        due: now_millis(),
    }
}

/// The values of `mail`'s row for [`INSERT_COLUMNS`], bound in `sql`, comma-separated.
pub(crate) fn row_values(sql: &mut Sql, mail: &QueuedMail) -> String {
    let due = sql.arg(Arg::Int(mail.due));
    let values = [
        Arg::Text(mail.id.to_string()),
        Arg::Text(mail.order_id.to_string()),
        Arg::Text(mail.kind.to_owned()),
        Arg::Text(mail.recipient.clone()),
        Arg::Text(mail.subject.clone()),
        Arg::Text(mail.text.clone()),
        Arg::Text(mail.html.clone()),
    ]
    .map(|value| sql.arg(value))
    .join(", ");
    format!("{values}, {due}, 0, {due}")
}

/// Queues `mail` on its own statement.
pub(crate) async fn insert(conn: &mut AnyConnection, mail: &QueuedMail) -> Result<(), StoreError> {
    let mut sql = Sql::default();
    let values = row_values(&mut sql, mail);
    sql.push(&format!(
        "INSERT INTO outbox ({INSERT_COLUMNS}) VALUES ({values})"
    ));
    sql.query().execute(conn).await.map_err(db)?;
    Ok(())
}

#[async_trait]
impl OutboxStore for SqlCatalog {
    async fn claim_mail(
        &self,
        now: i64,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<OutboxMail>, StoreError> {
        let lease_ms = showroom_store::duration_millis(lease);
        // A claim that a crash undoes before it reaches the disk is only claimed again: its
        // commit need not wait for the disk.
        let sql = format!(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $3 WHERE id IN (\
             SELECT m.id FROM outbox m WHERE m.sent_at IS NULL AND m.next_attempt_at IS NOT NULL \
             AND m.next_attempt_at <= $1 ORDER BY m.next_attempt_at, m.id LIMIT $2{}){} \
             RETURNING {COLUMNS}",
            self.dialect.skip_locked("m"),
            self.and_deferred_flush()
        );
        let found = sqlx::query(&sql)
            .bind(now)
            .bind(i64::from(limit.clamp(1, 100)))
            .bind(now.saturating_add(lease_ms))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        let mut claimed = found.iter().map(mail).collect::<Result<Vec<_>, _>>()?;
        // RETURNING follows no order: oldest first, as they were queued.
        claimed.sort_by_key(|m| (m.created_at, m.id));
        Ok(claimed)
    }

    async fn mark_mails_sent(&self, ids: &[Uuid]) -> Result<(), StoreError> {
        let mut distinct = ids.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.is_empty() {
            return Ok(());
        }
        // COALESCE keeps the first success when a mail whose lease ran out was sent twice.
        // Delivery is at least once already: a crash that undoes this mark before it reaches
        // the disk only sends the mail again, so the commit need not wait for the disk.
        let mut sql = Sql::default();
        let sent_at = sql.arg(Arg::Int(now_millis()));
        let ids = in_list(&mut sql, distinct.iter().map(Uuid::to_string));
        sql.push(&format!(
            "UPDATE outbox SET sent_at = COALESCE(sent_at, {sent_at}), next_attempt_at = NULL \
             WHERE id IN ({ids}){}",
            self.and_deferred_flush()
        ));
        let done = sql.query().execute(&self.pool).await.map_err(db)?;
        if done.rows_affected() < distinct.len() as u64 {
            return Err(StoreError::NotFound { what: "mail" });
        }
        Ok(())
    }

    async fn mark_mail_failed(
        &self,
        id: Uuid,
        error: &str,
        retry_at: Option<i64>,
    ) -> Result<(), StoreError> {
        let end = error
            .char_indices()
            .nth(MAX_ERROR)
            .map_or(error.len(), |(i, _)| i);
        let done = sqlx::query(
            "UPDATE outbox SET \
             last_error = CASE WHEN sent_at IS NULL THEN $2 ELSE last_error END, \
             next_attempt_at = CASE WHEN sent_at IS NULL THEN $3 ELSE NULL END \
             WHERE id = $1",
        )
        .bind(id.to_string())
        .bind(&error[..end])
        .bind(retry_at)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        found(done.rows_affected())
    }

    async fn mail_for_order(&self, order_id: Uuid) -> Result<Vec<OutboxMail>, StoreError> {
        let found = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE order_id = $1 ORDER BY created_at, id"
        ))
        .bind(order_id.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        found.iter().map(mail).collect()
    }
}

fn found(rows_affected: u64) -> Result<(), StoreError> {
    if rows_affected == 0 {
        return Err(StoreError::NotFound { what: "mail" });
    }
    Ok(())
}

fn mail(row: &AnyRow) -> Result<OutboxMail, StoreError> {
    let kind: String = rows::get(row, "kind")?;
    let attempts: i64 = rows::get(row, "attempts")?;
    Ok(OutboxMail {
        id: rows::uuid(row, "id")?,
        order_id: rows::uuid(row, "order_id")?,
        kind: CustomerNotice::parse(&kind).ok_or_else(|| corrupt("mail kind", &kind))?,
        recipient: rows::get(row, "recipient")?,
        subject: rows::get(row, "subject")?,
        text_body: rows::get(row, "text_body")?,
        html_body: rows::get(row, "html_body")?,
        created_at: rows::get(row, "created_at")?,
        attempts: u32::try_from(attempts).map_err(|e| corrupt("mail attempts", e))?,
        next_attempt_at: rows::get(row, "next_attempt_at")?,
        sent_at: rows::get(row, "sent_at")?,
        last_error: rows::get(row, "last_error")?,
    })
}
