//! The shield's decision for one request, in order: load shed → real client IP → IP lists →
//! request rules → rate limits → form body. The first refusal ends it; rules in `log` mode are
//! reported and passed over. Nothing here answers with a 5xx except the 503 of load shedding.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::response::Response;
use http::{header, Method, Request, StatusCode};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::client_ip::{resolve, ClientIp};
use crate::config::Mode;
use crate::in_flight::Admission;
use crate::problem::{problem, with_retry_after};
use crate::rate_limit::{Class, ClientKey, Decision};
use crate::report;
use crate::rules::{Hit, RuleId};
use crate::shield::Shield;

/// What the rest of the request needs from the guard: HTTPS for the headers, and the in-flight
/// slot, held until the response is ready.
pub struct Pass {
    pub https: bool,
    pub _admission: Admission,
}

/// The guard's verdict on one request.
pub enum Verdict {
    /// Let it through (its body possibly read and put back).
    Pass(Request<Body>, Pass),
    /// Send this refusal instead; `https` says whether it goes out over HTTPS.
    Refuse { response: Response, https: bool },
}

/// Health checks are exempt from load shedding and rate limits alike.
fn is_health_check(path: &str) -> bool {
    path == "/healthz" || path == "/readyz"
}

impl Shield {
    pub(crate) async fn guard(&self, mut request: Request<Body>) -> Verdict {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        let origin = resolve(peer, request.headers(), &self.trust);
        let https = self.assume_https || origin.forwarded_https;
        let client = origin.client;
        request.extensions_mut().insert(ClientIp(client));
        let path = request.uri().path().to_owned();
        let refuse = |response: Response| Verdict::Refuse { response, https };

        let Some(admission) = self.in_flight.admit(&path) else {
            report::blocked("load_shed", client, &path);
            let response = problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                "the server is at capacity; try again shortly",
            );
            return refuse(with_retry_after(
                response,
                std::time::Duration::from_secs(1),
            ));
        };
        let pass = Pass {
            https,
            _admission: admission,
        };
        if self.allow.contains(client) {
            return Verdict::Pass(request, pass);
        }

        let mut hits = Vec::new();
        if self.deny.contains(client) {
            hits.push(Hit {
                rule: RuleId::IpDeny,
                detail: "requests from this address are refused".into(),
            });
        }
        hits.extend(
            self.rules
                .inspect_head(request.method(), request.uri(), request.headers()),
        );
        if let Some(hit) = self.judge(hits, client, &path) {
            return refuse(self.refusal(&hit));
        }

        if let Some((class, keys)) = self.rate_limit_keys(&request, client, &path) {
            if let Some(response) = self.rate_limit(class, &keys, client, &path).await {
                return refuse(response);
            }
        }

        if self.is_small_form(&request) {
            match self.inspect_form(request, client, &path).await {
                Ok(request) => Verdict::Pass(request, pass),
                Err(response) => refuse(response),
            }
        } else {
            Verdict::Pass(request, pass)
        }
    }

    /// Reports every hit; returns the first in `block` mode.
    fn judge(&self, hits: Vec<Hit>, client: IpAddr, path: &str) -> Option<Hit> {
        for hit in hits {
            match hit.rule.mode(&self.modes) {
                Mode::Log => report::matched_log_only(hit.rule.as_str(), client, path),
                Mode::Block => {
                    report::blocked(hit.rule.as_str(), client, path);
                    return Some(hit);
                }
            }
        }
        None
    }

    fn refusal(&self, hit: &Hit) -> Response {
        let (status, code) = hit.rule.refusal();
        let mut response = problem(status, code, &hit.detail);
        if hit.rule == RuleId::Method {
            response
                .headers_mut()
                .insert(header::ALLOW, self.allow_header.clone());
        }
        response
    }

    /// The class and buckets of a request, or `None` when it is not rate limited.
    fn rate_limit_keys(
        &self,
        request: &Request<Body>,
        client: IpAddr,
        path: &str,
    ) -> Option<(Class, Vec<ClientKey>)> {
        let limiter = self.limiter.as_ref()?;
        if is_health_check(path) {
            return None;
        }
        let class = limiter.class_of(request.method(), path);
        let mut keys = vec![ClientKey::Ip(client)];
        if let Some(session) = self.session_cookie(request) {
            keys.push(ClientKey::session(session));
        }
        Some((class, keys))
    }

    async fn rate_limit(
        &self,
        class: Class,
        keys: &[ClientKey],
        client: IpAddr,
        path: &str,
    ) -> Option<Response> {
        let limiter = self.limiter.as_ref()?;
        match limiter.check(class, keys).await {
            Decision::Allow => None,
            Decision::Limited { retry_after } => {
                let rule = match class {
                    Class::General => "rate_limit_general",
                    Class::Strict => "rate_limit_strict",
                };
                report::blocked(rule, client, path);
                let response = problem(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    "too many requests from this client; wait as long as Retry-After says",
                );
                Some(with_retry_after(response, retry_after))
            }
        }
    }

    fn session_cookie<'r>(&self, request: &'r Request<Body>) -> Option<&'r str> {
        if self.session_cookie.is_empty() {
            return None;
        }
        request
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, value)| *name == self.session_cookie && !value.is_empty())
            .map(|(_, value)| value)
    }

    /// A form body worth reading: a write with `application/x-www-form-urlencoded`, not declared
    /// larger than the inspection limit (larger ones are left to the routes' body limits).
    fn is_small_form(&self, request: &Request<Body>) -> bool {
        if matches!(
            *request.method(),
            Method::GET | Method::HEAD | Method::OPTIONS
        ) {
            return false;
        }
        let is_form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            });
        let declared = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        is_form && declared.is_none_or(|len| len <= self.form_inspect_limit)
    }

    /// Reads the (small) form body, checks it, and puts it back for the handler.
    async fn inspect_form(
        &self,
        request: Request<Body>,
        client: IpAddr,
        path: &str,
    ) -> Result<Request<Body>, Response> {
        let (parts, body) = request.into_parts();
        let bytes = match Limited::new(body, self.form_inspect_limit).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(error) if error.is::<LengthLimitError>() => {
                report::blocked("oversize_form", client, path);
                return Err(problem(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    "the form body is larger than this server accepts",
                ));
            }
            Err(_) => {
                return Err(problem(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "the request body could not be read",
                ))
            }
        };
        if let Some(hit) = self.judge(self.rules.inspect_form(&bytes), client, path) {
            return Err(self.refusal(&hit));
        }
        Ok(Request::from_parts(parts, Body::from(bytes)))
    }
}
