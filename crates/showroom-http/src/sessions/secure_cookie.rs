//! Adds `Secure` to the session cookie (and the session-less CSRF cookie) when the request came over HTTPS: directly (the
//! `https` scheme) or through the load balancer, which terminates TLS and says so with
//! `X-Forwarded-Proto: https`. With `always` set (production behind TLS) every cookie is Secure.
//! Plain-HTTP development keeps working, because a Secure cookie would never come back there.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use super::csrf_cookie::CSRF_COOKIE;
use super::COOKIE_NAME;

pub async fn mark_secure_over_https(
    State(always): State<bool>,
    request: Request,
    next: Next,
) -> Response {
    let https = always
        || request.uri().scheme_str() == Some("https")
        || request
            .headers()
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|proto| proto.eq_ignore_ascii_case("https"));
    let mut response = next.run(request).await;
    if https {
        let cookies: Vec<HeaderValue> = response
            .headers_mut()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|value| match value.to_str() {
                Ok(text)
                    if (text.starts_with(COOKIE_NAME) || text.starts_with(CSRF_COOKIE))
                        && !text.contains("; Secure") =>
                {
                    HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(value.clone())
                }
                _ => value.clone(),
            })
            .collect();
        response.headers_mut().remove(header::SET_COOKIE);
        for cookie in cookies {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}
