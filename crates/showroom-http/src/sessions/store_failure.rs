//! A session store that fails while a response is being finished (Redis down when the session
//! is saved) makes `tower-sessions` answer a bare `500` with no body. The shopper should hear
//! what a dependency outage is: `503` with `Retry-After`, as problem+json for the API and as
//! the shop's error page for pages. [`api`] and [`pages`] wrap their session layers and turn
//! exactly that answer (a 500 without a content type: every 500 of ours has one) into it.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

const DETAIL: &str = "sessions are unavailable right now; retry in a moment";

/// The session layer's own failure: a 500 with no content type.
fn is_session_store_failure(response: &Response) -> bool {
    response.status() == StatusCode::INTERNAL_SERVER_ERROR
        && !response.headers().contains_key(header::CONTENT_TYPE)
}

pub async fn api(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if !is_session_store_failure(&response) {
        return response;
    }
    ApiError::Unavailable {
        detail: DETAIL.into(),
    }
    .into_response()
}

pub async fn pages(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if !is_session_store_failure(&response) {
        return response;
    }
    tracing::warn!("the session store failed while saving; answered 503");
    let mut page = crate::pages::errors::error_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Back in a moment",
        "We could not save your session just now. Please try again in a few seconds.",
    );
    page.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    fn bare_500() -> Response {
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    }

    #[tokio::test]
    async fn a_bare_500_becomes_a_503_problem_and_our_own_500s_pass_through() {
        let app = Router::new()
            .route("/bare", get(|| async { bare_500() }))
            .route(
                "/ours",
                get(|| async { ApiError::internal(std::io::Error::other("boom")).into_response() }),
            )
            .layer(axum::middleware::from_fn(api));
        let bare = app
            .clone()
            .oneshot(Request::get("/bare").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(bare.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            bare.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        assert!(bare.headers().contains_key(header::RETRY_AFTER));
        let ours = app
            .oneshot(Request::get("/ours").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(ours.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[tokio::test]
    async fn pages_get_the_error_page_with_retry_after() {
        let app = Router::new()
            .route("/bare", get(|| async { bare_500() }))
            .layer(axum::middleware::from_fn(pages));
        let bare = app
            .oneshot(Request::get("/bare").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(bare.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(bare.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert_eq!(bare.headers()[header::RETRY_AFTER], "5");
    }
}
