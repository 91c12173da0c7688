//! The live stream of a dealer's events (`GET /v1/stream`), read from the `events` table itself,
//! so that events written by any server process on the database arrive.
//!
//! Order and resumption. Event ids are UUIDv7 taken when an event is recorded, inside its
//! transaction, and transactions commit in any order: an event with a lower id can become
//! visible after one with a higher id was streamed. Reading "ids above the last one sent" would
//! then skip it; re-reading an overlap window and de-duplicating works for a connection that
//! remembers what it sent, but not for a client that reconnects with only `Last-Event-ID`, which
//! cannot say which events of the window it already had. An auto-increment column does not help
//! either: PostgreSQL hands out sequence values at insert, not at commit. So the stream gives
//! each event its place itself, after commit: [`sequence`] numbers a dealer's committed,
//! unnumbered events (`stream_seq`, in id order) under a lock on the dealer's row in
//! `event_stream_heads`, so numbers are handed out one batch at a time and a number is visible
//! only with everything below it. Readers take `stream_seq > cursor`, which is exact: nothing is
//! skipped and nothing repeated, across reconnects and across servers. The numbers are per
//! dealer and never leave the server: clients see event ids, and a `Last-Event-ID` is looked up
//! among the dealer's own events (an unknown or foreign id starts the stream from now).
//!
//! Numbering is lazy: a stream numbers its dealer's new events when it polls, so a dealer with
//! no open stream costs nothing. A stream polls every [`POLL_INTERVAL`], and sooner when this
//! process records an event for its dealer ([`recorded`]).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::Stream;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use tokio::sync::{broadcast, watch};
use utoipa::ToSchema;

use crate::db::TenantScoped;
use crate::entities::{event_stream_heads, events};
use crate::error::{Error, Result};
use crate::ids::{CustomerId, EventId, TenantId};

/// How often an idle stream looks for new events (events recorded by this process wake it
/// sooner; those of other processes wait for this).
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// Open streams per dealer on one server; one more is refused with 429 until one closes.
pub const STREAMS_PER_DEALER: usize = 32;
/// A comment line sent on an idle stream this often, so proxies keep the connection open.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// After this process records an event, how long a woken stream waits for the recording
/// transaction to commit before it reads.
const SETTLE: Duration = Duration::from_millis(25);
/// Events numbered per transaction, and read per query.
const BATCH: u64 = 500;

static RECORDED: LazyLock<broadcast::Sender<TenantId>> = LazyLock::new(|| broadcast::channel(1024).0);

/// Called by [`super::record`]: wakes this process's streams of the dealer. The event is not
/// committed yet; a woken stream waits [`SETTLE`] before it reads, and polls again later
/// anyway.
pub fn recorded(tenant: TenantId) {
    // No stream listening is not an error.
    let _ = RECORDED.send(tenant);
}

/// One event as the stream sends it: `id:` is the event id, `event:` the kind, `data:` this.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StreamEvent {
    pub id: EventId,
    /// `inquiry_received`, `quote_drafted`, `quote_sent`, `quote_accepted`, `order_created`,
    /// `inquiry_claimed`, `import_finished`, ...
    #[schema(example = "inquiry_received")]
    pub kind: String,
    /// What it is about (`inq_…`, `quo_…`, `ord_…`, `imp_…`, `cus_…`).
    pub subject_id: String,
    pub customer_id: Option<CustomerId>,
    /// Who caused it: a user id (`usr_…`), an API key id (`key_…`), `auto`, or `null`.
    pub actor: Option<String>,
    pub occurred_at: DateTime<Utc>,
    /// The event's details, as on the customer's timeline.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

impl From<events::Model> for StreamEvent {
    fn from(e: events::Model) -> Self {
        Self {
            id: e.id,
            kind: e.kind,
            subject_id: e.subject_id,
            customer_id: e.customer_id,
            actor: e.actor,
            occurred_at: e.occurred_at,
            payload: e.payload,
        }
    }
}

/// Numbers the dealer's committed, unnumbered events, oldest id first (see the module
/// documentation).
pub async fn sequence(db: &DatabaseConnection, tenant: TenantId) -> Result<()> {
    let waiting = events::Entity::scoped(tenant)
        .filter(events::Column::StreamSeq.is_null())
        .select_only()
        .column(events::Column::Id)
        .into_tuple::<EventId>()
        .one(db)
        .await?;
    if waiting.is_none() {
        return Ok(());
    }
    let txn = crate::db::begin_write(db).await?;
    // Lock the dealer's head row (making it first if need be): numbering waits its turn.
    let lock = || {
        event_stream_heads::Entity::scoped_update(tenant)
            .col_expr(
                event_stream_heads::Column::Seq,
                Expr::col(event_stream_heads::Column::Seq),
            )
            .exec(&txn)
    };
    if lock().await?.rows_affected == 0 {
        event_stream_heads::Entity::insert(event_stream_heads::ActiveModel {
            tenant_id: Set(tenant),
            seq: Set(0),
        })
        .on_conflict(
            OnConflict::column(event_stream_heads::Column::TenantId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        lock().await?;
    }
    let head = head_in(&txn, tenant).await?;
    let ids: Vec<EventId> = events::Entity::scoped(tenant)
        .filter(events::Column::StreamSeq.is_null())
        .order_by_asc(events::Column::Id)
        .select_only()
        .column(events::Column::Id)
        .limit(BATCH)
        .into_tuple()
        .all(&txn)
        .await?;
    let mut next = head;
    for id in &ids {
        next += 1;
        events::Entity::scoped_update(tenant)
            .col_expr(events::Column::StreamSeq, Expr::value(next))
            .filter(events::Column::Id.eq(*id))
            .filter(events::Column::StreamSeq.is_null())
            .exec(&txn)
            .await?;
    }
    event_stream_heads::Entity::scoped_update(tenant)
        .col_expr(event_stream_heads::Column::Seq, Expr::value(next))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

async fn head_in(db: &impl ConnectionTrait, tenant: TenantId) -> Result<i64> {
    Ok(event_stream_heads::Entity::scoped(tenant)
        .one(db)
        .await?
        .map_or(0, |h| h.seq))
}

/// Where a stream starts: after the event `last_event_id` names, if it is one of the dealer's
/// streamed events; else from now.
pub async fn start(db: &DatabaseConnection, tenant: TenantId, last_event_id: Option<&str>) -> Result<i64> {
    sequence(db, tenant).await?;
    if let Some(id) = last_event_id.and_then(|id| id.trim().parse::<EventId>().ok()) {
        let seq = events::Entity::scoped_by_id(tenant, id)
            .one(db)
            .await?
            .and_then(|e| e.stream_seq)
            .filter(|seq| *seq > 0);
        if let Some(seq) = seq {
            return Ok(seq);
        }
    }
    head_in(db, tenant).await
}

/// The dealer's streamed events after `cursor`, in stream order (numbering new ones first).
pub async fn after(db: &DatabaseConnection, tenant: TenantId, cursor: i64) -> Result<Vec<events::Model>> {
    sequence(db, tenant).await?;
    Ok(events::Entity::scoped(tenant)
        .filter(events::Column::StreamSeq.gt(cursor))
        .order_by_asc(events::Column::StreamSeq)
        .limit(BATCH)
        .all(db)
        .await?)
}

/// The open streams of this process: bounded per dealer, and ended together at shutdown.
pub struct StreamHub {
    open: Mutex<HashMap<TenantId, usize>>,
    closing: watch::Sender<bool>,
}

impl Default for StreamHub {
    fn default() -> Self {
        Self {
            open: Mutex::default(),
            closing: watch::channel(false).0,
        }
    }
}

/// A stream's place among its dealer's [`STREAMS_PER_DEALER`]; freed when dropped.
pub struct Slot {
    hub: Arc<StreamHub>,
    tenant: TenantId,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.hub.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.tenant) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.tenant);
            }
        }
    }
}

impl StreamHub {
    /// A place for one more stream of the dealer, or 429 when it has too many open.
    pub fn admit(self: &Arc<Self>, tenant: TenantId) -> Result<Slot> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(tenant).or_default();
        if *n >= STREAMS_PER_DEALER {
            return Err(Error::TooManyRequests { retry_after_secs: 5 });
        }
        *n += 1;
        Ok(Slot {
            hub: Arc::clone(self),
            tenant,
        })
    }

    /// Ends every open stream (at shutdown, so that it does not wait for them).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }
}

struct Follow {
    db: DatabaseConnection,
    tenant: TenantId,
    cursor: i64,
    pending: VecDeque<events::Model>,
    recorded: broadcast::Receiver<TenantId>,
    closing: watch::Receiver<bool>,
    _slot: Slot,
}

impl Follow {
    /// Until the next poll is due: the interval passes, this process records an event for the
    /// dealer (then briefly longer, for it to commit), or the server shuts down.
    async fn wait(&mut self) {
        let due = tokio::time::sleep(POLL_INTERVAL);
        tokio::pin!(due);
        loop {
            tokio::select! {
                () = &mut due => return,
                _ = self.closing.changed() => return,
                got = self.recorded.recv() => match got {
                    Ok(tenant) if tenant != self.tenant => {}
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {
                        tokio::time::sleep(SETTLE).await;
                        return;
                    }
                    Err(broadcast::error::RecvError::Closed) => {
                        (&mut due).await;
                        return;
                    }
                },
            }
        }
    }
}

/// The dealer's events from `cursor` on (see [`start`]), as they are committed, until the
/// client goes away, the server shuts down, or the database fails (the client then resumes
/// with `Last-Event-ID`).
pub fn follow(db: DatabaseConnection, tenant: TenantId, cursor: i64, slot: Slot) -> impl Stream<Item = StreamEvent> {
    let follow = Follow {
        db,
        tenant,
        cursor,
        pending: VecDeque::new(),
        recorded: RECORDED.subscribe(),
        closing: slot.hub.closing.subscribe(),
        _slot: slot,
    };
    futures_util::stream::unfold(follow, |mut f| async move {
        loop {
            if let Some(event) = f.pending.pop_front() {
                return Some((StreamEvent::from(event), f));
            }
            if *f.closing.borrow() {
                return None;
            }
            match after(&f.db, f.tenant, f.cursor).await {
                Ok(batch) => {
                    if let Some(seq) = batch.last().and_then(|e| e.stream_seq) {
                        f.cursor = seq;
                        f.pending.extend(batch);
                        continue;
                    }
                }
                Err(err) => {
                    tracing::warn!(error = ?err, tenant_id = %f.tenant, "the event stream could not read; ending it");
                    return None;
                }
            }
            f.wait().await;
        }
    })
}

#[cfg(test)]
mod tests {
    use sea_orm::ActiveModelTrait;
    use serde_json::json;

    use super::*;
    use crate::events::{EventKind, NewEvent};
    use crate::testing::World;

    #[test]
    fn open_streams_are_bounded_per_dealer() {
        let hub = Arc::new(StreamHub::default());
        let (a, b) = (TenantId::generate(), TenantId::generate());
        let mut slots: Vec<Slot> = (0..STREAMS_PER_DEALER).map(|_| hub.admit(a).expect("room")).collect();
        assert!(matches!(hub.admit(a), Err(Error::TooManyRequests { .. })));
        assert!(hub.admit(b).is_ok(), "another dealer has its own room");
        slots.pop();
        assert!(hub.admit(a).is_ok(), "a closed stream frees its place");
    }

    #[tokio::test]
    async fn an_event_committed_after_a_later_one_is_still_streamed_once() {
        let world = World::new().await;
        let dealer = world.dealer("Shunda").await;
        let tenant = dealer.tenant.id;
        let event = |kind| NewEvent {
            tenant,
            customer: None,
            kind,
            subject: "cus_x".to_owned(),
            actor: None,
            at: world.now(),
            payload: json!({}),
        };
        // An id taken first, by a transaction that commits last.
        let early = EventId::generate();
        let later = crate::events::record(&world.db, event(EventKind::CustomerCreated))
            .await
            .expect("record");
        assert!(early < later);
        let from_now = start(&world.db, tenant, None).await.expect("start");
        let first = after(&world.db, tenant, 0).await.expect("read");
        assert_eq!(first.iter().map(|e| e.id).collect::<Vec<_>>(), [later]);
        let cursor = first[0].stream_seq.expect("numbered");
        assert_eq!(cursor, from_now);

        events::ActiveModel {
            id: Set(early),
            tenant_id: Set(tenant),
            customer_id: Set(None),
            kind: Set("customer_updated".to_owned()),
            subject_id: Set("cus_x".to_owned()),
            actor: Set(None),
            occurred_at: Set(world.now()),
            payload: Set(json!({})),
            stream_seq: Set(None),
        }
        .insert(&world.db)
        .await
        .expect("late commit");
        let next = after(&world.db, tenant, cursor).await.expect("read");
        assert_eq!(next.iter().map(|e| e.id).collect::<Vec<_>>(), [early]);
        let last = next[0].stream_seq.expect("numbered");
        assert!(last > cursor);
        assert!(after(&world.db, tenant, last).await.expect("read").is_empty());

        // Resuming from an event picks up after it; an unknown or foreign one starts from now.
        assert_eq!(
            start(&world.db, tenant, Some(&later.to_string())).await.expect("start"),
            cursor
        );
        let other = world.dealer("Elsewhere").await;
        assert_eq!(
            start(&world.db, other.tenant.id, Some(&later.to_string()))
                .await
                .expect("start"),
            0
        );
        assert_eq!(start(&world.db, tenant, Some("nonsense")).await.expect("start"), last);
    }
}
