#![doc = include_str!("../README.md")]

mod accounts;
mod assets;
mod carts;
mod catalog;
mod clock;
mod cursor;
mod dashboard;
mod discounts;
mod error;
mod facets;
mod import;
mod model;
mod order_mail;
mod orders;
mod outbox;
mod query;
pub mod refunds;
mod shared_keys;
mod tree;

#[cfg(feature = "contract")]
pub mod contract;

pub use accounts::{
    AccountStore, ApiTokenRecord, Customer, NewApiToken, SessionRecord, StaffMember, StaffRole,
    WithPasswordHash,
};
pub use assets::{
    AssetRecord, AssetStatus, AssetStore, ClaimedJob, FailureKind, NewAsset, UploadFormat,
};
pub use carts::{Cart, CartLine, CartStore, LineChange};
pub use catalog::{AssetVisibility, CatalogStore, PoolStats};
pub use clock::unix_millis;
pub use cursor::{Cursor, CursorKey};
pub use dashboard::{
    DashboardFigures, DashboardQuery, DashboardStore, DaySales, LowStock, PipelineQueue, TopProduct,
};
pub use discounts::{DiscountRecord, DiscountStore};
pub use error::StoreError;
pub use facets::{
    CategoryCount, OptionFacet, PriceBand, ProductFacets, ValueCount, MAX_FACET_VALUES,
};
pub use import::{ImportOutcome, ImportProduct};
pub use model::*;
pub use order_mail::{render_order_mail, RenderedMail};
pub use orders::{
    Actor, NewOrder, NewOrderLine, Order, OrderHistoryEntry, OrderLine, OrderQuery, OrderStore,
    OrderTotals, ReleaseReason, MAX_ORDER_LINES,
};
pub use outbox::{OutboxMail, OutboxStore};
pub use query::{Page, ProductQuery, ProductSort, MAX_PAGE_SIZE};
pub use refunds::{NewRefund, Refund, RefundKind, RefundState};
pub use shared_keys::SharedKeyStore;
pub use tree::build_category_tree;

/// Shared handle to whichever backend the binary chose: every area at once. Services that need
/// one area take the narrow handle below instead (a `DynCatalogStore` coerces to each).
pub type DynCatalogStore = std::sync::Arc<dyn CatalogStore>;

/// The asset records and their processing queue: what the workers need.
pub type DynAssetStore = std::sync::Arc<dyn AssetStore>;

/// The orders: what checkout, the order desk and the webhooks need.
pub type DynOrderStore = std::sync::Arc<dyn OrderStore>;

/// The mail outbox: what the mail dispatcher needs.
pub type DynOutboxStore = std::sync::Arc<dyn OutboxStore>;

/// Customers, staff, tokens, sessions and the login throttle's counters.
pub type DynAccountStore = std::sync::Arc<dyn AccountStore>;

/// Carts.
pub type DynCartStore = std::sync::Arc<dyn CartStore>;
