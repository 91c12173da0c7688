//! Dealer staff: logging in, the signed-in user's profile, and staff management by owners and
//! admins.

pub mod routes;

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Actor;
use crate::auth::sessions::AccountCache;
use crate::auth::throttle::{self, PER_ADDRESS, PER_EMAIL};
use crate::db::TenantScoped;
use crate::db::invalidation::{Change, publish};
use crate::entities::{Role, users};
use crate::error::{Error, Result};
use crate::ids::{TenantId, UserId};
use crate::pagination::{PageParams, finish_page};
use crate::tenants::TenantResponse;
use crate::validate::{EMAIL_MAX, NAME_MAX, Validator};

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
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    pub email: String,
    pub name: String,
    /// Initial password, 10-128 characters.
    #[schema(min_length = 10, max_length = 128)]
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
    #[schema(min_length = 10, max_length = 128)]
    pub password: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    pub name: Option<String>,
    /// Required to set `new_password`.
    pub current_password: Option<String>,
    /// 10-128 characters. Tokens issued before the change stop working.
    #[schema(min_length = 10, max_length = 128)]
    pub new_password: Option<String>,
}

const BAD_LOGIN: Error = Error::Unauthorized {
    code: "invalid_credentials",
    detail: "email or password is wrong",
};

fn throttled(retry_after_secs: u64) -> Error {
    Error::TooManyRequests { retry_after_secs }
}

/// The account with this email and password. Failures count against the email and the
/// client's address, and past either limit every attempt is refused until the window passes.
/// An unknown email costs the same hashing as a wrong password.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    login: LoginRequest,
    client: IpAddr,
    now: DateTime<Utc>,
) -> Result<users::Model> {
    let email = login.email.trim().to_lowercase();
    if email.is_empty() || email.chars().count() > EMAIL_MAX || login.password.len() > 1024 {
        return Err(BAD_LOGIN);
    }
    let email_key = format!("email:{email}");
    let address_key = format!("addr:{client}");
    for (key, policy) in [(&email_key, PER_EMAIL), (&address_key, PER_ADDRESS)] {
        throttle::check(db, key, policy, now).await?.map_err(throttled)?;
    }
    // Unscoped on purpose: an email is how a person's dealer is found.
    #[expect(clippy::disallowed_methods, reason = "logging in finds the dealer by the email")]
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(db)
        .await?;
    let verified =
        crate::auth::password::verify(login.password, user.as_ref().map(|u| u.password_hash.clone())).await?;
    let Some(user) = user.filter(|_| verified) else {
        throttle::record_failure(db, &email_key, now).await?;
        throttle::record_failure(db, &address_key, now).await?;
        tracing::info!("failed login");
        return Err(BAD_LOGIN);
    };
    throttle::reset(db, &email_key).await?;
    Ok(user)
}

pub async fn find(db: &impl ConnectionTrait, tenant: TenantId, id: UserId) -> Result<users::Model> {
    users::Entity::scoped_by_id(tenant, id)
        .one(db)
        .await?
        .ok_or(Error::not_found("user"))
}

/// Changes the caller's own name or password; a password change needs the current one (a
/// wrong one counts as a failed login) and ends every earlier session.
pub async fn update_me(
    db: &impl ConnectionTrait,
    accounts: &AccountCache,
    actor: Actor,
    body: UpdateMeRequest,
    now: DateTime<Utc>,
) -> Result<users::Model> {
    let mut v = Validator::default();
    let name = body.name.as_deref().map(|n| v.text("/name", n, NAME_MAX));
    if let Some(new_password) = &body.new_password {
        v.password("/new_password", new_password);
        if body.current_password.is_none() {
            v.error("/current_password", "required", "needed to set a new password");
        }
    }
    v.finish()?;
    let user = find(db, actor.tenant, actor.user).await?;
    let mut active = user.clone().into_active_model();
    if let (Some(new_password), Some(current)) = (body.new_password, body.current_password) {
        let throttle_key = format!("email:{}", user.email);
        throttle::check(db, &throttle_key, PER_EMAIL, now)
            .await?
            .map_err(throttled)?;
        if !crate::auth::password::verify(current, Some(user.password_hash.clone())).await? {
            throttle::record_failure(db, &throttle_key, now).await?;
            return Err(Error::field(
                "/current_password",
                "incorrect",
                "the current password is wrong",
            ));
        }
        active.password_hash = Set(crate::auth::password::hash(new_password).await?);
        active.credentials_changed_at = Set(now);
        active.session_generation = Set(user.session_generation.wrapping_add(1));
    }
    if let Some(name) = name {
        active.name = Set(name);
    }
    active.updated_at = Set(now);
    let user = active.update(db).await?;
    publish(db, &Change::Account(user.id)).await?;
    accounts.forget(user.id);
    Ok(user)
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

/// Staff of the dealer, oldest first.
pub async fn list(db: &impl ConnectionTrait, tenant: TenantId, page: &PageParams) -> Result<UserList> {
    let limit = page.limit()?;
    let mut query = users::Entity::scoped(tenant).order_by_asc(users::Column::Id);
    if let Some(after) = page.cursor::<UserId>()? {
        query = query.filter(users::Column::Id.gt(after));
    }
    let rows = query.limit(limit + 1).all(db).await?;
    let (rows, next_cursor) = finish_page(rows, limit, |u| u.id);
    Ok(UserList {
        items: rows.into_iter().map(Into::into).collect(),
        next_cursor,
    })
}

/// A new staff member of the actor's dealer, with a role the actor may give.
pub async fn create(
    db: &impl ConnectionTrait,
    actor: Actor,
    body: CreateUserRequest,
    now: DateTime<Utc>,
) -> Result<users::Model> {
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
    ensure_may_manage(actor.role, body.role)?;
    let password_hash = crate::auth::password::hash(body.password).await?;
    Ok(users::ActiveModel {
        id: Set(UserId::generate()),
        tenant_id: Set(actor.tenant),
        email: Set(email),
        name: Set(name),
        role: Set(body.role),
        password_hash: Set(password_hash),
        credentials_changed_at: Set(now),
        session_generation: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// Renames a staff member, changes their role or sets their password. Nobody changes their
/// own role; admins manage only `sales` and `viewer` accounts.
pub async fn update(
    db: &impl ConnectionTrait,
    accounts: &AccountCache,
    actor: Actor,
    id: UserId,
    body: UpdateUserRequest,
    now: DateTime<Utc>,
) -> Result<users::Model> {
    let mut v = Validator::default();
    let name = body.name.as_deref().map(|n| v.text("/name", n, NAME_MAX));
    if let Some(password) = &body.password {
        v.password("/password", password);
    }
    if body.role == Some(Role::Owner) {
        v.error("/role", "invalid_value", "the owner role cannot be given");
    }
    v.finish()?;
    let target = find(db, actor.tenant, id).await?;
    if target.id == actor.user {
        if body.role.is_some_and(|r| r != target.role) {
            return Err(Error::forbidden("you cannot change your own role"));
        }
    } else {
        ensure_may_manage(actor.role, target.role)?;
        if let Some(role) = body.role {
            ensure_may_manage(actor.role, role)?;
        }
    }
    let password_hash = match body.password {
        Some(p) => Some(crate::auth::password::hash(p).await?),
        None => None,
    };
    let generation = target.session_generation;
    let mut active = target.into_active_model();
    if let Some(name) = name {
        active.name = Set(name);
    }
    if let Some(role) = body.role {
        active.role = Set(role);
    }
    if let Some(hash) = password_hash {
        active.password_hash = Set(hash);
        active.credentials_changed_at = Set(now);
        active.session_generation = Set(generation.wrapping_add(1));
    }
    active.updated_at = Set(now);
    let user = active.update(db).await?;
    publish(db, &Change::Account(user.id)).await?;
    accounts.forget(user.id);
    Ok(user)
}

/// Removes a staff member; their token stops working at once. Nobody removes themselves.
pub async fn remove(db: &impl ConnectionTrait, accounts: &AccountCache, actor: Actor, id: UserId) -> Result<()> {
    let target = find(db, actor.tenant, id).await?;
    if target.id == actor.user {
        return Err(Error::forbidden("you cannot remove your own account"));
    }
    ensure_may_manage(actor.role, target.role)?;
    users::Entity::scoped_delete(actor.tenant)
        .filter(users::Column::Id.eq(target.id))
        .exec(db)
        .await?;
    publish(db, &Change::Account(target.id)).await?;
    accounts.forget(target.id);
    Ok(())
}
