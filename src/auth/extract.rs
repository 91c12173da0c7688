//! The typed access levels as extractors: a handler's signature says who may call it
//! (`AnyStaff`, `SalesStaff`, `AdminStaff`: dealer staff with a JWT; `Shop`: a repair shop's
//! API key). Each yields the caller's tenant, which is all the persistence helpers accept.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::auth::jwt::TokenError;
use crate::auth::sessions::Account;
use crate::auth::{RoleRequirement, Shop, Staff};
use crate::db::TenantScoped;
use crate::entities::users;
use crate::error::Error;
use crate::http::AppState;
use crate::ids::TenantId;

const MISSING: Error = Error::Unauthorized {
    code: "missing_credentials",
    detail: "send an access token as `Authorization: Bearer <token>`",
};
const INVALID_TOKEN: Error = Error::Unauthorized {
    code: "invalid_token",
    detail: "the access token is invalid or has been revoked; log in again",
};
const EXPIRED_TOKEN: Error = Error::Unauthorized {
    code: "token_expired",
    detail: "the access token has expired; log in again",
};
const INVALID_KEY: Error = Error::Unauthorized {
    code: "invalid_api_key",
    detail: "the API key is invalid or has been revoked",
};

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn record_tenant(tenant: TenantId) {
    tracing::Span::current().record("tenant_id", tracing::field::display(tenant));
}

impl<R: RoleRequirement> FromRequestParts<AppState> for Staff<R> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or(MISSING)?;
        let claims = state.jwt.verify(token, state.clock.now()).map_err(|err| match err {
            TokenError::Expired => EXPIRED_TOKEN,
            TokenError::Invalid(_) => INVALID_TOKEN,
        })?;
        let account = match state.accounts.get(claims.sub).filter(|a| a.tenant == claims.tid) {
            Some(account) => account,
            None => {
                let read = state.accounts.mark();
                let user = users::Entity::scoped_by_id(claims.tid, claims.sub)
                    .one(&state.db)
                    .await?
                    .ok_or(INVALID_TOKEN)?;
                let account = Account::from(&user);
                state.accounts.put(user.id, account, read);
                account
            }
        };
        if claims.generation != account.session_generation {
            return Err(INVALID_TOKEN);
        }
        record_tenant(account.tenant);
        if account.role < R::MIN {
            return Err(Error::forbidden(format!(
                "this action needs the {} role or higher; you are {}",
                R::MIN.as_str(),
                account.role.as_str()
            )));
        }
        Ok(Self::new(account.tenant, claims.sub, account.role))
    }
}

impl FromRequestParts<AppState> for Shop {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let key = parts
            .headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .or_else(|| bearer(parts))
            .ok_or(Error::Unauthorized {
                code: "missing_credentials",
                detail: "send the shop's API key as `Authorization: Bearer <key>` or `X-Api-Key`",
            })?;
        let (key, customer) = crate::api_keys::authenticate(&state.db, key, state.clock.now())
            .await?
            .ok_or(INVALID_KEY)?;
        record_tenant(key.tenant_id);
        Ok(Self {
            tenant: key.tenant_id,
            key_id: key.id,
            customer,
        })
    }
}
