//! `GET/PUT /v1/catalog/vehicle-aliases`.

use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{AdminStaff, AnyStaff};
use crate::error::Result;
use crate::http::AppState;
use crate::http::extract::ApiJson;
use crate::vehicles::aliases::{self, VehicleAliasesRequest, VehicleAliasesResponse};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_vehicle_aliases, put_vehicle_aliases))
}

/// The dealer's own names for vehicles, read in search text and inquiry lines beside the
/// built-in vocabulary of makes and models.
#[utoipa::path(get, path = "/v1/catalog/vehicle-aliases", tag = "catalog", summary = "Get vehicle aliases",
    security(("staff_token" = [])), responses((status = 200, body = VehicleAliasesResponse)))]
#[tracing::instrument(skip_all)]
async fn get_vehicle_aliases(
    State(state): State<AppState>,
    caller: AnyStaff,
) -> Result<axum::Json<VehicleAliasesResponse>> {
    Ok(axum::Json(aliases::current(&state.db, caller.tenant).await?))
}

/// Replace the dealer's vehicle aliases; an alias the built-in vocabulary also has takes the
/// dealer's meaning.
#[utoipa::path(put, path = "/v1/catalog/vehicle-aliases", tag = "catalog", summary = "Set vehicle aliases",
    request_body = VehicleAliasesRequest, security(("staff_token" = [])),
    responses((status = 200, body = VehicleAliasesResponse)))]
#[tracing::instrument(skip_all)]
async fn put_vehicle_aliases(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiJson(body): ApiJson<VehicleAliasesRequest>,
) -> Result<axum::Json<VehicleAliasesResponse>> {
    let now = state.clock.now();
    Ok(axum::Json(
        aliases::replace(&state.db, &state.lexicons.vehicles, caller.tenant, body, now).await?,
    ))
}
