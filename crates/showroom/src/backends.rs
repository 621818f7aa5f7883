//! Picks each backend from the scheme of its URL. This is the only place in the workspace that
//! names concrete engines. Every failure names the setting (and its environment variable) and the
//! URL with its password redacted, and start-up waits a bounded time for each engine.

use std::sync::Arc;
use std::time::Duration;

use showroom_assets::BlobStore;
use showroom_cache::Cache;
use showroom_store::DynCatalogStore;

use crate::config::{database_pool_size, redact_url, setting_name, Config};

/// How long start-up waits for a database or cache to answer.
pub(crate) const CONNECT_DEADLINE: Duration = Duration::from_secs(10);

/// The engines behind one shop, chosen by URL scheme: the database, the cache, object storage.
#[derive(Clone)]
pub struct Backends {
    pub store: DynCatalogStore,
    pub cache: Arc<dyn Cache>,
    pub blobs: Arc<BlobStore>,
}

/// Connects the database, the cache and object storage at once.
pub async fn connect_all(config: &Config) -> Result<Backends, BackendError> {
    let (store, cache, blobs) = tokio::try_join!(
        connect_catalog(config),
        connect_cache(config),
        open_blobs(&config.storage_url),
    )?;
    Ok(Backends {
        store,
        cache,
        blobs: Arc::new(blobs),
    })
}

/// A backend that could not be opened: which setting, which URL, why.
#[derive(Debug, thiserror::Error)]
#[error("{setting}: cannot use `{url}`: {reason}")]
pub struct BackendError {
    pub setting: String,
    pub url: String,
    pub reason: String,
}

pub(crate) fn backend_error(key: &str, url: &str, reason: impl std::fmt::Display) -> BackendError {
    BackendError {
        setting: setting_name(key),
        url: redact_url(url),
        reason: reason.to_string(),
    }
}

pub(crate) fn scheme_of(url: &str) -> &str {
    url.split_once(':').map(|(scheme, _)| scheme).unwrap_or("")
}

/// Connects to the catalog database (`database_url`, its pool sized by
/// `database_max_connections`) and brings its schema up to date.
pub async fn connect_catalog(config: &Config) -> Result<DynCatalogStore, BackendError> {
    let url = config.database_url.as_str();
    let pool_size = database_pool_size(config).map_err(|reason| BackendError {
        setting: setting_name("database_max_connections"),
        url: config
            .database_max_connections
            .map(|n| n.to_string())
            .unwrap_or_default(),
        reason,
    })?;
    let connecting = async {
        match scheme_of(url) {
            "sqlite" => {
                let mut settings = showroom_store_sqlite::SqliteSettings::default();
                settings.max_connections = pool_size.unwrap_or(settings.max_connections);
                showroom_store_sqlite::connect_with(url, &settings)
                    .await
                    .map_err(|e| error_chain(&e))
            }
            "postgres" | "postgresql" => {
                let mut settings = showroom_store_postgres::PostgresSettings::default();
                settings.max_connections = pool_size.unwrap_or(settings.max_connections);
                showroom_store_postgres::connect_with(url, &settings)
                    .await
                    .map_err(|e| error_chain(&e))
            }
            other => Err(format!(
                "unsupported scheme `{other}`; use sqlite://FILE or postgres://USER@HOST/DB"
            )),
        }
    };
    match tokio::time::timeout(CONNECT_DEADLINE, connecting).await {
        Ok(Ok(store)) => Ok(store),
        Ok(Err(reason)) => Err(backend_error("database_url", url, reason)),
        Err(_) => Err(backend_error(
            "database_url",
            url,
            format!("no answer within {}s", CONNECT_DEADLINE.as_secs()),
        )),
    }
}

pub async fn connect_cache(config: &Config) -> Result<Arc<dyn Cache>, BackendError> {
    let url = config.cache_url.as_str();
    let options = showroom_cache::CacheOptions {
        default_ttl: Duration::from_secs(config.cache.ttl_secs),
        memory_capacity_bytes: config.cache.memory_capacity_mib * 1024 * 1024,
        key_prefix: config.cache.key_prefix.clone(),
        ..showroom_cache::CacheOptions::default()
    };
    match tokio::time::timeout(
        CONNECT_DEADLINE,
        showroom_cache::connect(Some(url), &options),
    )
    .await
    {
        Ok(Ok(cache)) => Ok(cache),
        Ok(Err(error)) => Err(backend_error("cache_url", url, error.display_chain())),
        Err(_) => Err(backend_error(
            "cache_url",
            url,
            format!("no answer within {}s", CONNECT_DEADLINE.as_secs()),
        )),
    }
}

/// Builds the shield layer, or `None` when `shield.enabled = false`. Its rate limits are shared
/// through Redis when the cache is Redis. The error names the setting at fault.
pub async fn build_shield(config: &Config) -> Result<Option<showroom_shield::ShieldLayer>, String> {
    if !config.shield.enabled {
        return Ok(None);
    }
    let url = config.cache_url.trim();
    let redis = matches!(scheme_of(url), "redis" | "rediss").then_some(url);
    // Pages must be allowed to load posters and models from the CDN that serves the assets.
    let mut shield = config.shield.clone();
    if let Some(base) = config.asset_base_url.as_deref().filter(|b| !b.is_empty()) {
        if let Ok(base) = url::Url::parse(base) {
            let origin = base.origin().ascii_serialization();
            shield.content_security_policy =
                showroom_shield::csp_with_asset_origin(&shield.content_security_policy, &origin);
        }
    }
    match showroom_shield::Shield::build(&shield, redis).await {
        Ok(shield) => Ok(Some(shield.layer())),
        Err(error) => Err(format!(
            "{}: {}",
            setting_name(&error.setting),
            error.reason
        )),
    }
}

pub async fn open_blobs(url: &str) -> Result<BlobStore, BackendError> {
    let store =
        BlobStore::from_url(url).map_err(|e| backend_error("storage_url", url, error_chain(&e)))?;
    match tokio::time::timeout(CONNECT_DEADLINE, store.ping()).await {
        Ok(Ok(())) => Ok(store),
        Ok(Err(error)) => Err(backend_error("storage_url", url, error_chain(&error))),
        Err(_) => Err(backend_error(
            "storage_url",
            url,
            format!("no answer within {}s", CONNECT_DEADLINE.as_secs()),
        )),
    }
}

fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}
