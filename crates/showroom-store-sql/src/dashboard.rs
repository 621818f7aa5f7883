//! The dashboard's aggregates (see `showroom_store::DashboardStore`): four read-only statements,
//! written once in SQL both engines run. Sums are cast to BIGINT because PostgreSQL widens
//! `SUM(bigint)` to `numeric`; a day is `created_at / 86400000` (integer division of Unix
//! milliseconds), the same on both.

use async_trait::async_trait;
use showroom_store::{
    DashboardFigures, DashboardQuery, DashboardStore, DaySales, LowStock, PipelineQueue,
    StoreError, TopProduct,
};

use crate::error::db;
use crate::rows::{get, uuid};
use crate::SqlCatalog;

/// The states whose orders are sales (paid, not wholly refunded or cancelled).
const SOLD: &str = "o.state IN ('paid', 'fulfilled', 'partially_refunded')";

#[async_trait]
impl DashboardStore for SqlCatalog {
    async fn dashboard(&self, query: &DashboardQuery) -> Result<DashboardFigures, StoreError> {
        Ok(DashboardFigures {
            days: self.sales_by_day(query).await?,
            top_products: self.top_products(query).await?,
            low_stock: self.low_stock(query).await?,
            queue: self.pipeline_queue().await?,
        })
    }
}

impl SqlCatalog {
    async fn sales_by_day(&self, query: &DashboardQuery) -> Result<Vec<DaySales>, StoreError> {
        let sql = format!(
            "SELECT o.created_at / 86400000 AS day, CAST(COUNT(*) AS BIGINT) AS orders, \
             CAST(COALESCE(SUM(o.total_minor - o.refunded_minor), 0) AS BIGINT) AS revenue \
             FROM orders o WHERE {SOLD} AND o.created_at >= $1 AND o.currency = $2 \
             GROUP BY o.created_at / 86400000 ORDER BY day"
        );
        let rows = sqlx::query(&sql)
            .bind(query.since)
            .bind(query.currency.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter()
            .map(|row| {
                Ok(DaySales {
                    day: get(row, "day")?,
                    orders: get(row, "orders")?,
                    revenue_minor: get(row, "revenue")?,
                })
            })
            .collect()
    }

    async fn top_products(&self, query: &DashboardQuery) -> Result<Vec<TopProduct>, StoreError> {
        let sql = format!(
            "SELECT l.product_id, MAX(l.title) AS title, \
             CAST(SUM(l.quantity) AS BIGINT) AS units, CAST(SUM(l.total_minor) AS BIGINT) AS revenue \
             FROM order_lines l JOIN orders o ON o.id = l.order_id \
             WHERE {SOLD} AND o.created_at >= $1 AND o.currency = $2 \
             GROUP BY l.product_id ORDER BY units DESC, revenue DESC, l.product_id LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(query.since)
            .bind(query.currency.as_str())
            .bind(i64::from(query.top_products))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter()
            .map(|row| {
                Ok(TopProduct {
                    product_id: uuid(row, "product_id")?,
                    title: get(row, "title")?,
                    units: get(row, "units")?,
                    revenue_minor: get(row, "revenue")?,
                })
            })
            .collect()
    }

    async fn low_stock(&self, query: &DashboardQuery) -> Result<Vec<LowStock>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.id, v.product_id, p.title, v.sku, v.on_hand - v.reserved AS available \
             FROM variants v JOIN products p ON p.id = v.product_id \
             WHERE p.status = 'published' AND v.on_hand - v.reserved <= $1 \
             ORDER BY available, p.title, v.sku LIMIT $2",
        )
        .bind(query.low_stock_at_most)
        .bind(i64::from(query.low_stock_rows))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|row| {
                Ok(LowStock {
                    variant_id: uuid(row, "id")?,
                    product_id: uuid(row, "product_id")?,
                    title: get(row, "title")?,
                    sku: get(row, "sku")?,
                    available: get(row, "available")?,
                })
            })
            .collect()
    }

    async fn pipeline_queue(&self) -> Result<PipelineQueue, StoreError> {
        let rows =
            sqlx::query("SELECT status, CAST(COUNT(*) AS BIGINT) AS n FROM assets GROUP BY status")
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
        let mut queue = PipelineQueue::default();
        for row in &rows {
            let status: String = get(row, "status")?;
            let n: i64 = get(row, "n")?;
            match status.as_str() {
                "uploaded" => queue.waiting = n,
                "processing" => queue.running = n,
                "failed" => queue.failed = n,
                "ready" => queue.ready = n,
                _ => {}
            }
        }
        Ok(queue)
    }
}
