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
mod facet_base;
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

/// Every store trait, for `use showroom_store::prelude::*;`. Calling a method through a bundle
/// handle (a [`DynCatalogStore`], a [`DynOrderStore`], …) needs the trait that declares it in
/// scope; this brings them all.
pub mod prelude {
    pub use crate::{
        AccountRecordStore, AccountStore, AssetStore, CartStore, CatalogImportStore, CatalogStore,
        CategoryStore, CheckoutStore, DashboardStore, DiscountStore, JobQueue, LoginSessionStore,
        MediaStore, OrderReads, OrderStateStore, OrderStore, OutboxStore, ProductReads,
        ProductStore, RefundStore, SharedKeyStore, StoreHealth, VariantStore,
    };
}

pub use accounts::{
    AccountRecordStore, AccountStore, ApiTokenRecord, Customer, LoginSessionStore, NewApiToken,
    SessionRecord, StaffMember, StaffRole, WithPasswordHash,
};
pub use assets::{
    AssetRecord, AssetStatus, AssetStore, ClaimedJob, FailureKind, JobQueue, NewAsset, UploadFormat,
};
pub use carts::{Cart, CartLine, CartStore, LineChange};
pub use catalog::{
    AssetVisibility, CatalogStore, CategoryStore, MediaStore, PoolStats, ProductReads,
    ProductStore, StoreHealth, VariantStore,
};
pub use clock::{duration_millis, unix_millis};
pub use cursor::{Cursor, CursorKey};
pub use dashboard::{
    DashboardFigures, DashboardQuery, DashboardStore, DaySales, LowStock, PipelineQueue, TopProduct,
};
pub use discounts::{DiscountRecord, DiscountStore};
pub use error::StoreError;
pub use facet_base::{BaseCategory, BaseProduct, BaseValue, FacetBase};
pub use facets::{
    price_bands, CategoryCount, OptionFacet, PriceBand, ProductFacets, ValueCount, MAX_FACET_VALUES,
};
pub use import::{CatalogImportStore, ImportOutcome, ImportProduct};
pub use model::*;
pub use order_mail::{render_order_mail, RenderedMail};
pub use orders::{
    Actor, CheckoutStore, NewOrder, NewOrderLine, Order, OrderHistoryEntry, OrderLine, OrderQuery,
    OrderReads, OrderStateStore, OrderStore, OrderTotals, ReleaseReason, MAX_ORDER_LINES,
};
pub use outbox::{OutboxMail, OutboxStore};
pub use query::{Page, ProductQuery, ProductSort, MAX_PAGE_SIZE};
pub use refunds::{NewRefund, Refund, RefundKind, RefundState, RefundStore};
pub use shared_keys::SharedKeyStore;
pub use tree::build_category_tree;

/// Shared handle to whichever backend the binary chose: every area at once. Services that need
/// one area take the narrow handle below instead (a `DynCatalogStore` coerces to each).
pub type DynCatalogStore = std::sync::Arc<dyn CatalogStore>;

/// The asset records: what the upload service needs.
pub type DynAssetStore = std::sync::Arc<dyn AssetStore>;

/// The asset processing queue: what the workers need.
pub type DynJobQueue = std::sync::Arc<dyn JobQueue>;

/// The orders: what checkout, the order desk and the webhooks need.
pub type DynOrderStore = std::sync::Arc<dyn OrderStore>;

/// The mail outbox: what the mail dispatcher needs.
pub type DynOutboxStore = std::sync::Arc<dyn OutboxStore>;

/// Customers, staff, tokens, sessions and the login throttle's counters.
pub type DynAccountStore = std::sync::Arc<dyn AccountStore>;

/// Carts.
pub type DynCartStore = std::sync::Arc<dyn CartStore>;

/// The session records and the login throttle's counters: what the database session layer needs.
pub type DynLoginSessionStore = std::sync::Arc<dyn LoginSessionStore>;
