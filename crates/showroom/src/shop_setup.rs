//! The shop without its web front: every backend connected ([`Backends`]) and the use cases
//! configured ([`build_shop`]). The CLI (`assets import`, `admin`), the worker and `serve` all
//! start here; only `serve` adds the HTTP layer on top (see [`crate::server`]).

use std::sync::Arc;
use std::time::Duration;

use showroom_domain::{
    BasisPoints, CountryCode, Currency, Money, PriceMode, PricingRules, ShippingRates, Slug,
    TaxRates, TaxTable,
};
use showroom_shop::{
    CheckoutSettings, LoginThrottle, PaymentProvider, Shop, ShopSettings, StockFreshness,
    TestProvider, UploadSettings,
};

use crate::backends::{connect_all, BackendError, Backends};
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

/// The shop's currency, from `currency`.
pub fn currency(config: &Config) -> Result<Currency, StartupError> {
    Currency::parse(&config.currency)
        .map_err(|e| StartupError::Setting(format!("{}: {e}", setting_name("currency"))))
}

/// Connects every backend and configures the use cases on them.
pub async fn build_shop(config: &Config) -> Result<(Shop, Backends), StartupError> {
    let mut settings = shop_settings(config)?;
    let backends = connect_all(config).await?;
    settings.checkout.stock = StockFreshness::new(backends.cache.clone());
    let shop = Shop::new(&backends.store, backends.blobs.clone(), settings);
    Ok((shop, backends))
}

/// The use cases' settings: currency, `[checkout]`, the login throttle of `[accounts]`, the
/// upload limits of `[assets]`.
pub fn shop_settings(config: &Config) -> Result<ShopSettings, StartupError> {
    let currency = currency(config)?;
    Ok(ShopSettings {
        currency,
        checkout: checkout_settings(config, currency)?,
        login_throttle: LoginThrottle {
            per_account: config.accounts.login_failures_per_account.max(1),
            per_ip: config.accounts.login_failures_per_ip.max(1),
            window: Duration::from_secs(config.accounts.login_window_secs.max(1)),
            concurrent_hashes: config.accounts.concurrent_password_hashes,
        },
        uploads: UploadSettings {
            limit_bytes: config.assets.max_upload_bytes,
            max_attempts: config.assets.max_attempts.max(1),
        },
    })
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
        stock: StockFreshness::none(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
