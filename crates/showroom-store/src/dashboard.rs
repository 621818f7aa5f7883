//! Figures for the back office's dashboard: sales per day, the best sellers, stock running low
//! and the 3D pipeline's queue. Read-only aggregates over the orders, catalog and asset tables,
//! computed by the database rather than by loading rows.
//!
//! What counts as a sale: an order that was paid and is not (wholly) refunded or cancelled —
//! `paid`, `fulfilled` or `partially_refunded` — in the shop's currency. Revenue is what was
//! paid minus what went back (`total − refunded`); a day is a UTC calendar day of when the order
//! was placed.

use async_trait::async_trait;
use uuid::Uuid;

use crate::StoreError;

/// What the dashboard asks for.
#[derive(Debug, Clone)]
pub struct DashboardQuery {
    /// Sales placed at or after this instant (Unix milliseconds) count.
    pub since: i64,
    /// Only orders in this currency (ISO 4217 code): the shop's.
    pub currency: String,
    /// How many best sellers to list.
    pub top_products: u32,
    /// A published variant with at most this many units available is running low.
    pub low_stock_at_most: i64,
    /// How many low-stock variants to list, fewest units first.
    pub low_stock_rows: u32,
}

/// Sales of one UTC day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaySales {
    /// Days since 1970-01-01 (UTC).
    pub day: i64,
    pub orders: i64,
    /// Minor units of the query's currency, net of refunds.
    pub revenue_minor: i64,
}

/// A best seller over the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopProduct {
    pub product_id: Uuid,
    /// The title on the order lines (as sold).
    pub title: String,
    pub units: i64,
    /// Minor units, the lines' totals (before refunds).
    pub revenue_minor: i64,
}

/// A published variant close to selling out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowStock {
    pub variant_id: Uuid,
    pub product_id: Uuid,
    pub title: String,
    pub sku: String,
    /// On hand minus held for pending payments.
    pub available: i64,
}

/// Uploaded models by processing state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PipelineQueue {
    /// Stored, waiting for a worker.
    pub waiting: i64,
    pub running: i64,
    pub failed: i64,
    pub ready: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DashboardFigures {
    /// Only days with sales, oldest first.
    pub days: Vec<DaySales>,
    /// Most units first.
    pub top_products: Vec<TopProduct>,
    /// Fewest units available first.
    pub low_stock: Vec<LowStock>,
    pub queue: PipelineQueue,
}

#[async_trait]
pub trait DashboardStore: Send + Sync + 'static {
    /// Every figure of the dashboard for `query`.
    async fn dashboard(&self, query: &DashboardQuery) -> Result<DashboardFigures, StoreError>;
}
