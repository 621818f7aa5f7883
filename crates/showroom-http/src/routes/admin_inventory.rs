//! Admin writes on variants and their stock. Inventory adjustments are relative (`delta`) and
//! applied by one conditional update in the store, so two merchants adjusting at once can never
//! take stock below zero or below the units reserved by pending orders.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::response_cache::invalidate_catalog;
use crate::routes::dto::VariantDto;
use crate::routes::input::{CreateVariantInput, InventoryAdjustmentInput, UpdateVariantInput};
use crate::routes::params::IdPath;
use crate::routes::refusals::AdminWriteRefusals;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_variant))
        .routes(routes!(update_variant))
        .routes(routes!(adjust_inventory))
}

/// Add a variant (a SKU with option values, price and initial stock) to a product.
#[utoipa::path(
    post, path = "/api/v1/admin/products/{id}/variants", tag = "admin", security(("admin_token" = [])),
    params(("id" = uuid::Uuid, Path, description = "Product id")),
    request_body = CreateVariantInput,
    responses(
        (status = 201, description = "Created", body = VariantDto),
        AdminWriteRefusals,
    )
)]
pub async fn create_variant(
    State(state): State<AppState>,
    IdPath(product_id): IdPath,
    ApiJson(input): ApiJson<CreateVariantInput>,
) -> Result<(StatusCode, Json<VariantDto>), ApiError> {
    let new = input.parse(state.shop.currency())?;
    let variant = state.catalog.add_variant(product_id, new).await?;
    invalidate_catalog(&state).await;
    Ok((StatusCode::CREATED, Json(VariantDto::new(variant, true))))
}

/// Change a variant's SKU, option values, price, compare-at price or weight.
#[utoipa::path(
    patch, path = "/api/v1/admin/variants/{id}", tag = "admin", security(("admin_token" = [])),
    params(("id" = uuid::Uuid, Path, description = "Variant id")),
    request_body = UpdateVariantInput,
    responses(
        (status = 200, description = "Updated", body = VariantDto),
        AdminWriteRefusals,
    )
)]
pub async fn update_variant(
    State(state): State<AppState>,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<UpdateVariantInput>,
) -> Result<Json<VariantDto>, ApiError> {
    let patch = input.parse(state.shop.currency())?;
    let variant = state.catalog.update_variant(id, patch).await?;
    invalidate_catalog(&state).await;
    Ok(Json(VariantDto::new(variant, true)))
}

/// Add or remove units on hand.
#[utoipa::path(
    post, path = "/api/v1/admin/variants/{id}/inventory-adjustments", tag = "admin", security(("admin_token" = [])),
    params(("id" = uuid::Uuid, Path, description = "Variant id")),
    request_body = InventoryAdjustmentInput,
    responses(
        (status = 200, description = "The variant with its new stock", body = VariantDto),
        AdminWriteRefusals,
    )
)]
pub async fn adjust_inventory(
    State(state): State<AppState>,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<InventoryAdjustmentInput>,
) -> Result<Json<VariantDto>, ApiError> {
    let delta = input.delta()?;
    let variant = state.catalog.adjust_inventory(id, delta).await?;
    tracing::info!(variant = %id, delta, reason = input.reason.as_deref().unwrap_or(""), "inventory adjusted");
    invalidate_catalog(&state).await;
    Ok(Json(VariantDto::new(variant, true)))
}
