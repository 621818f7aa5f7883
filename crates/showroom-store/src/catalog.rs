//! The catalog storage traits, one per area — categories ([`CategoryStore`]), product writes
//! ([`ProductStore`]), variants and their stock ([`VariantStore`]), media ([`MediaStore`]) and
//! product reads ([`ProductReads`]) — plus the backend's health ([`StoreHealth`]) and
//! [`CatalogStore`], the bundle of every storage area that a backend provides.
//!
//! Every method is one transaction: a call either happens whole or not at all. Unique fields
//! (slugs, SKUs) come back as [`StoreError::Conflict`] naming the field. Derived listing data
//! (price range, available units) is kept current by the same transaction that changes a variant
//! or its stock.

use async_trait::async_trait;
use showroom_domain::{ProductStatus, Slug};
use uuid::Uuid;

use crate::{
    AccountStore, AssetStore, CartStore, CatalogImportStore, Category, CategoryPatch, ContentHash,
    DashboardStore, DiscountStore, JobQueue, Media, NewCategory, NewMedia, NewProduct, NewVariant,
    OrderStore, OutboxStore, Page, Product, ProductFacets, ProductPatch, ProductQuery,
    ProductSummary, SharedKeyStore, StoreError, Variant, VariantPatch,
};

/// Connection pool figures for `/metrics`.
#[derive(Debug, Clone, Copy, Default)]
pub struct PoolStats {
    /// Connections open now.
    pub size: u32,
    /// Of those, waiting for a caller.
    pub idle: u32,
    /// The most the pool opens (`database_max_connections`).
    pub max: u32,
}

/// Who may fetch the files stored under one content address, judged by the products whose media
/// use it. The asset delivery route asks this on every request (through a short-lived cache
/// that every catalog write invalidates), so publishing or archiving takes effect at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetVisibility {
    /// At least one published product shows it: anyone may fetch it.
    Public,
    /// Only draft or archived products use it: staff and signed URLs only.
    Private,
    /// No product uses it (a fresh upload, or an unknown hash): staff and signed URLs only.
    Unknown,
}

impl AssetVisibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
            Self::Unknown => "unknown",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "public" => Some(Self::Public),
            "private" => Some(Self::Private),
            "unknown" => Some(Self::Unknown),
            _ => None,
        }
    }
}

/// The backend itself: a liveness probe and pool figures. Says nothing about any one area.
#[async_trait]
pub trait StoreHealth: Send + Sync + 'static {
    /// A cheap round trip, for `/readyz`.
    async fn ping(&self) -> Result<(), StoreError>;
    fn pool_stats(&self) -> PoolStats;
    /// `"sqlite"` or `"postgres"`, for logs and `/readyz`.
    fn backend_name(&self) -> &'static str;
}

/// The category tree. Guarantees the tree stays a tree: a parent must exist and a move that
/// would make a cycle is refused.
#[async_trait]
pub trait CategoryStore: Send + Sync + 'static {
    /// Every category, sorted by name; see [`crate::build_category_tree`].
    async fn list_categories(&self) -> Result<Vec<Category>, StoreError>;
    /// `Invalid { field: "parent_id" }` for an unknown parent.
    async fn create_category(&self, new: NewCategory) -> Result<Category, StoreError>;
    /// `Invalid { field: "parent_id" }` when the move would make a cycle.
    async fn update_category(&self, id: Uuid, patch: CategoryPatch)
        -> Result<Category, StoreError>;
}

/// Reads of the catalog's products: listings, facets, best sellers and single products. Never
/// writes and takes no lock.
#[async_trait]
pub trait ProductReads: Send + Sync + 'static {
    async fn list_products(&self, query: &ProductQuery)
        -> Result<Page<ProductSummary>, StoreError>;
    /// Counts per category, option value and price band of the products matching `query`'s
    /// filters (its sort, limit and cursor are ignored). `band_starts` are the bands' lower
    /// bounds in minor units, ascending; the first band starts at the first bound, the last has
    /// no upper bound.
    async fn product_facets(
        &self,
        query: &ProductQuery,
        band_starts: &[i64],
    ) -> Result<ProductFacets, StoreError>;
    /// The [`FacetBase`](crate::FacetBase) of `category` (and the categories below it) for the
    /// products with `status` (`None`: every status): each product's category, cheapest price,
    /// availability and option values, read together. `None` when no category has the slug.
    async fn facet_base(
        &self,
        category: &Slug,
        status: Option<ProductStatus>,
    ) -> Result<Option<crate::FacetBase>, StoreError>;
    /// The shop's best sellers: published products with a unit available, ranked by the units
    /// sold in orders placed at or after `since` (Unix ms) that were paid and not wholly
    /// refunded or cancelled (`paid`, `fulfilled`, `partially_refunded`, as the dashboard
    /// counts sales); most units first, ties by id. At most `limit` (clamped to
    /// [`MAX_PAGE_SIZE`](crate::MAX_PAGE_SIZE)); products that sold nothing are not listed.
    async fn best_sellers(&self, since: i64, limit: u32)
        -> Result<Vec<ProductSummary>, StoreError>;
    async fn product_by_slug(&self, slug: &Slug) -> Result<Option<Product>, StoreError>;
    async fn product_by_id(&self, id: Uuid) -> Result<Option<Product>, StoreError>;
    async fn count_products(&self) -> Result<i64, StoreError>;
}

/// Writes of a product's own fields and status, each one write transaction. A slug another
/// product has is `Conflict { field: "slug" }`.
#[async_trait]
pub trait ProductStore: Send + Sync + 'static {
    /// `Invalid { field: "category_id" }` for an unknown category.
    async fn create_product(&self, new: NewProduct) -> Result<Product, StoreError>;
    async fn update_product(&self, id: Uuid, patch: ProductPatch) -> Result<Product, StoreError>;
    async fn set_product_status(
        &self,
        id: Uuid,
        status: ProductStatus,
    ) -> Result<Product, StoreError>;
}

/// Variants and their stock. Every write locks the owning product first; a write that changes a
/// price or the stock recomputes the product's listing data (price range, available units) in the
/// same transaction, and stock never falls below zero or below the reserved units.
#[async_trait]
pub trait VariantStore: Send + Sync + 'static {
    /// Option values must name the product's options and their values
    /// (`Invalid { field: "option_values" }` otherwise).
    async fn add_variant(&self, product_id: Uuid, new: NewVariant) -> Result<Variant, StoreError>;
    async fn update_variant(
        &self,
        variant_id: Uuid,
        patch: VariantPatch,
    ) -> Result<Variant, StoreError>;
    /// Adds `delta` (may be negative) to the units on hand. Refused with
    /// `Conflict { field: "delta" }` when on hand would fall below zero or below the reserved
    /// units; the check and the write are one conditional update.
    async fn adjust_inventory(&self, variant_id: Uuid, delta: i64) -> Result<Variant, StoreError>;

    /// Links each variant that has no `material_variant` yet to the first of `names` (the
    /// model's `KHR_materials_variants`) equal to one of its option values, ignoring ASCII case;
    /// variants already linked keep their choice. Returns every variant of the product.
    async fn link_material_variants(
        &self,
        product_id: Uuid,
        names: &[String],
    ) -> Result<Vec<Variant>, StoreError>;
}

/// A product's media gallery, and who may see the files media point at.
#[async_trait]
pub trait MediaStore: Send + Sync + 'static {
    /// Appends a media item at the end of the product's gallery.
    async fn add_media(&self, product_id: Uuid, new: NewMedia) -> Result<Media, StoreError>;

    /// Whether the asset at `hash` is shown by a published product (any of its files: the
    /// model, its posters and USDZ share the address). One read, no lock.
    async fn asset_visibility(&self, hash: &ContentHash) -> Result<AssetVisibility, StoreError>;
}

/// Every storage area at once: what a backend provides and what [`crate::DynCatalogStore`]
/// names. It has no methods of its own; each area's trait (see [`crate::prelude`]) carries them,
/// so an `Arc<dyn CatalogStore>` upcasts to the narrow handle a service needs (an
/// `Arc<dyn OrderStore>`, an `Arc<dyn JobQueue>`, …). Implemented for every type that implements
/// every area.
pub trait CatalogStore:
    StoreHealth
    + CategoryStore
    + ProductReads
    + ProductStore
    + VariantStore
    + MediaStore
    + CatalogImportStore
    + AccountStore
    + AssetStore
    + JobQueue
    + OrderStore
    + CartStore
    + DiscountStore
    + DashboardStore
    + OutboxStore
    + SharedKeyStore
    + Send
    + Sync
    + 'static
{
}

impl<T> CatalogStore for T where
    T: StoreHealth
        + CategoryStore
        + ProductReads
        + ProductStore
        + VariantStore
        + MediaStore
        + CatalogImportStore
        + AccountStore
        + AssetStore
        + JobQueue
        + OrderStore
        + CartStore
        + DiscountStore
        + DashboardStore
        + OutboxStore
        + SharedKeyStore
        + ?Sized
{
}
