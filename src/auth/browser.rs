//! Browser sessions for the dealer console: log-in sets an HttpOnly, SameSite=Strict cookie
//! holding a random opaque token, and answers with a CSRF token that page scripts keep and
//! send as `X-CSRF-Token` on every write. Page scripts never see a credential: the cookie is
//! out of their reach, and the CSRF token alone opens nothing.
//!
//! Why a server-side session rather than short access tokens with a rotating refresh token:
//! log-out and a password change must end the session at once and on the server, which a
//! session row does directly (a refresh token would still leave its access token alive), and a
//! console served from the API's own origin needs no token in page memory at all.
//!
//! Only a SHA-256 hash of the token is stored. A session lasts [`SESSION_TTL`] from log-in (a
//! working day; not extended by use), ends at log-out, and ends when the account's password is
//! changed or reset (the session generation moves on) or the account is removed (its rows go
//! with it).

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration as StdDuration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use crate::entities::{staff_sessions, users};
use crate::error::Result;
use crate::ids::{StaffSessionId, TenantId, UserId};

/// How long a browser session lasts from log-in: a working day.
pub const SESSION_TTL: Duration = Duration::hours(12);
/// The cookie that carries the session token.
pub const COOKIE_NAME: &str = "partsdesk_session";
/// The request header a cookie session's writes carry the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Sessions ended (expired or logged out) this long ago are deleted by the housekeeping run.
const RETENTION: Duration = Duration::days(7);

/// A session just started: the token goes into the cookie and nowhere else.
pub struct Started {
    pub token: String,
    pub session: Session,
}

/// A live session, as a request needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: StaffSessionId,
    pub tenant: TenantId,
    pub user: UserId,
    pub csrf_token: String,
    pub session_generation: i32,
    pub expires_at: DateTime<Utc>,
}

impl From<staff_sessions::Model> for Session {
    fn from(s: staff_sessions::Model) -> Self {
        Self {
            id: s.id,
            tenant: s.tenant_id,
            user: s.user_id,
            csrf_token: s.csrf_token,
            session_generation: s.session_generation,
            expires_at: s.expires_at,
        }
    }
}

impl Session {
    /// Whether `given` is this session's CSRF token (compared in constant time).
    pub fn csrf_matches(&self, given: &str) -> bool {
        let (a, b) = (self.csrf_token.as_bytes(), given.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

fn random_token() -> String {
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    URL_SAFE_NO_PAD.encode(raw)
}

/// What is stored of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Starts a session for an account that has just proved its password.
pub async fn start(db: &impl ConnectionTrait, user: &users::Model, now: DateTime<Utc>) -> Result<Started> {
    let token = random_token();
    let row = staff_sessions::ActiveModel {
        id: Set(StaffSessionId::generate()),
        tenant_id: Set(user.tenant_id),
        user_id: Set(user.id),
        token_hash: Set(token_hash(&token)),
        csrf_token: Set(random_token()),
        session_generation: Set(user.session_generation),
        created_at: Set(now),
        expires_at: Set(now + SESSION_TTL),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(Started {
        token,
        session: row.into(),
    })
}

/// The session a cookie's token opens, unless it has ended. The account's own state (its
/// generation, whether it still exists) is the caller's to check.
pub async fn find(db: &impl ConnectionTrait, token: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
    #[expect(
        clippy::disallowed_methods,
        reason = "a cookie names no dealer: the token's hash finds the session, which names it"
    )]
    let found = staff_sessions::Entity::find()
        .filter(staff_sessions::Column::TokenHash.eq(token_hash(token)))
        .filter(staff_sessions::Column::RevokedAt.is_null())
        .filter(staff_sessions::Column::ExpiresAt.gt(now))
        .one(db)
        .await?;
    Ok(found.map(Session::from))
}

/// Ends a session (log-out). Returns whether it was live.
pub async fn end(db: &impl ConnectionTrait, session: &Session, token: &str, now: DateTime<Utc>) -> Result<bool> {
    use crate::db::TenantScoped;
    use crate::db::invalidation::{Change, publish};
    let ended = staff_sessions::Entity::scoped_update(session.tenant)
        .col_expr(staff_sessions::Column::RevokedAt, Expr::value(now))
        .filter(staff_sessions::Column::Id.eq(session.id))
        .filter(staff_sessions::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    publish(db, &Change::Session(token_hash(token))).await?;
    Ok(ended.rows_affected == 1)
}

/// Deletes sessions that ended more than a week ago (housekeeping).
pub async fn purge_ended(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    #[expect(clippy::disallowed_methods, reason = "housekeeping across every dealer")]
    let purged = staff_sessions::Entity::delete_many()
        .filter(staff_sessions::Column::ExpiresAt.lte(now - RETENTION))
        .exec(db)
        .await?;
    #[expect(clippy::disallowed_methods, reason = "housekeeping across every dealer")]
    let logged_out = staff_sessions::Entity::delete_many()
        .filter(staff_sessions::Column::RevokedAt.lte(now - RETENTION))
        .exec(db)
        .await?;
    Ok(purged.rows_affected + logged_out.rows_affected)
}

/// Sessions recently looked up, by token hash, so that a console's requests do not each cost
/// a database read. Log-out through this process forgets the session at once; the short
/// lifetime bounds how long a log-out through another process takes to apply here. Expiry is
/// checked on every request all the same, and the account (role, password generation,
/// removal) is checked through the account cache, which forgets changes at once.
#[derive(Default)]
pub struct SessionCache {
    entries: RwLock<HashMap<String, (Instant, Session)>>,
    /// Bumped by every [`Self::forget`]: a session read before a log-out is not put back.
    changes: AtomicU64,
}

const CACHE_TTL: StdDuration = StdDuration::from_secs(5);
const CACHE_CAPACITY: usize = 100_000;

impl SessionCache {
    /// The live session `token` opens, from the cache or the database.
    pub async fn lookup(&self, db: &impl ConnectionTrait, token: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
        let hash = token_hash(token);
        let cached = {
            let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
            entries
                .get(&hash)
                .filter(|(at, _)| at.elapsed() < CACHE_TTL)
                .map(|(_, s)| s.clone())
        };
        if let Some(session) = cached {
            return Ok((session.expires_at > now).then_some(session));
        }
        let read = self.changes.load(Ordering::SeqCst);
        let Some(session) = find(db, token, now).await? else {
            return Ok(None);
        };
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if self.changes.load(Ordering::SeqCst) == read {
            if entries.len() >= CACHE_CAPACITY {
                entries.clear();
            }
            entries.insert(hash, (Instant::now(), session.clone()));
        }
        Ok(Some(session))
    }

    /// After a log-out.
    pub fn forget(&self, token: &str) {
        self.forget_hash(&token_hash(token));
    }

    /// Forgets the session whose token hashes to `hash` (as another server announced it).
    pub fn forget_hash(&self, hash: &str) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        self.changes.fetch_add(1, Ordering::SeqCst);
        entries.remove(hash);
    }

    /// Forgets every session (changes may have been missed).
    pub fn clear(&self) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        self.changes.fetch_add(1, Ordering::SeqCst);
        entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn csrf_tokens_compare_exactly() {
        let session = Session {
            id: StaffSessionId::generate(),
            tenant: TenantId::generate(),
            user: UserId::generate(),
            csrf_token: "abc".to_owned(),
            session_generation: 0,
            expires_at: Utc::now(),
        };
        assert!(session.csrf_matches("abc"));
        assert!(!session.csrf_matches("abd"));
        assert!(!session.csrf_matches("ab"));
        assert!(!session.csrf_matches(""));
    }
}
