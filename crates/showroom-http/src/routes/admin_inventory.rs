//! Admin writes on variants and their stock. Inventory adjustments are relative (`delta`) and
//! applied by one conditional update in the store, so two merchants adjusting at once can never
//! take stock below zero or below the units reserved by pending orders.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::response_cache::invalidate_catalog;
use crate::routes::dto::VariantDto;
use crate::routes::input::{CreateVariantInput, InventoryAdjustmentInput, UpdateVariantInput};
use crate::routes::params::parse_id;
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
        (status = 400, description = "Malformed JSON or id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or wrong admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The SKU is taken", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_variant(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CreateVariantInput>,
) -> Result<(StatusCode, Json<VariantDto>), ApiError> {
    let product_id = parse_id(&id, "id")?;
    let new = input.parse(state.settings.currency)?;
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
        (status = 400, description = "Malformed JSON or id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or wrong admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such variant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The SKU is taken", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_variant(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<UpdateVariantInput>,
) -> Result<Json<VariantDto>, ApiError> {
    let id = parse_id(&id, "id")?;
    let patch = input.parse(state.settings.currency)?;
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
        (status = 400, description = "Malformed JSON or id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or wrong admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such variant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stock would fall below zero or below reserved units", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn adjust_inventory(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<InventoryAdjustmentInput>,
) -> Result<Json<VariantDto>, ApiError> {
    let id = parse_id(&id, "id")?;
    let delta = input.delta()?;
    let variant = state.catalog.adjust_inventory(id, delta).await?;
    tracing::info!(variant = %id, delta, reason = input.reason.as_deref().unwrap_or(""), "inventory adjusted");
    invalidate_catalog(&state).await;
    Ok(Json(VariantDto::new(variant, true)))
}
