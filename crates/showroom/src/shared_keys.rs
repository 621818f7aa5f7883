//! The signing keys of one shop: asset URLs (`asset_signing_key`) and guest order links
//! (`order_link_key`). A configured key wins; otherwise the key is generated once and kept in
//! the database ([`showroom_store::SharedKeyStore`]), so every instance of the shop signs and
//! verifies with the same key without anyone copying secrets, and links survive restarts.
//! The two keys are always different: a leaked asset-URL key cannot open orders.

use secrecy::{ExposeSecret, SecretString};
use showroom_store::DynCatalogStore;

use crate::config::{setting_name, Config};
use crate::shop_setup::StartupError;

/// Names of the rows in `shared_keys`.
const ASSET_URLS: &str = "asset_urls";
const ORDER_LINKS: &str = "order_links";

/// The keys to sign with: (asset URLs, order links).
pub async fn signing_keys(
    config: &Config,
    store: &DynCatalogStore,
) -> Result<(SecretString, SecretString), StartupError> {
    let assets = resolve(store, config.asset_signing_key.as_ref(), ASSET_URLS).await?;
    let orders = resolve(store, config.order_link_key.as_ref(), ORDER_LINKS).await?;
    if assets.expose_secret() == orders.expose_secret() {
        return Err(StartupError::Setting(format!(
            "{}: must differ from {} (one key for asset URLs, another for order links)",
            setting_name("order_link_key"),
            setting_name("asset_signing_key")
        )));
    }
    Ok((assets, orders))
}

async fn resolve(
    store: &DynCatalogStore,
    configured: Option<&SecretString>,
    name: &str,
) -> Result<SecretString, StartupError> {
    if let Some(key) = configured.filter(|k| !k.expose_secret().is_empty()) {
        return Ok(key.clone());
    }
    let candidate = showroom_http::random_signing_key();
    let key = store
        .shared_key(name, candidate.expose_secret())
        .await
        .map_err(|e| {
            StartupError::Setting(format!(
                "database_url: cannot read or create the shared `{name}` key: {e}"
            ))
        })?;
    Ok(SecretString::from(key))
}
