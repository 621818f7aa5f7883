//! What every handler can reach: the shop's use cases ([`Shop`]), the catalog for reads, the
//! cache, the blob store, settings, and the readiness switch that graceful shutdown turns off
//! before the server stops accepting.
//!
//! Reads of the catalog go straight to the store (through the response cache); everything that
//! changes the shop on a shopper's or merchant's behalf goes through [`Shop`], so the API and
//! the pages share one set of rules.

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};
use std::time::Duration;

use metrics_exporter_prometheus::PrometheusHandle;
use secrecy::SecretString;
use showroom_assets::BlobStore;
use showroom_cache::Cache;
use showroom_shop::Shop;
use showroom_store::DynCatalogStore;

use crate::delivery::Delivery;

/// Settings the HTTP layer needs, already parsed by the binary.
#[derive(Clone)]
pub struct HttpSettings {
    /// Bearer token for `/api/v1/admin`; `None` disables the admin API (every call is 401).
    pub admin_token: Option<SecretString>,
    pub request_timeout: Duration,
    /// Largest accepted JSON body.
    pub body_limit_bytes: usize,
    /// How long cached API responses live at most (invalidation usually comes first).
    pub cache_ttl: Duration,
    /// A session ends after this long without a request.
    pub session_inactivity: Duration,
    /// Mark the session cookie `Secure` on every response, not only on HTTPS requests.
    pub always_secure_cookies: bool,
    /// What one connection may hold: the binary's accept loop enforces these.
    pub connections: ConnectionLimits,
    /// Who may read `/metrics` and why `/readyz` fails; `None`: everyone.
    pub ops_trusted: Option<showroom_shield::IpList>,
    /// The shop's public origin (`https://shop.example`, no trailing slash): canonical URLs,
    /// the sitemap, Open Graph and structured data are built on it, never on the `Host` header.
    pub public_url: String,
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

/// What every handler can reach, behind one `Arc`: axum clones the state for every extractor
/// and middleware of every request, so a clone is one reference count (it was dozens of them,
/// about 7 % of a cold product page's CPU). Reads go through [`AppParts`] by `Deref`.
#[derive(Clone)]
pub struct AppState(Arc<AppParts>);

impl AppState {
    pub fn new(parts: AppParts) -> Self {
        Self(Arc::new(parts))
    }
}

impl std::ops::Deref for AppState {
    type Target = AppParts;

    fn deref(&self) -> &AppParts {
        &self.0
    }
}

/// The parts of [`AppState`].
pub struct AppParts {
    /// The use cases: accounts, carts, checkout, the order desk, uploads.
    pub shop: Shop,
    /// The same store the shop uses, for catalog reads.
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
    /// Where cookie sessions live: the database, or Redis.
    pub sessions: crate::sessions::ShopSessionStore,
    /// What the HTML pages keep in memory (model facts).
    pub pages: Arc<crate::pages::PageState>,
}
