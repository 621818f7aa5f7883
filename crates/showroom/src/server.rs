//! Starting and stopping the server. [`build_state`] connects every backend (failing fast with a
//! named setting); [`serve_with_listener`] serves until `shutdown` resolves, then drains:
//! `/readyz` turns 503 first, the listener stays open for the drain period so a load balancer can
//! notice, then it closes and in-flight requests run to completion. Tests and production start
//! the server the same way, on a listener they bound themselves; [`crate::connections`] holds
//! the accept loop and its per-connection limits.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use showroom_http::sessions::{DbSessionStore, ShopSessionStore};
use showroom_http::{
    AppParts, AppState, ConnectionLimits, Delivery, DeliverySettings, HttpSettings, Readiness,
};
use tokio::net::TcpListener;

use crate::backends::{backend_error, scheme_of, BackendError, Backends, CONNECT_DEADLINE};
use crate::config::{setting_name, Config};
use crate::shop_setup::{build_shop, StartupError};

/// Everything `serve` needs: the shop ([`build_shop`]), seeded with the demo catalog when
/// `demo` is on, and the HTTP layer's settings, sessions, asset delivery and shield.
pub async fn build_state(config: &Config) -> Result<AppState, StartupError> {
    let (shop, backends) = build_shop(config).await?;
    let admin_token = config
        .admin_token
        .clone()
        .filter(|t| !secrecy::ExposeSecret::expose_secret(t).is_empty());
    let settings = HttpSettings {
        admin_token: admin_token.map(|t: SecretString| t),
        request_timeout: Duration::from_secs(config.http.request_timeout_secs.max(1)),
        body_limit_bytes: config.http.body_limit_bytes,
        cache_ttl: Duration::from_secs(config.cache.ttl_secs),
        session_inactivity: Duration::from_secs(
            config.accounts.session_inactivity_days.max(1) * 24 * 3600,
        ),
        always_secure_cookies: config.accounts.always_secure_cookies,
        public_url: absolute_base(config.public_url.trim()).map_err(|why| {
            StartupError::Setting(format!("{}: {why}", setting_name("public_url")))
        })?,
        connections: ConnectionLimits {
            header_read_timeout: Duration::from_secs(config.http.header_read_timeout_secs.max(1)),
            idle_timeout: Duration::from_secs(config.http.idle_timeout_secs.max(1)),
            max_connections: config.http.max_connections.max(1),
        },
        ops_trusted: match config.http.ops_trusted_ips.as_slice() {
            [] => None,
            items => Some(showroom_shield::IpList::parse(items).map_err(|why| {
                StartupError::Setting(format!("{}: {why}", setting_name("http.ops_trusted_ips")))
            })?),
        },
    };
    if let Some(warning) = test_provider_exposure(&config.checkout.payment_provider, config.listen)
    {
        tracing::warn!("{warning}");
    }
    let sessions = session_store(config, &backends).await?;
    let (signing_key, order_link_key) =
        crate::shared_keys::signing_keys(config, &backends.store).await?;
    let state = AppState::new(AppParts {
        shop,
        catalog: backends.store.clone(),
        cache: backends.cache.clone(),
        blobs: backends.blobs.clone(),
        settings: Arc::new(settings),
        readiness: Readiness::new_ready(),
        metrics: crate::telemetry::metrics_handle(),
        delivery: Arc::new(Delivery::new(delivery_settings(
            config,
            signing_key,
            order_link_key,
        )?)),
        shield: crate::backends::build_shield(config)
            .await
            .map_err(StartupError::Setting)?,
        sessions,
        pages: Default::default(),
    });
    if config.demo {
        crate::demo_seed::seed_if_empty(&state.shop, &backends)
            .await
            .map_err(|e| StartupError::Demo(e.to_string()))?;
    }
    Ok(state)
}

/// Where cookie sessions live: in Redis when the cache is Redis (so they survive any instance
/// and expire on their own), otherwise in the database.
async fn session_store(
    config: &Config,
    backends: &Backends,
) -> Result<ShopSessionStore, BackendError> {
    match scheme_of(&config.cache_url) {
        "redis" | "rediss" => {
            let connecting = showroom_cache::RedisSessionStore::connect(
                &config.cache_url,
                &config.accounts.redis_session_prefix,
            );
            match tokio::time::timeout(CONNECT_DEADLINE, connecting).await {
                Ok(Ok(store)) => Ok(ShopSessionStore::new(store)),
                Ok(Err(e)) => Err(backend_error("cache_url", &config.cache_url, e)),
                Err(_) => Err(backend_error(
                    "cache_url",
                    &config.cache_url,
                    "no answer within the connect deadline (sessions)",
                )),
            }
        }
        _ => Ok(ShopSessionStore::new(DbSessionStore(
            backends.store.clone(),
        ))),
    }
}

/// Validates the asset delivery settings: the CDN base URL, its origin secret and the CORS
/// origins; the signing keys come from [`crate::shared_keys`].
fn delivery_settings(
    config: &Config,
    signing_key: SecretString,
    order_link_key: SecretString,
) -> Result<DeliverySettings, StartupError> {
    let invalid =
        |key: &str, why: String| StartupError::Setting(format!("{}: {why}", setting_name(key)));
    let non_empty = |secret: &Option<SecretString>| {
        secret
            .clone()
            .filter(|s| !secrecy::ExposeSecret::expose_secret(s).is_empty())
    };
    let asset_base_url = match config.asset_base_url.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(absolute_base(raw).map_err(|why| invalid("asset_base_url", why))?),
    };
    let origin_secret = non_empty(&config.asset_origin_secret);
    if asset_base_url.is_some() && origin_secret.is_none() {
        return Err(invalid(
            "asset_origin_secret",
            "required with asset_base_url, so that only the CDN can fetch from this origin".into(),
        ));
    }
    let mut cors_origins = Vec::with_capacity(config.cors_origins.len());
    for origin in &config.cors_origins {
        let normalized = origin.trim_end_matches('/');
        let parsed = url::Url::parse(normalized).map(|u| u.origin().ascii_serialization());
        if origin != "*" && parsed.as_deref() != Ok(normalized) {
            return Err(invalid(
                "cors_origins",
                format!("`{origin}` is not an origin like `https://shop.example.com`"),
            ));
        }
        cors_origins.push(normalized.to_owned());
    }
    Ok(DeliverySettings {
        asset_base_url,
        origin_secret,
        signing_key,
        order_link_key,
        cors_origins,
        memory_cache_bytes: config.cache.asset_memory_mib.saturating_mul(1024 * 1024),
    })
}

/// `scheme://host[:port][/path]` without a trailing slash, query or fragment, for http(s) only.
fn absolute_base(raw: &str) -> Result<String, String> {
    let url = url::Url::parse(raw).map_err(|e| format!("`{raw}` is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("`{raw}` must be an http:// or https:// URL"));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(format!(
            "`{raw}` must not carry credentials, a query or a fragment"
        ));
    }
    Ok(format!(
        "{}{}",
        url.origin().ascii_serialization(),
        url.path().trim_end_matches('/')
    ))
}

/// Serves `state` on `listener` until `shutdown` resolves, then drains for `drain` and stops.
pub async fn serve_with_listener(
    listener: TcpListener,
    state: AppState,
    drain: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let readiness = state.readiness.clone();
    let limits = state.settings.connections;
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
    crate::connections::serve(listener, app, limits, stop).await
}

/// The `test` payment provider accepts made-up cards and trusts webhooks signed with a secret
/// printed in the README: fine on a laptop, a gift to anyone who can reach a public address.
fn test_provider_exposure(provider: &str, address: std::net::SocketAddr) -> Option<String> {
    (provider == "test" && !address.ip().is_loopback()).then(|| {
        format!(
            "checkout.payment_provider (SHOWROOM_CHECKOUT__PAYMENT_PROVIDER) is `test` on {address}, \
             which is not a loopback address: anyone who can reach it pays with test cards, and its \
             webhook secret is public; configure a real provider before taking orders"
        )
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_provider_is_flagged_only_off_loopback() {
        let public = "0.0.0.0:8080".parse().unwrap();
        let warning = test_provider_exposure("test", public).expect("a warning");
        assert!(warning.contains("checkout.payment_provider"), "{warning}");
        assert!(test_provider_exposure("test", "127.0.0.1:8080".parse().unwrap()).is_none());
        assert!(test_provider_exposure("test", "[::1]:8080".parse().unwrap()).is_none());
        assert!(test_provider_exposure("stripe", public).is_none());
    }
}
