//! Metric rollups: each customer's figures per day and per month of the dealer's calendar.
//!
//! Every transaction that changes a figure adds its change here ([`add`]), to the rows of the
//! day and the month the figure counts in, with an atomic `INSERT … ON CONFLICT DO UPDATE`
//! increment: concurrent writers add up exactly, and a rollback takes its change with it.
//! [`rebuild`] derives the same rows from the inquiries, quotes, orders and reminders
//! themselves; a test holds the two equal.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set};

use crate::db::TenantScoped;
use crate::entities::returns::ReturnReason;
use crate::entities::{Confidence, InquiryOrigin, LineStatus, OrderStatus, ReminderStatus};
use crate::entities::{
    inquiries, metric_rollups, order_lines, order_shipments, orders, quote_lines, quotes, reminders, return_lines,
    returns, tenants,
};
use crate::error::Result;
use crate::ids::{CustomerId, OrderId, QuoteId, ReturnId, TenantId};

/// The spans each change is added to: a period reads the longest spans that fit in it.
pub use crate::clock::Span;

/// Declares the rollup figures once: [`Delta`] with a field per column of `metric_rollups`,
/// its sum, its row, and its reading back from a summed query. Counters add up; times are
/// lists of milliseconds, kept whole because percentiles need every value.
macro_rules! rollup_figures {
    (counters: [$($counter:ident),* $(,)?], times: [$($time:ident),* $(,)?] $(,)?) => {
        /// A change to one customer's figures at one instant, or the sum of many.
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct Delta {
            $(pub $counter: i64,)*
            $(pub $time: Vec<i64>,)*
        }

        impl Delta {
            /// The counter columns, summed when read.
            pub const COUNTERS: &'static [&'static str] = &[$(stringify!($counter)),*];
            /// The time columns, concatenated when read.
            pub const TIMES: &'static [&'static str] = &[$(stringify!($time)),*];

            pub fn add(&mut self, other: &Self) {
                $(self.$counter += other.$counter;)*
                $(self.$time.extend_from_slice(&other.$time);)*
            }

            /// Sorts every list of times, for percentiles.
            pub fn sort_times(&mut self) {
                $(self.$time.sort_unstable();)*
            }

            fn row(&self, tenant: TenantId, customer: CustomerId, span: Span, start: NaiveDate) -> metric_rollups::ActiveModel {
                metric_rollups::ActiveModel {
                    tenant_id: Set(tenant),
                    customer_id: Set(customer),
                    span: Set(span.as_str().to_owned()),
                    start: Set(start),
                    $($counter: Set(self.$counter),)*
                    $($time: Set(join_ms(&self.$time)),)*
                }
            }

            /// A row of sums named as the columns (a missing sum, as on no rows, is zero).
            pub fn from_summed(row: &sea_orm::QueryResult) -> Result<Self> {
                Ok(Self {
                    $($counter: row.try_get::<Option<i64>>("", stringify!($counter))?.unwrap_or(0),)*
                    $($time: split_ms(row.try_get::<Option<String>>("", stringify!($time))?.as_deref().unwrap_or_default()).collect(),)*
                })
            }
        }
    };
}

rollup_figures! {
    counters: [
        inquiries,
        lines,
        quoted,
        bought,
        auto_matched,
        orders,
        order_value_minor,
        reminders_raised,
        reminders_converted,
        units_ordered,
        units_backordered,
        units_shop_cancelled,
        units_delivered,
        orders_dispatched,
        orders_delivered,
        shipments_promised,
        shipments_on_time,
        returns_opened,
        returned_wrong_part,
        returned_wrong_fitment,
        returned_defective,
        returned_damaged_in_transit,
        returned_not_needed,
        returned_other,
        returns_resolved,
        proactive_sent,
        proactive_accepted,
        proactive_value_minor,
    ],
    times: [response_ms, dispatch_ms, delivery_ms, resolution_ms],
}

impl Delta {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The units returned for `reason`.
    pub fn returned(&self, reason: ReturnReason) -> i64 {
        match reason {
            ReturnReason::WrongPart => self.returned_wrong_part,
            ReturnReason::WrongFitment => self.returned_wrong_fitment,
            ReturnReason::Defective => self.returned_defective,
            ReturnReason::DamagedInTransit => self.returned_damaged_in_transit,
            ReturnReason::NotNeeded => self.returned_not_needed,
            ReturnReason::Other => self.returned_other,
        }
    }

    /// A return resolved, opened at `requested`.
    pub fn return_resolved(requested: DateTime<Utc>, resolved: DateTime<Utc>) -> Self {
        Self {
            returns_resolved: 1,
            resolution_ms: vec![elapsed_ms(requested, resolved)],
            ..Self::default()
        }
    }

    /// A return opened for `units` units for `reason`.
    pub fn return_opened(reason: ReturnReason, units: i64) -> Self {
        let mut delta = Self {
            returns_opened: 1,
            ..Self::default()
        };
        *match reason {
            ReturnReason::WrongPart => &mut delta.returned_wrong_part,
            ReturnReason::WrongFitment => &mut delta.returned_wrong_fitment,
            ReturnReason::Defective => &mut delta.returned_defective,
            ReturnReason::DamagedInTransit => &mut delta.returned_damaged_in_transit,
            ReturnReason::NotNeeded => &mut delta.returned_not_needed,
            ReturnReason::Other => &mut delta.returned_other,
        } = units;
        delta
    }
}

/// Milliseconds from `from` to `to`, never negative; from whole microseconds, as PostgreSQL
/// keeps instants, so that a rebuild from stored times adds exactly what the step added.
pub fn elapsed_ms(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    std::cmp::max((to.timestamp_micros() - from.timestamp_micros()) / 1000, 0)
}

fn join_ms(values: &[i64]) -> String {
    let mut out = String::with_capacity(values.len() * 6);
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&v.to_string());
    }
    out
}

/// The response times of a rollup row; a value that does not parse (never written by this
/// module) is skipped rather than failing the dealer's dashboard.
pub fn split_ms(text: &str) -> impl Iterator<Item = i64> + '_ {
    text.split(',').filter(|s| !s.is_empty()).filter_map(|s| s.parse().ok())
}

/// What a quote line contributes once its state is known, by the definitions in
/// [`super::DEFINITIONS`]: every line counts; a line counts as quoted when it was sent with a
/// price, as bought when the shop then bought it, and as auto-matched when it was quoted from
/// a confident match that staff left unchanged.
pub fn line_delta(
    sent: bool,
    status: LineStatus,
    confidence: Confidence,
    changed_by_staff: bool,
    bought: bool,
) -> Delta {
    let quoted = sent && status == LineStatus::Offered;
    Delta {
        lines: 1,
        quoted: i64::from(quoted),
        bought: i64::from(quoted && bought),
        auto_matched: i64::from(quoted && confidence.is_confident() && !changed_by_staff),
        ..Delta::default()
    }
}

/// On PostgreSQL, makes this transaction the customer's only rollup writer until it ends, and
/// holds off a rebuild of the dealer's rollups. Called by [`add`]; a transaction that locks
/// other rows of the customer before adding (a reminder it converts) calls it first, so that
/// every writer takes its locks in one order: the dealer (shared), the customer, then rows.
/// Without it, a transaction adding to two days (an order for last week's quote) could take
/// row locks in the opposite order of another and deadlock. SQLite has one writer at a time.
pub async fn lock(txn: &impl ConnectionTrait, tenant: TenantId, customer: CustomerId) -> Result<()> {
    Ok(crate::db::lock_customer_writes(txn, tenant, customer).await?)
}

/// Adds `delta` to the customer's day, week and month that contain `at` in the dealer's zone.
pub async fn add(
    txn: &impl ConnectionTrait,
    tenant: &tenants::Model,
    customer: CustomerId,
    at: DateTime<Utc>,
    delta: &Delta,
) -> Result<()> {
    if delta.is_empty() {
        return Ok(());
    }
    lock(txn, tenant.id, customer).await?;
    let day = at.with_timezone(&tenant.tz()).date_naive();
    use metric_rollups::Column as C;
    let table = Alias::new("metric_rollups");
    let excluded = Alias::new("excluded");
    let mut on_conflict = OnConflict::columns([C::TenantId, C::Span, C::Start, C::CustomerId]);
    for name in Delta::COUNTERS {
        let column = Alias::new(*name);
        on_conflict.value(
            column.clone(),
            Expr::col((table.clone(), column.clone())).add(Expr::col((excluded.clone(), column))),
        );
    }
    // Both databases concatenate text with `||`.
    for name in Delta::TIMES {
        on_conflict.value(
            Alias::new(*name),
            Expr::cust(format!(
                "CASE WHEN excluded.{name} = '' THEN metric_rollups.{name} \
                 WHEN metric_rollups.{name} = '' THEN excluded.{name} \
                 ELSE metric_rollups.{name} || ',' || excluded.{name} END"
            )),
        );
    }
    metric_rollups::Entity::insert_many(Span::ALL.map(|span| delta.row(tenant.id, customer, span, span.start_of(day))))
        .on_conflict(on_conflict.to_owned())
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

/// Derives the rollups of every dealer that has inquiries but no rollups: a database from
/// before the rollups existed. Each dealer's rebuild commits on its own, so an interrupted
/// start picks up where it stopped.
pub async fn derive_missing(db: &DatabaseConnection) -> Result<usize> {
    let missing = crate::db::dealers_lacking(db, "inquiries", "metric_rollups").await?;
    for id in &missing {
        let tenant = crate::tenants::find(db, *id).await?;
        rebuild(db, &tenant).await?;
    }
    Ok(missing.len())
}

/// Rows rebuilt for one dealer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rebuilt {
    pub rows: usize,
}

/// Replaces the dealer's rollups with rows derived from its inquiries, quotes, orders and
/// reminders. The dealer's writers wait for it: on PostgreSQL it holds the dealer's lock
/// (exclusive; writers take it shared, see [`lock`]) before its first read, so a change either
/// committed before the rebuild read it or adds itself after the rebuild commits; other
/// dealers are not held up. SQLite has one writer at a time, so there every write waits.
pub async fn rebuild(db: &DatabaseConnection, tenant: &tenants::Model) -> Result<Rebuilt> {
    let tz = tenant.tz();
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_dealer_writes(&txn, tenant.id).await?;
    metric_rollups::Entity::scoped_delete(tenant.id).exec(&txn).await?;

    // Written in reading order, so that on PostgreSQL too a period's rows start out together.
    let mut rows: BTreeMap<(Span, NaiveDate, CustomerId), Delta> = BTreeMap::new();
    let mut put = |customer: CustomerId, at: DateTime<Utc>, delta: &Delta| {
        let day = at.with_timezone(&tz).date_naive();
        for span in Span::ALL {
            rows.entry((span, span.start_of(day), customer)).or_default().add(delta);
        }
    };

    // The dealer's own proactive inquiries are not questions a shop asked.
    let received: Vec<(CustomerId, DateTime<Utc>)> = inquiries::Entity::scoped(tenant.id)
        .filter(inquiries::Column::Origin.eq(InquiryOrigin::Shop))
        .select_only()
        .columns([inquiries::Column::CustomerId, inquiries::Column::ReceivedAt])
        .into_tuple()
        .all(&txn)
        .await?;
    let one_inquiry = Delta {
        inquiries: 1,
        ..Delta::default()
    };
    for (customer, at) in received {
        put(customer, at, &one_inquiry);
    }

    type LineRow = (CustomerId, DateTime<Utc>, bool, LineStatus, Confidence, bool, bool);
    let lines: Vec<LineRow> = quote_lines::Entity::scoped(tenant.id)
        .filter(quote_lines::Column::Proactive.eq(false))
        .select_only()
        .columns([
            quote_lines::Column::CustomerId,
            quote_lines::Column::ReceivedAt,
            quote_lines::Column::Sent,
            quote_lines::Column::Status,
            quote_lines::Column::Confidence,
            quote_lines::Column::ChangedByStaff,
            quote_lines::Column::Bought,
        ])
        .into_tuple()
        .all(&txn)
        .await?;
    for (customer, at, sent, status, confidence, changed, bought) in lines {
        put(customer, at, &line_delta(sent, status, confidence, changed, bought));
    }

    let responses: Vec<(CustomerId, DateTime<Utc>, i64)> = quotes::Entity::scoped(tenant.id)
        .select_only()
        .columns([
            quotes::Column::CustomerId,
            quotes::Column::CreatedAt,
            quotes::Column::ResponseMs,
        ])
        .filter(quotes::Column::ResponseMs.is_not_null())
        .into_tuple()
        .all(&txn)
        .await?;
    for (customer, at, ms) in responses {
        put(
            customer,
            at,
            &Delta {
                response_ms: vec![ms],
                ..Delta::default()
            },
        );
    }

    for (customer, at, delta) in order_deltas(&txn, tenant.id).await? {
        put(customer, at, &delta);
    }
    for (customer, at, delta) in proactive_deltas(&txn, tenant.id).await? {
        put(customer, at, &delta);
    }

    let raised: Vec<(CustomerId, DateTime<Utc>, ReminderStatus)> = reminders::Entity::scoped(tenant.id)
        .select_only()
        .columns([
            reminders::Column::CustomerId,
            reminders::Column::RaisedAt,
            reminders::Column::Status,
        ])
        .into_tuple()
        .all(&txn)
        .await?;
    for (customer, at, status) in raised {
        put(
            customer,
            at,
            &Delta {
                reminders_raised: 1,
                reminders_converted: i64::from(status == ReminderStatus::Converted),
                ..Delta::default()
            },
        );
    }

    let count = rows.len();
    crate::db::insert_chunked(
        &txn,
        rows.into_iter()
            .map(|((span, start, customer), delta)| delta.row(tenant.id, customer, span, start))
            .collect(),
    )
    .await?;
    txn.commit().await?;
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // A large rewrite: plan the next reads on fresh statistics rather than wait for autovacuum.
        db.execute_unprepared("ANALYZE metric_rollups").await?;
    }
    Ok(Rebuilt { rows: count })
}

/// What each order, its shipments and its returns add, at the instant the order was placed:
/// the same deltas the order, dispatch, delivery, cancel and return steps add as they happen.
/// Replacements for returns are not purchases and add nothing.
async fn order_deltas(txn: &impl ConnectionTrait, tenant: TenantId) -> Result<Vec<(CustomerId, DateTime<Utc>, Delta)>> {
    type OrderRow = (OrderId, CustomerId, DateTime<Utc>, i64, OrderStatus, Option<String>);
    let placed: Vec<OrderRow> = orders::Entity::scoped(tenant)
        .filter(orders::Column::ReturnId.is_null())
        .select_only()
        .columns([
            orders::Column::Id,
            orders::Column::CustomerId,
            orders::Column::CreatedAt,
            orders::Column::TotalMinor,
            orders::Column::Status,
            orders::Column::CancelledBy,
        ])
        .into_tuple()
        .all(txn)
        .await?;
    let mut units: HashMap<OrderId, (i64, i64, i64, i64)> = HashMap::new();
    let lines: Vec<(OrderId, i32, i32, i32, i32)> = order_lines::Entity::scoped(tenant)
        .select_only()
        .columns([
            order_lines::Column::OrderId,
            order_lines::Column::Quantity,
            order_lines::Column::BackorderedQuantity,
            order_lines::Column::DeliveredQuantity,
            order_lines::Column::CancelledQuantity,
        ])
        .into_tuple()
        .all(txn)
        .await?;
    for (order, quantity, short, delivered, cancelled) in lines {
        let u = units.entry(order).or_default();
        u.0 += i64::from(quantity);
        u.1 += i64::from(short);
        u.2 += i64::from(delivered);
        u.3 += i64::from(cancelled);
    }
    /// An order's shipments, summed.
    struct Carried {
        first_dispatch: DateTime<Utc>,
        last_receipt: Option<DateTime<Utc>>,
        promised: i64,
        on_time: i64,
    }
    let mut carried: HashMap<OrderId, Carried> = HashMap::new();
    type ShipmentRow = (OrderId, DateTime<Utc>, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
    let shipments: Vec<ShipmentRow> = order_shipments::Entity::scoped(tenant)
        .select_only()
        .columns([
            order_shipments::Column::OrderId,
            order_shipments::Column::DispatchedAt,
            order_shipments::Column::DeliveredAt,
            order_shipments::Column::PromisedAt,
        ])
        .into_tuple()
        .all(txn)
        .await?;
    for (order, dispatched, delivered, promised) in shipments {
        let c = carried.entry(order).or_insert(Carried {
            first_dispatch: dispatched,
            last_receipt: None,
            promised: 0,
            on_time: 0,
        });
        c.first_dispatch = std::cmp::min(c.first_dispatch, dispatched);
        c.last_receipt = std::cmp::max(c.last_receipt, delivered);
        if let (Some(delivered), Some(promised)) = (delivered, promised) {
            c.promised += 1;
            c.on_time += i64::from(on_time(delivered, promised));
        }
    }
    let mut returned: HashMap<ReturnId, i64> = HashMap::new();
    let return_units: Vec<(ReturnId, i32)> = return_lines::Entity::scoped(tenant)
        .select_only()
        .columns([return_lines::Column::ReturnId, return_lines::Column::Quantity])
        .into_tuple()
        .all(txn)
        .await?;
    for (id, quantity) in return_units {
        *returned.entry(id).or_default() += i64::from(quantity);
    }
    type ReturnRow = (ReturnId, OrderId, ReturnReason, DateTime<Utc>, Option<DateTime<Utc>>);
    let mut returns: HashMap<OrderId, Vec<Delta>> = HashMap::new();
    let opened: Vec<ReturnRow> = returns::Entity::scoped(tenant)
        .select_only()
        .columns([
            returns::Column::Id,
            returns::Column::OrderId,
            returns::Column::Reason,
            returns::Column::RequestedAt,
            returns::Column::ResolvedAt,
        ])
        .into_tuple()
        .all(txn)
        .await?;
    for (id, order, reason, requested, resolved) in opened {
        let mut delta = Delta::return_opened(reason, returned.get(&id).copied().unwrap_or(0));
        if let Some(resolved) = resolved {
            delta.add(&Delta::return_resolved(requested, resolved));
        }
        returns.entry(order).or_default().push(delta);
    }

    let mut out = Vec::with_capacity(placed.len());
    for (id, customer, at, total, status, cancelled_by) in placed {
        let (ordered, short, delivered, cancelled) = units.get(&id).copied().unwrap_or_default();
        let mut delta = Delta {
            orders: 1,
            order_value_minor: total,
            units_ordered: ordered,
            units_backordered: short,
            units_delivered: delivered,
            ..Delta::default()
        };
        if status == OrderStatus::Cancelled && cancelled_by.as_deref().is_some_and(is_shop) {
            delta.units_shop_cancelled = cancelled;
        }
        if let Some(c) = carried.get(&id) {
            delta.orders_dispatched = 1;
            delta.dispatch_ms = vec![elapsed_ms(at, c.first_dispatch)];
            delta.shipments_promised = c.promised;
            delta.shipments_on_time = c.on_time;
            if status == OrderStatus::Delivered
                && let Some(last) = c.last_receipt
            {
                delta.orders_delivered = 1;
                delta.delivery_ms = vec![elapsed_ms(at, last)];
            }
        }
        for r in returns.remove(&id).unwrap_or_default() {
            delta.add(&r);
        }
        out.push((customer, at, delta));
    }
    Ok(out)
}

/// What each proactive quote adds where it was drafted: sent, and accepted with its order's
/// value, as sending and accepting it add.
async fn proactive_deltas(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<Vec<(CustomerId, DateTime<Utc>, Delta)>> {
    type QuoteRow = (QuoteId, CustomerId, DateTime<Utc>, Option<DateTime<Utc>>);
    let proactive: Vec<QuoteRow> = quotes::Entity::scoped(tenant)
        .filter(quotes::Column::ReminderId.is_not_null())
        .select_only()
        .columns([
            quotes::Column::Id,
            quotes::Column::CustomerId,
            quotes::Column::CreatedAt,
            quotes::Column::SentAt,
        ])
        .into_tuple()
        .all(txn)
        .await?;
    let ids: Vec<QuoteId> = proactive.iter().map(|q| q.0).collect();
    let mut accepted: HashMap<QuoteId, i64> = HashMap::new();
    for chunk in ids.chunks(500) {
        let orders: Vec<(QuoteId, i64)> = orders::Entity::scoped(tenant)
            .filter(orders::Column::ReturnId.is_null())
            .filter(orders::Column::QuoteId.is_in(chunk.to_vec()))
            .select_only()
            .columns([orders::Column::QuoteId, orders::Column::TotalMinor])
            .into_tuple()
            .all(txn)
            .await?;
        accepted.extend(orders);
    }
    Ok(proactive
        .into_iter()
        .map(|(id, customer, at, sent_at)| {
            let value = accepted.get(&id);
            let delta = Delta {
                proactive_sent: i64::from(sent_at.is_some()),
                proactive_accepted: i64::from(value.is_some()),
                proactive_value_minor: value.copied().unwrap_or(0),
                ..Delta::default()
            };
            (customer, at, delta)
        })
        .collect())
}

/// Whether a shipment arrived by its promised time, to the microsecond (as PostgreSQL keeps
/// instants, so that a rebuild from stored times judges as the delivery did).
pub fn on_time(delivered: DateTime<Utc>, promised: DateTime<Utc>) -> bool {
    delivered.timestamp_micros() <= promised.timestamp_micros()
}

/// Whether an order's `cancelled_by` names a shop's API key (staff cancel as users).
pub fn is_shop(actor: &str) -> bool {
    actor.parse::<crate::ids::ApiKeyId>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_times_round_trip_through_text() {
        assert_eq!(join_ms(&[]), "");
        assert_eq!(join_ms(&[5, 1200, 0]), "5,1200,0");
        assert_eq!(split_ms("5,1200,0").collect::<Vec<_>>(), vec![5, 1200, 0]);
        assert_eq!(split_ms("").count(), 0);
    }

    #[test]
    fn a_line_counts_by_what_happened_to_it() {
        use Confidence::{Exact, Low, None};
        let offered = LineStatus::Offered;
        let unsent = line_delta(false, offered, Exact, false, false);
        assert_eq!((unsent.lines, unsent.quoted, unsent.auto_matched), (1, 0, 0));
        let auto = line_delta(true, offered, Exact, false, true);
        assert_eq!((auto.quoted, auto.bought, auto.auto_matched), (1, 1, 1));
        let edited = line_delta(true, offered, Exact, true, false);
        assert_eq!((edited.quoted, edited.auto_matched), (1, 0));
        let unsure = line_delta(true, offered, Low, false, false);
        assert_eq!((unsure.quoted, unsure.auto_matched), (1, 0));
        let no_offer = line_delta(true, LineStatus::NoOffer, None, false, false);
        assert_eq!((no_offer.lines, no_offer.quoted), (1, 0));
    }
}
