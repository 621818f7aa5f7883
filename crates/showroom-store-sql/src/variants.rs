//! Writing variants and stock. Each write locks its product row first (so concurrent writes to one
//! product queue instead of computing listing data from stale snapshots), changes the variant, then
//! recomputes the product's listing columns in the same transaction.
//!
//! A product sells in one currency: every variant's price and compare-at price use the currency of
//! the product's other variants.

use std::collections::BTreeMap;

use async_trait::async_trait;
use showroom_domain::Money;
use showroom_store::{NewVariant, StoreError, Variant, VariantPatch, VariantStore};
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use crate::error::{db, on_write};
use crate::read::{self, written_variant, ProductKey};
use crate::sql::now_millis;
use crate::{validate, SqlCatalog};

/// A stock change larger than this is an input error, and refusing it keeps `on_hand + delta`
/// far from overflowing a BIGINT on either engine.
const MAX_DELTA: i64 = 1_000_000_000_000;

#[async_trait]
impl VariantStore for SqlCatalog {
    async fn add_variant(&self, product_id: Uuid, new: NewVariant) -> Result<Variant, StoreError> {
        let mut tx = self.begin_write().await?;
        self.lock_product(&mut tx, product_id).await?;
        let product = read::product(&mut tx, ProductKey::Id(product_id))
            .await?
            .ok_or(StoreError::NotFound { what: "product" })?;
        validate::option_values(&product.options, &new.option_values)?;
        check_currency(&mut tx, product_id, None, new.price, new.compare_at_price).await?;

        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO variants (id, product_id, sku, price_minor, currency, compare_at_minor, weight_grams, \
             on_hand, reserved, created_at, material_variant) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10)",
        )
        .bind(id.to_string())
        .bind(product_id.to_string())
        .bind(new.sku.as_str())
        .bind(new.price.amount_minor)
        .bind(new.price.currency.code())
        .bind(new.compare_at_price.map(|m| m.amount_minor))
        .bind(new.weight_grams)
        .bind(i64::from(new.on_hand))
        .bind(now_millis())
        .bind(new.material_variant.as_deref())
        .execute(&mut *tx)
        .await
        .map_err(on_write("product_id"))?;
        write_option_values(&mut tx, id, &new.option_values).await?;
        recompute_listing(&mut tx, product_id).await?;
        let variant = written_variant(&mut tx, id).await?;
        tx.commit().await.map_err(db)?;
        Ok(variant)
    }

    async fn update_variant(
        &self,
        variant_id: Uuid,
        patch: VariantPatch,
    ) -> Result<Variant, StoreError> {
        let mut tx = self.begin_write().await?;
        let product_id = self.lock_product_of_variant(&mut tx, variant_id).await?;
        let current = written_variant(&mut tx, variant_id).await?;
        let price = patch.price.unwrap_or(current.price);
        let compare_at = patch.compare_at_price.unwrap_or(current.compare_at_price);
        check_currency(&mut tx, product_id, Some(variant_id), price, compare_at).await?;
        if let Some(chosen) = &patch.option_values {
            let product = read::written_product(&mut tx, product_id).await?;
            validate::option_values(&product.options, chosen)?;
        }
        sqlx::query(
            "UPDATE variants SET sku = $2, price_minor = $3, currency = $4, compare_at_minor = $5, weight_grams = $6, \
             material_variant = $7 WHERE id = $1",
        )
        .bind(variant_id.to_string())
        .bind(patch.sku.unwrap_or(current.sku).as_str().to_owned())
        .bind(price.amount_minor)
        .bind(price.currency.code())
        .bind(compare_at.map(|m| m.amount_minor))
        .bind(patch.weight_grams.unwrap_or(current.weight_grams))
        .bind(patch.material_variant.unwrap_or(current.material_variant))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if let Some(chosen) = &patch.option_values {
            sqlx::query("DELETE FROM variant_options WHERE variant_id = $1")
                .bind(variant_id.to_string())
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            write_option_values(&mut tx, variant_id, chosen).await?;
        }
        recompute_listing(&mut tx, product_id).await?;
        let variant = written_variant(&mut tx, variant_id).await?;
        tx.commit().await.map_err(db)?;
        Ok(variant)
    }

    async fn adjust_inventory(&self, variant_id: Uuid, delta: i64) -> Result<Variant, StoreError> {
        if delta.abs() > MAX_DELTA {
            return Err(StoreError::invalid(
                "delta",
                "that stock change is too large",
            ));
        }
        let mut tx = self.begin_write().await?;
        let product_id = self.lock_product_of_variant(&mut tx, variant_id).await?;
        // The check and the write are one statement: no reader can slip between them.
        let changed = sqlx::query(
            "UPDATE variants SET on_hand = on_hand + $1 \
             WHERE id = $2 AND on_hand + $1 >= reserved AND on_hand + $1 >= 0 RETURNING id",
        )
        .bind(delta)
        .bind(variant_id.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if changed.is_none() {
            return Err(StoreError::conflict(
                "delta",
                "not enough units on hand for that change",
            ));
        }
        recompute_listing(&mut tx, product_id).await?;
        let variant = written_variant(&mut tx, variant_id).await?;
        tx.commit().await.map_err(db)?;
        Ok(variant)
    }

    async fn link_material_variants(
        &self,
        product_id: Uuid,
        names: &[String],
    ) -> Result<Vec<Variant>, StoreError> {
        let mut tx = self.begin_write().await?;
        self.lock_product(&mut tx, product_id).await?;
        let product = read::written_product(&mut tx, product_id).await?;
        let option_order: Vec<&str> = product.options.iter().map(|o| o.name.as_str()).collect();
        for variant in &product.variants {
            if variant.material_variant.is_some() {
                continue;
            }
            // Options in the product's order, so `Color` (usually first) wins over `Size`.
            let picked = option_order
                .iter()
                .filter_map(|option| variant.option_values.get(*option))
                .find_map(|value| names.iter().find(|name| name.eq_ignore_ascii_case(value)));
            if let Some(name) = picked {
                sqlx::query("UPDATE variants SET material_variant = $2 WHERE id = $1")
                    .bind(variant.id.to_string())
                    .bind(name.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
            }
        }
        let linked = read::written_product(&mut tx, product_id).await?.variants;
        tx.commit().await.map_err(db)?;
        Ok(linked)
    }
}

/// Refuses a price whose currency differs from the product's other variants, or a compare-at
/// price in another currency than the price.
async fn check_currency(
    conn: &mut AnyConnection,
    product_id: Uuid,
    except_variant: Option<Uuid>,
    price: Money,
    compare_at: Option<Money>,
) -> Result<(), StoreError> {
    if compare_at.is_some_and(|c| c.currency != price.currency) {
        return Err(StoreError::invalid(
            "compare_at_price",
            "the compare-at price uses the price's currency",
        ));
    }
    let row = sqlx::query(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM variants WHERE product_id = $1 AND currency <> $2 AND id <> $3",
    )
    .bind(product_id.to_string())
    .bind(price.currency.code())
    .bind(except_variant.map(|v| v.to_string()).unwrap_or_default())
    .fetch_one(conn)
    .await
    .map_err(db)?;
    if row
        .try_get::<i64, _>("n")
        .map_err(|e| StoreError::Internal(Box::new(e)))?
        > 0
    {
        return Err(StoreError::invalid(
            "price",
            "every variant of a product uses the same currency",
        ));
    }
    Ok(())
}

pub(crate) async fn write_option_values(
    conn: &mut AnyConnection,
    variant_id: Uuid,
    chosen: &BTreeMap<String, String>,
) -> Result<(), StoreError> {
    for (name, value) in chosen {
        sqlx::query("INSERT INTO variant_options (variant_id, name, name_key, value) VALUES ($1, $2, $3, $4)")
            .bind(variant_id.to_string())
            .bind(name.as_str())
            .bind(name.to_lowercase())
            .bind(value.as_str())
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    Ok(())
}

/// Recomputes the denormalized listing columns from the product's variants. Products sell in one
/// currency, so `MIN(currency)` is that currency (or NULL without variants).
pub(crate) async fn recompute_listing(
    conn: &mut AnyConnection,
    product_id: Uuid,
) -> Result<(), StoreError> {
    recompute_listings(conn, vec![product_id.to_string()]).await
}

/// [`recompute_listing`] of many products, in as few statements as the bulk limits allow. A
/// product whose columns already hold what its variants say is not written (a re-import of an
/// unchanged catalog leaves its products' rows, indexes and triggers alone).
pub(crate) async fn recompute_listings(
    conn: &mut AnyConnection,
    product_ids: Vec<String>,
) -> Result<(), StoreError> {
    crate::bulk::execute_in(
        conn,
        "UPDATE products SET price_min_minor = l.price_min, price_max_minor = l.price_max, \
           currency = l.currency, available = l.available \
         FROM (SELECT p.id AS product_id, MIN(v.price_minor) AS price_min, \
                 MAX(v.price_minor) AS price_max, MIN(v.currency) AS currency, \
                 CAST(COALESCE(SUM(CASE WHEN v.on_hand > v.reserved \
                   THEN v.on_hand - v.reserved ELSE 0 END), 0) AS BIGINT) AS available \
               FROM products p LEFT JOIN variants v ON v.product_id = p.id \
               WHERE p.id IN ({}) GROUP BY p.id) l \
         WHERE products.id = l.product_id \
           AND (products.price_min_minor IS DISTINCT FROM l.price_min \
             OR products.price_max_minor IS DISTINCT FROM l.price_max \
             OR products.currency IS DISTINCT FROM l.currency \
             OR products.available <> l.available)",
        product_ids,
    )
    .await
}
