//! The common checkout in one statement, where the engine allows writes inside `WITH`
//! ([`crate::Dialect::writes_in_with`], PostgreSQL): a read and one write instead of the
//! transaction's six round trips (see `checkout.rs`), the same rows written.
//!
//! 1. **Read** what the lines sell — each variant with its stock and its product, as the refusal
//!    checks read it (`checkout_stock.rs`), without locks — and price it with the domain's rules.
//!    A line already short of free units as read goes to the transaction at once.
//! 2. **Write** everything in one statement, each step conditional on the ones before it, in the
//!    transaction's lock order: claim the idempotency key; then each product (ascending id) takes
//!    its units off `available` only while its title and status are still the ones read; then each
//!    line (ascending variant id) is reserved only while the variant has the units free and its
//!    SKU, price and currency are still the ones read; then the order, its lines and its history
//!    entry. Each product and line update waits for the one before it (a scalar subquery over the
//!    previous CTE runs that one first), so the locks are taken in that order.
//!
//! The order's number is `nextval` only when the key was claimed and every product and line
//! matched; otherwise it is `NULL`, which `orders.number`'s `NOT NULL` refuses, and the failed
//! statement leaves nothing behind — no key, no reservation, no order (PostgreSQL logs the refused
//! `NULL` as an error: only a race since the read, or a retried key, gets that far). Every unusual case (the
//! key taken by an earlier or a concurrent checkout, a line short of stock or held, a price or
//! title changed since the read, an unknown variant, a product not for sale, a discount code) is
//! thereby left to the transaction, which answers it as it always did.

use std::collections::BTreeMap;
use std::time::Duration;

use showroom_store::{duration_millis, NewOrder, NewOrderLine, Order, StoreError};
use sqlx::error::ErrorKind;
use uuid::Uuid;

use crate::checkout::{checked_lines, fingerprint, price};
use crate::checkout_stock::{sellable, variant_rows, Snapshot};
use crate::error::db;
use crate::order_insert::{self, insert_ctes};
use crate::rows::get;
use crate::sql::{now_millis, Arg, Sql};
use crate::SqlCatalog;

impl SqlCatalog {
    /// Places `new` in one statement (see the module docs). `Some(order)` when it created the
    /// order; `None` when it wrote nothing and the checkout's transaction must decide (always
    /// on engines without writes inside `WITH`, and for orders with a discount code). Public
    /// so that the engine's own tests can tell which way a checkout went.
    pub async fn place_order_in_one_statement(
        &self,
        new: &NewOrder,
        hold: Duration,
    ) -> Result<Option<Order>, StoreError> {
        let lines = checked_lines(&new.lines)?;
        let fingerprint = fingerprint(new, &lines)?;
        self.place_in_one_statement(new, &lines, &fingerprint, hold)
            .await
    }

    /// [`Self::place_order_in_one_statement`] of the checked `lines` and their `fingerprint`.
    pub(crate) async fn place_in_one_statement(
        &self,
        new: &NewOrder,
        lines: &[NewOrderLine],
        fingerprint: &str,
        hold: Duration,
    ) -> Result<Option<Order>, StoreError> {
        if !self.dialect.writes_in_with() || new.discount_code.is_some() {
            return Ok(None);
        }
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let found = variant_rows(&mut conn, lines).await?;
        let mut sold = Vec::with_capacity(lines.len());
        for line in lines {
            let Some(row) = found.get(&line.variant_id) else {
                return Ok(None);
            };
            // A line already short as read would only make the statement fail.
            let free = get::<i64>(row, "on_hand")? - get::<i64>(row, "reserved")?;
            match sellable(row, line, new) {
                Ok(snapshot) if free >= i64::from(line.quantity) => sold.push(snapshot),
                _ => return Ok(None),
            }
        }
        let Ok(totals) = price(new, &sold, None) else {
            return Ok(None);
        };
        let now = now_millis();
        let order_id = Uuid::now_v7();
        let reserved_until = now.saturating_add(duration_millis(hold));

        let mut sql = Sql::default();
        let mut ctes = vec![claim_key(&mut sql, new, order_id, fingerprint, now)];
        let (products, last_product) = take_products(&mut sql, &sold, &mut ctes);
        let reserved = reserve_lines(&mut sql, &sold, new, &last_product, &mut ctes);
        let number = format!(
            "(CASE WHEN (SELECT COUNT(*) FROM k) = 1 AND {products} AND {reserved} \
             THEN ({}) END)",
            self.dialect.next_order_number()
        );
        let placed = order_insert::Placed::new(order_id, new, &sold, &totals, reserved_until, now)?;
        let inserts = insert_ctes(&mut sql, &placed, &number)?;
        sql.push(&format!(
            "WITH {}, {inserts} SELECT number AS n FROM o",
            ctes.join(", ")
        ));
        match sql.query().fetch_one(&mut *conn).await {
            Ok(row) => Ok(Some(placed.into_order(get(&row, "n")?)?)),
            Err(sqlx::Error::Database(error)) if error.kind() == ErrorKind::NotNullViolation => {
                Ok(None)
            }
            Err(error) => Err(db(error)),
        }
    }
}

/// `k`: the idempotency key, claimed unless some checkout holds it already.
fn claim_key(sql: &mut Sql, new: &NewOrder, order_id: Uuid, fingerprint: &str, now: i64) -> String {
    let values = [
        Arg::Text(new.idempotency_key.as_str().to_owned()),
        Arg::Text(order_id.to_string()),
        Arg::Text(fingerprint.to_owned()),
        Arg::Int(now),
    ]
    .map(|value| sql.arg(value))
    .join(", ");
    format!(
        "k AS (INSERT INTO checkout_keys (key, order_id, fingerprint, created_at) \
         VALUES ({values}) ON CONFLICT (key) DO NOTHING RETURNING order_id)"
    )
}

/// `p0, p1, …`: each product's units off its listed `available`, in ascending id order, after
/// the key is claimed and while its title and status are the ones read. Returns the condition
/// "every product matched" and the name of the last CTE.
fn take_products(sql: &mut Sql, sold: &[Snapshot], ctes: &mut Vec<String>) -> (String, String) {
    let mut taken: BTreeMap<Uuid, (i64, &str)> = BTreeMap::new();
    for line in sold {
        let entry = taken.entry(line.product_id).or_insert((0, &line.title));
        entry.0 += i64::from(line.quantity);
    }
    let mut previous = "k".to_owned();
    let mut names = Vec::with_capacity(taken.len());
    for (i, (product_id, (units, title))) in taken.into_iter().enumerate() {
        let [id, units, title] = [
            Arg::Text(product_id.to_string()),
            Arg::Int(units),
            Arg::Text(title.to_owned()),
        ]
        .map(|value| sql.arg(value));
        let name = format!("p{i}");
        ctes.push(format!(
            "{name} AS (UPDATE products SET available = available - {units} \
             WHERE id = {id} AND status = 'published' AND title = {title} \
             AND (SELECT COUNT(*) FROM {previous}) = 1 RETURNING id)"
        ));
        previous = name.clone();
        names.push(name);
    }
    (all_matched(&names), previous)
}

/// `v0, v1, …`: each line reserved, in ascending variant id order, after the last product and
/// while the variant has the units free and sells at the SKU, price and currency read. Returns
/// the condition "every line matched".
fn reserve_lines(
    sql: &mut Sql,
    sold: &[Snapshot],
    new: &NewOrder,
    last_product: &str,
    ctes: &mut Vec<String>,
) -> String {
    let mut ordered: Vec<&Snapshot> = sold.iter().collect();
    ordered.sort_by_key(|line| line.variant_id);
    let mut previous = last_product.to_owned();
    let mut names = Vec::with_capacity(ordered.len());
    for (i, line) in ordered.into_iter().enumerate() {
        let [id, quantity, sku, price, currency] = [
            Arg::Text(line.variant_id.to_string()),
            Arg::Int(i64::from(line.quantity)),
            Arg::Text(line.sku.as_str().to_owned()),
            Arg::Int(line.unit_price.amount_minor),
            Arg::Text(new.currency.code().to_owned()),
        ]
        .map(|value| sql.arg(value));
        let name = format!("v{i}");
        ctes.push(format!(
            "{name} AS (UPDATE variants SET reserved = reserved + {quantity} \
             WHERE id = {id} AND on_hand - reserved >= {quantity} AND sku = {sku} \
             AND price_minor = {price} AND currency = {currency} \
             AND (SELECT COUNT(*) FROM {previous}) = 1 RETURNING id)"
        ));
        previous = name.clone();
        names.push(name);
    }
    all_matched(&names)
}

/// `(SELECT COUNT(*) FROM a) = 1 AND …`: every one of these single-row CTEs wrote its row.
fn all_matched(names: &[String]) -> String {
    names
        .iter()
        .map(|name| format!("(SELECT COUNT(*) FROM {name}) = 1"))
        .collect::<Vec<_>>()
        .join(" AND ")
}
