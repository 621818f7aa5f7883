//! Refunds in two steps around the provider's call (see [`showroom_store::refunds`]).
//!
//! Both steps lock the order row first, so a refund's check ("no more than what is left after
//! pending refunds") and its completion see every other refund of the order that committed
//! before them, on SQLite (one writer) and PostgreSQL (row lock) alike.

use async_trait::async_trait;
use showroom_domain::{transition, IllegalTransition, Money, OrderEvent};
use showroom_store::{
    Actor, NewRefund, Order, Refund, RefundKind, RefundState, RefundStore, StoreError,
};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::error::{corrupt, db};
use crate::order_state::{apply_in, lock_order, progress_of, Step};
use crate::rows::{self, get};
use crate::sql::now_millis;
use crate::SqlCatalog;
use showroom_store::refunds::MAX_REFUND_REASON;

const REFUND_COLUMNS: &str = "id, order_id, key, kind, amount_minor, currency, state, reason, \
     actor, provider_ref, failure, created_at, updated_at";

#[async_trait]
impl RefundStore for SqlCatalog {
    async fn begin_refund(
        &self,
        order_id: Uuid,
        new: NewRefund,
    ) -> Result<(Refund, bool), StoreError> {
        let reason = new.reason.as_deref().map(one_line_reason).transpose()?;
        let mut tx = self.begin_write().await?;
        let order = lock_order(&mut tx, self.dialect.as_ref(), order_id).await?;
        let refunds = refunds_of(&mut tx, order_id).await?;
        if let Some(existing) = refunds.iter().find(|r| r.key == new.key.as_str()) {
            let same = existing.kind == new.kind
                && (new.kind == RefundKind::Cancellation
                    || new.amount.is_none_or(|amount| amount == existing.amount));
            if !same {
                return Err(StoreError::conflict(
                    "idempotency_key",
                    "this idempotency key was already used for another refund of this order",
                ));
            }
            return Ok((existing.clone(), false));
        }
        let amount = refundable_amount(&order, &refunds, &new)?;
        let now = now_millis();
        let refund = Refund {
            id: Uuid::now_v7(),
            order_id,
            key: new.key.as_str().to_owned(),
            kind: new.kind,
            amount,
            state: RefundState::Pending,
            reason,
            actor: new.actor,
            provider_ref: None,
            failure: None,
            created_at: now,
            updated_at: now,
        };
        sqlx::query(
            "INSERT INTO order_refunds (id, order_id, key, kind, amount_minor, currency, state, \
             reason, actor, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(refund.id.to_string())
        .bind(order_id.to_string())
        .bind(&refund.key)
        .bind(refund.kind.as_str())
        .bind(amount.amount_minor)
        .bind(amount.currency.code())
        .bind(RefundState::Pending.as_str())
        .bind(refund.reason.clone())
        .bind(refund.actor.to_stored())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok((refund, true))
    }

    async fn complete_refund(
        &self,
        refund_id: Uuid,
        provider_ref: &str,
    ) -> Result<(Refund, Order), StoreError> {
        let provider_ref = one_line(provider_ref, "provider_ref")?;
        let mut tx = self.begin_write().await?;
        let order_id = refund_by_id(&mut tx, refund_id).await?.order_id;
        // The order's lock first, as every other order change takes it, then the refund as it
        // stands under that lock.
        let order = lock_order(&mut tx, self.dialect.as_ref(), order_id).await?;
        let refund = refund_by_id(&mut tx, refund_id).await?;
        match refund.state {
            RefundState::Succeeded => return Ok((refund, order)),
            RefundState::Failed => {
                return Err(StoreError::conflict(
                    "state",
                    "this refund failed; start a new one with another key",
                ))
            }
            RefundState::Pending => {}
        }
        let now = now_millis();
        sqlx::query(
            "UPDATE order_refunds SET state = 'succeeded', provider_ref = $2, updated_at = $3 \
             WHERE id = $1 AND state = 'pending'",
        )
        .bind(refund_id.to_string())
        .bind(&provider_ref)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let event = match refund.kind {
            RefundKind::Refund => OrderEvent::Refund {
                amount: refund.amount,
            },
            RefundKind::Cancellation => OrderEvent::Cancel,
        };
        let note = match &refund.reason {
            Some(reason) => format!("{} {provider_ref}: {reason}", refund.amount),
            None => format!("{} {provider_ref}", refund.amount),
        };
        let order = apply_in(
            &mut tx,
            self.dialect.as_ref(),
            order_id,
            Step {
                event,
                actor: refund.actor.clone(),
                note: Some(&note),
                payment_ref: None,
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        let refund = Refund {
            state: RefundState::Succeeded,
            provider_ref: Some(provider_ref),
            updated_at: now,
            ..refund
        };
        Ok((refund, order))
    }

    async fn fail_refund(&self, refund_id: Uuid, failure: &str) -> Result<Refund, StoreError> {
        let failure = truncate(failure.trim());
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE order_refunds SET state = 'failed', failure = $2, updated_at = $3 \
             WHERE id = $1 AND state = 'pending'",
        )
        .bind(refund_id.to_string())
        .bind(failure)
        .bind(now_millis())
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        let refund = refund_by_id(&mut tx, refund_id).await?;
        if changed == 0 {
            return Err(StoreError::conflict(
                "state",
                format!("the refund is already {}", refund.state),
            ));
        }
        tx.commit().await.map_err(db)?;
        Ok(refund)
    }

    async fn refunds_for_order(&self, order_id: Uuid) -> Result<Vec<Refund>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        refunds_of(&mut conn, order_id).await
    }
}

/// What the new refund gives back, or why it cannot.
fn refundable_amount(
    order: &Order,
    refunds: &[Refund],
    new: &NewRefund,
) -> Result<Money, StoreError> {
    let progress = progress_of(order)?;
    let pending: i64 = refunds
        .iter()
        .filter(|r| r.state == RefundState::Pending)
        .map(|r| r.amount.amount_minor)
        .sum();
    let left = Money {
        amount_minor: progress.refundable().amount_minor - pending,
        currency: order.totals.grand_total.currency,
    };
    let nothing_left = || {
        StoreError::conflict(
            "state",
            if pending > 0 {
                "the rest of the payment is already being refunded"
            } else {
                "nothing that was paid is left to refund"
            },
        )
    };
    let illegal = |error: IllegalTransition| match error {
        IllegalTransition::NotAllowed { .. } => StoreError::conflict("state", error.to_string()),
        other => StoreError::invalid("amount", other.to_string()),
    };
    match new.kind {
        RefundKind::Cancellation => {
            transition(&progress, &OrderEvent::Cancel).map_err(illegal)?;
            if pending > 0 {
                return Err(StoreError::conflict(
                    "state",
                    "another refund of this order is still in progress; try again when it has \
                     finished",
                ));
            }
            if left.amount_minor <= 0 {
                return Err(nothing_left());
            }
            Ok(left)
        }
        RefundKind::Refund => {
            let amount = match new.amount {
                Some(amount) => amount,
                None if left.amount_minor > 0 => left,
                None => return Err(nothing_left()),
            };
            transition(&progress, &OrderEvent::Refund { amount }).map_err(illegal)?;
            if amount.amount_minor > left.amount_minor {
                return Err(StoreError::invalid(
                    "amount",
                    format!(
                        "cannot refund {amount}: only {left} is left to refund once the refunds \
                         in progress are done"
                    ),
                ));
            }
            Ok(amount)
        }
    }
}

fn truncate(text: &str) -> &str {
    let end = text
        .char_indices()
        .nth(MAX_REFUND_REASON)
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}

fn one_line(raw: &str, field: &'static str) -> Result<String, StoreError> {
    let text = raw.trim();
    if text.is_empty()
        || text.chars().count() > MAX_REFUND_REASON
        || text.chars().any(char::is_control)
    {
        return Err(StoreError::invalid(
            field,
            format!("`{field}` has 1 to {MAX_REFUND_REASON} characters on one line"),
        ));
    }
    Ok(text.to_owned())
}

fn one_line_reason(raw: &str) -> Result<String, StoreError> {
    one_line(raw, "reason")
}

async fn refund_by_id(conn: &mut AnyConnection, id: Uuid) -> Result<Refund, StoreError> {
    let sql = format!("SELECT {REFUND_COLUMNS} FROM order_refunds WHERE id = $1");
    let row = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound { what: "refund" })?;
    refund(&row)
}

async fn refunds_of(conn: &mut AnyConnection, order_id: Uuid) -> Result<Vec<Refund>, StoreError> {
    let sql = format!(
        "SELECT {REFUND_COLUMNS} FROM order_refunds WHERE order_id = $1 ORDER BY created_at, id"
    );
    let found = sqlx::query(&sql)
        .bind(order_id.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
    found.iter().map(refund).collect()
}

fn refund(row: &AnyRow) -> Result<Refund, StoreError> {
    let currency: String = get(row, "currency")?;
    let currency =
        showroom_domain::Currency::parse(&currency).map_err(|e| corrupt("refund currency", e))?;
    let amount =
        Money::new(get(row, "amount_minor")?, currency).map_err(|e| corrupt("refund amount", e))?;
    let kind: String = get(row, "kind")?;
    let state: String = get(row, "state")?;
    let actor: String = get(row, "actor")?;
    Ok(Refund {
        id: rows::uuid(row, "id")?,
        order_id: rows::uuid(row, "order_id")?,
        key: get(row, "key")?,
        kind: RefundKind::parse(&kind).ok_or_else(|| corrupt("refund kind", &kind))?,
        amount,
        state: RefundState::parse(&state).ok_or_else(|| corrupt("refund state", &state))?,
        reason: get(row, "reason")?,
        actor: Actor::from_stored(&actor).ok_or_else(|| corrupt("refund actor", &actor))?,
        provider_ref: get(row, "provider_ref")?,
        failure: get(row, "failure")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    })
}
