//! Starting and stopping the server. [`build_state`] connects every backend (failing fast with a
//! named setting); [`serve_with_listener`] serves until `shutdown` resolves, then drains:
//! `/readyz` turns 503 first, the listener stays open for the drain period so a load balancer can
//! notice, then it closes and in-flight requests run to completion. Tests and production start
//! the server the same way, on a listener they bound themselves.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use showroom_domain::Currency;
use showroom_http::{AppState, HttpSettings, Readiness};
use tokio::net::TcpListener;

use crate::backends::{connect_cache, connect_catalog, open_blobs, BackendError};
use crate::config::{setting_name, Config};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Backend(#[from] BackendError),
    #[error("{0}")]
    Setting(String),
    #[error("demo catalog: {0}")]
    Demo(String),
}

pub async fn build_state(config: &Config) -> Result<AppState, StartupError> {
    let currency = Currency::parse(&config.currency)
        .map_err(|e| StartupError::Setting(format!("{}: {e}", setting_name("currency"))))?;
    let (catalog, cache, blobs) = tokio::try_join!(
        connect_catalog(&config.database_url),
        connect_cache(config),
        open_blobs(&config.storage_url),
    )?;
    let admin_token = config
        .admin_token
        .clone()
        .filter(|t| !secrecy::ExposeSecret::expose_secret(t).is_empty());
    let settings = HttpSettings {
        admin_token: admin_token.map(|t: SecretString| t),
        currency,
        request_timeout: Duration::from_secs(config.http.request_timeout_secs.max(1)),
        body_limit_bytes: config.http.body_limit_bytes,
        cache_ttl: Duration::from_secs(config.cache.ttl_secs),
    };
    let state = AppState {
        catalog,
        cache,
        blobs: Arc::new(blobs),
        settings: Arc::new(settings),
        readiness: Readiness::new_ready(),
        metrics: crate::telemetry::metrics_handle(),
    };
    if config.demo {
        crate::demo_seed::seed_if_empty(&state)
            .await
            .map_err(|e| StartupError::Demo(e.to_string()))?;
    }
    Ok(state)
}

/// Serves `state` on `listener` until `shutdown` resolves, then drains for `drain` and stops.
pub async fn serve_with_listener(
    listener: TcpListener,
    state: AppState,
    drain: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let readiness = state.readiness.clone();
    let app = showroom_http::router(state);
    let stop = async move {
        shutdown.await;
        readiness.start_draining();
        tracing::info!(
            drain_secs = drain.as_secs_f32(),
            "shutting down: readiness is now 503, draining"
        );
        tokio::time::sleep(drain).await;
    };
    axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("interrupt received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}
