//! The effective configuration: built-in defaults, then an optional `showroom.toml` (or the file
//! named by `--config` / `SHOWROOM_CONFIG`), then `SHOWROOM_*` environment variables (`__`
//! separates nesting: `SHOWROOM_HTTP__REQUEST_TIMEOUT_SECS`), then command-line flags. Secrets
//! are `SecretString`s and are redacted whenever the configuration is printed.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

mod redact;
pub use redact::redact_url;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Readable lines for a terminal.
    #[default]
    Human,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct HttpConfig {
    /// Requests still running after this many seconds are answered with 503.
    pub request_timeout_secs: u64,
    /// Largest JSON request body, in bytes.
    pub body_limit_bytes: usize,
    /// After SIGTERM, `/readyz` answers 503 for this many seconds before the listener closes,
    /// so a load balancer stops routing here; in-flight requests then finish.
    pub shutdown_drain_secs: u64,
    /// A connection that has not sent a whole request head within this many seconds is closed;
    /// the same limit applies to a kept-alive connection waiting for its next request.
    pub header_read_timeout_secs: u64,
    /// A connection on which no byte moved either way for this many seconds is closed (a client
    /// that stops reading a download, or stops sending a body).
    pub idle_timeout_secs: u64,
    /// Open connections at most; past it new ones wait in the listen queue until one closes.
    pub max_connections: usize,
    /// Addresses or CIDRs that may read `/metrics` and the causes named by a failing `/readyz`
    /// (a TOML array or a comma-separated string); empty: everyone may.
    #[serde(deserialize_with = "list_or_comma_separated")]
    pub ops_trusted_ips: Vec<String>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            request_timeout_secs: 15,
            body_limit_bytes: 256 * 1024,
            shutdown_drain_secs: 2,
            header_read_timeout_secs: 10,
            idle_timeout_secs: 60,
            max_connections: 4096,
            ops_trusted_ips: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct CacheConfig {
    /// Longest life of a cached API response; admin writes invalidate sooner.
    pub ttl_secs: u64,
    /// Size of the in-process cache, in MiB.
    pub memory_capacity_mib: u64,
    /// Prefix of every Redis key, so several shops (or test runs) can share one Redis.
    pub key_prefix: String,
    /// Memory for recently served assets (models, posters), in MiB; 0 turns it off.
    pub asset_memory_mib: u64,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            ttl_secs: 300,
            memory_capacity_mib: 64,
            key_prefix: "showroom:cache:".into(),
            asset_memory_mib: 64,
        }
    }
}

/// The 3D pipeline: uploads and the workers that process them (`[assets]`,
/// `SHOWROOM_ASSETS__*`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct AssetsConfig {
    /// Largest model upload in bytes (413 above); uploads stream to storage, never to memory.
    pub max_upload_bytes: u64,
    /// Processing workers `serve` runs in-process (0: none, run `showroom worker` instead).
    pub workers: usize,
    /// Attempts per upload before it fails for good (storage errors are retried with backoff).
    pub max_attempts: u32,
    /// A worker's claim on a job lasts this long without a progress report; a crashed worker's
    /// job is picked up again after it.
    pub lease_secs: u64,
    /// How often an idle worker looks for new jobs.
    pub poll_millis: u64,
    /// Poster sizes in pixels (PNG and WebP each); the largest is drawn, the others scaled.
    pub poster_sizes: Vec<u32>,
}

impl Default for AssetsConfig {
    fn default() -> Self {
        Self {
            max_upload_bytes: 100 * 1024 * 1024,
            workers: 1,
            max_attempts: 3,
            lease_secs: 120,
            poll_millis: 500,
            poster_sizes: vec![256, 512, 1024],
        }
    }
}

/// Checkout and payments (`[checkout]`, `SHOWROOM_CHECKOUT__*`). Amounts are integer minor
/// units of the shop's `currency`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckoutConfig {
    /// `test`: the built-in provider that answers by test card number (see the README).
    pub payment_provider: String,
    /// Stock stays reserved this long for a payment; then the sweeper returns it.
    pub payment_hold_secs: u64,
    /// A payment the provider has not confirmed after this long fails as `payment_timeout`.
    /// Keep it below `http.request_timeout_secs`.
    pub payment_timeout_secs: u64,
    /// How often the sweeper looks for expired reservations (and stale guest carts).
    pub sweep_interval_secs: u64,
    /// Guest carts untouched for this many days are deleted by the sweeper (at least 1).
    pub guest_cart_days: u32,
    /// Whether catalog prices already contain tax.
    pub prices_include_tax: bool,
    /// The tax rate in basis points (1 % = 100) for destinations not in `tax_rates`.
    pub tax_rate_basis_points: u32,
    /// Tax rates per destination country (ISO 3166-1 alpha-2 → basis points):
    /// `{ DE = 1900, FR = 2000 }`.
    pub tax_rates: BTreeMap<String, u32>,
    /// Flat rate per shipping method, in minor units.
    pub shipping_rates: BTreeMap<String, i64>,
    /// Goods worth at least this much (minor units) ship free; unset: never free.
    pub free_shipping_from: Option<i64>,
}

impl Default for CheckoutConfig {
    fn default() -> Self {
        Self {
            payment_provider: "test".into(),
            payment_hold_secs: 900,
            payment_timeout_secs: 10,
            sweep_interval_secs: 5,
            guest_cart_days: 30,
            prices_include_tax: true,
            tax_rate_basis_points: 0,
            tax_rates: BTreeMap::new(),
            shipping_rates: BTreeMap::from([
                ("standard".to_owned(), 500),
                ("express".to_owned(), 1500),
            ]),
            free_shipping_from: Some(10_000),
        }
    }
}

/// Accounts and sessions (`[accounts]`, `SHOWROOM_ACCOUNTS__*`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountsConfig {
    /// A session ends after this many days without a request.
    pub session_inactivity_days: u64,
    /// Mark the session cookie `Secure` always. Otherwise it is Secure on HTTPS requests
    /// (directly, or `X-Forwarded-Proto: https` from the load balancer).
    pub always_secure_cookies: bool,
    /// Failed logins allowed per account in a window, then 429 until the window ends.
    pub login_failures_per_account: u32,
    /// Failed logins allowed per client IP in a window.
    pub login_failures_per_ip: u32,
    /// The throttle's window, in seconds.
    pub login_window_secs: u64,
    /// Password hashes (Argon2id, 19 MiB each) running at once; past it a registration or login
    /// waits half a second for a turn, then gets 503 with `Retry-After`. 0: one per CPU core.
    pub concurrent_password_hashes: usize,
    /// Prefix of session keys when sessions live in Redis (`cache_url = "redis://…"`).
    pub redis_session_prefix: String,
}

impl Default for AccountsConfig {
    fn default() -> Self {
        Self {
            session_inactivity_days: 14,
            always_secure_cookies: false,
            login_failures_per_account: 5,
            login_failures_per_ip: 50,
            login_window_secs: 900,
            concurrent_password_hashes: 0,
            redis_session_prefix: "showroom:session:".into(),
        }
    }
}

/// Customer mail about orders (`[mail]`, `SHOWROOM_MAIL__*`): queued in the database with the
/// order change, sent by a background dispatcher in `serve` and `showroom worker`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct MailConfig {
    /// `smtp://host:25` (plain), `smtp://user:pass@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:pass@host:465`; unset: mail is logged instead of sent.
    #[serde(serialize_with = "redacted_secret")]
    pub smtp_url: Option<SecretString>,
    /// The sender: `Showroom <shop@example.com>`.
    pub from: String,
    /// How often the dispatcher looks for mail to send, in seconds.
    pub poll_secs: u64,
    /// Attempts per mail (retried after 30 s, 2 min, 10 min, then hourly) before giving up.
    pub max_attempts: u32,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: "Showroom <shop@localhost>".into(),
            poll_secs: 5,
            max_attempts: 5,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// `sqlite://path/to/file.db` or `postgres://user:pass@host/db`.
    #[serde(serialize_with = "redacted_url")]
    pub database_url: String,
    /// Connections the database pool opens at most, 1 to [`MAX_DATABASE_CONNECTIONS`]; unset:
    /// the engine's default (10 on PostgreSQL, 8 on SQLite). Every instance opens its own pool,
    /// so instances × this must stay below PostgreSQL's `max_connections`.
    pub database_max_connections: Option<u32>,
    /// `memory://` (in-process) or `redis://host:6379`.
    #[serde(serialize_with = "redacted_url")]
    pub cache_url: String,
    /// `file://dir`, `memory://` or `s3://bucket[/prefix]`.
    pub storage_url: String,
    /// Bearer token for the admin API; unset closes the admin API.
    #[serde(serialize_with = "redacted_secret")]
    pub admin_token: Option<SecretString>,
    /// ISO 4217 code of the shop's prices.
    pub currency: String,
    /// Seed the demo catalog when the catalog is empty.
    pub demo: bool,
    /// The shop's public address: canonical URLs, the sitemap and sharing links are built on it.
    pub public_url: String,
    pub log_format: LogFormat,
    /// A tracing filter, e.g. `info` or `showroom=debug,sqlx=warn`; `RUST_LOG` wins when set.
    pub log_level: String,
    pub http: HttpConfig,
    pub cache: CacheConfig,
    pub assets: AssetsConfig,
    pub checkout: CheckoutConfig,
    pub accounts: AccountsConfig,
    pub mail: MailConfig,
    /// Absolute URL of the CDN in front of `/assets` (`https://cdn.example.com`): media URLs
    /// point there and `/assets` answers only the CDN. Unset: this server serves and links assets.
    pub asset_base_url: Option<String>,
    /// Secret the CDN adds to every origin request as `X-Showroom-Origin-Secret`; required with
    /// `asset_base_url`.
    #[serde(serialize_with = "redacted_secret")]
    pub asset_origin_secret: Option<SecretString>,
    /// HMAC key of signed asset URLs; unset: generated once and kept in the database, shared
    /// by every instance.
    #[serde(serialize_with = "redacted_secret")]
    pub asset_signing_key: Option<SecretString>,
    /// HMAC key of guest order links (`order_token`); unset: generated once and kept in the
    /// database, shared by every instance. Must differ from `asset_signing_key`.
    #[serde(serialize_with = "redacted_secret")]
    pub order_link_key: Option<SecretString>,
    /// Origins allowed to call `/api` and load `/assets` from a browser: a TOML array, or a
    /// comma-separated string (`SHOWROOM_CORS_ORIGINS=https://a.example,https://b.example`).
    #[serde(deserialize_with = "list_or_comma_separated")]
    pub cors_origins: Vec<String>,
    /// The built-in web application firewall (`[shield]`, `SHOWROOM_SHIELD__*`): rate limits,
    /// request rules, trusted proxies, security headers, load shedding. See `showroom-shield`.
    #[serde(default)]
    pub shield: showroom_shield::ShieldConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://data/showroom.db".into(),
            database_max_connections: None,
            cache_url: "memory://".into(),
            storage_url: "file://data/objects".into(),
            admin_token: None,
            currency: "USD".into(),
            demo: false,
            public_url: "http://127.0.0.1:8080".into(),
            log_format: LogFormat::Human,
            log_level: "info".into(),
            http: HttpConfig::default(),
            cache: CacheConfig::default(),
            assets: AssetsConfig::default(),
            checkout: CheckoutConfig::default(),
            accounts: AccountsConfig::default(),
            mail: MailConfig::default(),
            asset_base_url: None,
            asset_origin_secret: None,
            asset_signing_key: None,
            order_link_key: None,
            cors_origins: Vec::new(),
            shield: showroom_shield::ShieldConfig::default(),
        }
    }
}

/// Where a setting can be given, for error messages: `database_url (SHOWROOM_DATABASE_URL)`.
pub fn setting_name(key: &str) -> String {
    format!(
        "{key} (SHOWROOM_{})",
        key.to_ascii_uppercase().replace('.', "__")
    )
}

/// The largest database pool one instance may open: far above what one process can use (a
/// checkout holds a connection for a few round trips), low enough that a typo cannot exhaust the
/// database server's connections.
pub const MAX_DATABASE_CONNECTIONS: u32 = 1000;

/// `database_max_connections` checked; `Err` says the allowed range.
pub fn database_pool_size(config: &Config) -> Result<Option<u32>, String> {
    match config.database_max_connections {
        Some(n) if n == 0 || n > MAX_DATABASE_CONNECTIONS => Err(format!(
            "a pool holds 1 to {MAX_DATABASE_CONNECTIONS} connections"
        )),
        size => Ok(size),
    }
}

/// Read from the working directory when no `--config` is given.
pub const DEFAULT_FILE: &str = "showroom.toml";

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(String);

impl Config {
    /// Loads the layers. `file` is the explicit `--config`; without it `showroom.toml` in the
    /// working directory is read when present. `overrides` are the command-line flags.
    pub fn load(file: Option<&Path>, overrides: Figment) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) if !path.exists() => {
                return Err(ConfigError(format!(
                    "the config file {} does not exist",
                    path.display()
                )));
            }
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None if Path::new(DEFAULT_FILE).exists() => {
                figment = figment.merge(Toml::file_exact(DEFAULT_FILE))
            }
            None => {}
        }
        figment
            .merge(Env::prefixed("SHOWROOM_").split("__").ignore(&[
                "config",
                "test_postgres_url",
                "test_redis_url",
            ]))
            .merge(overrides)
            .extract::<Config>()
            .map_err(|e| ConfigError(describe_figment_error(e)))
    }

    /// The configuration as TOML with secrets redacted, for `showroom config`.
    pub fn to_redacted_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# cannot render: {e}"))
    }
}

/// Figment errors name the key and the source; keep that and drop the rest.
fn describe_figment_error(error: figment::Error) -> String {
    let key = error.path.join(".");
    let source = error
        .metadata
        .as_ref()
        .map(|m| m.name.to_string())
        .unwrap_or_default();
    if key.is_empty() {
        format!("{} {}", error.kind, source)
    } else {
        format!("{}: {} (from {source})", setting_name(&key), error.kind)
    }
}

fn redacted_secret<S: serde::Serializer>(
    secret: &Option<SecretString>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match secret {
        Some(value) if !value.expose_secret().is_empty() => s.serialize_str("[redacted]"),
        _ => s.serialize_none(),
    }
}

/// Accepts `["a", "b"]` or `"a, b"`: environment variables can only give the second.
fn list_or_comma_separated<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum ListOrString {
        List(Vec<String>),
        String(String),
    }
    let items = match ListOrString::deserialize(d)? {
        ListOrString::List(items) => items,
        ListOrString::String(joined) => joined.split(',').map(str::to_owned).collect(),
    };
    Ok(items
        .into_iter()
        .map(|item| item.trim().to_owned())
        .filter(|item| !item.is_empty())
        .collect())
}

fn redacted_url<S: serde::Serializer>(raw: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&redact_url(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printing_the_configuration_hides_its_secrets() {
        let config = Config {
            admin_token: Some(SecretString::from("tok-123")),
            database_url: "postgres://u:pw@h/db".into(),
            mail: MailConfig {
                smtp_url: Some(SecretString::from("smtps://shop:mailpw@mail.example.com")),
                ..MailConfig::default()
            },
            ..Config::default()
        };
        let printed = config.to_redacted_toml();
        assert!(
            !printed.contains("tok-123")
                && !printed.contains(":pw@")
                && !printed.contains("mailpw"),
            "{printed}"
        );
        assert!(printed.contains("[redacted]"));
    }

    #[test]
    fn defaults_are_the_embedded_engines() {
        let config = Config::default();
        assert_eq!(config.database_url, "sqlite://data/showroom.db");
        assert_eq!(config.storage_url, "file://data/objects");
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
    }

    /// The example file documents every setting with its default: parsed as a `showroom.toml`
    /// (environment aside), it gives exactly the built-in configuration.
    #[test]
    fn the_example_file_holds_exactly_the_defaults() {
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../showroom.example.toml");
        let loaded = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file_exact(&example))
            .extract::<Config>()
            .expect("the example parses");
        assert_eq!(
            loaded.to_redacted_toml(),
            Config::default().to_redacted_toml()
        );
    }
}
