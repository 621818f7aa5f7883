//! The dashboard (`/admin`): orders and revenue per day over the last 30 days, average order
//! value, the best sellers, stock running low, the 3D pipeline's queue, and this instance's
//! cache hit ratio and asset bytes served. Sales figures come from the store in one aggregate
//! read ([`showroom_store::DashboardStore`]); the cache and traffic counters are this process's
//! own since it started, and the page says so.

use askama::Template;
use axum::extract::State;
use showroom_domain::{Currency, Money};
use showroom_store::{DashboardQuery, DaySales};

use super::charts::{columns, rows, Axis, Chart, Point};
use super::layout::{page_with_status, AdminChrome, Reply};
use super::signed_in::SignedIn;
use crate::pages::errors::PageError;
use crate::pages::format;
use crate::state::AppState;

const DAYS: i64 = 30;
const DAY_MS: i64 = 86_400_000;
/// A published variant with this many units or fewer is "running low".
pub const LOW_STOCK_AT_MOST: i64 = 5;

pub struct Figure {
    pub label: &'static str,
    pub value: String,
    pub note: String,
}

pub struct LowStockRow {
    pub href: String,
    pub title: String,
    pub sku: String,
    pub available: i64,
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage {
    chrome: AdminChrome,
    figures: Vec<Figure>,
    charts: Vec<Chart>,
    low_stock: Vec<LowStockRow>,
    low_stock_at_most: i64,
}

/// `3 Dec` for a day number (days since 1970-01-01, UTC).
fn day_label(day: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    time::OffsetDateTime::from_unix_timestamp(day * 86_400)
        .map(|t| {
            format!(
                "{} {}",
                t.day(),
                MONTHS[usize::from(u8::from(t.month())) - 1]
            )
        })
        .unwrap_or_default()
}

/// Every one of the last `DAYS` days, today last, with the store's sales or zero.
fn every_day(today: i64, sales: &[DaySales]) -> Vec<DaySales> {
    (today - DAYS + 1..=today)
        .map(|day| {
            sales
                .iter()
                .find(|s| s.day == day)
                .copied()
                .unwrap_or(DaySales {
                    day,
                    orders: 0,
                    revenue_minor: 0,
                })
        })
        .collect()
}

fn money(minor: i64, currency: Currency) -> String {
    Money::new(minor, currency)
        .map(format::money)
        .unwrap_or_default()
}

/// `12.4 MB`, `980 kB`, `512 B`.
pub fn bytes(count: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = count as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{count} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

pub async fn page(State(state): State<AppState>, user: SignedIn) -> Reply {
    let currency = state.shop.currency();
    let now = showroom_store::unix_millis();
    let today = now / DAY_MS;
    let figures = state
        .catalog
        .dashboard(&DashboardQuery {
            since: (today - DAYS + 1) * DAY_MS,
            currency: currency.code().to_owned(),
            top_products: 8,
            low_stock_at_most: LOW_STOCK_AT_MOST,
            low_stock_rows: 12,
        })
        .await
        .map_err(PageError::from)?;
    let days = every_day(today, &figures.days);
    let orders: i64 = days.iter().map(|d| d.orders).sum();
    let revenue: i64 = days.iter().map(|d| d.revenue_minor).sum();
    let average = if orders > 0 { revenue / orders } else { 0 };
    let busiest = days
        .iter()
        .max_by_key(|d| (d.orders, d.day))
        .filter(|d| d.orders > 0);

    let order_points: Vec<Point> = days
        .iter()
        .map(|d| Point {
            label: day_label(d.day),
            value: d.orders as f64,
            text: d.orders.to_string(),
        })
        .collect();
    let revenue_points: Vec<Point> = days
        .iter()
        .map(|d| Point {
            label: day_label(d.day),
            value: d.revenue_minor as f64,
            text: money(d.revenue_minor, currency),
        })
        .collect();
    let top_points: Vec<Point> = figures
        .top_products
        .iter()
        .map(|p| Point {
            label: p.title.clone(),
            value: p.units as f64,
            text: format!("{} sold", p.units),
        })
        .collect();
    let queue = figures.queue;
    let queue_points: Vec<Point> = [
        ("Waiting", queue.waiting),
        ("Processing", queue.running),
        ("Failed", queue.failed),
        ("Ready", queue.ready),
    ]
    .into_iter()
    .map(|(label, count)| Point {
        label: label.to_owned(),
        value: count as f64,
        text: count.to_string(),
    })
    .collect();

    let mut charts = vec![
        columns(
            "orders-per-day",
            "Orders per day".into(),
            match busiest {
                Some(day) => format!(
                    "{orders} {} in the last {DAYS} days; the busiest day was {} with {}.",
                    if orders == 1 { "order" } else { "orders" },
                    day_label(day.day),
                    day.orders
                ),
                None => format!("No paid orders in the last {DAYS} days."),
            },
            &order_points,
            5,
            Axis {
                min_top: 2.0,
                format: |v| format!("{v:.0}"),
            },
            ("Day", "Orders"),
        ),
        columns(
            "revenue-per-day",
            "Revenue per day".into(),
            format!(
                "{} in the last {DAYS} days, after refunds.",
                money(revenue, currency)
            ),
            &revenue_points,
            5,
            Axis {
                min_top: 10f64.powi(i32::from(currency.minor_digits())),
                format: |v| money(v.round() as i64, currency),
            },
            ("Day", "Revenue"),
        ),
    ];
    if !top_points.is_empty() {
        charts.push(rows(
            "top-products",
            "Best sellers".into(),
            format!("Units sold in the last {DAYS} days."),
            &top_points,
            ("Product", "Units sold"),
        ));
    }
    charts.push(rows(
        "pipeline-queue",
        "3D pipeline".into(),
        format!(
            "{} waiting, {} processing, {} failed.",
            queue.waiting, queue.running, queue.failed
        ),
        &queue_points,
        ("State", "Models"),
    ));

    let stats = state.cache.stats();
    let lookups = stats.hits + stats.misses;
    let hit_ratio = if lookups == 0 {
        "—".to_owned()
    } else {
        format!("{:.1} %", stats.hits as f64 * 100.0 / lookups as f64)
    };
    let traffic = &state.delivery.traffic;
    let page = DashboardPage {
        chrome: AdminChrome::new(&user, "Dashboard", "/admin").await?,
        figures: vec![
            Figure {
                label: "Orders, 30 days",
                value: orders.to_string(),
                note: "Paid, not refunded in full or cancelled".into(),
            },
            Figure {
                label: "Revenue, 30 days",
                value: money(revenue, currency),
                note: "After refunds".into(),
            },
            Figure {
                label: "Average order",
                value: money(average, currency),
                note: "Revenue ÷ orders".into(),
            },
            Figure {
                label: "Cache hit ratio",
                value: hit_ratio,
                note: format!("{} lookups on this instance since it started", lookups),
            },
            Figure {
                label: "Asset bytes served",
                value: bytes(traffic.bytes()),
                note: format!(
                    "{} files sent by this instance since it started",
                    traffic.responses()
                ),
            },
        ],
        charts,
        low_stock: figures
            .low_stock
            .into_iter()
            .map(|v| LowStockRow {
                href: format!("/admin/products/{}#variants", v.product_id),
                title: v.title,
                sku: v.sku,
                available: v.available,
            })
            .collect(),
        low_stock_at_most: LOW_STOCK_AT_MOST,
    };
    Ok(page_with_status(axum::http::StatusCode::OK, &page)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_days_end_today_and_fill_the_gaps() {
        let sales = [DaySales {
            day: 20_000,
            orders: 3,
            revenue_minor: 900,
        }];
        let days = every_day(20_001, &sales);
        assert_eq!(days.len(), 30);
        assert_eq!(days.last().unwrap().day, 20_001);
        assert_eq!(days[28].orders, 3);
        assert_eq!(days.iter().map(|d| d.orders).sum::<i64>(), 3);
        assert_eq!(day_label(0), "1 Jan");
        assert_eq!(day_label(20_425), "3 Dec");
    }

    #[test]
    fn byte_counts_read_like_file_sizes() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(980_000), "980.0 kB");
        assert_eq!(bytes(12_400_000), "12.4 MB");
    }
}
