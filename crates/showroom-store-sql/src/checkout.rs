//! The checkout: [`showroom_store::CheckoutStore::place_order`] as one write transaction.
//!
//! The steps, in order, each inside the same transaction:
//!
//! 1. **Claim the idempotency key** (`INSERT … ON CONFLICT DO NOTHING`). If the key is taken, the
//!    earlier checkout's order is returned and nothing else happens. On PostgreSQL a concurrent
//!    call with the same key blocks on this insert until the first call's transaction ends, then
//!    either finds its committed key or (if it rolled back) claims the key itself; on SQLite
//!    `BEGIN IMMEDIATE` runs checkouts one at a time. So exactly one call creates the order.
//! 2. **Lock the products** of the lines, then re-read every variant and its product under the
//!    lock: the title, SKU, status and unit price snapshotted are the committed, current ones.
//! 3. **Reserve** every line with a conditional update (see `order_stock.rs`). The first line
//!    that does not fit ends the checkout with `Conflict { field: "stock" }`; the transaction is
//!    rolled back, so earlier lines' reservations and the key vanish with it.
//! 4. **Price** the snapshot with the domain's rules, take the next order number (dialect), and
//!    write the order, its lines and its first history entry.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use async_trait::async_trait;
use serde::Serialize;
use showroom_domain::{
    DiscountCode, DiscountUse, Money, PriceLine, PricingError, PricingRequest, ProductStatus,
    Quantity, Sku, TaxClass, Totals, UnixTime,
};
use showroom_store::{
    Actor, CheckoutStore, DiscountRecord, NewOrder, NewOrderLine, Order, StoreError,
    MAX_ORDER_LINES,
};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::discounts;
use crate::error::{corrupt, db};
use crate::order_rows::{self, append_history, price_mode_str, NewHistoryEntry};
use crate::order_stock::{
    earliest_hold_end, lock_products, move_stock, stock_level, LineStock, StockLevel, StockMove,
};
use crate::rows::{self, get};
use crate::sql::{in_list, now_millis, Arg, Sql};
use crate::SqlCatalog;

#[async_trait]
impl CheckoutStore for SqlCatalog {
    async fn place_order(
        &self,
        new: NewOrder,
        hold: Duration,
    ) -> Result<(Order, bool), StoreError> {
        let lines = checked_lines(&new.lines)?;
        let fingerprint = fingerprint(&new, &lines)?;
        let mut tx = self.begin_write().await?;
        let now = now_millis();
        let order_id = Uuid::now_v7();
        let claimed = sqlx::query(
            "INSERT INTO checkout_keys (key, order_id, fingerprint, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING",
        )
        .bind(new.idempotency_key.as_str())
        .bind(order_id.to_string())
        .bind(fingerprint.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected()
            == 1;
        if !claimed {
            let earlier = replay(&mut tx, new.idempotency_key.as_str(), &fingerprint).await?;
            tx.commit().await.map_err(db)?;
            return Ok((earlier, false));
        }

        let sold = snapshot(&mut tx, &lines, &new).await?;
        let stock: Vec<LineStock> = sold.iter().map(Snapshot::stock).collect();
        if let Some(short) = move_stock(&mut tx, &stock, StockMove::Reserve).await? {
            let line = sold.iter().find(|s| s.variant_id == short.variant_id);
            let name = line.map_or_else(|| short.variant_id.to_string(), Snapshot::name);
            return Err(shortage(&mut tx, &short, &name, now).await?);
        }
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
        let number = self.next_order_number(&mut tx).await?;
        let reserved_until =
            now.saturating_add(i64::try_from(hold.as_millis()).unwrap_or(i64::MAX / 4));
        insert_order(
            &mut tx,
            order_id,
            number,
            &new,
            &totals,
            reserved_until,
            now,
        )
        .await?;
        insert_lines(&mut tx, order_id, &sold, &totals).await?;
        append_history(
            &mut tx,
            NewHistoryEntry {
                order_id,
                at: now,
                actor: &Actor::Customer,
                what: "placed",
                from: None,
                to: showroom_domain::OrderState::PendingPayment,
                note: None,
            },
        )
        .await?;
        let order = order_rows::order_by_id(&mut tx, order_id)
            .await?
            .ok_or_else(|| StoreError::Internal("a placed order vanished".into()))?;
        tx.commit().await.map_err(db)?;
        Ok((order, true))
    }
}

impl SqlCatalog {
    async fn next_order_number(&self, conn: &mut AnyConnection) -> Result<i64, StoreError> {
        let row = sqlx::query(self.dialect.next_order_number())
            .fetch_one(conn)
            .await
            .map_err(db)?;
        get(&row, "n")
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
fn checked_lines(lines: &[NewOrderLine]) -> Result<Vec<NewOrderLine>, StoreError> {
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
fn fingerprint(new: &NewOrder, lines: &[NewOrderLine]) -> Result<String, StoreError> {
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

/// A line as it will be sold: the catalog's current data, read under the product locks.
struct Snapshot {
    variant_id: Uuid,
    product_id: Uuid,
    title: String,
    sku: Sku,
    unit_price: Money,
    quantity: Quantity,
}

impl Snapshot {
    fn stock(&self) -> LineStock {
        LineStock {
            product_id: self.product_id,
            variant_id: self.variant_id,
            quantity: i64::from(self.quantity),
        }
    }

    fn name(&self) -> String {
        format!("{} ({})", self.title, self.sku.as_str())
    }
}

/// Why `short` could not be reserved: sold out, or — when the shelf has the units but pending
/// payments hold them — held until the earliest of those holds ends.
async fn shortage(
    conn: &mut AnyConnection,
    short: &LineStock,
    name: &str,
    now: i64,
) -> Result<StoreError, StoreError> {
    let StockLevel { on_hand, reserved } = stock_level(conn, short.variant_id).await?;
    let left = (on_hand - reserved).max(0);
    if on_hand < short.quantity || reserved == 0 {
        return Ok(StoreError::conflict(
            "stock",
            format!("{name} sold out ({left} left)"),
        ));
    }
    let until = earliest_hold_end(conn, short.variant_id)
        .await?
        .unwrap_or(now);
    let retry_after_secs = u64::try_from((until - now).max(0) / 1000 + 1).unwrap_or(1);
    Ok(StoreError::StockHeld {
        message: format!(
            "{name}: only {left} free now; {reserved} more are held for other shoppers' payments \
             and may come back within {retry_after_secs} s"
        ),
        retry_after_secs,
    })
}

/// Locks the lines' products and reads their variants; refuses unknown variants, products not
/// for sale and prices in another currency than the checkout's.
async fn snapshot(
    conn: &mut AnyConnection,
    lines: &[NewOrderLine],
    new: &NewOrder,
) -> Result<Vec<Snapshot>, StoreError> {
    // A variant's product never changes, so this unlocked read is only used to know what to lock.
    let owners = variant_rows(conn, lines, "v.id, v.product_id").await?;
    let owner_ids = owners
        .values()
        .map(|row| rows::uuid(row, "product_id"))
        .collect::<Result<Vec<_>, _>>()?;
    lock_products(conn, owner_ids).await?;
    let found = variant_rows(
        conn,
        lines,
        "v.id, v.product_id, v.sku, v.price_minor, v.currency, p.title, p.status",
    )
    .await?;
    lines
        .iter()
        .map(|line| {
            let row = found.get(&line.variant_id).ok_or_else(|| {
                StoreError::invalid(
                    "variant_id",
                    format!("there is no variant {}", line.variant_id),
                )
            })?;
            sellable(row, line, new)
        })
        .collect()
}

fn sellable(row: &AnyRow, line: &NewOrderLine, new: &NewOrder) -> Result<Snapshot, StoreError> {
    let title: String = get(row, "title")?;
    let status: String = get(row, "status")?;
    let status = ProductStatus::parse(&status).map_err(|e| corrupt("product status", e))?;
    if status != ProductStatus::Published {
        return Err(StoreError::invalid(
            "variant_id",
            format!("{title} is not for sale"),
        ));
    }
    let currency: String = get(row, "currency")?;
    if currency != new.currency.code() {
        return Err(StoreError::invalid(
            "currency",
            format!("{title} sells in {currency}, not {}", new.currency),
        ));
    }
    let sku: String = get(row, "sku")?;
    Ok(Snapshot {
        variant_id: line.variant_id,
        product_id: rows::uuid(row, "product_id")?,
        title,
        sku: Sku::parse(&sku).map_err(|e| corrupt("SKU", e))?,
        unit_price: Money::price(get(row, "price_minor")?, new.currency)
            .map_err(|e| corrupt("price", e))?,
        quantity: line.quantity,
    })
}

/// The `columns` of each line's variant joined with its product, by variant id.
async fn variant_rows(
    conn: &mut AnyConnection,
    lines: &[NewOrderLine],
    columns: &str,
) -> Result<HashMap<Uuid, AnyRow>, StoreError> {
    let mut sql = Sql::default();
    let ids = in_list(&mut sql, lines.iter().map(|l| l.variant_id.to_string()));
    sql.push(&format!(
        "SELECT {columns} FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id IN ({ids})"
    ));
    let found = sql.query().fetch_all(&mut *conn).await.map_err(db)?;
    found
        .into_iter()
        .map(|row| Ok((rows::uuid(&row, "id")?, row)))
        .collect()
}

/// The domain's totals for the snapshot. Every line is taxed at the standard rate of the
/// destination: the catalog has no tax classes yet.
fn price(
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

async fn insert_order(
    conn: &mut AnyConnection,
    id: Uuid,
    number: i64,
    new: &NewOrder,
    totals: &Totals,
    reserved_until: i64,
    now: i64,
) -> Result<(), StoreError> {
    let address = serde_json::to_string(&new.shipping_address)
        .map_err(|e| StoreError::Internal(Box::new(e)))?;
    sqlx::query(
        "INSERT INTO orders (id, number, state, email, email_key, shipping_address, shipping_method, \
         currency, price_mode, subtotal_minor, discount_minor, shipping_minor, tax_minor, total_minor, \
         refunded_minor, reserved_until, created_at, updated_at, customer_id, discount_code) VALUES \
         ($1, $2, 'pending_payment', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, $14, $15, \
         $15, $16, $17)",
    )
    .bind(id.to_string())
    .bind(number)
    .bind(new.email.as_typed())
    .bind(new.email.normalized())
    .bind(address)
    .bind(new.shipping_method.as_ref().map(|m| m.as_str().to_owned()))
    .bind(new.currency.code())
    .bind(price_mode_str(totals.price_mode))
    .bind(totals.subtotal.amount_minor)
    .bind(totals.discount.amount_minor)
    .bind(totals.shipping.amount_minor)
    .bind(totals.tax.amount_minor)
    .bind(totals.grand_total.amount_minor)
    .bind(reserved_until)
    .bind(now)
    .bind(new.customer_id.map(|id| id.to_string()))
    .bind(new.discount_code.as_ref().map(|c| c.as_str().to_owned()))
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

async fn insert_lines(
    conn: &mut AnyConnection,
    order_id: Uuid,
    sold: &[Snapshot],
    totals: &Totals,
) -> Result<(), StoreError> {
    for (position, (line, priced)) in sold.iter().zip(&totals.lines).enumerate() {
        let mut sql = Sql::default();
        let values = [
            Arg::Text(order_id.to_string()),
            Arg::Int(i64::try_from(position).unwrap_or(i64::MAX)),
            Arg::Text(line.variant_id.to_string()),
            Arg::Text(line.product_id.to_string()),
            Arg::Text(line.title.clone()),
            Arg::Text(line.sku.as_str().to_owned()),
            Arg::Int(line.unit_price.amount_minor),
            Arg::Int(i64::from(line.quantity)),
            Arg::Int(priced.subtotal.amount_minor),
            Arg::Int(priced.discount.amount_minor),
            Arg::Int(priced.tax.amount_minor),
            Arg::Int(priced.total.amount_minor),
        ]
        .map(|value| sql.arg(value))
        .join(", ");
        sql.push(&format!(
            "INSERT INTO order_lines (order_id, position, variant_id, product_id, title, sku, \
             unit_price_minor, quantity, subtotal_minor, discount_minor, tax_minor, total_minor) \
             VALUES ({values})"
        ));
        sql.query().execute(&mut *conn).await.map_err(db)?;
    }
    Ok(())
}
