//! Logging in: email and password in, access token out, with failed attempts throttled; and
//! the session every sign-in, sign-up or password change answers with.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::jwt::JwtKeys;
use crate::entities::users;
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::extract::ApiJson;
use crate::tenants::TenantResponse;
use crate::users::{LoginRequest, UserResponse};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    /// A JWT (HS256) to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: i64,
    pub user: UserResponse,
    pub tenant: TenantResponse,
}

impl SessionResponse {
    pub fn issue(jwt: &JwtKeys, now: DateTime<Utc>, user: users::Model, tenant: TenantResponse) -> Result<Self> {
        let access_token = jwt
            .issue(user.id, tenant.id, user.role, user.session_generation, now)
            .map_err(|e| Error::Internal(e.into()))?;
        Ok(Self {
            access_token,
            token_type: "Bearer",
            expires_in: jwt.ttl_secs(),
            user: user.into(),
            tenant,
        })
    }
}

/// Exchange email and password for an access token.
#[utoipa::path(
    post,
    path = "/v1/auth/login",
    tag = "auth",
    summary = "Log in as dealer staff",
    description = "Returns a JWT access token. After 5 failed attempts for one email within 15 minutes \
                   (or 50 from one address), further attempts get 429 with `Retry-After` until the window passes.",
    request_body = LoginRequest,
    security(()),
    responses(
        (status = 200, description = "Logged in", body = SessionResponse),
        (status = 401, description = "Wrong email or password (`invalid_credentials`)", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts (`rate_limited`)", body = crate::http::problem::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[tracing::instrument(skip_all)]
async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<axum::Json<SessionResponse>> {
    let now = state.clock.now();
    let user = crate::users::authenticate(&state.db, &state.throttle, body, peer.ip(), now).await?;
    let tenant = crate::tenants::find(&state.db, user.tenant_id).await?;
    Ok(axum::Json(SessionResponse::issue(
        &state.jwt,
        now,
        user,
        tenant.into(),
    )?))
}
