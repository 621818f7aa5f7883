//! Writing a placed order: its number, the order row, all its lines and the `placed` history
//! entry, from one [`Placed`] value that also becomes the [`Order`] returned — so the checkout
//! answers with exactly what it stored, without reading the rows back.
//!
//! Where the engine allows writes inside `WITH` ([`crate::Dialect::writes_in_with`],
//! PostgreSQL), the number, the order, its lines and its history entry are one statement: one
//! round trip instead of four, the same rows. Elsewhere (SQLite, which has one writer at a time
//! and no network) they are four statements.

use showroom_domain::{Money, OrderNumber, OrderState, Totals};
use showroom_store::{Actor, NewOrder, Order, OrderLine, OrderTotals, StoreError};
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::checkout_stock::Snapshot;
use crate::error::{corrupt, db};
use crate::order_rows::price_mode_str;
use crate::rows::get;
use crate::sql::{Arg, Sql};
use crate::Dialect;

const ORDER_INSERT: &str = "INSERT INTO orders (id, number, state, email, email_key, \
     shipping_address, shipping_method, currency, price_mode, subtotal_minor, discount_minor, \
     shipping_minor, tax_minor, total_minor, refunded_minor, reserved_until, created_at, \
     updated_at, customer_id, discount_code) VALUES ";

const LINES_INSERT: &str = "INSERT INTO order_lines (order_id, position, variant_id, \
     product_id, title, sku, unit_price_minor, quantity, subtotal_minor, discount_minor, \
     tax_minor, total_minor) VALUES ";

const EVENT_INSERT: &str = "INSERT INTO order_events (id, order_id, at, actor, what, \
     from_state, to_state, note) VALUES ";

/// A new order, everything but its number: `pending_payment`, nothing refunded, no payment yet.
pub(crate) struct Placed<'a> {
    id: Uuid,
    new: &'a NewOrder,
    lines: Vec<OrderLine>,
    totals: OrderTotals,
    reserved_until: i64,
    now: i64,
}

impl<'a> Placed<'a> {
    /// The order of `new` selling `sold`, priced as `totals` (whose lines follow `sold`).
    pub(crate) fn new(
        id: Uuid,
        new: &'a NewOrder,
        sold: &[Snapshot],
        totals: &Totals,
        reserved_until: i64,
        now: i64,
    ) -> Result<Self, StoreError> {
        if sold.len() != totals.lines.len() {
            return Err(StoreError::Internal(
                "the pricing returned another number of lines than it was given".into(),
            ));
        }
        let lines = sold
            .iter()
            .zip(&totals.lines)
            .map(|(line, priced)| OrderLine {
                variant_id: line.variant_id,
                product_id: line.product_id,
                title: line.title.clone(),
                sku: line.sku.clone(),
                unit_price: line.unit_price,
                quantity: line.quantity,
                subtotal: priced.subtotal,
                discount: priced.discount,
                tax: priced.tax,
                total: priced.total,
            })
            .collect();
        Ok(Self {
            id,
            new,
            lines,
            totals: OrderTotals {
                price_mode: totals.price_mode,
                subtotal: totals.subtotal,
                discount: totals.discount,
                shipping: totals.shipping,
                tax: totals.tax,
                grand_total: totals.grand_total,
            },
            reserved_until,
            now,
        })
    }

    pub(crate) fn into_order(self, number: i64) -> Result<Order, StoreError> {
        let new = self.new;
        Ok(Order {
            id: self.id,
            number: OrderNumber::from_sequence(number).map_err(|e| corrupt("order number", e))?,
            state: OrderState::PendingPayment,
            customer_id: new.customer_id,
            email: new.email.clone(),
            shipping_address: new.shipping_address.clone(),
            shipping_method: new.shipping_method.clone(),
            discount_code: new.discount_code.clone(),
            lines: self.lines,
            totals: self.totals,
            refunded: Money {
                amount_minor: 0,
                currency: new.currency,
            },
            tracking: None,
            payment_ref: None,
            reserved_until: Some(self.reserved_until),
            created_at: self.now,
            updated_at: self.now,
        })
    }
}

/// Numbers and writes the order (see the module docs) and returns it as written.
pub(crate) async fn write(
    conn: &mut AnyConnection,
    dialect: &dyn Dialect,
    placed: Placed<'_>,
) -> Result<Order, StoreError> {
    let number = if dialect.writes_in_with() {
        // The number is the dialect's statement as a scalar subquery of the order's row.
        let next = format!("({})", dialect.next_order_number());
        let mut sql = Sql::default();
        let inserts = insert_ctes(&mut sql, &placed, &next)?;
        sql.push(&format!("WITH {inserts} SELECT number AS n FROM o"));
        let row = sql.query().fetch_one(&mut *conn).await.map_err(db)?;
        get(&row, "n")?
    } else {
        let row = sqlx::query(dialect.next_order_number())
            .fetch_one(&mut *conn)
            .await
            .map_err(db)?;
        let number: i64 = get(&row, "n")?;
        let mut sql = Sql::default();
        let placeholder = sql.arg(Arg::Int(number));
        let order = order_row(&mut sql, &placed, &placeholder)?;
        sql.push(&format!("{ORDER_INSERT}{order}"));
        sql.query().execute(&mut *conn).await.map_err(db)?;
        let mut sql = Sql::default();
        let lines = line_rows(&mut sql, &placed);
        sql.push(&format!("{LINES_INSERT}{lines}"));
        sql.query().execute(&mut *conn).await.map_err(db)?;
        let mut sql = Sql::default();
        let event = event_row(&mut sql, &placed);
        sql.push(&format!("{EVENT_INSERT}{event}"));
        sql.query().execute(&mut *conn).await.map_err(db)?;
        number
    };
    placed.into_order(number)
}

/// `o AS (…), l AS (…), e AS (…)`: the order's row (`o`, returning its `number`, which is the
/// SQL expression `number`), its lines and its history entry as data-modifying CTEs, their
/// arguments registered in `sql`. Only for engines with [`Dialect::writes_in_with`].
pub(crate) fn insert_ctes(
    sql: &mut Sql,
    placed: &Placed<'_>,
    number: &str,
) -> Result<String, StoreError> {
    let order = order_row(sql, placed, number)?;
    let lines = line_rows(sql, placed);
    let event = event_row(sql, placed);
    Ok(format!(
        "o AS ({ORDER_INSERT}{order} RETURNING number), \
         l AS ({LINES_INSERT}{lines}), e AS ({EVENT_INSERT}{event})"
    ))
}

/// `(…)` of the order's row for [`ORDER_INSERT`], its number being the SQL `number`.
fn order_row(sql: &mut Sql, placed: &Placed<'_>, number: &str) -> Result<String, StoreError> {
    let new = placed.new;
    let totals = &placed.totals;
    let address = serde_json::to_string(&new.shipping_address)
        .map_err(|e| StoreError::Internal(Box::new(e)))?;
    let text = |value: &str| Arg::Text(value.to_owned());
    let values = [
        text(&placed.id.to_string()),
        text(OrderState::PendingPayment.as_str()),
        text(new.email.as_typed()),
        text(new.email.normalized()),
        Arg::Text(address),
        Arg::OptText(new.shipping_method.as_ref().map(|m| m.as_str().to_owned())),
        text(new.currency.code()),
        text(price_mode_str(totals.price_mode)),
        Arg::Int(totals.subtotal.amount_minor),
        Arg::Int(totals.discount.amount_minor),
        Arg::Int(totals.shipping.amount_minor),
        Arg::Int(totals.tax.amount_minor),
        Arg::Int(totals.grand_total.amount_minor),
        Arg::Int(0),
        Arg::Int(placed.reserved_until),
        Arg::Int(placed.now),
        Arg::Int(placed.now),
        Arg::OptText(new.customer_id.map(|id| id.to_string())),
        Arg::OptText(new.discount_code.as_ref().map(|c| c.as_str().to_owned())),
    ]
    .map(|value| sql.arg(value));
    let (id, rest) = values.split_at(1);
    Ok(format!(
        "({}, {number}, {})",
        id.join(", "),
        rest.join(", ")
    ))
}

/// `(…), (…)` of every line for [`LINES_INSERT`]: all lines in one statement.
fn line_rows(sql: &mut Sql, placed: &Placed<'_>) -> String {
    let rows: Vec<String> = placed
        .lines
        .iter()
        .enumerate()
        .map(|(position, line)| {
            let values = [
                Arg::Text(placed.id.to_string()),
                Arg::Int(i64::try_from(position).unwrap_or(i64::MAX)),
                Arg::Text(line.variant_id.to_string()),
                Arg::Text(line.product_id.to_string()),
                Arg::Text(line.title.clone()),
                Arg::Text(line.sku.as_str().to_owned()),
                Arg::Int(line.unit_price.amount_minor),
                Arg::Int(i64::from(line.quantity)),
                Arg::Int(line.subtotal.amount_minor),
                Arg::Int(line.discount.amount_minor),
                Arg::Int(line.tax.amount_minor),
                Arg::Int(line.total.amount_minor),
            ]
            .map(|value| sql.arg(value))
            .join(", ");
            format!("({values})")
        })
        .collect();
    rows.join(", ")
}

/// `(…)` of the `placed` history entry for [`EVENT_INSERT`].
fn event_row(sql: &mut Sql, placed: &Placed<'_>) -> String {
    let values = [
        Arg::Text(Uuid::now_v7().to_string()),
        Arg::Text(placed.id.to_string()),
        Arg::Int(placed.now),
        Arg::Text(Actor::Customer.to_stored()),
        Arg::Text("placed".to_owned()),
        Arg::OptText(None),
        Arg::Text(OrderState::PendingPayment.as_str().to_owned()),
        Arg::OptText(None),
    ]
    .map(|value| sql.arg(value))
    .join(", ");
    format!("({values})")
}
