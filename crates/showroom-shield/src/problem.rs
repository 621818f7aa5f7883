//! The shield's refusals as RFC 9457 `application/problem+json`, with the same fields and the
//! same `type` URIs as the API's own errors (`showroom-http`'s `Problem`), so a client handles a
//! blocked request like any other 4xx. The shield sits below the HTTP crate and cannot use its
//! type, hence this small copy of the shape.

use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: &'a str,
    code: &'a str,
}

pub fn problem(status: StatusCode, code: &str, detail: &str) -> Response {
    let body = Problem {
        kind: format!("https://showroom.dev/problems/{}", code.replace('_', "-")),
        title: status.canonical_reason().unwrap_or("Error"),
        status: status.as_u16(),
        detail,
        code,
    };
    let mut response = Response::new(Body::from(serde_json::to_vec(&body).unwrap_or_default()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

/// Adds `Retry-After` in whole seconds, rounded up and at least 1.
pub fn with_retry_after(mut response: Response, wait: Duration) -> Response {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn refusals_are_problem_documents() {
        let response = with_retry_after(
            problem(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "slow down"),
            Duration::from_millis(1500),
        );
        assert_eq!(response.status(), 429);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        assert_eq!(response.headers()["retry-after"], "2");
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["type"], "https://showroom.dev/problems/rate-limited");
        assert_eq!(body["title"], "Too Many Requests");
        assert_eq!(body["status"], 429);
        assert_eq!(body["detail"], "slow down");
        assert_eq!(body["code"], "rate_limited");
    }
}
