//! Writing one order state change: the order's new state (conditional on the state it was read
//! in), its history entry and, when the change notifies the customer, the mail in the outbox.
//!
//! Where the engine allows writes inside `WITH` ([`crate::Dialect::writes_in_with`],
//! PostgreSQL), the three are one statement whose history and mail rows are inserted only when
//! the conditional update matched (`INSERT … SELECT … FROM` the update's `RETURNING`): one round
//! trip, the same rows, the same refusal when the order changed meanwhile. Elsewhere they are
//! up to three statements, the history and the mail written only after the update matched.

use showroom_domain::CustomerNotice;
use showroom_store::{Actor, Order, StoreError};
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::error::db;
use crate::order_rows::{append_history, NewHistoryEntry};
use crate::outbox::{self, QueuedMail};
use crate::rows::get;
use crate::sql::{Arg, Sql};
use crate::Dialect;

/// One state change to write.
pub(crate) struct StepWrite<'a> {
    /// The order as read under its lock.
    pub before: &'a Order,
    /// The order as the change leaves it.
    pub after: &'a Order,
    pub actor: &'a Actor,
    /// The history's `what`: the domain's event name.
    pub what: &'a str,
    pub note: Option<&'a str>,
    /// Set as the order's payment reference when given; kept otherwise.
    pub payment_ref: Option<&'a str>,
    pub notify: Option<CustomerNotice>,
    /// Also sets the order's capture mark (Unix ms) when it has none.
    pub captured_at: Option<i64>,
}

/// Writes `step`. `false`, with nothing written, when the order is no longer in the state it
/// was read in.
pub(crate) async fn write(
    conn: &mut AnyConnection,
    dialect: &dyn Dialect,
    step: &StepWrite<'_>,
) -> Result<bool, StoreError> {
    if !dialect.writes_in_with() {
        let mut sql = Sql::default();
        let update = state_update(&mut sql, step);
        sql.push(&update);
        if sql
            .query()
            .execute(&mut *conn)
            .await
            .map_err(db)?
            .rows_affected()
            == 0
        {
            return Ok(false);
        }
        append_history(
            conn,
            NewHistoryEntry {
                order_id: step.after.id,
                at: step.after.updated_at,
                actor: step.actor,
                what: step.what,
                from: Some(step.before.state),
                to: step.after.state,
                note: step.note,
            },
        )
        .await?;
        if let Some(mail) = queued_mail(step) {
            outbox::insert(conn, &mail).await?;
        }
        return Ok(true);
    }
    let mut sql = Sql::default();
    let mut text = with_step(&mut sql, step);
    text.push_str(" SELECT CAST(COUNT(*) AS BIGINT) AS n FROM u");
    sql.push(&text);
    let row = sql.query().fetch_one(&mut *conn).await.map_err(db)?;
    Ok(get::<i64>(&row, "n")? == 1)
}

/// `WITH u AS (…), e AS (…)[, m AS (…)]`: the conditional state update (`u`, returning the
/// order's `id` when it matched), the history entry and the mail (`e` and `m`, inserted only
/// when `u` matched), its arguments registered in `sql`. The caller may add CTEs that read `u`
/// and ends it with its own `SELECT`. Only for engines with [`Dialect::writes_in_with`].
pub(crate) fn with_step(sql: &mut Sql, step: &StepWrite<'_>) -> String {
    let update = state_update(sql, step);
    let event = [
        Arg::Text(Uuid::now_v7().to_string()),
        Arg::Int(step.after.updated_at),
        Arg::Text(step.actor.to_stored()),
        Arg::Text(step.what.to_owned()),
        Arg::Text(step.before.state.as_str().to_owned()),
        Arg::Text(step.after.state.as_str().to_owned()),
        Arg::OptText(step.note.map(str::to_owned)),
    ]
    .map(|value| sql.arg(value));
    let [event_id, at, actor, what, from, to, note] = event;
    let mut text = format!(
        "WITH u AS ({update} RETURNING id), \
         e AS (INSERT INTO order_events (id, order_id, at, actor, what, from_state, to_state, \
         note) SELECT {event_id}, u.id, {at}, {actor}, {what}, {from}, {to}, {note} FROM u)"
    );
    if let Some(mail) = queued_mail(step) {
        let values = outbox::row_values(sql, &mail);
        text.push_str(&format!(
            ", m AS (INSERT INTO outbox ({}) SELECT {values} FROM u)",
            outbox::INSERT_COLUMNS
        ));
    }
    text
}

/// The customer's mail about `step`, when it notifies one.
fn queued_mail(step: &StepWrite<'_>) -> Option<QueuedMail> {
    step.notify
        .map(|notice| outbox::queued_mail(notice, step.after, step.before))
}

/// The conditional `UPDATE` of the order's state, its arguments registered in `sql`.
fn state_update(sql: &mut Sql, step: &StepWrite<'_>) -> String {
    let after = step.after;
    let args = [
        Arg::Text(after.id.to_string()),
        Arg::Text(after.state.as_str().to_owned()),
        Arg::Int(after.refunded.amount_minor),
        Arg::OptText(after.tracking.as_ref().map(|t| t.as_str().to_owned())),
        Arg::OptText(step.payment_ref.map(str::to_owned)),
        Arg::Int(after.updated_at),
        Arg::Text(step.before.state.as_str().to_owned()),
    ]
    .map(|value| sql.arg(value));
    let [id, state, refunded, tracking, payment_ref, now, was] = args;
    let captured = step.captured_at.map_or_else(String::new, |at| {
        format!(
            ", captured_at = COALESCE(captured_at, {})",
            sql.arg(Arg::Int(at))
        )
    });
    format!(
        "UPDATE orders SET state = {state}, refunded_minor = {refunded}, \
         tracking_number = {tracking}, payment_ref = COALESCE({payment_ref}, payment_ref), \
         reserved_until = NULL, updated_at = {now}{captured} WHERE id = {id} AND state = {was}"
    )
}
