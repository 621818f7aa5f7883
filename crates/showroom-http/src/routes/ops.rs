//! Operations endpoints for load balancers and monitoring. `/healthz` says the process is alive
//! (no dependency is touched, so a slow database never gets a healthy instance killed);
//! `/readyz` checks the database, cache and object storage concurrently, each with a deadline,
//! and answers 503 naming what failed — or `draining` once shutdown has begun.
//!
//! With `http.ops_trusted_ips` set, only those addresses (the client IP the shield found behind
//! trusted proxies, else the TCP peer) read `/metrics` — anyone else gets the same 404 as an
//! unknown path — and the causes of a failing `/readyz`; others learn only ready or not.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use showroom_shield::ClientIp;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{problem_response, ApiError, Problem};
use crate::state::AppState;

const CHECK_DEADLINE: Duration = Duration::from_secs(2);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: String,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "Alive", body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// `ready`.
    pub status: String,
    /// Each dependency's backend name, e.g. `{"database": "sqlite", "cache": "memory"}`.
    pub checks: std::collections::BTreeMap<String, String>,
}

/// Readiness: database and object storage reachable, and not draining. An unreachable cache is
/// named in `checks` but does not make the instance unready.
#[utoipa::path(
    get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready for traffic", body = Readiness),
        (status = 503, description = "Draining, or a dependency is unreachable (named in `detail`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn readyz(State(state): State<AppState>, caller: Caller) -> Response {
    if !state.readiness.is_accepting() {
        return not_ready("the instance is draining for shutdown".into());
    }
    let (database, cache, storage) = tokio::join!(
        tokio::time::timeout(CHECK_DEADLINE, state.catalog.ping()),
        tokio::time::timeout(CHECK_DEADLINE, state.cache.ping()),
        tokio::time::timeout(CHECK_DEADLINE, state.blobs.ping()),
    );
    let mut failed = Vec::new();
    let mut note =
        |name: &str, outcome: Result<Result<(), String>, tokio::time::error::Elapsed>| match outcome
        {
            Ok(Ok(())) => {}
            Ok(Err(error)) => failed.push(format!("{name}: {error}")),
            Err(_) => failed.push(format!(
                "{name}: no answer within {}s",
                CHECK_DEADLINE.as_secs()
            )),
        };
    note("database", database.map(|r| r.map_err(|e| e.to_string())));
    note("storage", storage.map(|r| r.map_err(|e| e.to_string())));
    // The cache is optional (a failure is a miss and the database answers), so an unreachable
    // Redis is reported but does not take the instance, and with it the whole fleet, out of the
    // load balancer.
    let cache_down = !matches!(cache, Ok(Ok(())));
    if cache_down {
        // Probes come every second; the cache's circuit breaker already said so once.
        tracing::debug!("ready without the cache: it does not answer; serving from the database");
    }
    if !failed.is_empty() {
        tracing::warn!(failed = ?failed, "not ready");
        if !caller.is_trusted(&state) {
            return not_ready("not ready: a dependency is unreachable".into());
        }
        return not_ready(format!("not ready: {}", failed.join("; ")));
    }
    let checks = [
        (
            "database".to_owned(),
            state.catalog.backend_name().to_owned(),
        ),
        (
            "cache".to_owned(),
            if cache_down {
                format!(
                    "{} (unreachable: serving from the database)",
                    state.cache.backend_name()
                )
            } else {
                state.cache.backend_name().to_owned()
            },
        ),
        ("storage".to_owned(), state.blobs.backend_name().to_owned()),
    ]
    .into_iter()
    .collect();
    Json(Readiness {
        status: "ready".into(),
        checks,
    })
    .into_response()
}

fn not_ready(detail: String) -> Response {
    let problem = Problem {
        kind: "https://showroom.dev/problems/not-ready".into(),
        title: "Service Unavailable".into(),
        status: 503,
        detail,
        code: "not_ready".into(),
        field: None,
    };
    let mut response = problem_response(StatusCode::SERVICE_UNAVAILABLE, &problem);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
    response
}

/// Prometheus metrics: requests by route and status, latency histograms, database pool, cache.
#[utoipa::path(
    get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition", body = String, content_type = "text/plain"))
)]
pub async fn metrics(State(state): State<AppState>, caller: Caller) -> Response {
    if !caller.is_trusted(&state) {
        return ApiError::NotFound { what: "route" }.into_response();
    }
    let pool = state.catalog.pool_stats();
    metrics::gauge!("showroom_db_pool_connections").set(f64::from(pool.size));
    metrics::gauge!("showroom_db_pool_idle_connections").set(f64::from(pool.idle));
    metrics::gauge!("showroom_db_pool_max_connections").set(f64::from(pool.max));
    crate::process_metrics::record();
    let body = state
        .metrics
        .as_ref()
        .map(|handle| handle.render())
        .unwrap_or_default();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

/// Where a request comes from: the client IP the shield resolved, else the TCP peer.
pub struct Caller(Option<IpAddr>);

impl Caller {
    fn is_trusted(&self, state: &AppState) -> bool {
        match (&state.settings.ops_trusted, self.0) {
            (None, _) => true,
            (Some(list), Some(ip)) => list.contains(ip),
            (Some(_), None) => false,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let shield = parts.extensions.get::<ClientIp>().map(|client| client.0);
        let peer = || {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip())
        };
        Ok(Self(shield.or_else(peer)))
    }
}
