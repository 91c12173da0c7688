//! Staff accounts as the token check needs them, kept for a few seconds so that a request
//! does not cost a database round trip before any work starts. Every change to an account
//! made through this process forgets it at once; the short lifetime bounds how long a
//! change made elsewhere (another process on the same database) takes to apply.

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::entities::Role;
use crate::entities::users;
use crate::ids::{TenantId, UserId};

const TTL: Duration = Duration::from_secs(5);
/// Accounts kept at most; past this the cache starts afresh (a burst of logins must not grow
/// memory without bound).
const CAPACITY: usize = 100_000;

#[derive(Debug, Clone, Copy)]
pub struct Account {
    pub tenant: TenantId,
    pub role: Role,
    pub session_generation: i32,
}

impl From<&users::Model> for Account {
    fn from(user: &users::Model) -> Self {
        Self {
            tenant: user.tenant_id,
            role: user.role,
            session_generation: user.session_generation,
        }
    }
}

#[derive(Default)]
pub struct AccountCache {
    entries: RwLock<HashMap<UserId, (Instant, Account)>>,
    /// Bumped by every [`Self::forget`]: an account read before a change must not be put
    /// back after it.
    changes: AtomicU64,
}

/// When an account was read, to tell whether a change happened since.
#[derive(Debug, Clone, Copy)]
pub struct ReadMark(u64);

impl AccountCache {
    pub fn get(&self, user: UserId) -> Option<Account> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        entries
            .get(&user)
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, account)| *account)
    }

    /// Take before reading an account from the database, and hand to [`Self::put`].
    pub fn mark(&self) -> ReadMark {
        ReadMark(self.changes.load(Ordering::SeqCst))
    }

    /// Keeps `account` unless some account changed since `read` (it may be this one).
    pub fn put(&self, user: UserId, account: Account, read: ReadMark) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if self.changes.load(Ordering::SeqCst) != read.0 {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(user, (Instant::now(), account));
    }

    /// After a change to the account (role, password, removal).
    pub fn forget(&self, user: UserId) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        self.changes.fetch_add(1, Ordering::SeqCst);
        entries.remove(&user);
    }

    /// Forgets every account (changes may have been missed).
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
    fn kept_until_forgotten() {
        let cache = AccountCache::default();
        let user = UserId::generate();
        let account = Account {
            tenant: TenantId::generate(),
            role: Role::Sales,
            session_generation: 0,
        };
        assert!(cache.get(user).is_none());
        cache.put(user, account, cache.mark());
        assert_eq!(cache.get(user).map(|a| a.role), Some(Role::Sales));
        cache.forget(user);
        assert!(cache.get(user).is_none());
    }

    #[test]
    fn an_account_read_before_a_change_is_not_kept() {
        let cache = AccountCache::default();
        let user = UserId::generate();
        let read = cache.mark();
        cache.forget(user);
        let account = Account {
            tenant: TenantId::generate(),
            role: Role::Owner,
            session_generation: 0,
        };
        cache.put(user, account, read);
        assert!(cache.get(user).is_none());
    }
}
