//! What every handler can reach: the catalog, the cache, the blob store, settings, and the
//! readiness switch that graceful shutdown turns off before the server stops accepting.

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};
use std::time::Duration;

use metrics_exporter_prometheus::PrometheusHandle;
use secrecy::SecretString;
use showroom_assets::BlobStore;
use showroom_cache::Cache;
use showroom_domain::Currency;
use showroom_store::DynCatalogStore;

use crate::checkout::CheckoutSettings;
use crate::delivery::Delivery;

/// Settings the HTTP layer needs, already parsed by the binary.
#[derive(Clone)]
pub struct HttpSettings {
    /// Bearer token for `/api/v1/admin`; `None` disables the admin API (every call is 401).
    pub admin_token: Option<SecretString>,
    /// The shop's currency: every price written must be in it.
    pub currency: Currency,
    pub request_timeout: Duration,
    /// Largest accepted JSON body.
    pub body_limit_bytes: usize,
    /// How long cached API responses live at most (invalidation usually comes first).
    pub cache_ttl: Duration,
    /// Largest model upload (streamed to object storage, never held in memory).
    pub upload_limit_bytes: u64,
    /// Processing attempts per upload before it fails for good.
    pub job_max_attempts: u32,
    /// Failed-login limits per account and per client IP.
    pub login_throttle: crate::LoginThrottle,
    /// A session ends after this long without a request.
    pub session_inactivity: Duration,
    /// Mark the session cookie `Secure` on every response, not only on HTTPS requests.
    pub always_secure_cookies: bool,
    /// What one connection may hold: the binary's accept loop enforces these.
    pub connections: ConnectionLimits,
    /// Who may read `/metrics` and why `/readyz` fails; `None`: everyone.
    pub ops_trusted: Option<showroom_shield::IpList>,
}

/// Limits per connection and on their number, for the server's accept loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Longest wait for a whole request head (also between kept-alive requests).
    pub header_read_timeout: Duration,
    /// Longest time with no byte read or written before the connection is closed.
    pub idle_timeout: Duration,
    /// Open connections at most.
    pub max_connections: usize,
}

/// Turned off when the process starts draining, so `/readyz` answers 503 before the listener
/// closes and a load balancer stops sending new requests.
#[derive(Clone, Default)]
pub struct Readiness(Arc<AtomicBool>);

impl Readiness {
    pub fn new_ready() -> Self {
        Self(Arc::new(AtomicBool::new(true)))
    }
    pub fn start_draining(&self) {
        self.0.store(false, Ordering::SeqCst);
    }
    pub fn is_accepting(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

#[derive(Clone)]
pub struct AppState {
    pub catalog: DynCatalogStore,
    pub cache: Arc<dyn Cache>,
    pub blobs: Arc<BlobStore>,
    pub settings: Arc<HttpSettings>,
    pub readiness: Readiness,
    pub metrics: Option<PrometheusHandle>,
    /// Asset delivery: CDN base, origin secret, signing key, CORS origins, in-memory copies.
    pub delivery: Arc<Delivery>,
    /// The web application firewall layer, built by the binary; `None` runs without it.
    pub shield: Option<showroom_shield::ShieldLayer>,
    /// Checkout: the payment provider, the reservation hold and timeout, the pricing rules.
    pub checkout: Arc<CheckoutSettings>,
    /// Where cookie sessions live: the database, or Redis.
    pub sessions: crate::sessions::ShopSessionStore,
}
