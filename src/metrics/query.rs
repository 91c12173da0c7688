//! The figures of any period, read from the rollups ([`super::rollup`]): whole months of the
//! period from month rows, the days around them from day rows, so a year reads about twelve
//! rows per customer plus the days at its ends. One query per request, grouped in memory.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QuerySelect, QueryTrait};

use super::Period;
use super::rollup::{Delta, Span};
use crate::db::TenantScoped;
use crate::entities::metric_rollups;
use crate::error::Result;
use crate::ids::{CustomerId, TenantId};

/// Whose figures, over which days of the dealer's calendar.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub tenant: TenantId,
    pub customer: Option<CustomerId>,
    pub period: Period,
}

/// How figures are grouped.
pub enum Group<'a> {
    Total,
    Customer,
    /// By the period's buckets (first and last day, ascending, not overlapping).
    Bucket(&'a [(NaiveDate, NaiveDate)]),
}

/// A group's key as read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Total,
    Customer(CustomerId),
    Bucket(usize),
}

/// The figures of summed rollups, their times sorted for percentiles.
fn finish(mut sum: Delta) -> Delta {
    sum.sort_times();
    sum
}

/// The rollup rows that make up `first..=last`, each day in exactly one: whole months as month
/// rows, whole weeks as week rows unless they would cut into a whole month, the rest as days.
fn pieces(first: NaiveDate, last: NaiveDate, out: &mut Vec<(Span, NaiveDate)>) {
    let fits = |span: Span, day: NaiveDate| span.start_of(day) == day && span.next(day) - Duration::days(1) <= last;
    let mut day = first;
    while day <= last {
        let month_ahead = Span::Month.next(Span::Month.start_of(day));
        let span = if fits(Span::Month, day) {
            Span::Month
        } else if fits(Span::Week, day) && !(month_ahead < Span::Week.next(day) && fits(Span::Month, month_ahead)) {
            Span::Week
        } else {
            Span::Day
        };
        out.push((span, day));
        day = span.next(day);
    }
}

/// The contiguous ranges of `span` rows starting on `starts`, as (first, last) start.
fn runs(span: Span, starts: &mut [NaiveDate]) -> Vec<(NaiveDate, NaiveDate)> {
    starts.sort_unstable();
    let mut out: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for &start in starts.iter() {
        match out.last_mut() {
            Some((_, last)) if span.next(*last) == start => *last = start,
            _ => out.push((start, start)),
        }
    }
    out
}

/// Runs of more than [`SPLIT_FROM`] rows' starts read as two halves, so a long run of days
/// (a year by day) is summed on two cores.
const SPLIT_FROM: i64 = 60;

fn halves(span: Span, first: NaiveDate, last: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    if span != Span::Day || (last - first).num_days() < SPLIT_FROM {
        return vec![(first, last)];
    }
    let middle = first + chrono::Duration::days((last - first).num_days() / 2);
    vec![(first, middle), (middle + chrono::Duration::days(1), last)]
}

/// Sums per group over the bucket ranges, and over all of them when `with_total`.
async fn sums(
    db: &impl ConnectionTrait,
    scope: &Scope,
    group: &Group<'_>,
    with_total: bool,
) -> Result<(HashMap<Key, Delta>, Delta)> {
    let whole = [(scope.period.from, scope.period.to)];
    let ranges: &[(NaiveDate, NaiveDate)] = match group {
        Group::Bucket(buckets) => buckets,
        Group::Total | Group::Customer => &whole,
    };
    let mut owner: HashMap<(Span, NaiveDate), usize> = HashMap::new();
    let mut list = Vec::new();
    for (i, (first, last)) in ranges.iter().enumerate() {
        list.clear();
        pieces(*first, *last, &mut list);
        owner.extend(list.iter().map(|piece| (*piece, i)));
    }
    let mut starts: HashMap<Span, Vec<NaiveDate>> = HashMap::new();
    for (span, start) in owner.keys() {
        starts.entry(*span).or_default().push(*start);
    }
    // Summed in the database, grouped as far as the figures allow; one range scan per run of
    // rows, as a disjunction of ranges would make SQLite scan the table.
    use metric_rollups::Column as C;
    let backend = db.get_database_backend();
    // Empty lists (most rows have no returns, many no orders) are left out rather than joined
    // as runs of commas.
    let concat = |name: &str| match backend {
        sea_orm::DatabaseBackend::Postgres => format!("string_agg(NULLIF(\"{name}\", ''), ',')"),
        _ => format!("group_concat(NULLIF(\"{name}\", ''), ',')"),
    };
    let mut jobs: Vec<(Span, NaiveDate, NaiveDate)> = Vec::new();
    for (span, starts) in &mut starts {
        for (first, last) in runs(*span, starts) {
            jobs.extend(halves(*span, first, last).into_iter().map(|(a, b)| (*span, a, b)));
        }
    }
    let read = |(span, first, last): (Span, NaiveDate, NaiveDate)| {
        let owner = &owner;
        let concat = &concat;
        async move {
            let mut select = metric_rollups::Entity::scoped(scope.tenant)
                .select_only()
                .filter(C::Span.eq(span.as_str()))
                .filter(C::Start.between(first, last));
            if let Some(customer) = scope.customer {
                select = select.filter(C::CustomerId.eq(customer));
            }
            match group {
                Group::Total => {}
                Group::Customer => select = select.column(C::CustomerId).group_by(C::CustomerId),
                Group::Bucket(_) => select = select.column(C::Start).group_by(C::Start),
            }
            for name in Delta::COUNTERS {
                select = select.column_as(Expr::cust(format!("CAST(SUM(\"{name}\") AS BIGINT)")), *name);
            }
            for name in Delta::TIMES {
                select = select.column_as(Expr::cust(concat(name)), *name);
            }
            let mut found: Vec<(Key, Delta)> = Vec::new();
            for row in db.query_all_raw(select.build(backend)).await? {
                let key = match group {
                    Group::Total => Key::Total,
                    Group::Customer => Key::Customer(row.try_get("", "customer_id")?),
                    Group::Bucket(_) => {
                        let start: NaiveDate = row.try_get("", "start")?;
                        let Some(&bucket) = owner.get(&(span, start)) else {
                            continue;
                        };
                        Key::Bucket(bucket)
                    }
                };
                found.push((key, Delta::from_summed(&row)?));
            }
            Ok::<_, crate::error::Error>(found)
        }
    };
    // The runs are read at once: on a pool each takes its own connection (and core).
    let read_all = futures_util::future::try_join_all(jobs.into_iter().map(read)).await?;
    let mut groups: HashMap<Key, Delta> = HashMap::new();
    let mut total = Delta::default();
    for (key, delta) in read_all.into_iter().flatten() {
        if with_total {
            total.add(&delta);
        }
        groups.entry(key).or_default().add(&delta);
    }
    Ok((groups, total))
}

/// Every figure for every group that has any.
pub async fn counts(db: &impl ConnectionTrait, scope: &Scope, group: &Group<'_>) -> Result<HashMap<Key, Delta>> {
    let (groups, _) = sums(db, scope, group, false).await?;
    Ok(groups.into_iter().map(|(key, sum)| (key, finish(sum))).collect())
}

/// Figures per bucket and for the whole period, from one read.
pub async fn series(
    db: &impl ConnectionTrait,
    scope: &Scope,
    buckets: &[(NaiveDate, NaiveDate)],
) -> Result<(Delta, HashMap<Key, Delta>)> {
    let (groups, total) = sums(db, scope, &Group::Bucket(buckets), true).await?;
    Ok((
        finish(total),
        groups.into_iter().map(|(key, sum)| (key, finish(sum))).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn a_long_run_of_days_is_read_in_two_halves_that_cover_it() {
        assert_eq!(
            halves(Span::Day, day(2026, 1, 1), day(2026, 12, 31)),
            vec![(day(2026, 1, 1), day(2026, 7, 2)), (day(2026, 7, 3), day(2026, 12, 31))]
        );
        assert_eq!(
            halves(Span::Day, day(2026, 1, 1), day(2026, 1, 31)),
            vec![(day(2026, 1, 1), day(2026, 1, 31))]
        );
        assert_eq!(
            halves(Span::Month, day(2020, 1, 1), day(2026, 12, 1)),
            vec![(day(2020, 1, 1), day(2026, 12, 1))]
        );
    }

    #[test]
    fn a_period_reads_whole_months_then_whole_weeks_then_days() {
        let mut out = Vec::new();
        // Monday 24 November 2025 to Monday 23 November 2026.
        pieces(day(2025, 11, 24), day(2026, 11, 23), &mut out);
        let count = |span: Span| out.iter().filter(|(s, _)| *s == span).count();
        assert_eq!((count(Span::Month), count(Span::Week), count(Span::Day)), (11, 4, 2));
        assert_eq!(out[0], (Span::Week, day(2025, 11, 24)));
        assert_eq!(out[1], (Span::Month, day(2025, 12, 1)));
        let mut within = Vec::new();
        pieces(day(2026, 2, 1), day(2026, 2, 28), &mut within);
        assert_eq!(within, vec![(Span::Month, day(2026, 2, 1))]);
        // Sunday 1 February: a day, three weeks, five days.
        let mut short = Vec::new();
        pieces(day(2026, 2, 1), day(2026, 2, 27), &mut short);
        assert_eq!(short.len(), 1 + 3 + 5);
        // Monday 26 January: the week would cut into February, which is whole.
        let mut around = Vec::new();
        pieces(day(2026, 1, 26), day(2026, 2, 28), &mut around);
        assert_eq!(around.len(), 6 + 1);
    }

    #[test]
    fn pieces_cover_every_day_of_any_period_once() {
        let mut first = day(2025, 12, 1);
        while first < day(2026, 4, 1) {
            for length in (0..120).step_by(7) {
                let last = first + Duration::days(length);
                let mut out = Vec::new();
                pieces(first, last, &mut out);
                let mut covered = Vec::new();
                for (span, start) in out {
                    assert_eq!(span.start_of(start), start);
                    let mut d = start;
                    while d < span.next(start) {
                        covered.push(d);
                        d += Duration::days(1);
                    }
                }
                let expected: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
                assert_eq!(covered, expected, "{first}..{last}");
            }
            first += Duration::days(1);
        }
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let p = |values: &[i64]| {
            let mut sorted = values.to_vec();
            sorted.sort_unstable();
            super::super::percentiles(&sorted)
        };
        assert_eq!(p(&[]), None);
        assert_eq!(p(&[7]), Some((7, 7)));
        assert_eq!(p(&[4, 1, 3, 2]), Some((2, 4)));
        assert_eq!(p(&(1..=10).collect::<Vec<_>>()), Some((5, 9)));
        assert_eq!(p(&(1..=11).collect::<Vec<_>>()), Some((6, 10)));
    }
}
