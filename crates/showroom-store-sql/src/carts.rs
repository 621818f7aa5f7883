//! [`showroom_store::CartStore`]: carts and their lines, each method one write transaction.
//!
//! Every change starts by touching the cart's row (`UPDATE carts SET updated_at …`), which is
//! both the existence check and the row lock that queues concurrent changes of one cart behind
//! each other (PostgreSQL; SQLite runs one writer at a time). The variant is then read for its
//! status and available units; nothing is reserved, so no variant or product is locked and the
//! checkout's lock order (products, then variants) is untouched.
//!
//! A merge locks the customer's cart first and the guest's second. Two merges into one customer
//! therefore run one after the other, and the second finds the guest cart gone and merges nothing.

use std::collections::HashMap;

use async_trait::async_trait;
use showroom_domain::{
    Currency, IdempotencyKey, Money, ProductStatus, Quantity, Sku, Slug, MAX_QUANTITY,
};
use showroom_store::{Cart, CartLine, CartStore, LineChange, Order, StoreError, MAX_ORDER_LINES};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::error::{corrupt, db};
use crate::order_rows;
use crate::rows::{self, get};
use crate::sql::now_millis;
use crate::SqlCatalog;

/// The longest discount code a cart keeps.
const MAX_CODE_CHARS: usize = 64;

const LINE_COLUMNS: &str = "l.variant_id, l.quantity, l.added_at, v.product_id, v.sku, \
     v.price_minor, v.currency, v.on_hand - v.reserved AS available, p.slug, p.title, p.status";

#[async_trait]
impl CartStore for SqlCatalog {
    async fn create_guest_cart(&self) -> Result<Cart, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = Uuid::now_v7();
        let now = now_millis();
        sqlx::query(
            "INSERT INTO carts (id, customer_id, discount_code, created_at, updated_at) \
             VALUES ($1, NULL, NULL, $2, $2)",
        )
        .bind(id.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let cart = read_cart(&mut tx, id).await?;
        tx.commit().await.map_err(db)?;
        Ok(cart)
    }

    async fn customer_cart(&self, customer_id: Uuid) -> Result<Cart, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = customer_cart_id(&mut tx, customer_id).await?;
        let cart = read_cart(&mut tx, id).await?;
        tx.commit().await.map_err(db)?;
        Ok(cart)
    }

    async fn cart(&self, cart_id: Uuid) -> Result<Option<Cart>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        match read_cart(&mut conn, cart_id).await {
            Ok(cart) => Ok(Some(cart)),
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }

    async fn change_cart_line(
        &self,
        cart_id: Uuid,
        variant_id: Uuid,
        change: LineChange,
    ) -> Result<Cart, StoreError> {
        checked_change(change)?;
        let mut tx = self.begin_write().await?;
        touch(&mut tx, cart_id).await?;
        let current = line_quantity(&mut tx, cart_id, variant_id).await?;
        let target = match change {
            LineChange::Set(q) => q,
            LineChange::Add(q) => current.unwrap_or(0).saturating_add(q),
        };
        if target == 0 {
            delete_line(&mut tx, cart_id, variant_id).await?;
        } else {
            if target > MAX_QUANTITY {
                return Err(StoreError::invalid(
                    "quantity",
                    format!("a cart line holds at most {MAX_QUANTITY} units"),
                ));
            }
            let stock = variant_stock(&mut tx, variant_id).await?;
            if target > stock.available {
                return Err(StoreError::conflict(
                    "stock",
                    format!("only {} of {} are left", stock.available.max(0), stock.name),
                ));
            }
            if current.is_none() && line_count(&mut tx, cart_id).await? >= MAX_ORDER_LINES {
                return Err(StoreError::invalid(
                    "lines",
                    format!("a cart holds at most {MAX_ORDER_LINES} lines"),
                ));
            }
            upsert_line(&mut tx, cart_id, variant_id, target, now_millis()).await?;
        }
        let cart = read_cart(&mut tx, cart_id).await?;
        tx.commit().await.map_err(db)?;
        Ok(cart)
    }

    async fn remove_cart_line(&self, cart_id: Uuid, variant_id: Uuid) -> Result<Cart, StoreError> {
        self.change_cart_line(cart_id, variant_id, LineChange::Set(0))
            .await
    }

    async fn clear_cart(&self, cart_id: Uuid) -> Result<Cart, StoreError> {
        let mut tx = self.begin_write().await?;
        touch(&mut tx, cart_id).await?;
        sqlx::query("DELETE FROM cart_lines WHERE cart_id = $1")
            .bind(cart_id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        set_code(&mut tx, cart_id, None).await?;
        let cart = read_cart(&mut tx, cart_id).await?;
        tx.commit().await.map_err(db)?;
        Ok(cart)
    }

    async fn set_cart_discount_code(
        &self,
        cart_id: Uuid,
        code: Option<&str>,
    ) -> Result<Cart, StoreError> {
        let code = code.map(str::trim);
        if let Some(code) = code {
            if code.is_empty() || code.chars().count() > MAX_CODE_CHARS {
                return Err(StoreError::invalid(
                    "code",
                    format!("a discount code has 1 to {MAX_CODE_CHARS} characters"),
                ));
            }
        }
        let mut tx = self.begin_write().await?;
        touch(&mut tx, cart_id).await?;
        set_code(&mut tx, cart_id, code).await?;
        let cart = read_cart(&mut tx, cart_id).await?;
        tx.commit().await.map_err(db)?;
        Ok(cart)
    }

    async fn merge_into_customer(
        &self,
        guest_cart_id: Uuid,
        customer_id: Uuid,
    ) -> Result<Cart, StoreError> {
        let mut tx = self.begin_write().await?;
        let target = customer_cart_id(&mut tx, customer_id).await?;
        touch(&mut tx, target).await?;
        let guest = sqlx::query(
            "UPDATE carts SET updated_at = $2 WHERE id = $1 AND customer_id IS NULL \
             RETURNING discount_code",
        )
        .bind(guest_cart_id.to_string())
        .bind(now_millis())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if let Some(guest) = guest {
            let guest_code: Option<String> = get(&guest, "discount_code")?;
            merge_lines(&mut tx, guest_cart_id, target).await?;
            let mine = read_cart(&mut tx, target).await?;
            if mine.discount_code.is_none() && guest_code.is_some() {
                set_code(&mut tx, target, guest_code.as_deref()).await?;
            }
            sqlx::query("DELETE FROM carts WHERE id = $1")
                .bind(guest_cart_id.to_string())
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        let cart = read_cart(&mut tx, target).await?;
        tx.commit().await.map_err(db)?;
        Ok(cart)
    }

    async fn sweep_guest_carts(&self, before: i64, limit: u32) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "DELETE FROM carts WHERE id IN (SELECT id FROM carts \
             WHERE customer_id IS NULL AND updated_at < $1 ORDER BY updated_at LIMIT $2)",
        )
        .bind(before)
        .bind(i64::from(limit))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(done.rows_affected())
    }

    async fn order_for_checkout_key(
        &self,
        key: &IdempotencyKey,
    ) -> Result<Option<Order>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let row = sqlx::query("SELECT order_id FROM checkout_keys WHERE key = $1")
            .bind(key.as_str())
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
        match row {
            Some(row) => order_rows::order_by_id(&mut conn, rows::uuid(&row, "order_id")?).await,
            None => Ok(None),
        }
    }
}

/// A change's own numbers, before anything is read: no negative or absurd quantity, and an add
/// adds at least one unit.
fn checked_change(change: LineChange) -> Result<(), StoreError> {
    let (q, least) = match change {
        LineChange::Set(q) => (q, 0),
        LineChange::Add(q) => (q, 1),
    };
    if q < least || q > MAX_QUANTITY {
        return Err(StoreError::invalid(
            "quantity",
            format!("a quantity is between {least} and {MAX_QUANTITY}"),
        ));
    }
    Ok(())
}

/// The customer's cart id, creating the cart if there is none. Two callers racing on
/// PostgreSQL wait on the unique index; one inserts, the other's insert does nothing.
async fn customer_cart_id(conn: &mut AnyConnection, customer_id: Uuid) -> Result<Uuid, StoreError> {
    let now = now_millis();
    sqlx::query(
        "INSERT INTO carts (id, customer_id, discount_code, created_at, updated_at) \
         VALUES ($1, $2, NULL, $3, $3) ON CONFLICT (customer_id) DO NOTHING",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(customer_id.to_string())
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    let row = sqlx::query("SELECT id FROM carts WHERE customer_id = $1")
        .bind(customer_id.to_string())
        .fetch_one(&mut *conn)
        .await
        .map_err(db)?;
    rows::uuid(&row, "id")
}

/// Marks the cart changed and takes its row lock; `NotFound` for an unknown cart.
async fn touch(conn: &mut AnyConnection, cart_id: Uuid) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE carts SET updated_at = $2 WHERE id = $1")
        .bind(cart_id.to_string())
        .bind(now_millis())
        .execute(conn)
        .await
        .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound { what: "cart" });
    }
    Ok(())
}

async fn set_code(
    conn: &mut AnyConnection,
    cart_id: Uuid,
    code: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE carts SET discount_code = $2 WHERE id = $1")
        .bind(cart_id.to_string())
        .bind(code.map(str::to_owned))
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(())
}

async fn line_quantity(
    conn: &mut AnyConnection,
    cart_id: Uuid,
    variant_id: Uuid,
) -> Result<Option<i64>, StoreError> {
    let row = sqlx::query("SELECT quantity FROM cart_lines WHERE cart_id = $1 AND variant_id = $2")
        .bind(cart_id.to_string())
        .bind(variant_id.to_string())
        .fetch_optional(conn)
        .await
        .map_err(db)?;
    row.map(|row| get(&row, "quantity")).transpose()
}

async fn line_count(conn: &mut AnyConnection, cart_id: Uuid) -> Result<usize, StoreError> {
    let row =
        sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM cart_lines WHERE cart_id = $1")
            .bind(cart_id.to_string())
            .fetch_one(conn)
            .await
            .map_err(db)?;
    let n: i64 = get(&row, "n")?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

async fn delete_line(
    conn: &mut AnyConnection,
    cart_id: Uuid,
    variant_id: Uuid,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM cart_lines WHERE cart_id = $1 AND variant_id = $2")
        .bind(cart_id.to_string())
        .bind(variant_id.to_string())
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(())
}

/// Writes the line's quantity; a new line is stamped `added_at`, an existing one keeps its stamp.
async fn upsert_line(
    conn: &mut AnyConnection,
    cart_id: Uuid,
    variant_id: Uuid,
    quantity: i64,
    added_at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO cart_lines (cart_id, variant_id, quantity, added_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = excluded.quantity",
    )
    .bind(cart_id.to_string())
    .bind(variant_id.to_string())
    .bind(quantity)
    .bind(added_at)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

/// What a line change needs to know of its variant.
struct VariantStock {
    /// `Title (SKU)`, for messages.
    name: String,
    available: i64,
}

/// The variant's available units; `Invalid { field: "variant_id" }` when there is no such
/// variant or its product is not published.
async fn variant_stock(
    conn: &mut AnyConnection,
    variant_id: Uuid,
) -> Result<VariantStock, StoreError> {
    let row = sqlx::query(
        "SELECT v.sku, v.on_hand - v.reserved AS available, p.title, p.status \
         FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id = $1",
    )
    .bind(variant_id.to_string())
    .fetch_optional(conn)
    .await
    .map_err(db)?
    .ok_or_else(|| {
        StoreError::invalid("variant_id", format!("there is no variant {variant_id}"))
    })?;
    let title: String = get(&row, "title")?;
    if status_of(&row)? != ProductStatus::Published {
        return Err(StoreError::invalid(
            "variant_id",
            format!("{title} is not for sale"),
        ));
    }
    let sku: String = get(&row, "sku")?;
    Ok(VariantStock {
        name: format!("{title} ({sku})"),
        available: get(&row, "available")?,
    })
}

fn status_of(row: &AnyRow) -> Result<ProductStatus, StoreError> {
    let status: String = get(row, "status")?;
    ProductStatus::parse(&status).map_err(|e| corrupt("product status", e))
}

/// Adds the guest cart's lines to the customer's: quantities of a variant in both are added and
/// capped at the units available (never lowering what the customer's line already held); lines
/// of products no longer for sale, of sold-out variants and beyond [`MAX_ORDER_LINES`] stay
/// behind (and go with the guest cart).
async fn merge_lines(
    conn: &mut AnyConnection,
    guest: Uuid,
    target: Uuid,
) -> Result<(), StoreError> {
    let guest_lines = read_lines(conn, guest).await?;
    let mut held: HashMap<Uuid, i64> = read_lines(conn, target)
        .await?
        .into_iter()
        .map(|line| (line.variant_id, i64::from(line.quantity)))
        .collect();
    for line in guest_lines {
        if line.status != ProductStatus::Published {
            continue;
        }
        let before = held.get(&line.variant_id).copied();
        if before.is_none() && held.len() >= MAX_ORDER_LINES {
            continue;
        }
        let wanted = before.unwrap_or(0) + i64::from(line.quantity);
        let merged = wanted.min(line.available).min(MAX_QUANTITY);
        if merged <= before.unwrap_or(0) {
            continue;
        }
        upsert_line(conn, target, line.variant_id, merged, line.added_at).await?;
        held.insert(line.variant_id, merged);
    }
    Ok(())
}

/// The cart and its lines; `NotFound { what: "cart" }` when there is none.
async fn read_cart(conn: &mut AnyConnection, cart_id: Uuid) -> Result<Cart, StoreError> {
    let row = sqlx::query(
        "SELECT id, customer_id, discount_code, created_at, updated_at FROM carts WHERE id = $1",
    )
    .bind(cart_id.to_string())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?
    .ok_or(StoreError::NotFound { what: "cart" })?;
    Ok(Cart {
        id: rows::uuid(&row, "id")?,
        customer_id: rows::opt_uuid(&row, "customer_id")?,
        discount_code: get(&row, "discount_code")?,
        lines: read_lines(conn, cart_id).await?,
        created_at: get(&row, "created_at")?,
        updated_at: get(&row, "updated_at")?,
    })
}

async fn read_lines(conn: &mut AnyConnection, cart_id: Uuid) -> Result<Vec<CartLine>, StoreError> {
    let found = sqlx::query(&format!(
        "SELECT {LINE_COLUMNS} FROM cart_lines l JOIN variants v ON v.id = l.variant_id \
         JOIN products p ON p.id = v.product_id WHERE l.cart_id = $1 \
         ORDER BY l.added_at, l.variant_id"
    ))
    .bind(cart_id.to_string())
    .fetch_all(conn)
    .await
    .map_err(db)?;
    found.iter().map(cart_line).collect()
}

fn cart_line(row: &AnyRow) -> Result<CartLine, StoreError> {
    let currency: String = get(row, "currency")?;
    let currency = Currency::parse(&currency).map_err(|e| corrupt("currency", e))?;
    let sku: String = get(row, "sku")?;
    let quantity: i64 = get(row, "quantity")?;
    let available: i64 = get(row, "available")?;
    let slug: String = get(row, "slug")?;
    Ok(CartLine {
        variant_id: rows::uuid(row, "variant_id")?,
        product_id: rows::uuid(row, "product_id")?,
        product_slug: Slug::parse(&slug).map_err(|e| corrupt("slug", e))?,
        title: get(row, "title")?,
        sku: Sku::parse(&sku).map_err(|e| corrupt("SKU", e))?,
        unit_price: Money::price(get(row, "price_minor")?, currency)
            .map_err(|e| corrupt("price", e))?,
        status: status_of(row)?,
        available: available.max(0),
        quantity: Quantity::new(quantity).map_err(|e| corrupt("cart quantity", e))?,
        added_at: get(row, "added_at")?,
    })
}
