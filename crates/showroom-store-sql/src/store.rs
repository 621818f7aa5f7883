//! [`SqlCatalog`]: the pool, the dialect, and the `CatalogStore` impl that routes each trait
//! method to the module that owns it. The locking helpers every write starts with live here.

use std::sync::{Arc, Once};

use async_trait::async_trait;
use showroom_domain::{Email, OrderNumber, ProductStatus, Slug, TrackingNumber};
use showroom_store::{
    AccountStore, Actor, ApiTokenRecord, AssetRecord, AssetStore, AssetVisibility, Cart, CartStore,
    CatalogStore, Category, CategoryPatch, ClaimedJob, ContentHash, Customer, DashboardFigures,
    DashboardQuery, DashboardStore, DiscountRecord, DiscountStore, FailureKind, ImportOutcome,
    ImportProduct, LineChange, Media, NewApiToken, NewAsset, NewCategory, NewMedia, NewOrder,
    NewProduct, NewRefund, NewVariant, Order, OrderHistoryEntry, OrderQuery, OrderStore,
    OutboxMail, OutboxStore, Page, PoolStats, Product, ProductFacets, ProductPatch, ProductQuery,
    ProductSummary, Refund, ReleaseReason, SessionRecord, StaffMember, StaffRole, StoreError,
    Variant, VariantPatch, WithPasswordHash,
};
use sqlx::any::Any;
use sqlx::{AnyConnection, AnyPool, Row, Transaction};
use uuid::Uuid;

use crate::error::db;
use crate::read::{self, ProductKey};
use crate::{listing, Dialect};

/// Registers sqlx's SQLite and PostgreSQL drivers with the `Any` driver; safe to call any number
/// of times from any thread.
pub fn install_drivers() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(sqlx::any::install_default_drivers);
}

/// The catalog over one connection pool. Cheap to clone: clones share the pool.
#[derive(Clone)]
pub struct SqlCatalog {
    pub(crate) pool: AnyPool,
    pub(crate) dialect: Arc<dyn Dialect>,
}

impl std::fmt::Debug for SqlCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlCatalog")
            .field("backend", &self.dialect.name())
            .finish_non_exhaustive()
    }
}

impl SqlCatalog {
    /// Wraps a pool whose schema the backend crate has already migrated.
    pub fn new(pool: AnyPool, dialect: impl Dialect) -> Self {
        Self {
            pool,
            dialect: Arc::new(dialect),
        }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>, StoreError> {
        self.pool
            .begin_with(self.dialect.begin_write())
            .await
            .map_err(db)
    }

    /// Takes the product's row lock (a no-op update) so writes to one product and its variants
    /// queue behind each other. `NotFound` when there is no such product.
    pub(crate) async fn lock_product(
        &self,
        conn: &mut AnyConnection,
        product_id: Uuid,
    ) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE products SET available = available WHERE id = $1")
            .bind(product_id.to_string())
            .execute(conn)
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "product" });
        }
        Ok(())
    }

    /// Locks the product owning a variant and returns its id; `NotFound` for an unknown variant.
    pub(crate) async fn lock_product_of_variant(
        &self,
        conn: &mut AnyConnection,
        variant_id: Uuid,
    ) -> Result<Uuid, StoreError> {
        let row = sqlx::query(
            "UPDATE products SET available = available \
             WHERE id = (SELECT product_id FROM variants WHERE id = $1) RETURNING id",
        )
        .bind(variant_id.to_string())
        .fetch_optional(conn)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound { what: "variant" })?;
        crate::rows::uuid(&row, "id")
    }
}

#[async_trait]
impl CatalogStore for SqlCatalog {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    fn pool_stats(&self) -> PoolStats {
        let idle = u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX);
        PoolStats {
            size: self.pool.size(),
            idle,
        }
    }

    fn backend_name(&self) -> &'static str {
        self.dialect.name()
    }

    async fn list_categories(&self) -> Result<Vec<Category>, StoreError> {
        self.list_categories_impl().await
    }

    async fn create_category(&self, new: NewCategory) -> Result<Category, StoreError> {
        self.create_category_impl(new).await
    }

    async fn update_category(
        &self,
        id: Uuid,
        patch: CategoryPatch,
    ) -> Result<Category, StoreError> {
        self.update_category_impl(id, patch).await
    }

    async fn list_products(
        &self,
        query: &ProductQuery,
    ) -> Result<Page<ProductSummary>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        listing::list(&mut conn, self.dialect.as_ref(), query).await
    }

    async fn product_facets(
        &self,
        query: &ProductQuery,
        band_starts: &[i64],
    ) -> Result<ProductFacets, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        crate::facets::facets(&mut conn, self.dialect.as_ref(), query, band_starts).await
    }

    async fn best_sellers(
        &self,
        since: i64,
        limit: u32,
    ) -> Result<Vec<ProductSummary>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        listing::best_sellers(&mut conn, since, limit).await
    }

    async fn product_by_slug(&self, slug: &Slug) -> Result<Option<Product>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        read::product(&mut conn, ProductKey::Slug(slug.as_str())).await
    }

    async fn product_by_id(&self, id: Uuid) -> Result<Option<Product>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        read::product(&mut conn, ProductKey::Id(id)).await
    }

    async fn count_products(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM products")
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        row.try_get("n")
            .map_err(|e| StoreError::Internal(Box::new(e)))
    }

    async fn create_product(&self, new: NewProduct) -> Result<Product, StoreError> {
        self.create_product_impl(new).await
    }

    async fn update_product(&self, id: Uuid, patch: ProductPatch) -> Result<Product, StoreError> {
        self.update_product_impl(id, patch).await
    }

    async fn set_product_status(
        &self,
        id: Uuid,
        status: ProductStatus,
    ) -> Result<Product, StoreError> {
        self.set_product_status_impl(id, status).await
    }

    async fn add_variant(&self, product_id: Uuid, new: NewVariant) -> Result<Variant, StoreError> {
        self.add_variant_impl(product_id, new).await
    }

    async fn update_variant(
        &self,
        variant_id: Uuid,
        patch: VariantPatch,
    ) -> Result<Variant, StoreError> {
        self.update_variant_impl(variant_id, patch).await
    }

    async fn adjust_inventory(&self, variant_id: Uuid, delta: i64) -> Result<Variant, StoreError> {
        self.adjust_inventory_impl(variant_id, delta).await
    }

    async fn link_material_variants(
        &self,
        product_id: Uuid,
        names: &[String],
    ) -> Result<Vec<Variant>, StoreError> {
        self.link_material_variants_impl(product_id, names).await
    }

    async fn add_media(&self, product_id: Uuid, new: NewMedia) -> Result<Media, StoreError> {
        self.add_media_impl(product_id, new).await
    }

    async fn import_products(
        &self,
        batch: &[ImportProduct],
    ) -> Result<Vec<ImportOutcome>, StoreError> {
        self.import_products_impl(batch).await
    }

    async fn export_products(
        &self,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<Product>, StoreError> {
        self.export_products_impl(after, limit).await
    }

    async fn asset_visibility(&self, hash: &ContentHash) -> Result<AssetVisibility, StoreError> {
        self.asset_visibility_impl(hash).await
    }
}

#[async_trait]
impl AssetStore for SqlCatalog {
    async fn register_asset(
        &self,
        new: NewAsset,
        max_attempts: u32,
    ) -> Result<(AssetRecord, bool), StoreError> {
        self.register_asset_impl(new, max_attempts).await
    }

    async fn asset(&self, hash: &ContentHash) -> Result<Option<AssetRecord>, StoreError> {
        self.asset_impl(hash).await
    }

    async fn list_assets(&self, limit: u32) -> Result<Vec<AssetRecord>, StoreError> {
        self.list_assets_impl(limit).await
    }

    async fn reprocess_asset(
        &self,
        hash: &ContentHash,
        max_attempts: u32,
    ) -> Result<AssetRecord, StoreError> {
        self.reprocess_asset_impl(hash, max_attempts).await
    }

    async fn claim_job(
        &self,
        worker: &str,
        lease: std::time::Duration,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        self.claim_job_impl(worker, lease).await
    }

    async fn report_progress(
        &self,
        job: Uuid,
        worker: &str,
        percent: u8,
        stage: &str,
        lease: std::time::Duration,
    ) -> Result<(), StoreError> {
        self.report_progress_impl(job, worker, percent, stage, lease)
            .await
    }

    async fn complete_job(
        &self,
        job: Uuid,
        worker: &str,
        report: serde_json::Value,
    ) -> Result<(), StoreError> {
        self.complete_job_impl(job, worker, report).await
    }

    async fn fail_job(
        &self,
        job: Uuid,
        worker: &str,
        reason: &str,
        kind: FailureKind,
        report: Option<serde_json::Value>,
    ) -> Result<(), StoreError> {
        self.fail_job_impl(job, worker, reason, kind, report).await
    }
}

#[async_trait]
impl OrderStore for SqlCatalog {
    async fn place_order(
        &self,
        new: NewOrder,
        hold: std::time::Duration,
    ) -> Result<(Order, bool), StoreError> {
        self.place_order_impl(new, hold).await
    }

    async fn mark_paid(&self, order_id: Uuid, payment_ref: &str) -> Result<Order, StoreError> {
        self.mark_paid_impl(order_id, payment_ref).await
    }

    async fn release(&self, order_id: Uuid, reason: ReleaseReason) -> Result<Order, StoreError> {
        self.release_impl(order_id, reason).await
    }

    async fn expired_reservations(&self, now: i64, limit: u32) -> Result<Vec<Uuid>, StoreError> {
        self.expired_reservations_impl(now, limit).await
    }

    async fn mark_captured(&self, order_id: Uuid, payment_ref: &str) -> Result<(), StoreError> {
        self.mark_captured_impl(order_id, payment_ref).await
    }

    async fn unrecorded_captures(
        &self,
        now: i64,
        limit: u32,
    ) -> Result<Vec<(Uuid, String)>, StoreError> {
        self.unrecorded_captures_impl(now, limit).await
    }

    async fn order_by_id(&self, id: Uuid) -> Result<Option<Order>, StoreError> {
        self.order_by_id_impl(id).await
    }

    async fn order_by_number(&self, number: OrderNumber) -> Result<Option<Order>, StoreError> {
        self.order_by_number_impl(number).await
    }

    async fn orders_for_email(&self, email: &Email, limit: u32) -> Result<Vec<Order>, StoreError> {
        self.orders_for_email_impl(email, limit).await
    }

    async fn orders_for_customer(
        &self,
        customer_id: Uuid,
        limit: u32,
    ) -> Result<Vec<Order>, StoreError> {
        self.orders_for_customer_impl(customer_id, limit).await
    }

    async fn list_orders(&self, query: &OrderQuery) -> Result<Vec<Order>, StoreError> {
        self.list_orders_impl(query).await
    }

    async fn fulfil(
        &self,
        order_id: Uuid,
        tracking: TrackingNumber,
        actor: Actor,
    ) -> Result<Order, StoreError> {
        self.fulfil_impl(order_id, tracking, actor).await
    }

    async fn order_history(&self, id: Uuid) -> Result<Vec<OrderHistoryEntry>, StoreError> {
        self.order_history_impl(id).await
    }

    async fn record_authorization(
        &self,
        order_id: Uuid,
        payment_ref: &str,
    ) -> Result<(), StoreError> {
        self.record_authorization_impl(order_id, payment_ref).await
    }

    async fn order_by_payment_ref(&self, payment_ref: &str) -> Result<Option<Order>, StoreError> {
        self.order_by_payment_ref_impl(payment_ref).await
    }

    async fn begin_refund(
        &self,
        order_id: Uuid,
        refund: NewRefund,
    ) -> Result<(Refund, bool), StoreError> {
        self.begin_refund_impl(order_id, refund).await
    }

    async fn complete_refund(
        &self,
        refund_id: Uuid,
        provider_ref: &str,
    ) -> Result<(Refund, Order), StoreError> {
        self.complete_refund_impl(refund_id, provider_ref).await
    }

    async fn fail_refund(&self, refund_id: Uuid, failure: &str) -> Result<Refund, StoreError> {
        self.fail_refund_impl(refund_id, failure).await
    }

    async fn refunds_for_order(&self, order_id: Uuid) -> Result<Vec<Refund>, StoreError> {
        self.refunds_for_order_impl(order_id).await
    }
}

#[async_trait]
impl AccountStore for SqlCatalog {
    async fn create_customer(
        &self,
        email: &Email,
        password_hash: &str,
    ) -> Result<Customer, StoreError> {
        self.create_customer_impl(email, password_hash).await
    }

    async fn customer(&self, id: Uuid) -> Result<Option<Customer>, StoreError> {
        self.customer_impl(id).await
    }

    async fn customer_login(
        &self,
        email: &Email,
    ) -> Result<Option<WithPasswordHash<Customer>>, StoreError> {
        self.customer_login_impl(email).await
    }

    async fn customer_password_hash(&self, id: Uuid) -> Result<Option<String>, StoreError> {
        self.customer_password_hash_impl(id).await
    }

    async fn set_customer_password(&self, id: Uuid, password_hash: &str) -> Result<(), StoreError> {
        self.set_customer_password_impl(id, password_hash).await
    }

    async fn create_staff(
        &self,
        email: &Email,
        password_hash: &str,
        role: StaffRole,
    ) -> Result<StaffMember, StoreError> {
        self.create_staff_impl(email, password_hash, role).await
    }

    async fn staff_member(&self, id: Uuid) -> Result<Option<StaffMember>, StoreError> {
        self.staff_member_impl(id).await
    }

    async fn staff_login(
        &self,
        email: &Email,
    ) -> Result<Option<WithPasswordHash<StaffMember>>, StoreError> {
        self.staff_login_impl(email).await
    }

    async fn list_staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        self.list_staff_impl().await
    }

    async fn update_staff(
        &self,
        id: Uuid,
        role: Option<StaffRole>,
        active: Option<bool>,
    ) -> Result<StaffMember, StoreError> {
        self.update_staff_impl(id, role, active).await
    }

    async fn count_staff(&self) -> Result<i64, StoreError> {
        self.count_staff_impl().await
    }

    async fn create_api_token(&self, new: NewApiToken) -> Result<ApiTokenRecord, StoreError> {
        self.create_api_token_impl(new).await
    }

    async fn use_api_token(&self, token_hash: &str) -> Result<Option<ApiTokenRecord>, StoreError> {
        self.use_api_token_impl(token_hash).await
    }

    async fn list_api_tokens(&self) -> Result<Vec<ApiTokenRecord>, StoreError> {
        self.list_api_tokens_impl().await
    }

    async fn revoke_api_token(&self, id: Uuid) -> Result<ApiTokenRecord, StoreError> {
        self.revoke_api_token_impl(id).await
    }

    async fn load_session(&self, id: &str, now: i64) -> Result<Option<SessionRecord>, StoreError> {
        self.load_session_impl(id, now).await
    }

    async fn save_session(&self, id: &str, record: &SessionRecord) -> Result<(), StoreError> {
        self.save_session_impl(id, record).await
    }

    async fn create_session(&self, id: &str, record: &SessionRecord) -> Result<bool, StoreError> {
        self.create_session_impl(id, record).await
    }

    async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        self.delete_session_impl(id).await
    }

    async fn sweep_sessions(&self, now: i64) -> Result<u64, StoreError> {
        self.sweep_sessions_impl(now).await
    }

    async fn record_login_failure(
        &self,
        key: &str,
        now: i64,
        window: std::time::Duration,
    ) -> Result<u32, StoreError> {
        self.record_login_failure_impl(key, now, window).await
    }

    async fn login_failures(
        &self,
        key: &str,
        now: i64,
        window: std::time::Duration,
    ) -> Result<(u32, i64), StoreError> {
        self.login_failures_impl(key, now, window).await
    }

    async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        self.clear_login_failures_impl(key).await
    }

    async fn forgive_login_failure(&self, key: &str) -> Result<(), StoreError> {
        self.forgive_login_failure_impl(key).await
    }

    async fn sweep_login_failures(&self, before: i64) -> Result<u64, StoreError> {
        self.sweep_login_failures_impl(before).await
    }
}

#[async_trait]
impl CartStore for SqlCatalog {
    async fn create_guest_cart(&self) -> Result<Cart, StoreError> {
        self.create_guest_cart_impl().await
    }

    async fn customer_cart(&self, customer_id: Uuid) -> Result<Cart, StoreError> {
        self.customer_cart_impl(customer_id).await
    }

    async fn cart(&self, cart_id: Uuid) -> Result<Option<Cart>, StoreError> {
        self.cart_impl(cart_id).await
    }

    async fn change_cart_line(
        &self,
        cart_id: Uuid,
        variant_id: Uuid,
        change: LineChange,
    ) -> Result<Cart, StoreError> {
        self.change_cart_line_impl(cart_id, variant_id, change)
            .await
    }

    async fn remove_cart_line(&self, cart_id: Uuid, variant_id: Uuid) -> Result<Cart, StoreError> {
        self.remove_cart_line_impl(cart_id, variant_id).await
    }

    async fn clear_cart(&self, cart_id: Uuid) -> Result<Cart, StoreError> {
        self.clear_cart_impl(cart_id).await
    }

    async fn set_cart_discount_code(
        &self,
        cart_id: Uuid,
        code: Option<&str>,
    ) -> Result<Cart, StoreError> {
        self.set_cart_discount_code_impl(cart_id, code).await
    }

    async fn merge_into_customer(
        &self,
        guest_cart_id: Uuid,
        customer_id: Uuid,
    ) -> Result<Cart, StoreError> {
        self.merge_into_customer_impl(guest_cart_id, customer_id)
            .await
    }

    async fn sweep_guest_carts(&self, before: i64, limit: u32) -> Result<u64, StoreError> {
        self.sweep_guest_carts_impl(before, limit).await
    }

    async fn order_for_checkout_key(
        &self,
        key: &showroom_domain::IdempotencyKey,
    ) -> Result<Option<Order>, StoreError> {
        self.order_for_checkout_key_impl(key).await
    }
}

#[async_trait]
impl DashboardStore for SqlCatalog {
    async fn dashboard(&self, query: &DashboardQuery) -> Result<DashboardFigures, StoreError> {
        self.dashboard_impl(query).await
    }
}

#[async_trait]
impl DiscountStore for SqlCatalog {
    async fn create_discount(
        &self,
        discount: showroom_domain::Discount,
    ) -> Result<DiscountRecord, StoreError> {
        self.create_discount_impl(discount).await
    }

    async fn list_discounts(&self) -> Result<Vec<DiscountRecord>, StoreError> {
        self.list_discounts_impl().await
    }

    async fn discount_by_code(
        &self,
        code: &showroom_domain::DiscountCode,
    ) -> Result<Option<DiscountRecord>, StoreError> {
        self.discount_by_code_impl(code).await
    }

    async fn set_discount_active(
        &self,
        code: &showroom_domain::DiscountCode,
        active: bool,
    ) -> Result<DiscountRecord, StoreError> {
        self.set_discount_active_impl(code, active).await
    }
}

#[async_trait]
impl OutboxStore for SqlCatalog {
    async fn claim_mail(
        &self,
        now: i64,
        lease: std::time::Duration,
        limit: u32,
    ) -> Result<Vec<OutboxMail>, StoreError> {
        self.claim_mail_impl(now, lease, limit).await
    }

    async fn mark_mail_sent(&self, id: Uuid) -> Result<(), StoreError> {
        self.mark_mail_sent_impl(id).await
    }

    async fn mark_mail_failed(
        &self,
        id: Uuid,
        error: &str,
        retry_at: Option<i64>,
    ) -> Result<(), StoreError> {
        self.mark_mail_failed_impl(id, error, retry_at).await
    }

    async fn mail_for_order(&self, order_id: Uuid) -> Result<Vec<OutboxMail>, StoreError> {
        self.mail_for_order_impl(order_id).await
    }
}
