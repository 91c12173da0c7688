//! Per-dealer values read from the database and kept for a while, so that a search does not
//! read a dealer's settings every time. A change made through this process is seen at once
//! (the writer invalidates); one made through another server as soon as it is told (see
//! [`crate::db::invalidation`]), else within the time to live.

use std::collections::HashMap;
use std::future::Future;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use crate::ids::TenantId;

/// Dealers kept at most; past this the cache starts afresh, so that memory stays bounded
/// however many dealers a server answers over its life.
const CAPACITY: usize = 10_000;

pub struct TenantCache<T> {
    ttl: Duration,
    entries: RwLock<HashMap<TenantId, (Instant, T)>>,
}

impl<T: Clone> TenantCache<T> {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: RwLock::default(),
        }
    }

    /// The dealer's value, loaded by `load` when missing or older than the time to live.
    pub async fn get_or_load<E, F>(&self, tenant: TenantId, load: F) -> Result<T, E>
    where
        F: Future<Output = Result<T, E>>,
    {
        if let Some((at, value)) = self.entries.read().unwrap_or_else(|p| p.into_inner()).get(&tenant)
            && at.elapsed() < self.ttl
        {
            return Ok(value.clone());
        }
        let value = load.await?;
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= CAPACITY && !entries.contains_key(&tenant) {
            entries.clear();
        }
        entries.insert(tenant, (Instant::now(), value.clone()));
        Ok(value)
    }

    pub fn invalidate(&self, tenant: TenantId) {
        self.entries.write().unwrap_or_else(|p| p.into_inner()).remove(&tenant);
    }

    pub fn clear(&self) {
        self.entries.write().unwrap_or_else(|p| p.into_inner()).clear();
    }
}
