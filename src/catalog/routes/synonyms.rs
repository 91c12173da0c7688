//! `GET/PUT /v1/catalog/synonyms`.

use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{AdminStaff, AnyStaff};
use crate::catalog::synonyms::{self, SynonymsRequest, SynonymsResponse};
use crate::error::Result;
use crate::http::AppState;
use crate::http::extract::ApiJson;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_synonyms, put_synonyms))
}

/// The synonym groups used by this dealer's name searches.
#[utoipa::path(get, path = "/v1/catalog/synonyms", tag = "catalog", summary = "Get search synonyms",
    security(("staff_token" = [])), responses((status = 200, body = SynonymsResponse)))]
#[tracing::instrument(skip_all)]
async fn get_synonyms(State(state): State<AppState>, caller: AnyStaff) -> Result<axum::Json<SynonymsResponse>> {
    Ok(axum::Json(synonyms::current(&state.db, caller.tenant).await?))
}

/// Replace the dealer's synonym groups.
#[utoipa::path(put, path = "/v1/catalog/synonyms", tag = "catalog", summary = "Set search synonyms",
    request_body = SynonymsRequest, security(("staff_token" = [])), responses((status = 200, body = SynonymsResponse)))]
#[tracing::instrument(skip_all)]
async fn put_synonyms(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiJson(body): ApiJson<SynonymsRequest>,
) -> Result<axum::Json<SynonymsResponse>> {
    let now = state.clock.now();
    Ok(axum::Json(
        synonyms::replace(&state.db, &state.lexicons.synonyms, caller.tenant, body, now).await?,
    ))
}
