//! The figures of any period, read from the rollups ([`super::rollup`]): whole months of the
//! period from month rows, the days around them from day rows, so a year reads about twelve
//! rows per customer plus the days at its ends. One query per request, grouped in memory.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QuerySelect, QueryTrait};

use super::Period;
use super::rollup::{Delta, Span, split_ms};
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

/// The raw counts of one group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub inquiries: i64,
    pub lines: i64,
    pub quoted: i64,
    pub bought: i64,
    pub auto: i64,
    /// Nearest-rank p50 and p90: the smallest value with at least half (nine tenths) of the
    /// values at or below it.
    pub response_ms: Option<(i64, i64)>,
    pub orders: i64,
    pub order_value_minor: i64,
    pub reminders_raised: i64,
    pub reminders_converted: i64,
}

/// The figures of summed rollups: percentiles from every response time seen.
fn finish(mut sum: Delta) -> Counts {
    sum.response_ms.sort_unstable();
    let values = &sum.response_ms;
    let rank =
        |numerator: usize, denominator: usize| values[(values.len() * numerator).div_ceil(denominator).max(1) - 1];
    Counts {
        inquiries: sum.inquiries,
        lines: sum.lines,
        quoted: sum.quoted,
        bought: sum.bought,
        auto: sum.auto_matched,
        response_ms: (!values.is_empty()).then(|| (rank(1, 2), rank(9, 10))),
        orders: sum.orders,
        order_value_minor: sum.order_value_minor,
        reminders_raised: sum.reminders_raised,
        reminders_converted: sum.reminders_converted,
    }
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
    let concat = match backend {
        sea_orm::DatabaseBackend::Postgres => "string_agg(response_ms, ',')",
        _ => "group_concat(response_ms, ',')",
    };
    let mut groups: HashMap<Key, Delta> = HashMap::new();
    let mut total = Delta::default();
    for (span, starts) in &mut starts {
        let span = *span;
        for (first, last) in runs(span, starts) {
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
            for name in SUMMED {
                select = select.column_as(Expr::cust(format!("CAST(SUM(\"{name}\") AS BIGINT)")), name);
            }
            select = select.column_as(Expr::cust(concat), "response_ms");
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
                let delta = summed(&row)?;
                if with_total {
                    total.add(&delta);
                }
                groups.entry(key).or_default().add(&delta);
            }
        }
    }
    Ok((groups, total))
}

/// The summed columns, by name.
const SUMMED: [&str; 9] = [
    "inquiries",
    "lines",
    "quoted",
    "bought",
    "auto_matched",
    "orders",
    "order_value_minor",
    "reminders_raised",
    "reminders_converted",
];

fn summed(row: &sea_orm::QueryResult) -> Result<Delta> {
    let sum = |name: &str| -> Result<i64> { Ok(row.try_get::<Option<i64>>("", name)?.unwrap_or(0)) };
    let response_ms: Option<String> = row.try_get("", "response_ms")?;
    Ok(Delta {
        inquiries: sum("inquiries")?,
        lines: sum("lines")?,
        quoted: sum("quoted")?,
        bought: sum("bought")?,
        auto_matched: sum("auto_matched")?,
        orders: sum("orders")?,
        order_value_minor: sum("order_value_minor")?,
        reminders_raised: sum("reminders_raised")?,
        reminders_converted: sum("reminders_converted")?,
        response_ms: split_ms(response_ms.as_deref().unwrap_or_default()).collect(),
    })
}

/// Every figure for every group that has any.
pub async fn counts(db: &impl ConnectionTrait, scope: &Scope, group: &Group<'_>) -> Result<HashMap<Key, Counts>> {
    let (groups, _) = sums(db, scope, group, false).await?;
    Ok(groups.into_iter().map(|(key, sum)| (key, finish(sum))).collect())
}

/// Figures per bucket and for the whole period, from one read.
pub async fn series(
    db: &impl ConnectionTrait,
    scope: &Scope,
    buckets: &[(NaiveDate, NaiveDate)],
) -> Result<(Counts, HashMap<Key, Counts>)> {
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
        let sum = |values: &[i64]| {
            finish(Delta {
                response_ms: values.to_vec(),
                ..Delta::default()
            })
            .response_ms
        };
        assert_eq!(sum(&[]), None);
        assert_eq!(sum(&[7]), Some((7, 7)));
        assert_eq!(sum(&[4, 1, 3, 2]), Some((2, 4)));
        assert_eq!(sum(&(1..=10).collect::<Vec<_>>()), Some((5, 9)));
        assert_eq!(sum(&(1..=11).collect::<Vec<_>>()), Some((6, 10)));
    }
}
