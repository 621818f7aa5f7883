//! Counts every request by method, route template and status, and records its latency in a
//! histogram. The route label is the matched template (`/api/v1/products/{slug}`), never the
//! raw path, so label cardinality stays bounded whatever clients send.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

pub async fn record_request_metrics(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = request.method().as_str().to_owned();
    let response = next.run(request).await;
    let labels = [
        ("method", method),
        ("route", route),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!("showroom_http_requests_total", &labels).increment(1);
    metrics::histogram!("showroom_http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}
