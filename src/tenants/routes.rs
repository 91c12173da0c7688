//! Sign-up and the dealer's settings.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{SettingsResponse, SignupRequest, UpdateSettingsRequest};
use crate::auth::routes::SessionResponse;
use crate::auth::{AdminStaff, AnyStaff};
use crate::error::Result;
use crate::http::AppState;
use crate::http::extract::ApiJson;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signup))
        .routes(routes!(get_settings, update_settings))
}

/// Create a dealer and its owner account.
#[utoipa::path(
    post,
    path = "/v1/signup",
    tag = "auth",
    summary = "Sign up a dealer",
    description = "Creates a dealer (tenant) and its owner account, and returns an access token for the owner. \
                   Emails are unique across partsdesk: one login per person.",
    request_body = SignupRequest,
    security(()),
    responses(
        (status = 201, description = "Dealer created", body = SessionResponse),
        (status = 409, description = "Email or slug taken (`email_taken`, `slug_taken`)", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all)]
async fn signup(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<SignupRequest>,
) -> Result<(StatusCode, axum::Json<SessionResponse>)> {
    let now = state.clock.now();
    let (tenant, owner) = super::signup(&state.db, body, now).await?;
    let session = SessionResponse::issue(&state.jwt, now, owner, tenant.into())?;
    Ok((StatusCode::CREATED, axum::Json(session)))
}

#[utoipa::path(get, path = "/v1/settings", tag = "settings", summary = "Get the dealer's settings",
    security(("staff_token" = [])), responses((status = 200, body = SettingsResponse)))]
#[tracing::instrument(skip_all)]
async fn get_settings(State(state): State<AppState>, caller: AnyStaff) -> Result<axum::Json<SettingsResponse>> {
    Ok(axum::Json(super::find(&state.db, caller.tenant).await?.into()))
}

#[utoipa::path(patch, path = "/v1/settings", tag = "settings", summary = "Change the dealer's settings",
    request_body = UpdateSettingsRequest,
    security(("staff_token" = [])), responses((status = 200, body = SettingsResponse)))]
#[tracing::instrument(skip_all)]
async fn update_settings(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiJson(body): ApiJson<UpdateSettingsRequest>,
) -> Result<axum::Json<SettingsResponse>> {
    let tenant = super::update_settings(&state.db, caller.tenant, body, state.clock.now()).await?;
    Ok(axum::Json(tenant.into()))
}
