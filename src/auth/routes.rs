//! Logging in: email and password in, access token out, with failed attempts throttled; and
//! the session every sign-in, sign-up or password change answers with. Browsers log in for a
//! cookie session instead (`/v1/auth/session`, see [`crate::auth::browser`]).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::browser::{self, SESSION_TTL};
use crate::auth::extract::BrowserSession;
use crate::auth::jwt::JwtKeys;
use crate::entities::users;
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::extract::ApiJson;
use crate::tenants::TenantResponse;
use crate::users::{LoginRequest, MeResponse, UserResponse};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(start_session, get_session, end_session))
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
    let user = crate::users::authenticate(&state.db, body, peer.ip(), now).await?;
    let tenant = crate::tenants::find(&state.db, user.tenant_id).await?;
    Ok(axum::Json(SessionResponse::issue(
        &state.jwt,
        now,
        user,
        tenant.into(),
    )?))
}

/// A browser session: what a console page needs after log-in or a reload.
#[derive(Debug, Serialize, ToSchema)]
pub struct BrowserSessionResponse {
    /// Send as `X-CSRF-Token` with every request other than GET, HEAD or OPTIONS made with the
    /// session cookie. It is not a credential: without the cookie it opens nothing.
    pub csrf_token: String,
    /// When the session ends: 12 hours after log-in, however it is used meanwhile.
    pub expires_at: DateTime<Utc>,
    /// The signed-in user and their dealer, as `GET /v1/me` answers.
    pub user: MeResponse,
}

pub fn set_cookie(state: &AppState, token: &str, max_age_secs: i64) -> Result<HeaderValue> {
    let secure = if state.config.cookie_secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age_secs}{secure}",
        browser::COOKIE_NAME
    ))
    .map_err(|e| Error::Internal(e.into()))
}

pub async fn describe(state: &AppState, session: &browser::Session) -> Result<BrowserSessionResponse> {
    let user = crate::users::find(&state.db, session.tenant, session.user).await?;
    let tenant = crate::tenants::find(&state.db, session.tenant).await?;
    Ok(BrowserSessionResponse {
        csrf_token: session.csrf_token.clone(),
        expires_at: session.expires_at,
        user: MeResponse {
            user: user.into(),
            tenant: tenant.into(),
        },
    })
}

const SESSION_DESCRIPTION: &str = "For the dealer console in a browser. Sets the cookie `partsdesk_session` \
(HttpOnly, SameSite=Strict, Path=/, Max-Age 43200; Secure when the server runs with `--cookie-secure`) holding an \
opaque token, and answers with a CSRF token. With the cookie, every staff endpoint is open as with a bearer token; \
requests other than GET, HEAD and OPTIONS must also send `X-CSRF-Token: <csrf_token>`, else 403 `csrf_failed`. \
The session lasts 12 hours from log-in and ends at log-out (`DELETE`), when the password is changed or reset, or \
when the account is removed. A request with both a bearer token and the cookie is judged by the token.\n\n\
Throttled and answered as `POST /v1/auth/login`: after 5 failed attempts for one email within 15 minutes (or 50 \
from one address), 429 with `Retry-After`.";

/// Log in for a browser session (cookie).
#[utoipa::path(
    post,
    path = "/v1/auth/session",
    tag = "auth",
    summary = "Log in for a browser session",
    description = SESSION_DESCRIPTION,
    request_body = LoginRequest,
    security(()),
    responses(
        (status = 200, description = "Logged in; the cookie is set", body = BrowserSessionResponse,
            headers(("Set-Cookie" = String, description = "`partsdesk_session=<token>; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200`"))),
        (status = 401, description = "Wrong email or password (`invalid_credentials`)", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts (`rate_limited`)", body = crate::http::problem::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[tracing::instrument(skip_all)]
async fn start_session(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response> {
    let now = state.clock.now();
    let user = crate::users::authenticate(&state.db, body, peer.ip(), now).await?;
    let started = browser::start(&state.db, &user, now).await?;
    let cookie = set_cookie(&state, &started.token, SESSION_TTL.num_seconds())?;
    let body = describe(&state, &started.session).await?;
    Ok(([(header::SET_COOKIE, cookie)], axum::Json(body)).into_response())
}

/// The session the cookie opens: lets a reloaded page recover its CSRF token and profile.
#[utoipa::path(
    get,
    path = "/v1/auth/session",
    tag = "auth",
    summary = "Get the browser session",
    description = "401 (`missing_credentials`, `invalid_session`) when there is no live session cookie.",
    security(("staff_session" = [])),
    responses((status = 200, body = BrowserSessionResponse))
)]
#[tracing::instrument(skip_all)]
async fn get_session(
    State(state): State<AppState>,
    caller: BrowserSession,
) -> Result<axum::Json<BrowserSessionResponse>> {
    Ok(axum::Json(describe(&state, &caller.session).await?))
}

/// Log out: the session ends on the server and the cookie is cleared.
#[utoipa::path(
    delete,
    path = "/v1/auth/session",
    tag = "auth",
    summary = "Log out of the browser session",
    description = "Needs `X-CSRF-Token` like every write with the cookie. A later request with the same cookie is 401.",
    params(("X-CSRF-Token" = String, Header, description = "The session's `csrf_token`")),
    security(("staff_session" = [])),
    responses(
        (status = 204, description = "Logged out; the cookie is cleared",
            headers(("Set-Cookie" = String, description = "`partsdesk_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`"))),
        (status = 403, description = "No or wrong `X-CSRF-Token` (`csrf_failed`)", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all)]
async fn end_session(State(state): State<AppState>, caller: BrowserSession) -> Result<Response> {
    browser::end(&state.db, &caller.session, &caller.token, state.clock.now()).await?;
    state.browser_sessions.forget(&caller.token);
    let cookie = set_cookie(&state, "", 0)?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}
