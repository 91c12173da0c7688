//! Logging in: email and password in, access token out, with failed attempts throttled.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::throttle::{PER_ADDRESS, PER_EMAIL};
use crate::entities::users;
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::extract::ApiJson;
use crate::tenants::TenantResponse;
use crate::users::UserResponse;
use crate::validate::EMAIL_MAX;

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
    pub fn issue(state: &AppState, user: UserResponse, tenant: TenantResponse) -> Result<Self> {
        let access_token = state
            .jwt
            .issue(user.id, tenant.id, user.role, state.clock.now())
            .map_err(|e| Error::Internal(e.into()))?;
        Ok(Self {
            access_token,
            token_type: "Bearer",
            expires_in: state.jwt.ttl_secs(),
            user,
            tenant,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

const BAD_LOGIN: Error = Error::Unauthorized {
    code: "invalid_credentials",
    detail: "email or password is wrong",
};

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
    let email = body.email.trim().to_lowercase();
    if email.is_empty() || email.chars().count() > EMAIL_MAX || body.password.len() > 1024 {
        return Err(BAD_LOGIN);
    }
    let now = state.clock.now();
    let email_key = format!("email:{email}");
    let address_key = format!("addr:{}", peer.ip());
    for (key, policy) in [(&email_key, PER_EMAIL), (&address_key, PER_ADDRESS)] {
        state
            .throttle
            .check(key, policy, now)
            .map_err(|retry_after_secs| Error::TooManyRequests { retry_after_secs })?;
    }

    let user = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await?;
    let verified = crate::auth::password::verify(body.password, user.as_ref().map(|u| u.password_hash.clone())).await?;
    let Some(user) = user.filter(|_| verified) else {
        state.throttle.record_failure(&email_key, PER_EMAIL, now);
        state.throttle.record_failure(&address_key, PER_ADDRESS, now);
        tracing::info!("failed login");
        return Err(BAD_LOGIN);
    };
    state.throttle.reset(&email_key);
    let tenant = crate::tenants::find(&state.db, user.tenant_id).await?;
    Ok(axum::Json(SessionResponse::issue(&state, user.into(), tenant.into())?))
}
