//! Stock moves of orders after checkout: selling at payment, returning at cancellation. (The
//! checkout's own reservation, `reserved += q` only while `on_hand - reserved >= q`, is in
//! `checkout_stock.rs`, folded into the statements that snapshot the lines.)
//!
//! Lock order, the same as every catalog write: first the rows of the products involved, in
//! ascending id order, then their variants, in ascending id order. Catalog writes lock one product
//! then its variant, so no two transactions can wait on each other in a circle (on PostgreSQL;
//! SQLite has one writer at a time anyway). A sale skips the products: it changes none. Every move is a conditional update whose condition
//! is the invariant it must keep, and the product's listing columns are recomputed in the same
//! transaction.

use std::collections::BTreeSet;

use showroom_store::StoreError;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use crate::error::db;
use crate::variants::recompute_listing;

/// What a move does to `(on_hand, reserved)` of each line's variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StockMove {
    /// Payment: the reserved units leave the shelf, `on_hand -= q, reserved -= q`.
    Sell,
    /// An unpaid order ends: `reserved -= q`.
    Unreserve,
    /// A paid, unshipped order is cancelled: `on_hand += q`.
    Restock,
}

impl StockMove {
    fn statement(self) -> &'static str {
        match self {
            Self::Sell => {
                "UPDATE variants SET on_hand = on_hand - $1, reserved = reserved - $1 \
                 WHERE id = $2 AND reserved >= $1 AND on_hand >= $1"
            }
            Self::Unreserve => {
                "UPDATE variants SET reserved = reserved - $1 WHERE id = $2 AND reserved >= $1"
            }
            Self::Restock => "UPDATE variants SET on_hand = on_hand + $1 WHERE id = $2",
        }
    }
}

/// A variant's units to move, and the product it belongs to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineStock {
    pub product_id: Uuid,
    pub variant_id: Uuid,
    pub quantity: i64,
}

/// Takes the row locks of these products (a no-op update), in id order. Unknown ids are skipped.
pub(crate) async fn lock_products(
    conn: &mut AnyConnection,
    products: impl IntoIterator<Item = Uuid>,
) -> Result<(), StoreError> {
    let sorted: BTreeSet<Uuid> = products.into_iter().collect();
    for product_id in sorted {
        sqlx::query("UPDATE products SET available = available WHERE id = $1")
            .bind(product_id.to_string())
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    Ok(())
}

/// Applies `how` to every line, in variant id order, after [`lock_products`] took their products
/// (a [`StockMove::Sell`] may skip that: it changes no product row, and a transaction that holds
/// only variant locks, taken in ascending order, never waits for a product, so it cannot close a
/// circle of waits).
/// Returns the first line whose condition failed (nothing of it was written; the caller rolls
/// back), or `None` when all moved. A variant that no longer exists is skipped.
pub(crate) async fn move_stock(
    conn: &mut AnyConnection,
    lines: &[LineStock],
    how: StockMove,
) -> Result<Option<LineStock>, StoreError> {
    let mut ordered = lines.to_vec();
    ordered.sort_by_key(|line| line.variant_id);
    for line in &ordered {
        let moved = sqlx::query(how.statement())
            .bind(line.quantity)
            .bind(line.variant_id.to_string())
            .execute(&mut *conn)
            .await
            .map_err(db)?
            .rows_affected();
        if moved == 0 && variant_exists(conn, line.variant_id).await? {
            return Ok(Some(*line));
        }
    }
    // A sale takes the units off the shelf and out of the reservation alike: no variant's free
    // units change, so neither do the products' listing columns.
    if how != StockMove::Sell {
        let products: BTreeSet<Uuid> = ordered.iter().map(|line| line.product_id).collect();
        for product_id in products {
            recompute_listing(conn, product_id).await?;
        }
    }
    Ok(None)
}

/// A variant's units on the shelf and reserved for pending payments.
pub(crate) struct StockLevel {
    pub on_hand: i64,
    pub reserved: i64,
}

pub(crate) async fn stock_level(
    conn: &mut AnyConnection,
    variant_id: Uuid,
) -> Result<StockLevel, StoreError> {
    let row = sqlx::query("SELECT on_hand, reserved FROM variants WHERE id = $1")
        .bind(variant_id.to_string())
        .fetch_optional(conn)
        .await
        .map_err(db)?;
    let Some(row) = row else {
        return Ok(StockLevel {
            on_hand: 0,
            reserved: 0,
        });
    };
    let get = |column: &str| -> Result<i64, StoreError> {
        row.try_get(column)
            .map_err(|e| StoreError::Internal(Box::new(e)))
    };
    Ok(StockLevel {
        on_hand: get("on_hand")?,
        reserved: get("reserved")?,
    })
}

/// When the first pending payment holding units of this variant runs out of time (Unix ms).
pub(crate) async fn earliest_hold_end(
    conn: &mut AnyConnection,
    variant_id: Uuid,
) -> Result<Option<i64>, StoreError> {
    let row = sqlx::query(
        "SELECT MIN(o.reserved_until) AS until FROM orders o \
         JOIN order_lines l ON l.order_id = o.id \
         WHERE l.variant_id = $1 AND o.state = 'pending_payment'",
    )
    .bind(variant_id.to_string())
    .fetch_one(conn)
    .await
    .map_err(db)?;
    row.try_get::<Option<i64>, _>("until")
        .map_err(|e| StoreError::Internal(Box::new(e)))
}

async fn variant_exists(conn: &mut AnyConnection, variant_id: Uuid) -> Result<bool, StoreError> {
    let row = sqlx::query("SELECT id FROM variants WHERE id = $1")
        .bind(variant_id.to_string())
        .fetch_optional(conn)
        .await
        .map_err(db)?;
    Ok(row.is_some())
}
