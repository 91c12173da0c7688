//! Metric rollups: each customer's figures per day and per month of the dealer's calendar.
//!
//! Every transaction that changes a figure adds its change here ([`add`]), to the rows of the
//! day and the month the figure counts in, with an atomic `INSERT … ON CONFLICT DO UPDATE`
//! increment: concurrent writers add up exactly, and a rollback takes its change with it.
//! [`rebuild`] derives the same rows from the inquiries, quotes, orders and reminders
//! themselves; a test holds the two equal.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set};

use crate::db::TenantScoped;
use crate::entities::{Confidence, LineStatus, ReminderStatus};
use crate::entities::{inquiries, metric_rollups, orders, quote_lines, quotes, reminders, tenants};
use crate::error::Result;
use crate::ids::{CustomerId, TenantId};

/// The spans each change is added to: a period reads the longest spans that fit in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Span {
    Day,
    /// Monday to Sunday, as the metrics' weekly buckets.
    Week,
    Month,
}

impl Span {
    pub const ALL: [Self; 3] = [Self::Day, Self::Week, Self::Month];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    /// The first day of the span holding `day`.
    pub fn start_of(self, day: NaiveDate) -> NaiveDate {
        match self {
            Self::Day => day,
            Self::Week => day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday())),
            Self::Month => day.with_day(1).unwrap_or(day),
        }
    }

    /// The first day of the span after the one starting on `start`.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Self::Day => start + chrono::Duration::days(1),
            Self::Week => start + chrono::Duration::days(7),
            Self::Month => start
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(NaiveDate::MAX),
        }
    }
}

/// A change to one customer's figures at one instant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delta {
    pub inquiries: i64,
    pub lines: i64,
    pub quoted: i64,
    pub bought: i64,
    pub auto_matched: i64,
    pub orders: i64,
    pub order_value_minor: i64,
    pub reminders_raised: i64,
    pub reminders_converted: i64,
    pub response_ms: Vec<i64>,
}

impl Delta {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    pub fn add(&mut self, other: &Self) {
        self.inquiries += other.inquiries;
        self.lines += other.lines;
        self.quoted += other.quoted;
        self.bought += other.bought;
        self.auto_matched += other.auto_matched;
        self.orders += other.orders;
        self.order_value_minor += other.order_value_minor;
        self.reminders_raised += other.reminders_raised;
        self.reminders_converted += other.reminders_converted;
        self.response_ms.extend_from_slice(&other.response_ms);
    }

    fn row(&self, tenant: TenantId, customer: CustomerId, span: Span, start: NaiveDate) -> metric_rollups::ActiveModel {
        metric_rollups::ActiveModel {
            tenant_id: Set(tenant),
            customer_id: Set(customer),
            span: Set(span.as_str().to_owned()),
            start: Set(start),
            inquiries: Set(self.inquiries),
            lines: Set(self.lines),
            quoted: Set(self.quoted),
            bought: Set(self.bought),
            auto_matched: Set(self.auto_matched),
            orders: Set(self.orders),
            order_value_minor: Set(self.order_value_minor),
            reminders_raised: Set(self.reminders_raised),
            reminders_converted: Set(self.reminders_converted),
            response_ms: Set(join_ms(&self.response_ms)),
        }
    }
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
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // The subquery runs first: the dealer's lock is always taken before the customer's.
        txn.execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtextextended($2, 0)) \
             FROM (SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))) AS dealer_first",
            [tenant.to_string().into(), customer.to_string().into()],
        ))
        .await?;
    }
    Ok(())
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
    for column in [
        C::Inquiries,
        C::Lines,
        C::Quoted,
        C::Bought,
        C::AutoMatched,
        C::Orders,
        C::OrderValueMinor,
        C::RemindersRaised,
        C::RemindersConverted,
    ] {
        on_conflict.value(
            column,
            Expr::col((table.clone(), column)).add(Expr::col((excluded.clone(), column))),
        );
    }
    // Both databases concatenate text with `||`.
    on_conflict.value(
        C::ResponseMs,
        Expr::cust(
            "CASE WHEN excluded.response_ms = '' THEN metric_rollups.response_ms \
             WHEN metric_rollups.response_ms = '' THEN excluded.response_ms \
             ELSE metric_rollups.response_ms || ',' || excluded.response_ms END",
        ),
    );
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
    let missing = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT t.id FROM tenants t \
             WHERE EXISTS (SELECT 1 FROM inquiries i WHERE i.tenant_id = t.id) \
             AND NOT EXISTS (SELECT 1 FROM metric_rollups r WHERE r.tenant_id = t.id)",
        ))
        .await?;
    for row in &missing {
        let tenant = crate::tenants::find(db, row.try_get("", "id")?).await?;
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
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        txn.execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            [tenant.id.to_string().into()],
        ))
        .await?;
    }
    metric_rollups::Entity::scoped_delete(tenant.id).exec(&txn).await?;

    // Written in reading order, so that on PostgreSQL too a period's rows start out together.
    let mut rows: BTreeMap<(Span, NaiveDate, CustomerId), Delta> = BTreeMap::new();
    let mut put = |customer: CustomerId, at: DateTime<Utc>, delta: &Delta| {
        let day = at.with_timezone(&tz).date_naive();
        for span in Span::ALL {
            rows.entry((span, span.start_of(day), customer)).or_default().add(delta);
        }
    };

    let received: Vec<(CustomerId, DateTime<Utc>)> = inquiries::Entity::scoped(tenant.id)
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

    // Replacements for returns are not purchases.
    let placed: Vec<(CustomerId, DateTime<Utc>, i64)> = orders::Entity::scoped(tenant.id)
        .filter(orders::Column::ReturnId.is_null())
        .select_only()
        .columns([
            orders::Column::CustomerId,
            orders::Column::CreatedAt,
            orders::Column::TotalMinor,
        ])
        .into_tuple()
        .all(&txn)
        .await?;
    for (customer, at, total) in placed {
        put(
            customer,
            at,
            &Delta {
                orders: 1,
                order_value_minor: total,
                ..Delta::default()
            },
        );
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
