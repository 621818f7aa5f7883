//! Loading whole products and their parts. Every function takes a connection, so writes can read
//! back what they wrote inside their own transaction and plain reads can use a pooled connection.
//! Variants come sorted by creation, media by position, options in their declared order.
//!
//! [`ProductReads`] is implemented here: single products with these functions, listings, best
//! sellers and facets with those of `listing.rs`, `facets.rs` and `facet_base.rs`.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use showroom_domain::{ProductStatus, Slug};
use showroom_store::{
    FacetBase, Media, Page, Product, ProductFacets, ProductQuery, ProductReads, ProductSummary,
    StoreError, Variant,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use crate::error::db;
use crate::rows::{self, MEDIA_COLUMNS, PRODUCT_COLUMNS, VARIANT_COLUMNS, VARIANT_JOIN_COLUMNS};
use crate::sql::{in_list, Sql};
use crate::SqlCatalog;

#[async_trait]
impl ProductReads for SqlCatalog {
    async fn list_products(
        &self,
        query: &ProductQuery,
    ) -> Result<Page<ProductSummary>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        crate::listing::list(&mut conn, self.dialect.as_ref(), query).await
    }

    async fn product_facets(
        &self,
        query: &ProductQuery,
        band_starts: &[i64],
    ) -> Result<ProductFacets, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        crate::facets::facets(&mut conn, self.dialect.as_ref(), query, band_starts).await
    }

    async fn facet_base(
        &self,
        category: &Slug,
        status: Option<ProductStatus>,
    ) -> Result<Option<FacetBase>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        crate::facet_base::facet_base(&mut conn, self.dialect.as_ref(), category, status).await
    }

    async fn best_sellers(
        &self,
        since: i64,
        limit: u32,
    ) -> Result<Vec<ProductSummary>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        crate::listing::best_sellers(&mut conn, since, limit).await
    }

    async fn product_by_slug(&self, slug: &Slug) -> Result<Option<Product>, StoreError> {
        self.product_by_slug_coalesced(slug.as_str()).await
    }

    async fn product_by_id(&self, id: Uuid) -> Result<Option<Product>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        product(&mut conn, ProductKey::Id(id)).await
    }

    async fn count_products(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM products")
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        row.try_get("n")
            .map_err(|e| StoreError::Internal(Box::new(e)))
    }
}

/// Which unique column finds the product.
pub(crate) enum ProductKey<'a> {
    Id(Uuid),
    Slug(&'a str),
}

/// The statement of [`product`] and [`products_by_slugs`] up to its `WHERE`: each product's
/// columns repeat on each of its variant-and-option rows (or stand alone on one row without
/// variants), with whether it has media.
fn product_rows_sql() -> String {
    format!(
        "SELECT {PRODUCT_COLUMNS}, {VARIANT_JOIN_COLUMNS}, o.name AS o_name, o.value AS o_value, \
         CAST(CASE WHEN EXISTS (SELECT 1 FROM media m WHERE m.product_id = p.id) \
         THEN 1 ELSE 0 END AS BIGINT) AS has_media \
         FROM products p LEFT JOIN variants v ON v.product_id = p.id \
         LEFT JOIN variant_options o ON o.variant_id = v.id"
    )
}

/// One product with its variants (and their option values) in one statement (see
/// [`product_rows_sql`]). Media is a second statement, run only when the product has some; a
/// product page that misses the cache thus costs one or two round trips instead of four.
pub(crate) async fn product(
    conn: &mut AnyConnection,
    key: ProductKey<'_>,
) -> Result<Option<Product>, StoreError> {
    let (column, value) = match key {
        ProductKey::Id(id) => ("id", id.to_string()),
        ProductKey::Slug(slug) => ("slug", slug.to_owned()),
    };
    let sql = format!(
        "{} WHERE p.{column} = $1 ORDER BY v.created_at, v.id",
        product_rows_sql()
    );
    let found = sqlx::query(&sql)
        .bind(value)
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
    if found.is_empty() {
        return Ok(None);
    }
    assemble(conn, &found).await.map(Some)
}

/// The products with these slugs, by slug, in one statement (plus one per product with media);
/// slugs no product has are absent. The slug list is padded to a power of two by repeating the
/// last one, so the prepared statements stay few.
pub(crate) async fn products_by_slugs(
    conn: &mut AnyConnection,
    slugs: &[&str],
) -> Result<HashMap<String, Product>, StoreError> {
    let Some(last) = slugs.last() else {
        return Ok(HashMap::new());
    };
    let padded = slugs
        .iter()
        .chain(std::iter::repeat(last))
        .take(slugs.len().next_power_of_two())
        .map(|slug| (*slug).to_owned());
    let mut sql = Sql::default();
    let list = in_list(&mut sql, padded);
    sql.push(&format!(
        "{} WHERE p.slug IN ({list}) ORDER BY p.id, v.created_at, v.id",
        product_rows_sql()
    ));
    let found = sql.query().fetch_all(&mut *conn).await.map_err(db)?;
    let ids = found
        .iter()
        .map(|row| rows::get::<String>(row, "id"))
        .collect::<Result<Vec<_>, _>>()?;
    let mut products = HashMap::new();
    let mut start = 0;
    while start < found.len() {
        let end = ids[start..]
            .iter()
            .position(|id| *id != ids[start])
            .map_or(found.len(), |offset| start + offset);
        let product = assemble(conn, &found[start..end]).await?;
        products.insert(product.slug.as_str().to_owned(), product);
        start = end;
    }
    Ok(products)
}

/// One product from its rows of [`product_rows_sql`] (at least one), with its media read.
async fn assemble(conn: &mut AnyConnection, found: &[AnyRow]) -> Result<Product, StoreError> {
    let first = &found[0];
    let head = rows::product_head(first)?;
    let variants = joined_variants(found)?;
    let media = if rows::get::<i64>(first, "has_media")? == 1 {
        media_of(conn, head.id).await?
    } else {
        Vec::new()
    };
    Ok(Product {
        id: head.id,
        slug: head.slug,
        title: head.title,
        description: head.description,
        status: head.status,
        category_id: head.category_id,
        attributes: head.attributes,
        options: head.options,
        variants,
        media,
        created_at: head.created_at,
        updated_at: head.updated_at,
    })
}

/// The variants of [`product`]'s rows, in their order: consecutive rows of one variant carry its
/// option values one each; a row without a variant (a product without any) is skipped.
fn joined_variants(found: &[AnyRow]) -> Result<Vec<Variant>, StoreError> {
    let mut groups: Vec<(String, &AnyRow, BTreeMap<String, String>)> = Vec::new();
    for row in found {
        let Some(id) = rows::get::<Option<String>>(row, "v_id")? else {
            continue;
        };
        if groups.last().is_none_or(|(last, _, _)| *last != id) {
            groups.push((id, row, BTreeMap::new()));
        }
        if let (Some(name), Some((_, _, options))) = (
            rows::get::<Option<String>>(row, "o_name")?,
            groups.last_mut(),
        ) {
            options.insert(name, rows::get(row, "o_value")?);
        }
    }
    groups
        .into_iter()
        .map(|(_, row, options)| rows::joined_variant(row, options))
        .collect()
}

/// Reads a product this transaction has just written; its absence is a bug.
pub(crate) async fn written_product(
    conn: &mut AnyConnection,
    id: Uuid,
) -> Result<Product, StoreError> {
    product(conn, ProductKey::Id(id))
        .await?
        .ok_or_else(|| StoreError::Internal("a written product vanished".into()))
}

pub(crate) async fn variant(
    conn: &mut AnyConnection,
    variant_id: Uuid,
) -> Result<Option<Variant>, StoreError> {
    let id = variant_id.to_string();
    let sql = format!("SELECT {VARIANT_COLUMNS} FROM variants v WHERE v.id = $1");
    let Some(row) = sqlx::query(&sql)
        .bind(&id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
    else {
        return Ok(None);
    };
    let option_rows =
        sqlx::query("SELECT o.name, o.value FROM variant_options o WHERE o.variant_id = $1")
            .bind(&id)
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
    let options = option_rows
        .iter()
        .map(|r| Ok((rows::get(r, "name")?, rows::get(r, "value")?)))
        .collect::<Result<BTreeMap<String, String>, StoreError>>()?;
    rows::variant(&row, options).map(Some)
}

/// Reads a variant this transaction has just written; its absence is a bug.
pub(crate) async fn written_variant(
    conn: &mut AnyConnection,
    id: Uuid,
) -> Result<Variant, StoreError> {
    variant(conn, id)
        .await?
        .ok_or_else(|| StoreError::Internal("a written variant vanished".into()))
}

pub(crate) async fn media_of(
    conn: &mut AnyConnection,
    product_id: Uuid,
) -> Result<Vec<Media>, StoreError> {
    let sql =
        format!("SELECT {MEDIA_COLUMNS} FROM media m WHERE m.product_id = $1 ORDER BY m.position");
    let found = sqlx::query(&sql)
        .bind(product_id.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
    found.iter().map(rows::media).collect()
}

/// The first media item (lowest position) of each product, for listing cards.
pub(crate) async fn covers(
    conn: &mut AnyConnection,
    product_ids: &[Uuid],
) -> Result<HashMap<Uuid, Media>, StoreError> {
    if product_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut sql = Sql::default();
    let ids = in_list(&mut sql, product_ids.iter().map(Uuid::to_string));
    sql.push(&format!(
        "SELECT {MEDIA_COLUMNS} FROM media m WHERE m.product_id IN ({ids}) \
         AND m.position = (SELECT MIN(m2.position) FROM media m2 WHERE m2.product_id = m.product_id)"
    ));
    let found = sql.query().fetch_all(&mut *conn).await.map_err(db)?;
    found
        .iter()
        .map(|row| Ok((rows::uuid(row, "product_id")?, rows::media(row)?)))
        .collect()
}
