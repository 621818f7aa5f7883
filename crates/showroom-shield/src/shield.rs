//! [`Shield`]: the configuration compiled once at start-up, shared by every request.
//!
//! [`Shield::build`] checks every setting (CIDRs, methods, rates, header values) and names the
//! one at fault, so a typo stops start-up instead of silently weakening the shield. With a
//! `redis://` URL it connects the shared rate limiter, and fails start-up if Redis does not
//! answer, as the cache does for the same URL; later outages fall back to the in-process
//! limiter.

use std::sync::Arc;
use std::time::Duration;

use http::Method;

use crate::client_ip::ProxyTrust;
use crate::config::{RuleModes, ShieldConfig};
use crate::headers::SecurityHeaders;
use crate::in_flight::InFlight;
use crate::ip_list::IpList;
use crate::layer::ShieldLayer;
use crate::rate_limit::{Rate, RateLimiter, RedisLimiter};
use crate::rules::{Rules, ScannerPaths, Signatures, SizeLimits};

const REDIS_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// A rate-limit check waits at most this long for Redis before the in-process limiter decides.
const REDIS_COMMAND_TIMEOUT: Duration = Duration::from_millis(250);

/// A setting the shield cannot work with.
#[derive(Debug, thiserror::Error)]
#[error("{setting}: {reason}")]
pub struct ShieldError {
    /// Dotted path of the setting, e.g. `shield.trusted_proxies`.
    pub setting: String,
    pub reason: String,
}

fn invalid(key: &str, reason: impl std::fmt::Display) -> ShieldError {
    ShieldError {
        setting: format!("shield.{key}"),
        reason: reason.to_string(),
    }
}

pub struct Shield {
    pub(crate) trust: ProxyTrust,
    pub(crate) allow: IpList,
    pub(crate) deny: IpList,
    pub(crate) rules: Rules,
    pub(crate) modes: RuleModes,
    pub(crate) limiter: Option<RateLimiter>,
    pub(crate) session_cookie: String,
    pub(crate) in_flight: InFlight,
    pub(crate) headers: SecurityHeaders,
    pub(crate) assume_https: bool,
    pub(crate) form_inspect_limit: usize,
    pub(crate) allow_header: http::HeaderValue,
}

impl Shield {
    /// Compiles `config`. `redis_url` is the cache URL when it is `redis://` or `rediss://`:
    /// rate limits are then shared through it.
    pub async fn build(
        config: &ShieldConfig,
        redis_url: Option<&str>,
    ) -> Result<Self, ShieldError> {
        let ips = |key: &str, items: &[String]| IpList::parse(items).map_err(|e| invalid(key, e));
        let methods = config
            .allowed_methods
            .iter()
            .map(|m| Method::from_bytes(m.to_ascii_uppercase().as_bytes()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid("allowed_methods", e))?;
        let allow_header = http::HeaderValue::from_str(
            &methods
                .iter()
                .map(Method::as_str)
                .collect::<Vec<_>>()
                .join(", "),
        )
        .map_err(|e| invalid("allowed_methods", e))?;
        let headers = SecurityHeaders::new(
            &config.content_security_policy,
            &config.permissions_policy,
            config.hsts_max_age_secs,
        )
        .map_err(|key| invalid(key, "not a valid header value"))?;
        Ok(Self {
            trust: ProxyTrust {
                proxies: ips("trusted_proxies", &config.trusted_proxies)?,
                header: config.forwarded_header,
            },
            allow: ips("allow_ips", &config.allow_ips)?,
            deny: ips("deny_ips", &config.deny_ips)?,
            rules: Rules {
                methods,
                sizes: SizeLimits {
                    max_url_bytes: config.max_url_bytes,
                    max_header_bytes: config.max_header_bytes,
                    max_cookie_bytes: config.max_cookie_bytes,
                    max_header_count: config.max_header_count,
                },
                scanner: ScannerPaths::new(&config.extra_scanner_paths),
                signatures: Signatures::new(),
            },
            modes: config.rules.clone(),
            limiter: build_limiter(config, redis_url).await?,
            session_cookie: config.rate_limit.session_cookie.clone(),
            in_flight: InFlight::new(config.max_in_flight),
            headers,
            assume_https: config.assume_https,
            form_inspect_limit: config.form_inspect_limit_bytes,
            allow_header,
        })
    }

    /// The tower layer that applies this shield.
    pub fn layer(self) -> ShieldLayer {
        ShieldLayer::new(Arc::new(self))
    }
}

async fn build_limiter(
    config: &ShieldConfig,
    redis_url: Option<&str>,
) -> Result<Option<RateLimiter>, ShieldError> {
    let limits = &config.rate_limit;
    if !limits.enabled {
        return Ok(None);
    }
    let rate = |class: &str, per_sec: f64, burst: u32| {
        Rate::new(per_sec, burst).map_err(|e| {
            let key = if burst == 0 { "burst" } else { "per_sec" };
            invalid(&format!("rate_limit.{class}_{key}"), e)
        })
    };
    let general = rate("general", limits.general_per_sec, limits.general_burst)?;
    let strict = rate("strict", limits.strict_per_sec, limits.strict_burst)?;
    let redis = match redis_url {
        Some(url) => Some(
            RedisLimiter::connect(
                url,
                &limits.redis_key_prefix,
                REDIS_CONNECT_TIMEOUT,
                REDIS_COMMAND_TIMEOUT,
            )
            .await
            .map_err(|e| ShieldError {
                setting: "cache_url".into(),
                reason: format!("the shield's shared rate limiter cannot reach Redis: {e}"),
            })?,
        ),
        None => None,
    };
    Ok(Some(RateLimiter::new(
        general,
        strict,
        limits.strict_paths.clone(),
        redis,
    )))
}
