//! Keeps the search index in step with the database. Writes leave "part X changed" rows in
//! the search outbox (same transaction); the indexer reads the current state of those parts,
//! applies it to the index, commits with the highest change id applied, and only then
//! deletes the outbox rows. A crash in between re-applies the same rows, which is harmless.
//!
//! A writer that holds the parts it wrote (an import) hands them over after its commit, so
//! the drain need not read them back; see [`Indexer::hand_over`].
//!
//! One indexer drains one database's outbox; run one `serve` process per database (several
//! would each delete rows the others still need).

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use search_index::{Change, FitmentEntry, NumberEntry, NumberKind as IndexKind, PartDoc, SearchIndex};
use tokio::sync::{Notify, watch};

use crate::catalog::part::{NumberKind, PartInput};
use crate::catalog::store::{self, FullPart, Written};
use crate::db::TenantScoped;
use crate::entities::{parts, search_outbox};
use crate::error::Result;
use crate::ids::{PartId, TenantId};

/// An outbox row as a drain reads it (not when it was written, which only operators read).
#[derive(Debug, sea_orm::FromQueryResult)]
struct Pending {
    id: i64,
    tenant_id: TenantId,
    part_id: PartId,
}

/// Outbox rows read (and parts loaded) at a time.
const BATCH: u64 = 5_000;
/// Most changes staged before a commit (a commit syncs to disk, so bulk loads commit rarely).
const COMMIT_EVERY: usize = 200_000;
pub use crate::catalog::feed::VISIBILITY_WAIT;
/// Safety net: drain the outbox this often even without a nudge.
const IDLE_POLL: Duration = Duration::from_secs(5);
/// Most parts held for the drain (about 1 KB each); a writer that finds it full waits.
const HANDED_MAX: usize = 20_000;
/// Handed parts that start a drain. Fewer, larger drains make fewer, larger index commits:
/// each commit writes a segment (building its term dictionary) that merges then rewrite.
const HANDED_DRAIN: usize = HANDED_MAX / 2;
/// How long a writer waits for a drain to make room before leaving its parts to be read back.
const HAND_OVER_WAIT: Duration = Duration::from_secs(10);

/// How far this server's index is behind the database.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct IndexLag {
    /// Catalog changes committed and not yet searchable here.
    pub pending_changes: u64,
    /// Age of the oldest of them, in seconds (0 when none is pending).
    pub lag_seconds: f64,
}

pub struct Indexer {
    db: DatabaseConnection,
    index: Arc<SearchIndex>,
    nudge: Notify,
    rounds_started: AtomicU64,
    rounds_done: watch::Sender<u64>,
    /// One drain at a time: two would stage and commit the same rows.
    draining: tokio::sync::Mutex<()>,
    /// Writes announced (every nudge counts one), and how many of them a finished drain has
    /// made searchable: equal means the index holds every change this process knows of.
    announced: AtomicU64,
    applied: AtomicU64,
    /// The index has been committed to. It stays so (a rebuild empties it only while holding
    /// the drain lock, and commits before letting go), so drains stop reading the commit
    /// metadata from disk once they have seen it.
    built: AtomicBool,
    /// The highest change any drain has staged. A drain that fails after staging leaves its
    /// changes to the next one, so a part new to the index is added without a delete only
    /// when its change lies above this: no earlier drain can have staged it.
    staged_up_to: AtomicI64,
    /// Parts as their writers wrote them, by the change that announced each: see
    /// [`Self::hand_over`].
    handed: Mutex<HashMap<i64, Written>>,
    /// Signalled whenever a drain takes handed parts.
    taken: Notify,
}

impl Indexer {
    pub fn new(db: DatabaseConnection, index: Arc<SearchIndex>) -> Arc<Self> {
        Arc::new(Self {
            db,
            index,
            nudge: Notify::new(),
            rounds_started: AtomicU64::new(0),
            rounds_done: watch::Sender::new(0),
            draining: tokio::sync::Mutex::new(()),
            // Changes left by an earlier process may be waiting until the first drain.
            announced: AtomicU64::new(1),
            applied: AtomicU64::new(0),
            built: AtomicBool::new(false),
            staged_up_to: AtomicI64::new(0),
            handed: Mutex::default(),
            taken: Notify::new(),
        })
    }

    pub fn index(&self) -> &Arc<SearchIndex> {
        &self.index
    }

    /// Drain the outbox whenever nudged (and every few seconds), until the process ends;
    /// once writes pause, let the index settle into one segment.
    pub fn spawn(self: &Arc<Self>) {
        let this = Arc::clone(self);
        tokio::spawn(async move {
            // An earlier process may have left the index fragmented.
            let mut unsettled = true;
            loop {
                let round = this.rounds_started.fetch_add(1, Ordering::SeqCst) + 1;
                match this.drain().await {
                    Ok(applied) => unsettled |= applied > 0,
                    Err(err) => tracing::error!(error = %err, "search indexing failed; will retry"),
                }
                this.rounds_done.send_replace(round);
                let nudged = tokio::time::timeout(IDLE_POLL, this.nudge.notified()).await.is_ok();
                // Settle only after a quiet spell: an import hands parts over without nudging.
                if !nudged && unsettled && this.caught_up() {
                    unsettled = false;
                    if let Err(err) = this.settle().await {
                        tracing::warn!(error = %err, "could not merge the search index's segments");
                    }
                }
            }
        });
    }

    /// Merge the index into one segment in the background, if worth it; a drain that
    /// starts meanwhile stops new merges of this kind.
    pub async fn settle(&self) -> Result<bool> {
        let _no_drain_meanwhile = self.draining.lock().await;
        let index = Arc::clone(&self.index);
        blocking(move || index.settle()).await
    }

    /// Ask for a drain soon, without waiting for it.
    pub fn nudge(&self) {
        self.announced.fetch_add(1, Ordering::SeqCst);
        self.nudge.notify_one();
    }

    /// Give the drain the parts a transaction wrote, after it committed, so that it indexes
    /// them without reading them back. Only a shortcut, never a second source: a drain uses a
    /// handed part only for the change it was handed with, and only when that is the latest
    /// change of that part it applies; anything else is read from the database. A writer
    /// serialises its changes to a part with the part's own row, so a part's changes are
    /// numbered in commit order and the handed part of its latest change is its current state.
    /// When [`HANDED_MAX`] parts are already waiting (bounding memory, and keeping a bulk
    /// import from outrunning the index), first waits until the drain takes some, or one
    /// drain has finished without making room (an index that keeps failing): the parts are
    /// then left to be read back.
    pub async fn hand_over(&self, written: Vec<Written>) {
        if self.handed_count() >= HANDED_MAX {
            tokio::select! {
                () = self.room_for_more() => {}
                _ = self.wait_for_drain(HAND_OVER_WAIT) => {}
            }
        }
        let waiting = {
            let mut handed = self.handed.lock().unwrap_or_else(|p| p.into_inner());
            if handed.len() < HANDED_MAX {
                handed.extend(written.into_iter().map(|w| (w.change_id, w)));
            }
            handed.len()
        };
        // Searchable by the time the writer waits for it (which starts a drain), or with the
        // next drain started by enough parts waiting, a wait, or the idle poll.
        self.announced.fetch_add(1, Ordering::SeqCst);
        if waiting >= HANDED_DRAIN {
            self.nudge.notify_one();
        }
    }

    fn handed_count(&self) -> usize {
        self.handed.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    async fn room_for_more(&self) {
        loop {
            let taken = self.taken.notified();
            tokio::pin!(taken);
            // Registered before the check, so a drain taking parts in between still wakes us.
            taken.as_mut().enable();
            if self.handed_count() < HANDED_MAX {
                return;
            }
            taken.await;
        }
    }

    /// The changes waiting for this index at `now`, and how long the oldest has waited.
    pub async fn lag(&self, now: chrono::DateTime<chrono::Utc>) -> Result<IndexLag> {
        use sea_orm::sea_query::{Expr, Func, Query};
        use sea_orm::{ConnectionTrait, DatabaseBackend};
        // Across every dealer: the index holds them all.
        let select = Query::select()
            .expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "pending")
            .expr_as(Func::min(Expr::col(search_outbox::Column::CreatedAt)), "oldest")
            .from(search_outbox::Entity)
            .to_owned();
        let backend: DatabaseBackend = self.db.get_database_backend();
        let row = self.db.query_one_raw(backend.build(&select)).await?;
        let (pending, oldest): (i64, Option<chrono::DateTime<chrono::Utc>>) = match row {
            Some(row) => (row.try_get("", "pending")?, row.try_get("", "oldest")?),
            None => (0, None),
        };
        #[allow(clippy::cast_precision_loss)] // milliseconds of a lag, far below 2^52
        let lag_seconds = oldest.map_or(0.0, |at| (now - at).num_milliseconds().max(0) as f64 / 1000.0);
        Ok(IndexLag {
            pending_changes: u64::try_from(pending).unwrap_or(0),
            lag_seconds,
        })
    }

    /// Every change announced so far is searchable (a drain that began after the last
    /// announcement has committed). While not, what a hit shows is read from the database.
    pub fn caught_up(&self) -> bool {
        self.applied.load(Ordering::SeqCst) >= self.announced.load(Ordering::SeqCst)
    }

    /// Wait until everything committed before this call is searchable (bounded by
    /// [`VISIBILITY_WAIT`]; past that the change still lands, just later).
    pub async fn wait_visible(&self) {
        self.wait_visible_within(VISIBILITY_WAIT).await;
    }

    /// As [`Self::wait_visible`], bounded by `limit`: a finished import waits longer, so that
    /// the parts it reports written are searchable when it says so.
    pub async fn wait_visible_within(&self, limit: Duration) {
        if !self.wait_for_drain(limit).await {
            tracing::warn!(?limit, "search index did not catch up within the visibility wait");
        }
    }

    /// Wait (at most `limit`) for a drain that starts after now to finish; it reads every row
    /// committed before now. Whether it finished in time.
    async fn wait_for_drain(&self, limit: Duration) -> bool {
        let target = self.rounds_started.load(Ordering::SeqCst) + 1;
        self.nudge();
        let mut done = self.rounds_done.subscribe();
        tokio::time::timeout(limit, done.wait_for(|r| *r >= target))
            .await
            .is_ok()
    }

    /// Apply every pending outbox row; returns how many were applied. Outbox rows are
    /// deleted only after the commit that contains them.
    pub async fn drain(&self) -> Result<u64> {
        let _one_at_a_time = self.draining.lock().await;
        // Everything announced before this point is committed before it returns.
        let announced = self.announced.load(Ordering::SeqCst);
        let applied = self.drain_or_rebuild().await?;
        self.applied.fetch_max(announced, Ordering::SeqCst);
        Ok(applied)
    }

    async fn drain_or_rebuild(&self) -> Result<u64> {
        // A lost index (or one of an older layout, set aside on open) is rebuilt whole first:
        // applying only the pending changes would commit an index that looks complete.
        if self.needs_rebuild().await? {
            tracing::warn!("search index missing or empty: rebuilding from the database");
            return self.rebuild_locked().await;
        }
        self.drain_locked().await
    }

    async fn drain_locked(&self) -> Result<u64> {
        let mut applied = 0;
        let mut staged: Vec<i64> = Vec::new();
        let mut after = 0i64;
        let staged_before = self.staged_up_to.load(Ordering::SeqCst);
        loop {
            #[expect(
                clippy::disallowed_methods,
                reason = "the outbox is the indexer's own queue across all dealers"
            )]
            let rows: Vec<Pending> = search_outbox::Entity::find()
                .select_only()
                .columns([
                    search_outbox::Column::Id,
                    search_outbox::Column::TenantId,
                    search_outbox::Column::PartId,
                ])
                .filter(search_outbox::Column::Id.gt(after))
                .order_by_asc(search_outbox::Column::Id)
                .limit(BATCH)
                .into_model()
                .all(&self.db)
                .await?;
            let Some(last) = rows.last().map(|r| r.id) else {
                break;
            };
            after = last;
            // Each part's latest change in this batch.
            let mut by_tenant: HashMap<TenantId, BTreeMap<PartId, i64>> = HashMap::new();
            for row in &rows {
                by_tenant.entry(row.tenant_id).or_default().insert(row.part_id, row.id);
            }
            let mut handed = self.take_handed(&rows);
            let mut changes = Vec::new();
            for (tenant, parts) in by_tenant {
                let mut unread = Vec::new();
                for (part, change_id) in parts {
                    match handed.remove(&change_id) {
                        Some(handed) if handed.part == part => {
                            changes.push(if handed.new && change_id > staged_before {
                                first_change_for(tenant, part, &handed.input)
                            } else {
                                change_for(tenant, part, &handed.input)
                            });
                        }
                        _ => unread.push(part),
                    }
                }
                let current = load_full(&self.db, tenant, &unread).await?;
                let mut present: HashMap<PartId, FullPart> = current.into_iter().map(|p| (p.part.id, p)).collect();
                for part in unread {
                    match present.remove(&part) {
                        Some(full) => changes.push(change_for(tenant, part, &full.to_input())),
                        None => changes.push(removal(tenant, part)),
                    }
                }
            }
            let index = Arc::clone(&self.index);
            blocking(move || index.stage(changes)).await?;
            self.staged_up_to.fetch_max(last, Ordering::SeqCst);
            staged.extend(rows.iter().map(|r| r.id));
            if staged.len() >= COMMIT_EVERY {
                applied += self.commit(&mut staged, last).await?;
            }
        }
        if let Some(&last) = staged.last() {
            applied += self.commit(&mut staged, last).await?;
        }
        // Parts handed over after their changes were drained (read back meanwhile) are of no
        // further use: no change at or below the highest one drained is still to come, except
        // on PostgreSQL one committed out of order, which is then read back.
        if after > 0 {
            let mut handed = self.handed.lock().unwrap_or_else(|p| p.into_inner());
            handed.retain(|change_id, _| *change_id > after);
            drop(handed);
            self.taken.notify_waiters();
        }
        Ok(applied)
    }

    /// The handed-over parts of these changes, leaving none of them behind.
    fn take_handed(&self, rows: &[Pending]) -> HashMap<i64, Written> {
        let mut handed = self.handed.lock().unwrap_or_else(|p| p.into_inner());
        if handed.is_empty() {
            return HashMap::new();
        }
        let taken = rows
            .iter()
            .filter_map(|row| Some((row.id, handed.remove(&row.id)?)))
            .collect();
        drop(handed);
        self.taken.notify_waiters();
        taken
    }

    async fn commit(&self, staged: &mut Vec<i64>, up_to: i64) -> Result<u64> {
        let index = Arc::clone(&self.index);
        blocking(move || index.commit(up_to)).await?;
        for chunk in staged.chunks(1_000) {
            #[expect(clippy::disallowed_methods, reason = "applied rows of the indexer's own queue")]
            search_outbox::Entity::delete_many()
                .filter(search_outbox::Column::Id.is_in(chunk.iter().copied()))
                .exec(&self.db)
                .await?;
        }
        let n = staged.len() as u64;
        staged.clear();
        Ok(n)
    }

    /// Rebuild the whole index from the database (after loss, or a change of analyzers).
    pub async fn rebuild(&self) -> Result<u64> {
        // No drain may commit between the clear and the rebuilt commit.
        let _one_at_a_time = self.draining.lock().await;
        self.rebuild_locked().await
    }

    async fn rebuild_locked(&self) -> Result<u64> {
        let index = Arc::clone(&self.index);
        blocking(move || index.clear()).await?;
        #[expect(clippy::disallowed_methods, reason = "a rebuild covers every dealer")]
        let tenants: Vec<TenantId> = crate::entities::tenants::Entity::find()
            .select_only()
            .column(crate::entities::tenants::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut total = 0;
        for tenant in tenants {
            // By key, not by offset: a part (re)activated meanwhile would shift an offset's
            // pages and read a part twice, adding it twice.
            let mut after: Option<PartId> = None;
            loop {
                let mut page = parts::Entity::scoped(tenant).filter(parts::Column::Active.eq(true));
                if let Some(after) = after {
                    page = page.filter(parts::Column::Id.gt(after));
                }
                let page = page.order_by_asc(parts::Column::Id).limit(BATCH).all(&self.db).await?;
                let Some(last) = page.last() else { break };
                after = Some(last.id);
                let full = store::attach(&self.db, tenant, page).await?;
                // The index was cleared: every part is new to it.
                let changes: Vec<Change> = full
                    .iter()
                    .map(|p| first_change_for(tenant, p.part.id, &p.to_input()))
                    .collect();
                total += changes.len() as u64;
                let index = Arc::clone(&self.index);
                blocking(move || index.stage(changes)).await?;
            }
        }
        let index = Arc::clone(&self.index);
        blocking(move || index.commit(0)).await?;
        self.drain_locked().await?;
        Ok(total)
    }

    /// An index that has never been committed to, next to a database that has parts, was
    /// lost or never built.
    async fn needs_rebuild(&self) -> Result<bool> {
        if self.built.load(Ordering::SeqCst) {
            return Ok(false);
        }
        if self.index.last_applied().map_err(anyhow::Error::from)?.is_some() {
            self.built.store(true, Ordering::SeqCst);
            return Ok(false);
        }
        #[expect(
            clippy::disallowed_methods,
            reason = "the index serves every dealer: any part at all"
        )]
        let any_part = parts::Entity::find().one(&self.db).await?;
        if any_part.is_some() {
            return Ok(true);
        }
        // A new installation: its index is complete while empty. Say so in a commit, or the
        // first import would count as a lost index and be read back whole by a rebuild. A part
        // written meanwhile is in the outbox, which the drain applies next.
        let index = Arc::clone(&self.index);
        blocking(move || index.commit(0)).await?;
        self.built.store(true, Ordering::SeqCst);
        Ok(false)
    }

    /// Rebuild a lost index before serving (see [`Self::needs_rebuild`]).
    pub async fn rebuild_if_missing(&self) -> Result<()> {
        let _one_at_a_time = self.draining.lock().await;
        if self.needs_rebuild().await? {
            tracing::warn!("search index missing or empty: rebuilding from the database");
            let n = self.rebuild_locked().await?;
            tracing::info!(parts = n, "search index rebuilt");
        }
        Ok(())
    }
}

impl crate::catalog::feed::SearchFeed for Indexer {
    fn hand_over(&self, written: Vec<Written>) -> BoxFuture<'_, ()> {
        Box::pin(Indexer::hand_over(self, written))
    }

    fn wait_visible(&self, limit: Duration) -> BoxFuture<'_, ()> {
        Box::pin(Indexer::wait_visible_within(self, limit))
    }
}

/// Run index work (CPU and disk bound) off the async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> search_index::Result<T> + Send + 'static) -> Result<T> {
    Ok(tokio::task::spawn_blocking(f)
        .await
        .map_err(anyhow::Error::from)?
        .map_err(anyhow::Error::from)?)
}

async fn load_full(db: &DatabaseConnection, tenant: TenantId, ids: &[PartId]) -> Result<Vec<FullPart>> {
    use sea_orm::TransactionTrait;
    // Read behind an import that is growing the tables: see `db::plan_each_run`.
    let txn = db.begin().await?;
    crate::db::plan_each_run(&txn).await?;
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let found = parts::Entity::scoped(tenant)
            .filter(parts::Column::Id.is_in(chunk.iter().copied()))
            .all(&txn)
            .await?;
        out.extend(store::attach(&txn, tenant, found).await?);
    }
    txn.commit().await?;
    Ok(out)
}

fn index_kind(kind: NumberKind) -> IndexKind {
    match kind {
        NumberKind::Article => IndexKind::Article,
        NumberKind::Oe => IndexKind::Oe,
        NumberKind::Interchange => IndexKind::Interchange,
        NumberKind::Supersedes => IndexKind::Supersedes,
        NumberKind::SupersededBy => IndexKind::SupersededBy,
    }
}

/// What the index should hold for a part in this state: its document, or none if inactive.
fn change_for(tenant: TenantId, part: PartId, input: &PartInput) -> Change {
    if input.active {
        Change::Upsert(to_doc(tenant, part, input))
    } else {
        removal(tenant, part)
    }
}

fn removal(tenant: TenantId, part: PartId) -> Change {
    Change::Delete {
        tenant: tenant.to_string(),
        part_id: part.to_string(),
    }
}

/// The change for a part's first version, applied once: the index cannot hold it yet.
fn first_change_for(tenant: TenantId, part: PartId, input: &PartInput) -> Change {
    match change_for(tenant, part, input) {
        Change::Upsert(doc) => Change::Add(doc),
        other => other,
    }
}

fn to_doc(tenant: TenantId, part: PartId, p: &PartInput) -> PartDoc {
    let mut numbers = vec![NumberEntry {
        kind: IndexKind::Sku,
        normalized: crate::catalog::numbers::normalize(&p.sku),
        raw: p.sku.clone(),
    }];
    numbers.extend(p.numbers.iter().map(|n| NumberEntry {
        kind: index_kind(n.kind),
        normalized: n.normalized.clone(),
        raw: n.raw.clone(),
    }));
    PartDoc {
        tenant: tenant.to_string(),
        part_id: part.to_string(),
        brand: p.brand.clone(),
        category: p.category.clone(),
        name: p.name.clone(),
        description: p.description.clone(),
        numbers,
        fitments: p
            .fitments
            .iter()
            .map(|f| FitmentEntry {
                make: f.make.clone(),
                model: f.model.clone(),
                year_from: f.year_from,
                year_to: f.year_to,
                engine: f.engine.clone(),
            })
            .collect(),
        in_stock: p.stock > 0,
        display: Some(crate::search::display::PartView::from(p).encode()),
    }
}

#[cfg(test)]
mod lag_tests {
    use super::*;

    #[tokio::test]
    async fn the_lag_counts_pending_changes_and_the_age_of_the_oldest() {
        let world = crate::testing::World::idle().await;
        let now = world.now();
        let none = world.indexer.lag(now).await.expect("lag");
        assert_eq!(
            none,
            IndexLag {
                pending_changes: 0,
                lag_seconds: 0.0
            }
        );
        let tenant = TenantId::generate();
        for seconds in [3, 1] {
            search_outbox::Entity::insert(store::outbox_row(
                tenant,
                PartId::generate(),
                now - chrono::Duration::seconds(seconds),
            ))
            .exec_without_returning(&world.db)
            .await
            .expect("outbox row");
        }
        let lag = world.indexer.lag(now).await.expect("lag");
        assert_eq!(
            lag,
            IndexLag {
                pending_changes: 2,
                lag_seconds: 3.0
            }
        );
        world.indexer.drain().await.expect("drain");
        assert_eq!(world.indexer.lag(now).await.expect("lag").pending_changes, 0);
    }
}
