//! Admin catalog writes: products (create, update, publish, archive, media) and categories.
//! Every handler parses its body into domain types first, makes one store call (one
//! transaction), then invalidates the cached storefront responses on every instance before it
//! answers, so the merchant's next look at the shop shows the change.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::Json;
use showroom_domain::ProductStatus;
use showroom_store::{AssetStatus, MediaKind, NewCategory, NewMedia, NewProduct, ProductPatch};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::response_cache::invalidate_catalog;
use crate::routes::dto::{CategoryDto, MediaDto, ProductDto, ProductPageDto};
use crate::routes::input::{
    AttachMediaInput, CreateCategoryInput, CreateProductInput, UpdateCategoryInput,
    UpdateProductInput,
};
use crate::routes::params::IdPath;
use crate::routes::refusals::{AdminReadRefusals, AdminWriteRefusals};
use crate::routes::storefront::parse_list_query;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(admin_list_products, create_product))
        .routes(routes!(admin_get_product, update_product))
        .routes(routes!(publish_product))
        .routes(routes!(archive_product))
        .routes(routes!(attach_media))
        .routes(routes!(create_category))
        .routes(routes!(update_category))
}

/// List products of every status (or `status=draft|published|archived`).
#[utoipa::path(
    get, path = "/api/v1/admin/products", tag = "admin", security(("admin_token" = [])),
    params(
        ("status" = Option<String>, Query, description = "Only products with this status: `draft`, `published` or `archived` (another value is a 422); empty means every status, as the back office's filter sends it"),
        ("q" = Option<String>, Query, description = "Full-text search"),
        ("sort" = inline(Option<crate::routes::storefront::SortOrder>), Query, description = "Order of the list; `newest` by default"),
        ("limit" = Option<u32>, Query, description = "Page size, default 24", minimum = 1, maximum = 100),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
    ),
    responses(
        (status = 200, description = "A page of products", body = ProductPageDto),
        AdminReadRefusals,
    )
)]
pub async fn admin_list_products(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ProductPageDto>, ApiError> {
    let query = admin_product_query(&raw.unwrap_or_default())?;
    let page = state.catalog.list_products(&query).await?;
    Ok(Json(ProductPageDto {
        next_cursor: page.next.map(|c| c.encode()),
        items: page.items.into_iter().map(Into::into).collect(),
        facets: None,
    }))
}

/// The query string of an admin product list (the storefront's parameters plus `status`, where
/// an empty value means every status), shared by the API and the back office.
pub(crate) fn admin_product_query(raw: &str) -> Result<showroom_store::ProductQuery, ApiError> {
    let mut query = parse_list_query(raw)?;
    query.status = url::form_urlencoded::parse(raw.as_bytes())
        .find(|(k, v)| k == "status" && !v.is_empty())
        .map(|(_, v)| {
            ProductStatus::parse(&v).map_err(|e| ApiError::BadRequest {
                code: "invalid_query",
                detail: e.0,
                field: Some("status".into()),
            })
        })
        .transpose()?;
    Ok(query)
}

/// Create a product (a draft unless `status` says otherwise).
#[utoipa::path(
    post, path = "/api/v1/admin/products", tag = "admin", security(("admin_token" = [])),
    request_body = CreateProductInput,
    responses(
        (status = 201, description = "Created", body = ProductDto),
        AdminWriteRefusals,
    )
)]
pub async fn create_product(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<CreateProductInput>,
) -> Result<(StatusCode, Json<ProductDto>), ApiError> {
    let new = NewProduct::try_from(input)?;
    let product = state.catalog.create_product(new).await?;
    invalidate_catalog(&state).await;
    Ok((StatusCode::CREATED, Json(ProductDto::new(product, true))))
}

/// One product of any status, with stock counts.
#[utoipa::path(
    get, path = "/api/v1/admin/products/{id}", tag = "admin", security(("admin_token" = [])),
    params(("id" = uuid::Uuid, Path, description = "Product id")),
    responses(
        (status = 200, description = "The product", body = ProductDto),
        AdminReadRefusals,
    )
)]
pub async fn admin_get_product(
    State(state): State<AppState>,
    IdPath(id): IdPath,
) -> Result<Json<ProductDto>, ApiError> {
    let product = state
        .catalog
        .product_by_id(id)
        .await?
        .ok_or(ApiError::NotFound { what: "product" })?;
    Ok(Json(ProductDto::new(product, true)))
}

/// Change a product's slug, title, description, category, attributes or options.
#[utoipa::path(
    patch, path = "/api/v1/admin/products/{id}", tag = "admin", security(("admin_token" = [])),
    params(("id" = uuid::Uuid, Path, description = "Product id")),
    request_body = UpdateProductInput,
    responses(
        (status = 200, description = "Updated", body = ProductDto),
        AdminWriteRefusals,
    )
)]
pub async fn update_product(
    State(state): State<AppState>,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<UpdateProductInput>,
) -> Result<Json<ProductDto>, ApiError> {
    let patch = ProductPatch::try_from(input)?;
    let product = state.catalog.update_product(id, patch).await?;
    invalidate_catalog(&state).await;
    Ok(Json(ProductDto::new(product, true)))
}

async fn set_status(
    state: &AppState,
    id: uuid::Uuid,
    status: ProductStatus,
) -> Result<Json<ProductDto>, ApiError> {
    let product = state.catalog.set_product_status(id, status).await?;
    invalidate_catalog(state).await;
    Ok(Json(ProductDto::new(product, true)))
}

/// Publish a product: shoppers can see and buy it.
#[utoipa::path(
    post, path = "/api/v1/admin/products/{id}/publish", tag = "admin", security(("admin_token" = [])),
    params(("id" = uuid::Uuid, Path, description = "Product id")),
    responses(
        (status = 200, description = "Published", body = ProductDto),
        AdminReadRefusals,
    )
)]
pub async fn publish_product(
    State(state): State<AppState>,
    IdPath(id): IdPath,
) -> Result<Json<ProductDto>, ApiError> {
    set_status(&state, id, ProductStatus::Published).await
}

/// Archive a product: hidden from the shop, kept for past orders.
#[utoipa::path(
    post, path = "/api/v1/admin/products/{id}/archive", tag = "admin", security(("admin_token" = [])),
    params(("id" = uuid::Uuid, Path, description = "Product id")),
    responses(
        (status = 200, description = "Archived", body = ProductDto),
        AdminReadRefusals,
    )
)]
pub async fn archive_product(
    State(state): State<AppState>,
    IdPath(id): IdPath,
) -> Result<Json<ProductDto>, ApiError> {
    set_status(&state, id, ProductStatus::Archived).await
}

/// Attach a stored asset (image or 3D model) to the end of a product's gallery.
#[utoipa::path(
    post, path = "/api/v1/admin/products/{id}/media", tag = "admin", security(("admin_token" = [])),
    params(("id" = uuid::Uuid, Path, description = "Product id")),
    request_body = AttachMediaInput,
    responses(
        (status = 201, description = "Attached", body = MediaDto),
        AdminWriteRefusals,
    )
)]
pub async fn attach_media(
    State(state): State<AppState>,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<AttachMediaInput>,
) -> Result<(StatusCode, Json<MediaDto>), ApiError> {
    let new = NewMedia::try_from(input)?;
    let address = showroom_assets::ContentAddress::parse(new.asset_hash.as_str())
        .map_err(|e| ApiError::validation("asset_hash", e.to_string()))?;
    let file_name = showroom_assets::FileName::parse(&new.file_name)
        .map_err(|e| ApiError::validation("file_name", e.to_string()))?;
    if !crate::delivery::revisions::is_stored(&state, &address, &file_name).await? {
        return Err(ApiError::validation(
            "asset_hash",
            "no stored asset has this hash and file name",
        ));
    }
    // An upload's files appear as it is processed: attach only what the pipeline finished.
    let looks = match state.catalog.asset(&new.asset_hash).await? {
        Some(record) if record.status != AssetStatus::Ready => {
            return Err(ApiError::Conflict {
                field: Some("asset_hash".into()),
                detail: format!(
                    "the asset is {} ({}), not ready: attach it once processing is done",
                    record.status.as_str(),
                    record.failure.as_deref().unwrap_or(&record.stage)
                ),
            });
        }
        Some(record) => record
            .report
            .as_ref()
            .and_then(showroom_assets::pipeline::PipelineReport::from_stored)
            .map(|report| report.variants)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let is_model = new.kind == MediaKind::Model;
    let media = state.catalog.add_media(id, new).await?;
    if is_model && !looks.is_empty() {
        state.catalog.link_material_variants(id, &looks).await?;
    }
    invalidate_catalog(&state).await;
    Ok((StatusCode::CREATED, Json(media.into())))
}

/// Create a category, optionally under a parent.
#[utoipa::path(
    post, path = "/api/v1/admin/categories", tag = "admin", security(("admin_token" = [])),
    request_body = CreateCategoryInput,
    responses(
        (status = 201, description = "Created", body = CategoryDto),
        AdminWriteRefusals,
    )
)]
pub async fn create_category(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<CreateCategoryInput>,
) -> Result<(StatusCode, Json<CategoryDto>), ApiError> {
    let category = state
        .catalog
        .create_category(NewCategory::try_from(input)?)
        .await?;
    invalidate_catalog(&state).await;
    Ok((StatusCode::CREATED, Json(category.into())))
}

/// Rename or move a category (moves that would make a cycle are refused).
#[utoipa::path(
    patch, path = "/api/v1/admin/categories/{id}", tag = "admin", security(("admin_token" = [])),
    params(("id" = uuid::Uuid, Path, description = "Category id")),
    request_body = UpdateCategoryInput,
    responses(
        (status = 200, description = "Updated", body = CategoryDto),
        AdminWriteRefusals,
    )
)]
pub async fn update_category(
    State(state): State<AppState>,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<UpdateCategoryInput>,
) -> Result<Json<CategoryDto>, ApiError> {
    let category = state.catalog.update_category(id, input.try_into()?).await?;
    invalidate_catalog(&state).await;
    Ok(Json(category.into()))
}
