//! The checkout: [`showroom_store::CheckoutStore::place_order`] as one write transaction.
//!
//! Where the engine allows writes inside `WITH` (PostgreSQL), a checkout first tries the same
//! writes as one statement (`checkout_one_statement.rs`); whatever that cannot decide — a retried
//! key, a short line, a discount code, anything changed since its read — it leaves untouched to
//! the transaction below, which answers every case.
//!
//! The steps, in order, each inside the same transaction:
//!
//! 1. **Claim the idempotency key** (`INSERT … ON CONFLICT DO NOTHING`). If the key is taken, the
//!    earlier checkout's order is returned and nothing else happens. On PostgreSQL a concurrent
//!    call with the same key blocks on this insert until the first call's transaction ends, then
//!    either finds its committed key or (if it rolled back) claims the key itself; on SQLite
//!    `BEGIN IMMEDIATE` runs checkouts one at a time. So exactly one call creates the order.
//! 2. **Lock, snapshot and reserve** (see `checkout_stock.rs`): the lines' products are locked
//!    and every line is reserved by a conditional update that returns the variant's SKU and
//!    price, so the title, SKU, status and unit price snapshotted are the committed, current ones
//!    under the lock, and stock is never oversold. A line that does not fit ends the checkout with
//!    `Conflict { field: "stock" }` (or `StockHeld`); the transaction is rolled back, so earlier
//!    lines' reservations and the key vanish with it.
//! 3. **Price** the snapshot with the domain's rules, take the next order number (dialect), and
//!    write the order, its lines and its first history entry (see `order_insert.rs`). The order
//!    returned is the one written, not read back.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use async_trait::async_trait;
use serde::Serialize;
use showroom_domain::{
    DiscountCode, DiscountUse, PriceLine, PricingError, PricingRequest, Quantity, TaxClass, Totals,
    UnixTime,
};
use showroom_store::{
    duration_millis, CheckoutStore, DiscountRecord, NewOrder, NewOrderLine, Order, StoreError,
    MAX_ORDER_LINES,
};
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::checkout_stock::{self, Snapshot};
use crate::error::db;
use crate::order_rows;
use crate::rows::{self, get};
use crate::sql::{insert_if_absent, now_millis};
use crate::{discounts, order_insert, SqlCatalog};

#[async_trait]
impl CheckoutStore for SqlCatalog {
    async fn place_order(
        &self,
        new: NewOrder,
        hold: Duration,
    ) -> Result<(Order, bool), StoreError> {
        let lines = checked_lines(&new.lines)?;
        let fingerprint = fingerprint(&new, &lines)?;
        if let Some(order) = self
            .place_in_one_statement(&new, &lines, &fingerprint, hold)
            .await?
        {
            return Ok((order, true));
        }
        let mut tx = self.begin_write().await?;
        let now = now_millis();
        let order_id = Uuid::now_v7();
        let claimed = insert_if_absent(
            sqlx::query(
                "INSERT INTO checkout_keys (key, order_id, fingerprint, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING",
            )
            .bind(new.idempotency_key.as_str())
            .bind(order_id.to_string())
            .bind(fingerprint.as_str())
            .bind(now),
            &mut tx,
        )
        .await?;
        if !claimed {
            let earlier = replay(&mut tx, new.idempotency_key.as_str(), &fingerprint).await?;
            tx.commit().await.map_err(db)?;
            return Ok((earlier, false));
        }

        let sold = checkout_stock::reserve(&mut tx, &lines, &new, now).await?;
        let discount = match &new.discount_code {
            Some(code) => Some(usable_discount(&mut tx, self.dialect.as_ref(), code).await?),
            None => None,
        };
        let discount_use = discount.as_ref().map(|record| DiscountUse {
            discount: &record.discount,
            now: UnixTime(now / 1000),
            times_used: record.times_used,
        });
        let totals = price(&new, &sold, discount_use)?;
        if let Some(code) = &new.discount_code {
            if !discounts::count_use(&mut tx, code).await? {
                return Err(StoreError::invalid(
                    "discount_code",
                    format!("discount code {code} has been used up"),
                ));
            }
        }
        let reserved_until = now.saturating_add(duration_millis(hold));
        let placed =
            order_insert::Placed::new(order_id, &new, &sold, &totals, reserved_until, now)?;
        let order = order_insert::write(&mut tx, self.dialect.as_ref(), placed).await?;
        tx.commit().await.map_err(db)?;
        Ok((order, true))
    }
}

/// The code's record if it can be used at all (exists and is active), its row locked so
/// concurrent checkouts count its uses one after another.
async fn usable_discount(
    conn: &mut AnyConnection,
    dialect: &dyn crate::Dialect,
    code: &DiscountCode,
) -> Result<DiscountRecord, StoreError> {
    discounts::locked_discount(conn, dialect, code)
        .await?
        .filter(|record| record.active)
        .ok_or_else(|| {
            StoreError::invalid(
                "discount_code",
                format!("discount code {code} does not exist or is no longer active"),
            )
        })
}

/// One to [`MAX_ORDER_LINES`] lines of positive quantities, a variant named twice merged into
/// one line at its first position.
pub(crate) fn checked_lines(lines: &[NewOrderLine]) -> Result<Vec<NewOrderLine>, StoreError> {
    if lines.is_empty() || lines.len() > MAX_ORDER_LINES {
        return Err(StoreError::invalid(
            "lines",
            format!("an order has 1 to {MAX_ORDER_LINES} lines"),
        ));
    }
    let mut merged: Vec<NewOrderLine> = Vec::with_capacity(lines.len());
    let mut position: HashMap<Uuid, usize> = HashMap::new();
    for line in lines {
        if line.quantity.get() == 0 {
            return Err(StoreError::invalid(
                "quantity",
                "each line orders at least one unit",
            ));
        }
        match position.get(&line.variant_id) {
            Some(&at) => {
                let sum = i64::from(merged[at].quantity) + i64::from(line.quantity);
                merged[at].quantity = Quantity::new(sum)
                    .map_err(|e| StoreError::invalid("quantity", e.to_string()))?;
            }
            None => {
                position.insert(line.variant_id, merged.len());
                merged.push(*line);
            }
        }
    }
    Ok(merged)
}

/// Everything that makes two checkouts "the same" for an idempotency key, as canonical JSON.
pub(crate) fn fingerprint(new: &NewOrder, lines: &[NewOrderLine]) -> Result<String, StoreError> {
    #[derive(Serialize)]
    struct Fingerprint<'a> {
        email: &'a str,
        address: &'a showroom_domain::ShippingAddress,
        method: Option<&'a str>,
        currency: &'a str,
        lines: BTreeMap<String, i64>,
        discount_code: Option<&'a str>,
    }
    let print = Fingerprint {
        email: new.email.normalized(),
        address: &new.shipping_address,
        method: new.shipping_method.as_ref().map(|m| m.as_str()),
        currency: new.currency.code(),
        lines: lines
            .iter()
            .map(|l| (l.variant_id.to_string(), i64::from(l.quantity)))
            .collect(),
        discount_code: new.discount_code.as_ref().map(DiscountCode::as_str),
    };
    serde_json::to_string(&print).map_err(|e| StoreError::Internal(Box::new(e)))
}

/// The order an earlier checkout with this key created.
async fn replay(
    conn: &mut AnyConnection,
    key: &str,
    fingerprint: &str,
) -> Result<Order, StoreError> {
    let row = sqlx::query("SELECT order_id, fingerprint FROM checkout_keys WHERE key = $1")
        .bind(key)
        .fetch_one(&mut *conn)
        .await
        .map_err(db)?;
    let stored: String = get(&row, "fingerprint")?;
    if stored != fingerprint {
        return Err(StoreError::conflict(
            "idempotency_key",
            "this idempotency key was already used for a different checkout",
        ));
    }
    let order_id = rows::uuid(&row, "order_id")?;
    order_rows::order_by_id(conn, order_id)
        .await?
        .ok_or_else(|| StoreError::Internal("an idempotency key names no order".into()))
}

/// The domain's totals for the snapshot. Every line is taxed at the standard rate of the
/// destination: the catalog has no tax classes yet.
pub(crate) fn price(
    new: &NewOrder,
    sold: &[Snapshot],
    discount: Option<DiscountUse<'_>>,
) -> Result<Totals, StoreError> {
    let lines: Vec<PriceLine> = sold
        .iter()
        .map(|s| PriceLine {
            unit_price: s.unit_price,
            quantity: s.quantity,
            tax_class: TaxClass::Standard,
        })
        .collect();
    let country = new.shipping_address.country();
    let request = PricingRequest {
        currency: new.currency,
        lines: &lines,
        discount,
        shipping_method: new.shipping_method.as_ref(),
        country: Some(&country),
    };
    new.pricing.price(&request).map_err(|e| {
        let field = match e {
            PricingError::UnknownShippingMethod { .. } => "shipping_method",
            PricingError::DiscountExpired { .. }
            | PricingError::DiscountExhausted { .. }
            | PricingError::DiscountBelowMinimum { .. } => "discount_code",
            _ => "pricing",
        };
        StoreError::invalid(field, e.to_string())
    })
}
