//! The catalog's HTTP edge: parts (here), imports, the export and synonyms.

mod export;
mod imports;
mod synonyms;

use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Map, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::part::PartRequest;
use super::parts::{self, PartList, PartListParams, PartResponse};
use crate::auth::{AdminStaff, AnyStaff};
use crate::error::Result;
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::ids::PartId;

pub use export::routes as export;
pub use imports::{routes as imports, upload_routes as uploads};
pub use synonyms::routes as synonyms;

pub fn parts() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_parts, create_part))
        .routes(routes!(get_part, update_part, delete_part))
}

/// The dealer's parts, oldest first.
#[utoipa::path(get, path = "/v1/parts", tag = "catalog", summary = "List parts", params(PartListParams),
    security(("staff_token" = [])), responses((status = 200, body = PartList)))]
#[tracing::instrument(skip_all)]
async fn list_parts(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiQuery(params): ApiQuery<PartListParams>,
) -> Result<axum::Json<PartList>> {
    Ok(axum::Json(parts::list(&state.db, caller.tenant, params).await?))
}

/// Add one part. Search finds it when this call returns.
#[utoipa::path(post, path = "/v1/parts", tag = "catalog", summary = "Add a part", request_body = PartRequest,
    security(("staff_token" = [])),
    responses(
        (status = 201, body = PartResponse),
        (status = 409, description = "SKU already in the catalog (`sku_taken`)", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
#[tracing::instrument(skip_all)]
async fn create_part(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiJson(body): ApiJson<PartRequest>,
) -> Result<(StatusCode, axum::Json<PartResponse>)> {
    let part = parts::create(&state.db, &*state.indexer, caller.tenant, body, state.clock.now()).await?;
    Ok((StatusCode::CREATED, axum::Json(part)))
}

/// One part with its numbers and fitments.
#[utoipa::path(get, path = "/v1/parts/{id}", tag = "catalog", summary = "Get a part",
    params(("id" = PartId, Path, description = "Part id")),
    security(("staff_token" = [])), responses((status = 200, body = PartResponse)))]
#[tracing::instrument(skip_all)]
async fn get_part(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiPath(id): ApiPath<PartId>,
) -> Result<axum::Json<PartResponse>> {
    Ok(axum::Json(parts::find_full(&state.db, caller.tenant, id).await?.into()))
}

/// Change some fields of a part. Fields present replace the current value (lists are
/// replaced whole); `null` clears an optional field.
#[utoipa::path(patch, path = "/v1/parts/{id}", tag = "catalog", summary = "Update a part",
    params(("id" = PartId, Path, description = "Part id")), request_body = PartRequest,
    security(("staff_token" = [])), responses((status = 200, body = PartResponse),
        (status = 409, description = "Another part has this SKU (`sku_taken`)", body = crate::http::problem::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn update_part(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiPath(id): ApiPath<PartId>,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> Result<axum::Json<PartResponse>> {
    let part = parts::update(&state.db, &*state.indexer, caller.tenant, id, patch, state.clock.now()).await?;
    Ok(axum::Json(part))
}

/// Remove a part from the catalog (orders keep their own copy of what was sold).
#[utoipa::path(delete, path = "/v1/parts/{id}", tag = "catalog", summary = "Delete a part",
    params(("id" = PartId, Path, description = "Part id")),
    security(("staff_token" = [])), responses((status = 204, description = "Deleted")))]
#[tracing::instrument(skip_all)]
async fn delete_part(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiPath(id): ApiPath<PartId>,
) -> Result<StatusCode> {
    parts::delete(&state.db, &*state.indexer, caller.tenant, id, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
