//! `GET /admin/orders.csv`: the orders desk's filtered list (same `state` and `q`) as CSV, every
//! page of it, streamed a page (100 orders) at a time so a large shop's export never sits whole
//! in memory. Amounts are plain decimals in the order's currency (`1249.00`), times RFC 3339.
//!
//! Cells are quoted when they hold a comma, quote or line break, and a cell that a spreadsheet
//! would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return — an email
//! can) gets a leading `'`, so opening the export can never execute what a shopper typed.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue};
use bytes::Bytes;
use showroom_store::{Order, OrderQuery};

use super::allowed::{Allowed, Orders};
use super::layout::{message_page, Reply};
use super::orders::order_query;
use crate::delivery::csv_attachment;
use crate::pages::format::decimal;
use crate::routes::dto::rfc3339;
use crate::state::AppState;

const PAGE: u32 = 100;

const HEADER: &str = "order,placed_at,state,email,items,subtotal,discount,shipping,tax,total,\
refunded,currency,discount_code,tracking_number\r\n";

/// One CSV cell, quoted and defused as the module says.
pub fn cell(raw: &str) -> String {
    let defused = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{raw}")
    } else {
        raw.to_owned()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

fn row(order: &Order) -> String {
    let totals = &order.totals;
    let items: u64 = order
        .lines
        .iter()
        .map(|l| u64::from(l.quantity.get()))
        .sum();
    let cells = [
        order.number.to_string(),
        rfc3339(order.created_at),
        order.state.as_str().to_owned(),
        order.email.as_typed().to_owned(),
        items.to_string(),
        decimal(totals.subtotal),
        decimal(totals.discount),
        decimal(totals.shipping),
        decimal(totals.tax),
        decimal(totals.grand_total),
        decimal(order.refunded),
        totals.grand_total.currency.code().to_owned(),
        order
            .discount_code
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
        order
            .tracking
            .as_ref()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
    ];
    let mut line = cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

pub async fn export(
    State(state): State<AppState>,
    user: Allowed<Orders>,
    RawQuery(raw): RawQuery,
) -> Reply {
    let query = match order_query(&raw.unwrap_or_default()) {
        Ok(query) => query,
        Err(error) => {
            return Err(message_page(
                axum::http::StatusCode::BAD_REQUEST,
                Some(&user),
                "That filter is not quite right",
                &error.to_string(),
            ))
        }
    };
    let first = OrderQuery {
        limit: PAGE,
        before_number: None,
        ..query
    };
    // Each step reads one page after the last number seen; a failed read ends the file early
    // (logged), which a spreadsheet shows as a short export rather than a broken one.
    let pages = futures::stream::unfold(Some(first), move |next| {
        let catalog = state.catalog.clone();
        async move {
            let query = next?;
            match catalog.list_orders(&query).await {
                Ok(orders) => {
                    let more = (orders.len() as u32 == PAGE)
                        .then(|| orders.last().map(|o| o.number))
                        .flatten()
                        .map(|last| OrderQuery {
                            before_number: Some(last),
                            ..query.clone()
                        });
                    let chunk: String = orders.iter().map(row).collect();
                    Some((Ok::<_, std::io::Error>(Bytes::from(chunk)), more))
                }
                Err(error) => {
                    tracing::error!(%error, "the order export stopped early");
                    None
                }
            }
        }
    });
    // Fused: the compression layer may poll once more after the end, which a bare `unfold`
    // does not allow.
    let body = futures::StreamExt::fuse(futures::StreamExt::chain(
        futures::stream::once(async { Ok(Bytes::from_static(HEADER.as_bytes())) }),
        pages,
    ));
    let mut response = csv_attachment(Body::from_stream(body), "orders.csv");
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1@x.com"), "'+1@x.com");
        assert_eq!(cell("-12"), "'-12");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
    }
}
