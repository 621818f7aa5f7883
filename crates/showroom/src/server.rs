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
use showroom_domain::{
    BasisPoints, CountryCode, Currency, Money, PriceMode, PricingRules, ShippingRates, Slug,
    TaxRates, TaxTable,
};
use showroom_http::payments::{PaymentProvider, TestProvider};
use showroom_http::{
    AppState, CheckoutSettings, ConnectionLimits, Delivery, DeliverySettings, HttpSettings,
    LoginThrottle, Readiness,
};
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
        upload_limit_bytes: config.assets.max_upload_bytes,
        job_max_attempts: config.assets.max_attempts.max(1),
        login_throttle: LoginThrottle {
            per_account: config.accounts.login_failures_per_account.max(1),
            per_ip: config.accounts.login_failures_per_ip.max(1),
            window: Duration::from_secs(config.accounts.login_window_secs.max(1)),
        },
        session_inactivity: Duration::from_secs(
            config.accounts.session_inactivity_days.max(1) * 24 * 3600,
        ),
        always_secure_cookies: config.accounts.always_secure_cookies,
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
    let sessions = crate::backends::session_store(config, catalog.clone()).await?;
    let state = AppState {
        catalog,
        cache,
        blobs: Arc::new(blobs),
        settings: Arc::new(settings),
        readiness: Readiness::new_ready(),
        metrics: crate::telemetry::metrics_handle(),
        delivery: Arc::new(Delivery::new(delivery_settings(config)?)),
        shield: crate::backends::build_shield(config)
            .await
            .map_err(StartupError::Setting)?,
        checkout: Arc::new(checkout_settings(config, currency)?),
        sessions,
    };
    if config.demo {
        crate::demo_seed::seed_if_empty(&state)
            .await
            .map_err(|e| StartupError::Demo(e.to_string()))?;
    }
    Ok(state)
}

/// `[checkout] tax_rates`: a known country code and a rate of at most 100 % each.
fn country_tax_rates(
    checkout: &crate::config::CheckoutConfig,
    invalid: &impl Fn(&str, String) -> StartupError,
) -> Result<std::collections::BTreeMap<CountryCode, TaxRates>, StartupError> {
    let mut countries = std::collections::BTreeMap::new();
    for (code, basis_points) in &checkout.tax_rates {
        let country =
            CountryCode::parse(code).map_err(|e| invalid("tax_rates", format!("`{code}`: {e}")))?;
        let rate = BasisPoints::new(*basis_points)
            .map_err(|e| invalid("tax_rates", format!("`{code}`: {e}")))?;
        countries.insert(
            country,
            TaxRates {
                standard: rate,
                reduced: rate,
            },
        );
    }
    Ok(countries)
}

/// The payment provider and the pricing rules from `[checkout]`.
fn checkout_settings(
    config: &Config,
    currency: Currency,
) -> Result<CheckoutSettings, StartupError> {
    let invalid = |key: &str, why: String| {
        StartupError::Setting(format!(
            "{}: {why}",
            setting_name(&format!("checkout.{key}"))
        ))
    };
    let checkout = &config.checkout;
    if checkout.payment_timeout_secs >= config.http.request_timeout_secs {
        tracing::warn!(
            "{} is not below {}: a slow payment may outlast its request (the outcome is still recorded)",
            setting_name("checkout.payment_timeout_secs"),
            setting_name("http.request_timeout_secs"),
        );
    }
    let provider: Arc<dyn PaymentProvider> = match checkout.payment_provider.as_str() {
        "test" => Arc::new(TestProvider::new()),
        other => {
            return Err(invalid(
                "payment_provider",
                format!("`{other}` is not a provider this build knows (known: `test`)"),
            ))
        }
    };
    let money = |key: &str, minor: i64| {
        Money::new(minor, currency).map_err(|e| invalid(key, e.to_string()))
    };
    let mut methods = Vec::new();
    for (name, minor) in &checkout.shipping_rates {
        let slug = Slug::parse(name).map_err(|e| invalid("shipping_rates", e.to_string()))?;
        methods.push((slug, money("shipping_rates", *minor)?));
    }
    let free_from = checkout
        .free_shipping_from
        .map(|minor| money("free_shipping_from", minor))
        .transpose()?;
    let shipping = ShippingRates::new(currency, methods, free_from)
        .map_err(|e| invalid("shipping_rates", e.to_string()))?;
    let rate = BasisPoints::new(checkout.tax_rate_basis_points)
        .map_err(|e| invalid("tax_rate_basis_points", e.to_string()))?;
    let tax = TaxTable {
        mode: if checkout.prices_include_tax {
            PriceMode::TaxInclusive
        } else {
            PriceMode::TaxExclusive
        },
        default: TaxRates {
            standard: rate,
            reduced: rate,
        },
        countries: country_tax_rates(checkout, &invalid)?,
    };
    Ok(CheckoutSettings {
        provider,
        payment_hold: Duration::from_secs(checkout.payment_hold_secs.max(1)),
        payment_timeout: Duration::from_secs(checkout.payment_timeout_secs.max(1)),
        pricing: PricingRules { tax, shipping },
    })
}

/// Validates the asset delivery settings: the CDN base URL, its origin secret, the CORS origins,
/// and the signing key (random when unset; `serve_with_listener` warns about it).
fn delivery_settings(config: &Config) -> Result<DeliverySettings, StartupError> {
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
    let configured_key = non_empty(&config.asset_signing_key);
    let signing_key_generated = configured_key.is_none();
    let signing_key = configured_key.unwrap_or_else(showroom_http::random_signing_key);
    Ok(DeliverySettings {
        asset_base_url,
        origin_secret,
        signing_key,
        signing_key_generated,
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
    if let Some(warning) = listener
        .local_addr()
        .ok()
        .and_then(|address| test_provider_exposure(state.checkout.provider.name(), address))
    {
        tracing::warn!("{warning}");
    }
    if state.delivery.settings.signing_key_generated {
        tracing::warn!("asset_signing_key (SHOWROOM_ASSET_SIGNING_KEY) is not set: signed asset URLs use a random key, so they work only on this instance until it restarts");
    }
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

    #[test]
    fn the_default_checkout_settings_build_and_an_unknown_provider_is_refused() {
        let usd = Currency::parse("USD").unwrap();
        let settings = checkout_settings(&Config::default(), usd).expect("the defaults build");
        assert_eq!(settings.provider.name(), "test");
        assert_eq!(settings.payment_hold, Duration::from_secs(900));
        let mut config = Config::default();
        config.checkout.payment_provider = "paypal".into();
        let error = checkout_settings(&config, usd)
            .err()
            .expect("refused")
            .to_string();
        assert!(error.contains("checkout.payment_provider"), "{error}");
        config = Config::default();
        config
            .checkout
            .shipping_rates
            .insert("Not A Slug".into(), 100);
        assert!(checkout_settings(&config, usd).is_err());
    }
}
