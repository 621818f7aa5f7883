//! A deadline for every request. A handler still running when it passes is dropped (its
//! database transaction rolls back on drop) and the client gets a 503 problem with
//! `Retry-After`, rather than a hung connection.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

pub async fn request_deadline(
    State(limit): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            metrics::counter!("showroom_http_timeouts_total").increment(1);
            ApiError::Unavailable {
                detail: format!("the request took longer than {}s", limit.as_secs_f32()),
            }
            .into_response()
        }
    }
}
