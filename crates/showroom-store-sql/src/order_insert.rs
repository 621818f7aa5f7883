//! Writing a placed order: the [`Order`] is built first from what the checkout priced, then
//! written from that one value — the order row, all its lines in one multi-row `INSERT`, and the
//! `placed` history entry — so what the checkout returns is exactly what it stored, without
//! reading the rows back.

use showroom_domain::{Money, OrderNumber, OrderState, Totals};
use showroom_store::{Actor, NewOrder, Order, OrderLine, OrderTotals, StoreError};
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::checkout_stock::Snapshot;
use crate::error::{corrupt, db};
use crate::order_rows::{append_history, price_mode_str, NewHistoryEntry};
use crate::sql::{Arg, Sql};

/// Everything a new order is made of.
pub(crate) struct Placed<'a> {
    pub id: Uuid,
    pub number: i64,
    pub new: &'a NewOrder,
    pub sold: &'a [Snapshot],
    pub totals: &'a Totals,
    pub reserved_until: i64,
    pub now: i64,
}

/// The order as it will be stored: `pending_payment`, nothing refunded, no payment yet.
pub(crate) fn placed(placed: Placed<'_>) -> Result<Order, StoreError> {
    let Placed {
        id,
        number,
        new,
        sold,
        totals,
        reserved_until,
        now,
    } = placed;
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
    Ok(Order {
        id,
        number: OrderNumber::from_sequence(number).map_err(|e| corrupt("order number", e))?,
        state: OrderState::PendingPayment,
        customer_id: new.customer_id,
        email: new.email.clone(),
        shipping_address: new.shipping_address.clone(),
        shipping_method: new.shipping_method.clone(),
        discount_code: new.discount_code.clone(),
        lines,
        totals: OrderTotals {
            price_mode: totals.price_mode,
            subtotal: totals.subtotal,
            discount: totals.discount,
            shipping: totals.shipping,
            tax: totals.tax,
            grand_total: totals.grand_total,
        },
        refunded: Money {
            amount_minor: 0,
            currency: new.currency,
        },
        tracking: None,
        payment_ref: None,
        reserved_until: Some(reserved_until),
        created_at: now,
        updated_at: now,
    })
}

/// Writes `order` (as built by [`placed`]) with its lines and its `placed` history entry.
pub(crate) async fn insert(conn: &mut AnyConnection, order: &Order) -> Result<(), StoreError> {
    insert_order(conn, order).await?;
    insert_lines(conn, order).await?;
    append_history(
        conn,
        NewHistoryEntry {
            order_id: order.id,
            at: order.created_at,
            actor: &Actor::Customer,
            what: "placed",
            from: None,
            to: OrderState::PendingPayment,
            note: None,
        },
    )
    .await
}

async fn insert_order(conn: &mut AnyConnection, order: &Order) -> Result<(), StoreError> {
    let address = serde_json::to_string(&order.shipping_address)
        .map_err(|e| StoreError::Internal(Box::new(e)))?;
    let totals = &order.totals;
    sqlx::query(
        "INSERT INTO orders (id, number, state, email, email_key, shipping_address, shipping_method, \
         currency, price_mode, subtotal_minor, discount_minor, shipping_minor, tax_minor, total_minor, \
         refunded_minor, reserved_until, created_at, updated_at, customer_id, discount_code) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
    )
    .bind(order.id.to_string())
    .bind(order.number.sequence())
    .bind(order.state.as_str())
    .bind(order.email.as_typed())
    .bind(order.email.normalized())
    .bind(address)
    .bind(order.shipping_method.as_ref().map(|m| m.as_str().to_owned()))
    .bind(totals.grand_total.currency.code())
    .bind(price_mode_str(totals.price_mode))
    .bind(totals.subtotal.amount_minor)
    .bind(totals.discount.amount_minor)
    .bind(totals.shipping.amount_minor)
    .bind(totals.tax.amount_minor)
    .bind(totals.grand_total.amount_minor)
    .bind(order.refunded.amount_minor)
    .bind(order.reserved_until)
    .bind(order.created_at)
    .bind(order.updated_at)
    .bind(order.customer_id.map(|id| id.to_string()))
    .bind(order.discount_code.as_ref().map(|c| c.as_str().to_owned()))
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

/// All lines in one statement: a round trip per order instead of one per line.
async fn insert_lines(conn: &mut AnyConnection, order: &Order) -> Result<(), StoreError> {
    let mut sql = Sql::default();
    let rows: Vec<String> = order
        .lines
        .iter()
        .enumerate()
        .map(|(position, line)| {
            let values = [
                Arg::Text(order.id.to_string()),
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
    sql.push(&format!(
        "INSERT INTO order_lines (order_id, position, variant_id, product_id, title, sku, \
         unit_price_minor, quantity, subtotal_minor, discount_minor, tax_minor, total_minor) \
         VALUES {}",
        rows.join(", ")
    ));
    sql.query().execute(&mut *conn).await.map_err(db)?;
    Ok(())
}
