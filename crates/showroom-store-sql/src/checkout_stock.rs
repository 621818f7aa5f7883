//! The checkout's stock step: lock the lines' products, snapshot what is sold and reserve it,
//! inside the checkout's transaction, in as few statements as its guarantees allow.
//!
//! A checkout is the shop's hottest write, so each statement here does more than one job:
//!
//! 1. **Lock** each product (ascending id order, the lock order of `order_stock.rs`) with an
//!    `UPDATE … RETURNING` that also reads its title and status — under the lock, so current —
//!    and moves its listing column `available` down by the units the order takes. That delta is
//!    exact: a reservation only succeeds while the variant has at least that many free units, so
//!    its share of `available` (its free units, never below zero) drops by exactly the quantity.
//!    Should any later step fail, the transaction rolls back and the delta with it. A one-line
//!    order finds its product by a subquery in the same statement; a longer one first reads which
//!    products its variants belong to (a variant never changes product, so that read needs no lock).
//! 2. **Reserve** each line (ascending variant id) with the conditional update whose condition is
//!    the invariant, `on_hand - reserved >= quantity` (never oversold), returning the variant's
//!    SKU, price and currency as they stand under the product lock.
//!
//! Anything unusual — an unknown variant, a product not for sale, another currency, a line that
//! does not fit — is explained by [`refusal`], which re-reads every line the way the checkout
//! always did and returns the very error the line-by-line checks would: refusals are rare, so
//! they may take a few more statements; the caller rolls the transaction back.

use std::collections::{BTreeMap, HashMap};

use showroom_domain::{Money, ProductStatus, Sku};
use showroom_store::{NewOrder, NewOrderLine, StoreError};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::error::{corrupt, db};
use crate::order_stock::{earliest_hold_end, stock_level, LineStock, StockLevel};
use crate::rows::{self, get};
use crate::sql::{in_list, Sql};

/// A line as it will be sold: the catalog's current data, read under the product locks.
pub(crate) struct Snapshot {
    pub variant_id: Uuid,
    pub product_id: Uuid,
    pub title: String,
    pub sku: Sku,
    pub unit_price: Money,
    pub quantity: showroom_domain::Quantity,
}

impl Snapshot {
    fn name(&self) -> String {
        format!("{} ({})", self.title, self.sku.as_str())
    }
}

/// A product as locked: its title and status under the lock.
struct LockedProduct {
    title: String,
    status: String,
}

/// Locks the lines' products, reserves every line and returns what is sold, in the order of
/// `lines`. Any refusal is the error the checkout answers with (see the module docs); nothing
/// is undone here, the caller's transaction is rolled back.
pub(crate) async fn reserve(
    conn: &mut AnyConnection,
    lines: &[NewOrderLine],
    new: &NewOrder,
    now: i64,
) -> Result<Vec<Snapshot>, StoreError> {
    let Some((owners, products)) = lock_products(conn, lines).await? else {
        return Err(refusal(conn, lines, new, None, now).await);
    };
    let mut ordered: Vec<&NewOrderLine> = lines.iter().collect();
    ordered.sort_by_key(|line| line.variant_id);
    let mut sold: HashMap<Uuid, Snapshot> = HashMap::with_capacity(lines.len());
    for line in ordered {
        let product_id = owners[&line.variant_id];
        let product = &products[&product_id];
        let Some(row) = sqlx::query(
            "UPDATE variants SET reserved = reserved + $1 \
             WHERE id = $2 AND on_hand - reserved >= $1 RETURNING sku, price_minor, currency",
        )
        .bind(i64::from(line.quantity))
        .bind(line.variant_id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        else {
            let short = LineStock {
                product_id,
                variant_id: line.variant_id,
                quantity: i64::from(line.quantity),
            };
            return Err(refusal(conn, lines, new, Some(short), now).await);
        };
        let currency: String = get(&row, "currency")?;
        if product.status != ProductStatus::Published.as_str() || currency != new.currency.code() {
            return Err(refusal(conn, lines, new, None, now).await);
        }
        let sku: String = get(&row, "sku")?;
        sold.insert(
            line.variant_id,
            Snapshot {
                variant_id: line.variant_id,
                product_id,
                title: product.title.clone(),
                sku: Sku::parse(&sku).map_err(|e| corrupt("SKU", e))?,
                unit_price: Money::price(get(&row, "price_minor")?, new.currency)
                    .map_err(|e| corrupt("price", e))?,
                quantity: line.quantity,
            },
        );
    }
    lines
        .iter()
        .map(|line| {
            sold.remove(&line.variant_id)
                .ok_or_else(|| StoreError::Internal("a reserved line vanished".into()))
        })
        .collect()
}

/// Locks the products of `lines` (see the module docs). `None` when a variant does not exist.
async fn lock_products(
    conn: &mut AnyConnection,
    lines: &[NewOrderLine],
) -> Result<Option<(HashMap<Uuid, Uuid>, HashMap<Uuid, LockedProduct>)>, StoreError> {
    if let [line] = lines {
        let row = sqlx::query(
            "UPDATE products SET available = available - $2 \
             WHERE id = (SELECT product_id FROM variants WHERE id = $1) \
             RETURNING id, title, status",
        )
        .bind(line.variant_id.to_string())
        .bind(i64::from(line.quantity))
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
        let Some(row) = row else { return Ok(None) };
        let product_id = rows::uuid(&row, "id")?;
        let owners = HashMap::from([(line.variant_id, product_id)]);
        let products = HashMap::from([(product_id, locked_product(&row)?)]);
        return Ok(Some((owners, products)));
    }
    let mut sql = Sql::default();
    let ids = in_list(&mut sql, lines.iter().map(|l| l.variant_id.to_string()));
    sql.push(&format!(
        "SELECT id, product_id FROM variants WHERE id IN ({ids})"
    ));
    let mut owners = HashMap::with_capacity(lines.len());
    for row in sql.query().fetch_all(&mut *conn).await.map_err(db)? {
        owners.insert(rows::uuid(&row, "id")?, rows::uuid(&row, "product_id")?);
    }
    // Units taken per product, in ascending product id order: the lock order.
    let mut taken: BTreeMap<Uuid, i64> = BTreeMap::new();
    for line in lines {
        let Some(product_id) = owners.get(&line.variant_id) else {
            return Ok(None);
        };
        *taken.entry(*product_id).or_default() += i64::from(line.quantity);
    }
    let mut products = HashMap::with_capacity(taken.len());
    for (product_id, units) in taken {
        let row = sqlx::query(
            "UPDATE products SET available = available - $2 WHERE id = $1 \
             RETURNING id, title, status",
        )
        .bind(product_id.to_string())
        .bind(units)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
        let Some(row) = row else { return Ok(None) };
        products.insert(product_id, locked_product(&row)?);
    }
    Ok(Some((owners, products)))
}

fn locked_product(row: &AnyRow) -> Result<LockedProduct, StoreError> {
    Ok(LockedProduct {
        title: get(row, "title")?,
        status: get(row, "status")?,
    })
}

/// The error a refused checkout answers with, checked the way the checkout always did: the first
/// line (in the order given) that is unknown, not for sale or in another currency; otherwise the
/// shortage of `short`. A database error while explaining is returned as it is.
async fn refusal(
    conn: &mut AnyConnection,
    lines: &[NewOrderLine],
    new: &NewOrder,
    short: Option<LineStock>,
    now: i64,
) -> StoreError {
    explain(conn, lines, new, short, now)
        .await
        .unwrap_or_else(|error| error)
}

async fn explain(
    conn: &mut AnyConnection,
    lines: &[NewOrderLine],
    new: &NewOrder,
    short: Option<LineStock>,
    now: i64,
) -> Result<StoreError, StoreError> {
    let found = variant_rows(&mut *conn, lines).await?;
    let mut names = HashMap::new();
    for line in lines {
        let Some(row) = found.get(&line.variant_id) else {
            return Ok(StoreError::invalid(
                "variant_id",
                format!("there is no variant {}", line.variant_id),
            ));
        };
        match sellable(row, line, new) {
            Ok(snapshot) => names.insert(line.variant_id, snapshot.name()),
            Err(refused) => return Ok(refused),
        };
    }
    let Some(short) = short else {
        return Err(StoreError::Internal(
            "a checkout was refused for a reason the checks cannot name".into(),
        ));
    };
    let name = names
        .remove(&short.variant_id)
        .unwrap_or_else(|| short.variant_id.to_string());
    shortage(conn, &short, &name, now).await
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

/// Refuses a variant whose product is not for sale or whose price is in another currency than
/// the checkout's.
pub(crate) fn sellable(
    row: &AnyRow,
    line: &NewOrderLine,
    new: &NewOrder,
) -> Result<Snapshot, StoreError> {
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

/// Each line's variant (with its stock) joined with its product, by variant id.
pub(crate) async fn variant_rows(
    conn: &mut AnyConnection,
    lines: &[NewOrderLine],
) -> Result<HashMap<Uuid, AnyRow>, StoreError> {
    let mut sql = Sql::default();
    let ids = in_list(&mut sql, lines.iter().map(|l| l.variant_id.to_string()));
    sql.push(&format!(
        "SELECT v.id, v.product_id, v.sku, v.price_minor, v.currency, v.on_hand, v.reserved, \
         p.title, p.status \
         FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id IN ({ids})"
    ));
    let found = sql.query().fetch_all(&mut *conn).await.map_err(db)?;
    found
        .into_iter()
        .map(|row| Ok((rows::uuid(&row, "id")?, row)))
        .collect()
}
