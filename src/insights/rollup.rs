//! Insight rollups: the unmet-demand and pricing aggregates of each finished day and month of a
//! dealer's calendar, so that a year of insights reads a few thousand rows, not every quote
//! line of the year.
//!
//! A day is derived once it is over, by the very code that reads a period live ([`Rollup::live`]
//! over the day's instants), and a month from its days. Writers mark what they change
//! ([`super::marks`]); a span whose change count moved since it was derived is *behind*, and a
//! period reads it live instead, as it reads today: so a report is always what the live
//! computation would say, whether the derivation has caught up or not. [`derive_due`] catches
//! up, a few spans per round, on any number of servers at once.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Statement,
};

use super::marks::{self, Span};
use crate::db::TenantScoped;
use crate::entities::{insight_marks, insight_rollups, tenants};
use crate::error::Result;
use crate::ids::TenantId;
use crate::metrics::start_of;

/// One insight's aggregate of a span of days, keyed by the insight's groups; merging the
/// aggregates of two spans gives the aggregate of both.
pub(crate) trait Rollup: Default + Sized {
    /// The `insight` column of its rows.
    const INSIGHT: &'static str;

    /// Adds another span's aggregate.
    fn merge(&mut self, other: Self);

    /// The aggregate as rows: a key and a JSON body per group.
    fn rows(&self) -> Result<Vec<(String, String)>>;

    /// Adds one stored row.
    fn add_row(&mut self, key: &str, body: &str) -> Result<()>;

    /// The aggregate of the lines received in `[start, end)`, from the history itself.
    async fn live<C: ConnectionTrait>(
        db: &C,
        dealer: &tenants::Model,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Self>;
}

/// Where each day of a range is read from: whole months, weeks and days from their rollups, the
/// rest (today, and whatever is behind) live. Days without a mark saw no change, so no lines.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub months: Vec<NaiveDate>,
    pub weeks: Vec<NaiveDate>,
    pub days: Vec<NaiveDate>,
    /// First and last day of each run of days read live.
    pub live: Vec<(NaiveDate, NaiveDate)>,
}

impl Plan {
    fn read_live(&mut self, day: NaiveDate) {
        match self.live.last_mut() {
            Some((_, last)) if *last + Duration::days(1) == day => *last = day,
            _ => self.live.push((day, day)),
        }
    }
}

/// The plan for `from..=to`, from the marks of its days and months.
pub async fn plan(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<Plan> {
    let marks = insight_marks::Entity::scoped(tenant)
        .filter(insight_marks::Column::Start.between(from, to))
        .all(db)
        .await?;
    let mut fresh: HashMap<(Span, NaiveDate), bool> = HashMap::new();
    for mark in marks {
        if let Some(span) = Span::parse(&mark.span) {
            fresh.insert((span, mark.start), mark.derived == Some(mark.changes));
        }
    }
    Ok(plan_of(from, to, today, &fresh))
}

fn plan_of(from: NaiveDate, to: NaiveDate, today: NaiveDate, fresh: &HashMap<(Span, NaiveDate), bool>) -> Plan {
    let mut plan = Plan::default();
    let mut day = from;
    while day <= to {
        // The longest span that starts here, lies in the period, is over and fresh.
        let whole = [Span::Month, Span::Week].into_iter().find(|span| {
            let last = span.last_day(day);
            span.start_of(day) == day && last <= to && last < today && fresh.get(&(*span, day)) == Some(&true)
        });
        match whole {
            Some(span) => {
                match span {
                    Span::Month => plan.months.push(day),
                    _ => plan.weeks.push(day),
                }
                day = span.last_day(day);
            }
            None if day >= today => plan.read_live(day),
            None => match fresh.get(&(Span::Day, day)) {
                Some(true) => plan.days.push(day),
                Some(false) => plan.read_live(day),
                None => {}
            },
        }
        day += Duration::days(1);
    }
    plan
}

/// The first and last start of each run of consecutive spans in `starts` (ascending).
fn runs(span: Span, starts: &[NaiveDate]) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for &start in starts {
        match out.last_mut() {
            Some((_, last)) if span.last_day(*last) + Duration::days(1) == start => *last = start,
            _ => out.push((start, start)),
        }
    }
    out
}

/// The aggregate of `from..=to` of one dealer: rollups where they are fresh, the rest live.
pub(crate) async fn read<R: Rollup>(
    db: &impl ConnectionTrait,
    dealer: &tenants::Model,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<R> {
    let plan = plan(db, dealer.id, from, to, today).await?;
    let mut out = R::default();
    for (span, starts) in [
        (Span::Month, &plan.months),
        (Span::Week, &plan.weeks),
        (Span::Day, &plan.days),
    ] {
        // Each run of consecutive spans in one range scan: only the rows planned are read.
        for (first, last) in runs(span, starts) {
            let rows = insight_rollups::Entity::scoped(dealer.id)
                .filter(insight_rollups::Column::Insight.eq(R::INSIGHT))
                .filter(insight_rollups::Column::Span.eq(span.as_str()))
                .filter(insight_rollups::Column::Start.between(first, last))
                .select_only()
                .columns([insight_rollups::Column::Key, insight_rollups::Column::Body])
                .into_tuple::<(String, String)>()
                .all(db)
                .await?;
            for (key, body) in rows {
                out.add_row(&key, &body)?;
            }
        }
    }
    let tz = dealer.tz();
    for (first, last) in plan.live {
        out.merge(R::live(db, dealer, start_of(first, tz), start_of(last + Duration::days(1), tz)).await?);
    }
    Ok(out)
}

/// On PostgreSQL, whether this transaction is the only one deriving the span (a transaction
/// lock, so a killed server's claim ends with its connection). SQLite writes one at a time.
async fn claim(txn: &impl ConnectionTrait, tenant: TenantId, span: Span, start: NaiveDate) -> Result<bool> {
    if txn.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(true);
    }
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS claimed",
            [format!("insights:{tenant}:{}:{start}", span.as_str()).into()],
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<bool>("", "claimed"))
        .transpose()?
        .unwrap_or(false))
}

/// Marks whose spans changed since they were derived, or were never derived.
fn is_behind() -> sea_orm::sea_query::SimpleExpr {
    Expr::col(insight_marks::Column::Derived)
        .is_null()
        .or(Expr::col(insight_marks::Column::Derived).ne(Expr::col(insight_marks::Column::Changes)))
}

/// The span's mark, if it is behind.
async fn behind(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
    span: Span,
    start: NaiveDate,
) -> Result<Option<insight_marks::Model>> {
    Ok(insight_marks::Entity::scoped(tenant)
        .filter(insight_marks::Column::Span.eq(span.as_str()))
        .filter(insight_marks::Column::Start.eq(start))
        .one(txn)
        .await?
        .filter(|m| m.derived != Some(m.changes)))
}

/// Replaces the span's rows of every insight and records the change count they reflect.
async fn store(
    txn: &impl ConnectionTrait,
    mark: &insight_marks::Model,
    demand: &super::demand::DemandSpan,
    pricing: &super::pricing::PricingSpan,
) -> Result<()> {
    let insights = [
        (super::demand::DemandSpan::INSIGHT, demand.rows()?),
        (super::pricing::PricingSpan::INSIGHT, pricing.rows()?),
    ];
    insight_rollups::Entity::scoped_delete(mark.tenant_id)
        .filter(insight_rollups::Column::Span.eq(mark.span.as_str()))
        .filter(insight_rollups::Column::Start.eq(mark.start))
        .exec(txn)
        .await?;
    let rows: Vec<insight_rollups::ActiveModel> = insights
        .into_iter()
        .flat_map(|(insight, rows)| {
            rows.into_iter().map(move |(key, body)| insight_rollups::ActiveModel {
                tenant_id: Set(mark.tenant_id),
                insight: Set(insight.to_owned()),
                span: Set(mark.span.clone()),
                start: Set(mark.start),
                key: Set(key),
                body: Set(body),
            })
        })
        .collect();
    crate::db::insert_chunked(txn, rows).await?;
    // The count read at the start: a writer that committed since leaves the span behind.
    insight_marks::Entity::scoped_update(mark.tenant_id)
        .col_expr(insight_marks::Column::Derived, Expr::value(mark.changes))
        .filter(insight_marks::Column::Span.eq(mark.span.as_str()))
        .filter(insight_marks::Column::Start.eq(mark.start))
        .exec(txn)
        .await?;
    Ok(())
}

/// Derives one finished day from the history. `false` when there was nothing to do, or
/// another server is on it.
pub async fn derive_day(db: &DatabaseConnection, dealer: &tenants::Model, day: NaiveDate) -> Result<bool> {
    let txn = crate::db::begin_write(db).await?;
    if !claim(&txn, dealer.id, Span::Day, day).await? {
        return Ok(false);
    }
    let Some(mark) = behind(&txn, dealer.id, Span::Day, day).await? else {
        return Ok(false);
    };
    let tz = dealer.tz();
    let (start, end) = (start_of(day, tz), start_of(day + Duration::days(1), tz));
    let demand = super::demand::DemandSpan::live(&txn, dealer, start, end).await?;
    let pricing = super::pricing::PricingSpan::live(&txn, dealer, start, end).await?;
    store(&txn, &mark, &demand, &pricing).await?;
    txn.commit().await?;
    Ok(true)
}

/// Sums a finished week's or month's days, once every one of them is fresh. `false` when a day
/// is behind, there was nothing to do, or another server is on it.
pub async fn derive_sum(
    db: &DatabaseConnection,
    dealer: &tenants::Model,
    span: Span,
    first: NaiveDate,
) -> Result<bool> {
    let txn = crate::db::begin_write(db).await?;
    if !claim(&txn, dealer.id, span, first).await? {
        return Ok(false);
    }
    let Some(mark) = behind(&txn, dealer.id, span, first).await? else {
        return Ok(false);
    };
    let last = span.last_day(first);
    let days_behind = insight_marks::Entity::scoped(dealer.id)
        .filter(insight_marks::Column::Span.eq(Span::Day.as_str()))
        .filter(insight_marks::Column::Start.between(first, last))
        .filter(is_behind())
        .count(&txn)
        .await?;
    if days_behind > 0 {
        return Ok(false);
    }
    let today = last + Duration::days(1);
    let demand: super::demand::DemandSpan = read(&txn, dealer, first, last, today).await?;
    let pricing: super::pricing::PricingSpan = read(&txn, dealer, first, last, today).await?;
    store(&txn, &mark, &demand, &pricing).await?;
    txn.commit().await?;
    Ok(true)
}

/// Spans derived in one round at most: a round stays short, and the rest waits for the next.
pub const SPANS_PER_ROUND: u64 = 64;

/// What one round of [`derive_due`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Derived {
    pub days: usize,
    pub weeks: usize,
    pub months: usize,
}

impl Derived {
    pub fn spans(&self) -> usize {
        self.days + self.weeks + self.months
    }
}

/// Derives the finished days and months that are behind, of every dealer, oldest first, up to
/// `limit` spans. Spans that may not be over yet anywhere on Earth are left for later.
pub async fn derive_due(db: &DatabaseConnection, now: DateTime<Utc>, limit: u64) -> Result<Derived> {
    // Every zone is past the end of a day two days before UTC's today; a week or month is
    // settled when its last day is.
    let settled_day = now.date_naive() - Duration::days(2);
    // Days first, since weeks and months sum their days; each list in the order of the index of marks
    // behind, so the query stops after `limit` rows however many dealers have a day open.
    let mut due = Vec::new();
    for span in [Span::Day, Span::Week, Span::Month] {
        // Spans tile the calendar: those starting before the one that holds the next day end
        // on the settled day at the latest.
        let settled = span.start_of(settled_day + Duration::days(1));
        let room = limit.saturating_sub(u64::try_from(due.len()).unwrap_or(u64::MAX));
        if room == 0 {
            break;
        }
        #[expect(clippy::disallowed_methods, reason = "the derivation serves every dealer")]
        let marks = insight_marks::Entity::find()
            .filter(is_behind())
            .filter(insight_marks::Column::Span.eq(span.as_str()))
            .filter(insight_marks::Column::Start.lt(settled))
            .order_by_asc(insight_marks::Column::Start)
            .limit(room)
            .all(db)
            .await?;
        due.extend(marks);
    }
    let mut dealers: HashMap<TenantId, tenants::Model> = HashMap::new();
    let mut done = Derived::default();
    for mark in due {
        let dealer = match dealers.get(&mark.tenant_id) {
            Some(dealer) => dealer,
            None => {
                let dealer = crate::tenants::find(db, mark.tenant_id).await?;
                dealers.entry(mark.tenant_id).or_insert(dealer)
            }
        };
        match Span::parse(&mark.span) {
            Some(Span::Day) => done.days += usize::from(derive_day(db, dealer, mark.start).await?),
            Some(span @ Span::Week) => done.weeks += usize::from(derive_sum(db, dealer, span, mark.start).await?),
            Some(span @ Span::Month) => done.months += usize::from(derive_sum(db, dealer, span, mark.start).await?),
            None => {}
        }
    }
    Ok(done)
}

/// Marks the whole history of every dealer that has quote lines and no marks: a database from
/// before the rollups, or a history written directly (the benchmark's). The derivation then
/// catches up in the background; until it has, periods are read live.
pub async fn mark_missing(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize> {
    let missing = crate::db::dealers_lacking(db, "quote_lines", "insight_marks").await?;
    for id in &missing {
        let dealer = crate::tenants::find(db, *id).await?;
        mark_history(db, &dealer, now).await?;
    }
    Ok(missing.len())
}

/// Marks every day of the dealer's history, from its first quote line to today, as changed.
pub async fn mark_history(db: &DatabaseConnection, dealer: &tenants::Model, now: DateTime<Utc>) -> Result<()> {
    use crate::entities::quote_lines;
    let first: Option<DateTime<Utc>> = quote_lines::Entity::scoped(dealer.id)
        .select_only()
        .column_as(quote_lines::Column::ReceivedAt.min(), "first")
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    let Some(first) = first else {
        return Ok(());
    };
    let txn = crate::db::begin_write(db).await?;
    marks::touch_days(
        &txn,
        dealer.id,
        first.with_timezone(&dealer.tz()).date_naive(),
        dealer.today(now),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).expect("a date")
    }

    #[test]
    fn whole_fresh_months_are_read_whole_and_the_rest_day_by_day() {
        let mut fresh = HashMap::new();
        fresh.insert((Span::Month, day(10, 1)), true);
        fresh.insert((Span::Month, day(11, 1)), false);
        for d in 1..=30 {
            fresh.insert((Span::Day, day(11, d)), d != 12);
        }
        for d in 1..=5 {
            fresh.insert((Span::Day, day(12, d)), true);
        }
        // Sept. 20-30 have no marks: nothing changed on them, so they are not read at all.
        let plan = plan_of(day(9, 20), day(12, 8), day(12, 6), &fresh);
        assert_eq!(plan.months, vec![day(10, 1)]);
        let mut days: Vec<NaiveDate> = (1..=30).filter(|&d| d != 12).map(|d| day(11, d)).collect();
        days.extend((1..=5).map(|d| day(12, d)));
        assert_eq!(plan.days, days);
        assert_eq!(plan.live, vec![(day(11, 12), day(11, 12)), (day(12, 6), day(12, 8))]);
    }

    #[test]
    fn whole_fresh_weeks_are_read_whole_where_no_month_is() {
        let mut fresh = HashMap::new();
        for d in 1..=30 {
            fresh.insert((Span::Day, day(11, d)), true);
        }
        // 2 November 2026 is a Monday.
        fresh.insert((Span::Week, day(11, 2)), true);
        fresh.insert((Span::Week, day(11, 9)), true);
        fresh.insert((Span::Week, day(11, 16)), false);
        fresh.insert((Span::Week, day(11, 23)), true);
        let plan = plan_of(day(11, 1), day(11, 27), day(12, 1), &fresh);
        assert!(plan.months.is_empty());
        assert_eq!(plan.weeks, vec![day(11, 2), day(11, 9)], "the week of the 23rd is cut");
        let mut days = vec![day(11, 1)];
        days.extend((16..=27).map(|d| day(11, d)));
        assert_eq!(plan.days, days);
        assert!(plan.live.is_empty());
    }

    #[test]
    fn consecutive_spans_are_read_as_one_run() {
        let days = [day(3, 30), day(3, 31), day(4, 1), day(4, 3)];
        assert_eq!(
            runs(Span::Day, &days),
            vec![(day(3, 30), day(4, 1)), (day(4, 3), day(4, 3))]
        );
        let months = [day(1, 1), day(2, 1), day(3, 1), day(5, 1)];
        assert_eq!(
            runs(Span::Month, &months),
            vec![(day(1, 1), day(3, 1)), (day(5, 1), day(5, 1))]
        );
    }

    #[test]
    fn a_month_holding_today_or_cut_by_the_period_is_read_by_days() {
        let mut fresh = HashMap::new();
        fresh.insert((Span::Month, day(10, 1)), true);
        for d in 1..=31 {
            fresh.insert((Span::Day, day(10, d)), true);
        }
        let cut = plan_of(day(10, 2), day(10, 31), day(12, 1), &fresh);
        assert!(cut.months.is_empty());
        assert_eq!(cut.days.len(), 30);
        let current = plan_of(day(10, 1), day(10, 31), day(10, 31), &fresh);
        assert!(current.months.is_empty());
        assert_eq!(current.days.len(), 30);
        assert_eq!(current.live, vec![(day(10, 31), day(10, 31))]);
    }
}
