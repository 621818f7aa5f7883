//! An order's life after checkout: payment, fulfilment, release and the sweeper's list
//! ([`OrderStateStore`]). The reads are in `order_list.rs`.
//!
//! Every state change is one write transaction that (1) locks the order row and reads it in one
//! statement, (2) asks the domain's [`transition`] what the event does, (3) writes the new state
//! with a condition on the state it read, appends a history entry and queues the customer's mail
//! when the transition asks for one (see `order_step.rs`: one statement on PostgreSQL; the mail
//! is rendered by `outbox.rs`), so a mail exists exactly when the change committed, then (4)
//! moves the stock the transition calls for (see `order_stock.rs`) and, for an order released
//! without ever being paid, gives its discount code's use back. The order returned is built from
//! what was written, not read back. A refused transition is `Conflict { field: "state" }` and
//! writes nothing, so a duplicated webhook or a second release cannot sell or release stock
//! twice.

use async_trait::async_trait;
use showroom_domain::{transition, OrderEvent, OrderProgress, OrderState, TrackingNumber};
use showroom_store::{Actor, Order, OrderReads, OrderStateStore, ReleaseReason, StoreError};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::error::{corrupt, db};
use crate::order_rows::{self, ORDER_COLUMNS};
use crate::order_step::{self, StepWrite};
use crate::order_stock::{lock_products, move_stock, LineStock, StockMove};
use crate::rows;
use crate::sql::now_millis;
use crate::{Dialect, SqlCatalog};

/// The longest payment reference or note kept, in characters.
const MAX_NOTE: usize = 500;

/// One event to apply, with who sent it and what to remember about it.
pub(crate) struct Step<'a> {
    pub(crate) event: OrderEvent,
    pub(crate) actor: Actor,
    pub(crate) note: Option<&'a str>,
    pub(crate) payment_ref: Option<&'a str>,
}

#[async_trait]
impl OrderStateStore for SqlCatalog {
    async fn mark_paid(&self, order_id: Uuid, payment_ref: &str) -> Result<Order, StoreError> {
        let payment_ref = valid_payment_ref(payment_ref)?;
        self.apply(
            order_id,
            Step {
                event: OrderEvent::PaymentSucceeded,
                actor: Actor::PaymentProvider,
                note: Some(payment_ref),
                payment_ref: Some(payment_ref),
            },
        )
        .await
    }

    async fn pay_captured(
        &self,
        placed: &Order,
        payment_ref: &str,
    ) -> Result<Option<Order>, StoreError> {
        self.pay_captured_in_one_statement(placed, payment_ref)
            .await
    }

    async fn release(&self, order_id: Uuid, reason: ReleaseReason) -> Result<Order, StoreError> {
        let (event, actor, note) = match &reason {
            ReleaseReason::PaymentFailed { detail } => (
                OrderEvent::PaymentFailed,
                Actor::PaymentProvider,
                Some(detail.as_str()),
            ),
            ReleaseReason::PaymentExpired => (OrderEvent::PaymentExpired, Actor::Sweeper, None),
            ReleaseReason::Cancelled { by } => (OrderEvent::Cancel, by.clone(), None),
        };
        let note = note.map(|n| {
            let end = n.char_indices().nth(MAX_NOTE).map_or(n.len(), |(i, _)| i);
            &n[..end]
        });
        self.apply(
            order_id,
            Step {
                event,
                actor,
                note,
                payment_ref: None,
            },
        )
        .await
    }

    async fn fulfil(
        &self,
        order_id: Uuid,
        tracking: TrackingNumber,
        actor: Actor,
    ) -> Result<Order, StoreError> {
        let note = tracking.as_str().to_owned();
        let mut tx = self.begin_write().await?;
        lock_order(&mut tx, self.dialect.as_ref(), order_id).await?;
        // A cancellation being refunded right now would end refunded yet shipped: it goes first.
        let cancelling = sqlx::query(
            "SELECT id FROM order_refunds WHERE order_id = $1 AND kind = 'cancellation' \
             AND state = 'pending'",
        )
        .bind(order_id.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if cancelling.is_some() {
            return Err(StoreError::conflict(
                "state",
                "this order is being cancelled and refunded; it cannot be fulfilled",
            ));
        }
        let order = apply_in(
            &mut tx,
            self.dialect.as_ref(),
            order_id,
            Step {
                event: OrderEvent::Fulfill { tracking },
                actor,
                note: Some(&note),
                payment_ref: None,
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(order)
    }

    async fn record_authorization(
        &self,
        order_id: Uuid,
        payment_ref: &str,
    ) -> Result<(), StoreError> {
        let payment_ref = valid_payment_ref(payment_ref)?;
        // Best effort and always followed by the capture's records: its commit need not wait
        // for the disk (a crash before the flush loses no more than failing here would).
        let sql = format!(
            "UPDATE orders SET payment_ref = $2, updated_at = $3 \
             WHERE id = $1 AND state = 'pending_payment'{}",
            self.and_deferred_flush()
        );
        let written = sqlx::query(&sql)
            .bind(order_id.to_string())
            .bind(payment_ref)
            .bind(now_millis())
            .execute(&self.pool)
            .await
            .map_err(db)?
            .rows_affected();
        if written == 0 {
            return match self.order_by_id(order_id).await? {
                None => Err(StoreError::NotFound { what: "order" }),
                Some(order) => Err(StoreError::conflict(
                    "state",
                    format!("the order is {}, no longer awaiting payment", order.state),
                )),
            };
        }
        Ok(())
    }

    async fn expired_reservations(&self, now: i64, limit: u32) -> Result<Vec<Uuid>, StoreError> {
        let found = self
            .overdue_holds(
                "SELECT o.id FROM orders o WHERE o.reserved_until IS NOT NULL \
                 AND o.reserved_until < $1 AND o.state = 'pending_payment' \
                 AND o.captured_at IS NULL \
                 ORDER BY o.reserved_until, o.id LIMIT $2",
                now,
                limit,
            )
            .await?;
        found.iter().map(|row| rows::uuid(row, "id")).collect()
    }

    async fn mark_captured(&self, order_id: Uuid, payment_ref: &str) -> Result<(), StoreError> {
        let payment_ref = valid_payment_ref(payment_ref)?;
        // The checkout's `mark_paid` follows at once and commits synchronously, which flushes
        // this write too; only a crash in between can undo it, as a crash just before it would.
        let sql = format!(
            "UPDATE orders SET captured_at = $2, payment_ref = $3 \
             WHERE id = $1 AND state = 'pending_payment'{}",
            self.and_deferred_flush()
        );
        sqlx::query(&sql)
            .bind(order_id.to_string())
            .bind(now_millis())
            .bind(payment_ref)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn unrecorded_captures(
        &self,
        now: i64,
        limit: u32,
    ) -> Result<Vec<(Uuid, String)>, StoreError> {
        let found = self
            .overdue_holds(
                "SELECT o.id, o.payment_ref FROM orders o WHERE o.captured_at IS NOT NULL \
                 AND o.payment_ref IS NOT NULL AND o.state = 'pending_payment' \
                 AND o.reserved_until IS NOT NULL AND o.reserved_until < $1 \
                 ORDER BY o.reserved_until, o.id LIMIT $2",
                now,
                limit,
            )
            .await?;
        found
            .iter()
            .map(|row| {
                Ok((
                    rows::uuid(row, "id")?,
                    rows::get::<String>(row, "payment_ref")?,
                ))
            })
            .collect()
    }
}

impl SqlCatalog {
    /// The rows of `sql`, a query of orders whose hold ended before `$1` (`now`), at most `$2`
    /// (`limit`, kept within 1 to 1,000) of them.
    async fn overdue_holds(
        &self,
        sql: &str,
        now: i64,
        limit: u32,
    ) -> Result<Vec<AnyRow>, StoreError> {
        sqlx::query(sql)
            .bind(now)
            .bind(i64::from(limit.clamp(1, 1_000)))
            .fetch_all(&self.pool)
            .await
            .map_err(db)
    }

    async fn apply(&self, order_id: Uuid, step: Step<'_>) -> Result<Order, StoreError> {
        let mut tx = self.begin_write().await?;
        let order = apply_in(&mut tx, self.dialect.as_ref(), order_id, step).await?;
        tx.commit().await.map_err(db)?;
        Ok(order)
    }
}

/// Applies `step` inside the caller's write transaction (see the module docs); the caller
/// commits. Returns the order as it now stands.
pub(crate) async fn apply_in(
    tx: &mut AnyConnection,
    dialect: &dyn Dialect,
    order_id: Uuid,
    step: Step<'_>,
) -> Result<Order, StoreError> {
    let current = lock_order(tx, dialect, order_id).await?;
    let progress = progress_of(&current)?;
    let (next, effects) = transition(&progress, &step.event)
        .map_err(|e| StoreError::conflict("state", e.to_string()))?;

    let order = stepped(&current, &next, step.payment_ref);
    let written = order_step::write(
        tx,
        dialect,
        &StepWrite {
            before: &current,
            after: &order,
            actor: &step.actor,
            what: step.event.kind().as_str(),
            note: step.note,
            payment_ref: step.payment_ref,
            notify: effects.notify,
            captured_at: None,
        },
    )
    .await?;
    if !written {
        return Err(StoreError::conflict(
            "state",
            "the order changed meanwhile; try again",
        ));
    }

    let how = match (current.state, &step.event) {
        (OrderState::PendingPayment, OrderEvent::PaymentSucceeded) => Some(StockMove::Sell),
        (OrderState::PendingPayment, _) if effects.release_stock => Some(StockMove::Unreserve),
        (_, _) if effects.release_stock => Some(StockMove::Restock),
        _ => None,
    };
    if let Some(how) = how {
        let stock: Vec<LineStock> = current
            .lines
            .iter()
            .map(|line| LineStock {
                product_id: line.product_id,
                variant_id: line.variant_id,
                quantity: i64::from(line.quantity),
            })
            .collect();
        // A sale changes no product's listing columns (see `move_stock`), so it needs only the
        // variants' row locks, which it takes in the shared order; the product rows stay free
        // for the checkouts queued on them.
        if how != StockMove::Sell {
            lock_products(tx, stock.iter().map(|l| l.product_id)).await?;
        }
        if let Some(line) = move_stock(tx, &stock, how).await? {
            return Err(StoreError::Internal(
                format!(
                    "stock of variant {} cannot take {how:?} of {} units: the reservation \
                         bookkeeping is inconsistent",
                    line.variant_id, line.quantity
                )
                .into(),
            ));
        }
    }
    // Never paid: the order's discount use goes back to the code, so a declined card or an
    // abandoned checkout does not burn a limited code.
    if how == Some(StockMove::Unreserve) {
        if let Some(code) = &current.discount_code {
            crate::discounts::return_use(tx, code).await?;
        }
    }
    Ok(order)
}

/// Takes the order's row lock and reads it in the same statement, then its lines, inside a
/// [write transaction](crate::Dialect::begin_write), so concurrent changes to one order queue.
/// A `SELECT … FOR UPDATE` on PostgreSQL (no new row version, no constraint checked); on
/// SQLite the write transaction already holds the database's one write lock. `NotFound` when
/// there is no such order.
pub(crate) async fn lock_order(
    tx: &mut AnyConnection,
    dialect: &dyn Dialect,
    order_id: Uuid,
) -> Result<Order, StoreError> {
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM orders o WHERE o.id = $1{}",
        dialect.for_update()
    );
    let row = sqlx::query(&sql)
        .bind(order_id.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound { what: "order" })?;
    order_rows::order(tx, &row).await
}

/// The order as a state change to `next` leaves `current`, without reading it back: exactly the
/// columns the state update writes change (`order_step.rs`), everything else (lines included)
/// is as `current` holds it.
pub(crate) fn stepped(current: &Order, next: &OrderProgress, payment_ref: Option<&str>) -> Order {
    Order {
        state: next.state(),
        refunded: next.refunded(),
        tracking: next.shipment().cloned(),
        payment_ref: payment_ref
            .map(str::to_owned)
            .or_else(|| current.payment_ref.clone()),
        reserved_until: None,
        updated_at: now_millis(),
        ..current.clone()
    }
}

/// The domain's view of a stored order.
pub(crate) fn progress_of(order: &Order) -> Result<OrderProgress, StoreError> {
    OrderProgress::restore(
        order.state,
        order.totals.grand_total,
        order.refunded,
        order.tracking.clone(),
    )
    .map_err(|e| corrupt("order progress", e))
}

pub(crate) fn valid_payment_ref(raw: &str) -> Result<&str, StoreError> {
    let payment_ref = raw.trim();
    if payment_ref.is_empty()
        || payment_ref.chars().count() > MAX_NOTE
        || payment_ref.chars().any(char::is_control)
    {
        return Err(StoreError::invalid(
            "payment_ref",
            format!("a payment reference has 1 to {MAX_NOTE} characters on one line"),
        ));
    }
    Ok(payment_ref)
}
