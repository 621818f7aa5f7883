//! The checkout's record of a captured payment in one statement
//! ([`OrderStateStore::pay_captured`]).
//!
//! Step by step, the checkout marks the capture (its own statement) and then pays the order with
//! [`OrderStateStore::mark_paid`], which reads the order under its lock to learn what the payment does;
//! the checkout that just placed the order already holds everything that read returns but the
//! state (lines, totals, address: fixed at placement). So where the engine allows writes inside
//! `WITH` ([`crate::Dialect::writes_in_with`], PostgreSQL), the payment is one statement instead
//! of seven round trips: the state update conditional on `pending_payment` (which takes the
//! order's row lock first) that also sets the capture mark, the history entry and the mail as
//! [`order_step::with_step`] writes them, and the sale of every line (`on_hand -= q,
//! reserved -= q`) joined to that update, so nothing is written unless the order was still
//! pending. The lines' updates run one after another in ascending variant id order (each waits
//! for the previous one through a scalar subquery), the lock order of `order_stock.rs`.
//!
//! Nothing here decides an unusual case: an order that is no longer pending (the webhook paid it,
//! the sweeper released it) matches nothing and writes nothing, and a sale the stock's
//! `CHECK (on_hand >= 0)` / `CHECK (reserved >= 0)` refuses (inconsistent bookkeeping) fails the
//! whole statement; both answer `None`, and the checkout goes step by step, whose `mark_paid`
//! answers them as it always did.

use showroom_domain::{transition, OrderEvent, OrderState};
use showroom_store::{Actor, Order, StoreError};
use sqlx::error::ErrorKind;

use crate::error::db;
use crate::order_state::{progress_of, stepped, valid_payment_ref};
use crate::order_step::{with_step, StepWrite};
use crate::rows::get;
use crate::sql::{Arg, Sql};
use crate::SqlCatalog;

impl SqlCatalog {
    /// Marks `placed`'s capture and pays it in one statement where the engine allows it (see
    /// the module docs); `None` when that wrote nothing. Public so that the engine's own tests
    /// can call it directly.
    pub async fn pay_captured_in_one_statement(
        &self,
        placed: &Order,
        payment_ref: &str,
    ) -> Result<Option<Order>, StoreError> {
        if !self.dialect.writes_in_with() || placed.state != OrderState::PendingPayment {
            return Ok(None);
        }
        let payment_ref = valid_payment_ref(payment_ref)?;
        let event = OrderEvent::PaymentSucceeded;
        let (next, effects) = transition(&progress_of(placed)?, &event)
            .map_err(|e| StoreError::conflict("state", e.to_string()))?;
        let paid = stepped(placed, &next, Some(payment_ref));
        let step = StepWrite {
            before: placed,
            after: &paid,
            actor: &Actor::PaymentProvider,
            what: event.kind().as_str(),
            note: Some(payment_ref),
            payment_ref: Some(payment_ref),
            notify: effects.notify,
            captured_at: Some(paid.updated_at),
        };
        let mut sql = Sql::default();
        let mut text = with_step(&mut sql, &step);
        let mut lines: Vec<_> = placed.lines.iter().collect();
        lines.sort_by_key(|line| line.variant_id);
        for (i, line) in lines.iter().enumerate() {
            let quantity = sql.arg(Arg::Int(i64::from(line.quantity)));
            let variant = sql.arg(Arg::Text(line.variant_id.to_string()));
            let after_previous = if i == 0 {
                String::new()
            } else {
                format!(" AND (SELECT COUNT(*) FROM s{}) >= 0", i - 1)
            };
            text.push_str(&format!(
                ", s{i} AS (UPDATE variants SET on_hand = on_hand - {quantity}, \
                 reserved = reserved - {quantity} FROM u \
                 WHERE variants.id = {variant}{after_previous} RETURNING variants.id)"
            ));
        }
        text.push_str(" SELECT CAST(COUNT(*) AS BIGINT) AS n FROM u");
        sql.push(&text);
        let row = match sql.query().fetch_one(&self.pool).await {
            Ok(row) => row,
            Err(sqlx::Error::Database(error)) if error.kind() == ErrorKind::CheckViolation => {
                return Ok(None)
            }
            Err(error) => return Err(db(error)),
        };
        Ok((get::<i64>(&row, "n")? == 1).then_some(paid))
    }
}
