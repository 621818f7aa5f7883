//! [`Shop`]: every use case, as services that each hold only the store areas they need. The
//! binary builds one from its backends and settings ([`Shop::new`]); the API, the pages and the
//! CLI call its services.

use std::sync::Arc;

use showroom_assets::BlobStore;
use showroom_domain::Currency;
use showroom_store::DynCatalogStore;

use crate::accounts::{Accounts, LoginThrottle};
use crate::carts::Carts;
use crate::checkout::{Checkout, CheckoutSettings};
use crate::order_desk::OrderDesk;
use crate::uploads::{UploadSettings, Uploads};

/// What the use cases are configured with, parsed by the binary.
#[derive(Clone)]
pub struct ShopSettings {
    /// The shop's currency: every price and order is in it.
    pub currency: Currency,
    pub checkout: CheckoutSettings,
    pub login_throttle: LoginThrottle,
    pub uploads: UploadSettings,
}

/// The shop's use cases. Cheap to clone: every service holds shared handles.
#[derive(Clone)]
pub struct Shop {
    /// Customers, staff, logins, passwords, API tokens.
    pub accounts: Accounts,
    /// The shopper's cart and its totals.
    pub carts: Carts,
    /// Placing and paying orders; the payment provider's webhooks.
    pub checkout: Checkout,
    /// Staff actions on orders: ship, refund, cancel.
    pub order_desk: OrderDesk,
    /// Model uploads into the processing queue.
    pub uploads: Uploads,
    currency: Currency,
}

impl Shop {
    /// Hands each service its part of `store` (one backend implements every area).
    pub fn new(store: &DynCatalogStore, blobs: Arc<BlobStore>, settings: ShopSettings) -> Self {
        let currency = settings.currency;
        let pricing = Arc::new(settings.checkout.pricing.clone());
        let checkout = Arc::new(settings.checkout);
        Self {
            accounts: Accounts::new(store.clone(), store.clone(), settings.login_throttle),
            carts: Carts::new(store.clone(), store.clone(), pricing, currency),
            checkout: Checkout::new(store.clone(), store.clone(), checkout.clone(), currency),
            order_desk: OrderDesk::new(store.clone(), checkout),
            uploads: Uploads::new(store.clone(), blobs, settings.uploads),
            currency,
        }
    }

    /// The shop's currency: every price and order is in it.
    pub fn currency(&self) -> Currency {
        self.currency
    }
}
