//! Dealer staff: the signed-in user's profile and staff management by owners and admins.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::routes::SessionResponse;
use crate::auth::throttle::PER_EMAIL;
use crate::auth::{AdminStaff, AnyStaff};
use crate::db::TenantScoped;
use crate::entities::Role;
use crate::entities::users;
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::pagination::{PageParams, finish_page};
use crate::ids::{TenantId, UserId};
use crate::tenants::TenantResponse;
use crate::validate::{NAME_MAX, Validator};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me, update_me))
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user, delete_user))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

impl From<users::Model> for UserResponse {
    fn from(u: users::Model) -> Self {
        Self {
            id: u.id,
            email: u.email,
            name: u.name,
            role: u.role,
            created_at: u.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub user: UserResponse,
    pub tenant: TenantResponse,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<UserResponse>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    pub email: String,
    pub name: String,
    /// Initial password, 10-128 characters.
    pub password: String,
    /// `admin` (owner only), `sales` or `viewer`.
    pub role: Role,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    pub name: Option<String>,
    pub role: Option<Role>,
    /// A new password, 10-128 characters.
    pub password: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    pub name: Option<String>,
    /// Required to set `new_password`.
    pub current_password: Option<String>,
    /// 10-128 characters. Tokens issued before the change stop working.
    pub new_password: Option<String>,
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
    let user = find(&state, caller.tenant, caller.user_id).await?;
    let tenant = crate::tenants::find(&state.db, caller.tenant).await?;
    Ok(axum::Json(MeResponse {
        user: user.into(),
        tenant: tenant.into(),
    }))
}

/// Change your own name or password. Returns a fresh session, since a password change ends
/// every earlier one.
#[utoipa::path(
    patch,
    path = "/v1/me",
    tag = "staff",
    summary = "Update my profile or password",
    description = "A wrong `current_password` counts as a failed login for throttling.",
    request_body = UpdateMeRequest,
    security(("staff_token" = [])),
    responses(
        (status = 200, body = SessionResponse),
        (status = 429, description = "Too many wrong passwords (`rate_limited`)", body = crate::http::problem::Problem, content_type = PROBLEM),
    )
)]
#[tracing::instrument(skip_all, fields(user_id = %caller.user_id))]
async fn update_me(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiJson(body): ApiJson<UpdateMeRequest>,
) -> Result<axum::Json<SessionResponse>> {
    let mut v = Validator::default();
    let name = body.name.as_deref().map(|n| v.text("/name", n, NAME_MAX));
    if let Some(new_password) = &body.new_password {
        v.password("/new_password", new_password);
        if body.current_password.is_none() {
            v.error("/current_password", "required", "needed to set a new password");
        }
    }
    v.finish()?;
    let user = find(&state, caller.tenant, caller.user_id).await?;
    let now = state.clock.now();
    let mut active = user.clone().into_active_model();
    if let (Some(new_password), Some(current)) = (body.new_password, body.current_password) {
        let throttle_key = format!("email:{}", user.email);
        state
            .throttle
            .check(&throttle_key, PER_EMAIL, now)
            .map_err(|retry_after_secs| Error::TooManyRequests { retry_after_secs })?;
        if !crate::auth::password::verify(current, Some(user.password_hash.clone())).await? {
            state.throttle.record_failure(&throttle_key, PER_EMAIL, now);
            return Err(Error::field(
                "/current_password",
                "incorrect",
                "the current password is wrong",
            ));
        }
        active.password_hash = Set(crate::auth::password::hash(new_password).await?);
        active.credentials_changed_at = Set(now);
    }
    if let Some(name) = name {
        active.name = Set(name);
    }
    active.updated_at = Set(now);
    let user = active.update(&state.db).await?;
    state.accounts.forget(user.id);
    let tenant = crate::tenants::find(&state.db, caller.tenant).await?;
    Ok(axum::Json(SessionResponse::issue(&state, user.into(), tenant.into())?))
}

async fn find(state: &AppState, tenant: TenantId, id: UserId) -> Result<users::Model> {
    users::Entity::scoped_by_id(tenant, id)
        .one(&state.db)
        .await?
        .ok_or(Error::not_found("user"))
}

fn ensure_may_manage(caller: Role, target: Role) -> Result<()> {
    if caller.may_manage(target) {
        Ok(())
    } else {
        Err(Error::forbidden(format!(
            "a {} cannot manage {} accounts",
            caller.as_str(),
            target.as_str()
        )))
    }
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
    let limit = page.limit()?;
    let mut query = users::Entity::scoped(caller.tenant).order_by_asc(users::Column::Id);
    if let Some(after) = page.cursor::<UserId>()? {
        query = query.filter(users::Column::Id.gt(after));
    }
    let rows = query.limit(limit + 1).all(&state.db).await?;
    let (rows, next_cursor) = finish_page(rows, limit, |u| u.id);
    Ok(axum::Json(UserList {
        items: rows.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
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
    let mut v = Validator::default();
    let email = v.email("/email", &body.email);
    let name = v.text("/name", &body.name, NAME_MAX);
    v.password("/password", &body.password);
    if body.role == Role::Owner {
        v.error(
            "/role",
            "invalid_value",
            "a dealer has exactly one owner; choose admin, sales or viewer",
        );
    }
    v.finish()?;
    ensure_may_manage(caller.role, body.role)?;
    let password_hash = crate::auth::password::hash(body.password).await?;
    let now = state.clock.now();
    let user = users::ActiveModel {
        id: Set(UserId::generate()),
        tenant_id: Set(caller.tenant),
        email: Set(email),
        name: Set(name),
        role: Set(body.role),
        password_hash: Set(password_hash),
        credentials_changed_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&state.db)
    .await?;
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
    Ok(axum::Json(find(&state, caller.tenant, id).await?.into()))
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
    let mut v = Validator::default();
    let name = body.name.as_deref().map(|n| v.text("/name", n, NAME_MAX));
    if let Some(password) = &body.password {
        v.password("/password", password);
    }
    if body.role == Some(Role::Owner) {
        v.error("/role", "invalid_value", "the owner role cannot be given");
    }
    v.finish()?;
    let target = find(&state, caller.tenant, id).await?;
    if target.id == caller.user_id {
        if body.role.is_some_and(|r| r != target.role) {
            return Err(Error::forbidden("you cannot change your own role"));
        }
    } else {
        ensure_may_manage(caller.role, target.role)?;
        if let Some(role) = body.role {
            ensure_may_manage(caller.role, role)?;
        }
    }
    let password_hash = match body.password {
        Some(p) => Some(crate::auth::password::hash(p).await?),
        None => None,
    };
    let mut active = target.into_active_model();
    if let Some(name) = name {
        active.name = Set(name);
    }
    if let Some(role) = body.role {
        active.role = Set(role);
    }
    let now = state.clock.now();
    if let Some(hash) = password_hash {
        active.password_hash = Set(hash);
        active.credentials_changed_at = Set(now);
    }
    active.updated_at = Set(now);
    let user = active.update(&state.db).await?;
    state.accounts.forget(user.id);
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
    let target = find(&state, caller.tenant, id).await?;
    if target.id == caller.user_id {
        return Err(Error::forbidden("you cannot remove your own account"));
    }
    ensure_may_manage(caller.role, target.role)?;
    users::Entity::scoped_delete(caller.tenant)
        .filter(users::Column::Id.eq(target.id))
        .exec(&state.db)
        .await?;
    state.accounts.forget(target.id);
    Ok(StatusCode::NO_CONTENT)
}
