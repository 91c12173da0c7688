//! What the catalog needs of search: the index is derived from the catalog, so the catalog
//! only announces what it wrote and may wait for it to become searchable. The search
//! indexer implements this; the catalog does not know it.

use futures_util::future::BoxFuture;

use super::store::Written;

pub trait SearchFeed: Send + Sync {
    /// The parts a committed transaction wrote, so that they are indexed without being read
    /// back (a shortcut only: the outbox rows written with them stay the source).
    fn hand_over(&self, written: Vec<Written>) -> BoxFuture<'_, ()>;

    /// Waits, at most `limit`, until everything committed so far is searchable: a write
    /// through the API answers once search shows it.
    fn wait_visible(&self, limit: std::time::Duration) -> BoxFuture<'_, ()>;
}

/// How long a write through the API waits for search to show it.
pub const VISIBILITY_WAIT: std::time::Duration = std::time::Duration::from_secs(2);
