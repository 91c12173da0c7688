//! Staff endpoints: the signed-in user's profile, and staff management by owners and admins.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::{CreateUserRequest, MeResponse, UpdateMeRequest, UpdateUserRequest, UserList, UserResponse};
use crate::auth::browser;
use crate::auth::extract::session_cookie;
use crate::auth::routes::{BrowserSessionResponse, SessionResponse, describe, set_cookie};
use crate::auth::{AdminStaff, AnyStaff};
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::ids::UserId;
use crate::pagination::PageParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me, update_me))
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user, delete_user))
}

const PROBLEM: &str = "application/problem+json";

/// The signed-in user and their dealer.
#[utoipa::path(
    get,
    path = "/v1/me",
    tag = "staff",
    summary = "Who am I",
    security(("staff_token" = [])),
    responses((status = 200, body = MeResponse))
)]
#[tracing::instrument(skip_all, fields(user_id = %caller.user_id))]
async fn me(State(state): State<AppState>, caller: AnyStaff) -> Result<axum::Json<MeResponse>> {
    let user = super::find(&state.db, caller.tenant, caller.user_id).await?;
    let tenant = crate::tenants::find(&state.db, caller.tenant).await?;
    Ok(axum::Json(MeResponse {
        user: user.into(),
        tenant: tenant.into(),
    }))
}

/// The answer to `PATCH /v1/me`: a fresh session of the kind the caller signed in with.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum UpdateMeResponse {
    /// Signed in with a bearer token: a new access token.
    Token(SessionResponse),
    /// Signed in with the session cookie: the session (a new one, with a new cookie, after a
    /// password change), as `GET /v1/auth/session` answers; no token for page scripts.
    Browser(BrowserSessionResponse),
}

/// Change your own name or password. Returns a fresh session, since a password change ends
/// every earlier one.
#[utoipa::path(
    patch,
    path = "/v1/me",
    tag = "staff",
    summary = "Update my profile or password",
    description = "A wrong `current_password` counts as a failed login for throttling. Called with a bearer \
token, it answers with a new access token (`SessionResponse`). Called with the session cookie, it answers as \
`GET /v1/auth/session` does (`BrowserSessionResponse`, no token); after a password change that is a new session, \
set as a new cookie, since the change ends every earlier one.",
    request_body = UpdateMeRequest,
    security(("staff_token" = [])),
    responses(
        (status = 200, body = UpdateMeResponse,
            headers(("Set-Cookie" = String, description = "With the session cookie and a new password: the new session's cookie"))),
        (status = 429, description = "Too many wrong passwords (`rate_limited`)", body = crate::http::problem::Problem, content_type = PROBLEM),
    )
)]
#[tracing::instrument(skip_all, fields(user_id = %caller.user_id))]
async fn update_me(
    State(state): State<AppState>,
    caller: AnyStaff,
    headers: HeaderMap,
    ApiJson(body): ApiJson<UpdateMeRequest>,
) -> Result<Response> {
    let now = state.clock.now();
    // The session as it was before the change, for a caller signed in with the cookie.
    let session = if caller.by_session {
        const ENDED: Error = Error::Unauthorized {
            code: "invalid_session",
            detail: "the session has ended (logged out, expired or password changed); log in again",
        };
        let token = session_cookie(&headers).ok_or(ENDED)?;
        let session = state
            .browser_sessions
            .lookup(&state.db, token, now)
            .await?
            .ok_or(ENDED)?;
        Some((token.to_owned(), session))
    } else {
        None
    };
    let user = super::update_me(&state.db, &state.accounts, caller.actor(), body, now).await?;
    let Some((token, session)) = session else {
        let tenant = crate::tenants::find(&state.db, caller.tenant).await?;
        let issued = SessionResponse::issue(&state.jwt, now, user, tenant.into())?;
        return Ok(axum::Json(UpdateMeResponse::Token(issued)).into_response());
    };
    if user.session_generation == session.session_generation {
        let described = describe(&state, &session).await?;
        return Ok(axum::Json(UpdateMeResponse::Browser(described)).into_response());
    }
    // The password changed, ending this session with the others: the caller gets a new one.
    browser::end(&state.db, &session, &token, now).await?;
    state.browser_sessions.forget(&token);
    let started = browser::start(&state.db, &user, now).await?;
    let cookie = set_cookie(&state, &started.token, browser::SESSION_TTL.num_seconds())?;
    let described = describe(&state, &started.session).await?;
    Ok((
        [(header::SET_COOKIE, cookie)],
        axum::Json(UpdateMeResponse::Browser(described)),
    )
        .into_response())
}

/// Staff of the caller's dealer, oldest first.
#[utoipa::path(
    get,
    path = "/v1/users",
    tag = "staff",
    summary = "List staff",
    params(PageParams),
    security(("staff_token" = [])),
    responses((status = 200, body = UserList))
)]
#[tracing::instrument(skip_all)]
async fn list_users(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<axum::Json<UserList>> {
    Ok(axum::Json(super::list(&state.db, caller.tenant, &page).await?))
}

/// Add a staff member. Admins may add `sales` and `viewer` accounts; the owner may also add admins.
#[utoipa::path(
    post,
    path = "/v1/users",
    tag = "staff",
    summary = "Add a staff member",
    request_body = CreateUserRequest,
    security(("staff_token" = [])),
    responses(
        (status = 201, body = UserResponse),
        (status = 409, description = "Email already in use (`email_taken`)", body = crate::http::problem::Problem, content_type = PROBLEM),
    )
)]
#[tracing::instrument(skip_all)]
async fn create_user(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiJson(body): ApiJson<CreateUserRequest>,
) -> Result<(StatusCode, axum::Json<UserResponse>)> {
    let user = super::create(&state.db, caller.actor(), body, state.clock.now()).await?;
    Ok((StatusCode::CREATED, axum::Json(user.into())))
}

/// One staff member.
#[utoipa::path(
    get,
    path = "/v1/users/{id}",
    tag = "staff",
    summary = "Get a staff member",
    params(("id" = UserId, Path, description = "User id")),
    security(("staff_token" = [])),
    responses((status = 200, body = UserResponse))
)]
#[tracing::instrument(skip_all)]
async fn get_user(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiPath(id): ApiPath<UserId>,
) -> Result<axum::Json<UserResponse>> {
    Ok(axum::Json(super::find(&state.db, caller.tenant, id).await?.into()))
}

/// Rename, change the role of, or set a new password for a staff member.
#[utoipa::path(
    patch,
    path = "/v1/users/{id}",
    tag = "staff",
    summary = "Update a staff member",
    description = "Absent fields are left unchanged. Nobody changes their own role; admins manage only `sales` and `viewer` accounts.",
    params(("id" = UserId, Path, description = "User id")),
    request_body = UpdateUserRequest,
    security(("staff_token" = [])),
    responses((status = 200, body = UserResponse))
)]
#[tracing::instrument(skip_all)]
async fn update_user(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(body): ApiJson<UpdateUserRequest>,
) -> Result<axum::Json<UserResponse>> {
    let user = super::update(&state.db, &state.accounts, caller.actor(), id, body, state.clock.now()).await?;
    Ok(axum::Json(user.into()))
}

/// Remove a staff member; their access token stops working at once.
#[utoipa::path(
    delete,
    path = "/v1/users/{id}",
    tag = "staff",
    summary = "Remove a staff member",
    params(("id" = UserId, Path, description = "User id")),
    security(("staff_token" = [])),
    responses((status = 204, description = "Removed"))
)]
#[tracing::instrument(skip_all)]
async fn delete_user(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiPath(id): ApiPath<UserId>,
) -> Result<StatusCode> {
    super::remove(&state.db, &state.accounts, caller.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
