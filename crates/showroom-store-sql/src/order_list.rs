//! The order reads ([`OrderReads`]): one order by id, number or payment reference, a shopper's
//! orders, an order's history, and staff's order list: [`OrderQuery`] → one keyset-paginated
//! `SELECT`, newest number first.
//!
//! The search text is matched as an order number when it reads as one (`SR-000042`, `42`) and
//! always as a case-insensitive substring of the normalized email; `%`, `_` and `\` in it are
//! escaped, so it is only ever literal text. Every value is a bind parameter.

use async_trait::async_trait;
use showroom_domain::{Email, OrderNumber};
use showroom_store::{Order, OrderHistoryEntry, OrderQuery, OrderReads, StoreError};

use sqlx::AnyConnection;
use uuid::Uuid;

use crate::error::db;
use crate::order_rows::{self, OrderKey, ORDER_COLUMNS};
use crate::SqlCatalog;

/// The most characters of search text used; longer text cannot be in an email anyway.
const MAX_SEARCH: usize = 254;

/// One bound value of the list query.
enum Bind {
    Text(String),
    Int(i64),
}

#[async_trait]
impl OrderReads for SqlCatalog {
    async fn list_orders(&self, query: &OrderQuery) -> Result<Vec<Order>, StoreError> {
        let mut conditions = Vec::new();
        let mut binds = Vec::new();
        if let Some(state) = query.state {
            let p = next(Bind::Text(state.as_str().to_owned()), &mut binds);
            conditions.push(format!("o.state = {p}"));
        }
        if let Some(before) = query.before_number {
            let p = next(Bind::Int(before.sequence()), &mut binds);
            conditions.push(format!("o.number < {p}"));
        }
        let search = query.search.as_deref().map(str::trim).unwrap_or_default();
        if !search.is_empty() {
            let text: String = search.chars().take(MAX_SEARCH).collect();
            let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
            let p = next(Bind::Text(pattern), &mut binds);
            let by_email = format!("o.email_key LIKE {p} ESCAPE '\\'");
            conditions.push(match OrderNumber::parse(search) {
                Ok(number) => {
                    let n = next(Bind::Int(number.sequence()), &mut binds);
                    format!("(o.number = {n} OR {by_email})")
                }
                Err(_) => by_email,
            });
        }
        let limit = next(Bind::Int(i64::from(query.limit.clamp(1, 100))), &mut binds);
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM orders o {filter} ORDER BY o.number DESC LIMIT {limit}"
        );
        let mut select = sqlx::query(&sql);
        for bind in binds {
            select = match bind {
                Bind::Text(text) => select.bind(text),
                Bind::Int(int) => select.bind(int),
            };
        }
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let found = select.fetch_all(&mut *conn).await.map_err(db)?;
        let mut orders = Vec::with_capacity(found.len());
        for row in &found {
            orders.push(order_rows::order(&mut conn, row).await?);
        }
        Ok(orders)
    }

    async fn order_by_payment_ref(&self, payment_ref: &str) -> Result<Option<Order>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM orders o WHERE o.payment_ref = $1 \
             ORDER BY o.number DESC LIMIT 1"
        );
        let Some(row) = sqlx::query(&sql)
            .bind(payment_ref.trim())
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?
        else {
            return Ok(None);
        };
        order_rows::order(&mut conn, &row).await.map(Some)
    }

    async fn order_by_id(&self, id: Uuid) -> Result<Option<Order>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        order_rows::order_by(&mut conn, OrderKey::Id(id)).await
    }

    async fn order_by_number(&self, number: OrderNumber) -> Result<Option<Order>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        order_rows::order_by(&mut conn, OrderKey::Number(number)).await
    }

    async fn orders_for_email(&self, email: &Email, limit: u32) -> Result<Vec<Order>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        orders_where(&mut conn, "email_key", email.normalized().to_owned(), limit).await
    }

    async fn orders_for_customer(
        &self,
        customer_id: Uuid,
        limit: u32,
    ) -> Result<Vec<Order>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        orders_where(&mut conn, "customer_id", customer_id.to_string(), limit).await
    }

    async fn order_history(&self, id: Uuid) -> Result<Vec<OrderHistoryEntry>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        order_rows::history(&mut conn, id).await
    }
}

/// Adds a bound value and returns its placeholder.
fn next(bind: Bind, binds: &mut Vec<Bind>) -> String {
    binds.push(bind);
    format!("${}", binds.len())
}

/// `text` with the `LIKE` wildcards and the escape character itself made literal.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// The newest orders whose `column` equals `value`: an email key or a customer id.
async fn orders_where(
    conn: &mut AnyConnection,
    column: &str,
    value: String,
    limit: u32,
) -> Result<Vec<Order>, StoreError> {
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM orders o WHERE o.{column} = $1 \
         ORDER BY o.number DESC LIMIT $2"
    );
    let found = sqlx::query(&sql)
        .bind(value)
        .bind(i64::from(limit.clamp(1, 100)))
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
    let mut orders = Vec::with_capacity(found.len());
    for row in &found {
        orders.push(order_rows::order(conn, row).await?);
    }
    Ok(orders)
}
