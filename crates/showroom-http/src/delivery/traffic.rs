//! How many asset bytes this instance has sent: every `200` or `206` under `/assets/` adds its
//! body length (known up front for every asset answer) to a process-wide counter, read by the
//! back office's dashboard, and to the Prometheus counter `showroom_asset_bytes_served_total`
//! (summed across instances by whoever scrapes them). `HEAD` and `304` send no body and add
//! nothing.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::HttpBody;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::Delivery;

/// Asset bytes and answers sent by this process since it started.
#[derive(Debug, Default)]
pub struct AssetTraffic {
    bytes: AtomicU64,
    responses: AtomicU64,
}

impl AssetTraffic {
    pub fn record(&self, bytes: u64) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.responses.fetch_add(1, Ordering::Relaxed);
        metrics::counter!("showroom_asset_bytes_served_total").increment(bytes);
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    pub fn responses(&self) -> u64 {
        self.responses.load(Ordering::Relaxed)
    }
}

pub async fn count_asset_bytes(
    State(delivery): State<Arc<Delivery>>,
    request: Request,
    next: Next,
) -> Response {
    let counted = request.method() == Method::GET && request.uri().path().starts_with("/assets/");
    let response = next.run(request).await;
    if counted
        && matches!(
            response.status(),
            StatusCode::OK | StatusCode::PARTIAL_CONTENT
        )
    {
        let length = response.body().size_hint().exact().or_else(|| {
            response
                .headers()
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
        });
        if let Some(length) = length {
            delivery.traffic.record(length);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::AssetTraffic;

    #[test]
    fn traffic_adds_up() {
        let traffic = AssetTraffic::default();
        traffic.record(100);
        traffic.record(23);
        assert_eq!((traffic.bytes(), traffic.responses()), (123, 2));
    }
}
