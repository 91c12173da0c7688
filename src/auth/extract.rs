//! The typed access levels as extractors: a handler's signature says who may call it
//! (`AnyStaff`, `SalesStaff`, `AdminStaff`: dealer staff with a JWT or a browser session;
//! `Shop`: a repair shop's API key). Each yields the caller's tenant, which is all the
//! persistence helpers accept.

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};

use crate::auth::browser::{self, Session};
use crate::auth::jwt::TokenError;
use crate::auth::sessions::Account;
use crate::auth::{RoleRequirement, Shop, Staff};
use crate::db::TenantScoped;
use crate::entities::users;
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::ids::{TenantId, UserId};

const MISSING: Error = Error::Unauthorized {
    code: "missing_credentials",
    detail: "send an access token as `Authorization: Bearer <token>`, or log in for a session cookie",
};
const INVALID_TOKEN: Error = Error::Unauthorized {
    code: "invalid_token",
    detail: "the access token is invalid or has been revoked; log in again",
};
const EXPIRED_TOKEN: Error = Error::Unauthorized {
    code: "token_expired",
    detail: "the access token has expired; log in again",
};
const INVALID_SESSION: Error = Error::Unauthorized {
    code: "invalid_session",
    detail: "the session has ended (logged out, expired or password changed); log in again",
};
const INVALID_KEY: Error = Error::Unauthorized {
    code: "invalid_api_key",
    detail: "the API key is invalid or has been revoked",
};

fn csrf_failed() -> Error {
    Error::Forbidden {
        code: "csrf_failed",
        detail: format!(
            "a request other than GET with the session cookie must send the session's CSRF token as `{}`",
            browser::CSRF_HEADER
        ),
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The session cookie's value, if the request carries one.
pub fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == browser::COOKIE_NAME)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

fn record_tenant(tenant: TenantId) {
    tracing::Span::current().record("tenant_id", tracing::field::display(tenant));
}

/// The account as stored now (briefly cached), if it still exists in `tenant`.
async fn account(state: &AppState, tenant: TenantId, user: UserId) -> Result<Option<Account>> {
    if let Some(account) = state.accounts.get(user).filter(|a| a.tenant == tenant) {
        return Ok(Some(account));
    }
    let read = state.accounts.mark();
    let Some(found) = users::Entity::scoped_by_id(tenant, user).one(&state.db).await? else {
        return Ok(None);
    };
    let account = Account::from(&found);
    state.accounts.put(found.id, account, read);
    Ok(Some(account))
}

/// A live browser session and its account: the cookie opens a session that has not ended, whose
/// account still exists with the password it had at log-in. Writes (any method but GET, HEAD
/// and OPTIONS) must also carry the session's CSRF token.
pub struct BrowserSession {
    pub session: Session,
    pub account: Account,
    /// The cookie's token (to end the session with).
    pub token: String,
}

impl BrowserSession {
    async fn from_parts(parts: &Parts, state: &AppState) -> Result<Option<Self>> {
        let Some(token) = session_cookie(&parts.headers) else {
            return Ok(None);
        };
        let now = state.clock.now();
        let session = state
            .browser_sessions
            .lookup(&state.db, token, now)
            .await?
            .ok_or(INVALID_SESSION)?;
        let account = account(state, session.tenant, session.user)
            .await?
            .filter(|a| a.session_generation == session.session_generation)
            .ok_or(INVALID_SESSION)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let given = parts
                .headers
                .get(browser::CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !session.csrf_matches(given) {
                return Err(csrf_failed());
            }
        }
        Ok(Some(Self {
            session,
            account,
            token: token.to_owned(),
        }))
    }
}

impl FromRequestParts<AppState> for BrowserSession {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let found = Self::from_parts(parts, state).await?.ok_or(Error::Unauthorized {
            code: "missing_credentials",
            detail: "no session cookie: log in with `POST /v1/auth/session`",
        })?;
        record_tenant(found.session.tenant);
        Ok(found)
    }
}

impl<R: RoleRequirement> FromRequestParts<AppState> for Staff<R> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // A bearer token wins over a cookie: it is sent on purpose, never by the browser alone.
        let (user, account, by_session) = if let Some(token) = bearer(parts) {
            let claims = state.jwt.verify(token, state.clock.now()).map_err(|err| match err {
                TokenError::Expired => EXPIRED_TOKEN,
                TokenError::Invalid(_) => INVALID_TOKEN,
            })?;
            let account = account(state, claims.tid, claims.sub)
                .await?
                .filter(|a| a.session_generation == claims.generation)
                .ok_or(INVALID_TOKEN)?;
            (claims.sub, account, false)
        } else if let Some(browser) = BrowserSession::from_parts(parts, state).await? {
            (browser.session.user, browser.account, true)
        } else {
            return Err(MISSING);
        };
        record_tenant(account.tenant);
        if account.role < R::MIN {
            return Err(Error::forbidden(format!(
                "this action needs the {} role or higher; you are {}",
                R::MIN.as_str(),
                account.role.as_str()
            )));
        }
        Ok(Self {
            by_session,
            ..Self::new(account.tenant, user, account.role)
        })
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
