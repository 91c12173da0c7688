//! Marks of what changed under the insight rollups: every transaction that changes what an
//! insight counts (a quote drafted, sent, decided, expired or cancelled, an order placed) adds
//! one to the change count of the day and the month its inquiry arrived in ([`touch`]), in the
//! same transaction; a change that reaches every day (a new response target, a customer's new
//! price level) adds one to all of them ([`touch_all`]). The derivation (`insights::rollup`)
//! records the count it derived at, so a span is fresh exactly while nothing has touched it
//! since: a count, not a flag, because a writer that commits while a day is being derived
//! must leave it behind, not fresh.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::db::TenantScoped;
use crate::entities::{insight_marks, quote_lines};
use crate::error::Result;
use crate::ids::{CustomerId, QuoteLineId, TenantId};

/// The spans rolled up (a period reads the longest ones it covers whole).
pub use crate::clock::Span;

fn new_mark(tenant: TenantId, span: Span, start: NaiveDate, changes: i64) -> insight_marks::ActiveModel {
    insight_marks::ActiveModel {
        tenant_id: Set(tenant),
        span: Set(span.as_str().to_owned()),
        start: Set(start),
        changes: Set(changes),
        derived: Set(None),
    }
}

/// Records a change to what the insights count for the customer's lines of inquiries that
/// arrived at `received`: the days and the months holding them in the dealer's zone (`tz`)
/// fall behind, with their weeks. A writer takes the customer's lock first, as every writer of
/// derived figures does ([`crate::db::lock_customer_writes`]), then its rows in one order (its
/// days, weeks, then months, each ascending): so two writers never wait on each other in
/// opposite orders.
pub async fn touch(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
    customer: CustomerId,
    tz: chrono_tz::Tz,
    received: impl IntoIterator<Item = DateTime<Utc>>,
) -> Result<()> {
    crate::db::lock_customer_writes(txn, tenant, customer).await?;
    let days: std::collections::BTreeSet<NaiveDate> = received
        .into_iter()
        .map(|at| at.with_timezone(&tz).date_naive())
        .collect();
    let mut rows = Vec::new();
    for span in [Span::Day, Span::Week, Span::Month] {
        let starts: std::collections::BTreeSet<NaiveDate> = days.iter().map(|d| span.start_of(*d)).collect();
        rows.extend(starts.into_iter().map(|start| new_mark(tenant, span, start, 1)));
    }
    upsert(txn, rows).await
}

/// Inserts marks, or adds their changes to the marks already there.
async fn upsert(txn: &impl ConnectionTrait, marks: Vec<insight_marks::ActiveModel>) -> Result<()> {
    for chunk in marks.chunks(500) {
        insight_marks::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([
                    insight_marks::Column::TenantId,
                    insight_marks::Column::Span,
                    insight_marks::Column::Start,
                ])
                .value(
                    insight_marks::Column::Changes,
                    Expr::col((insight_marks::Entity, insight_marks::Column::Changes)).add(1),
                )
                .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// [`touch`] for the customer's quote lines, by their ids.
pub async fn touch_lines(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
    customer: CustomerId,
    tz: chrono_tz::Tz,
    lines: impl IntoIterator<Item = QuoteLineId>,
) -> Result<()> {
    let ids: Vec<QuoteLineId> = lines.into_iter().collect();
    let mut received = Vec::new();
    for chunk in ids.chunks(500) {
        received.extend(
            quote_lines::Entity::scoped(tenant)
                .filter(quote_lines::Column::Id.is_in(chunk.iter().copied()))
                .select_only()
                .column(quote_lines::Column::ReceivedAt)
                .distinct()
                .into_tuple::<DateTime<Utc>>()
                .all(txn)
                .await?,
        );
    }
    touch(txn, tenant, customer, tz, received).await
}

/// Records a change to every day and month of the dealer: what was derived is re-derived.
pub async fn touch_all(txn: &impl ConnectionTrait, tenant: TenantId) -> Result<()> {
    // Every row of the dealer, in no particular order: the dealer's writers wait meanwhile.
    crate::db::lock_dealer_writes(txn, tenant).await?;
    insight_marks::Entity::scoped_update(tenant)
        .col_expr(
            insight_marks::Column::Changes,
            Expr::col(insight_marks::Column::Changes).add(1),
        )
        .exec(txn)
        .await?;
    Ok(())
}

/// Marks every day from `first` to `last` and the weeks and months holding them as changed: for a
/// history written before its marks (an upgrade, a generated history).
pub async fn touch_days(txn: &impl ConnectionTrait, tenant: TenantId, first: NaiveDate, last: NaiveDate) -> Result<()> {
    let mut rows = Vec::new();
    for span in [Span::Day, Span::Week, Span::Month] {
        let mut start = span.start_of(first);
        while start <= last {
            rows.push(new_mark(tenant, span, start, 1));
            start = span.next(start);
        }
    }
    upsert(txn, rows).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    #[test]
    fn a_month_runs_from_its_first_to_its_last_day() {
        assert_eq!(Span::Month.start_of(day(2026, 2, 17)), day(2026, 2, 1));
        assert_eq!(Span::Month.last_day(day(2026, 2, 1)), day(2026, 2, 28));
        assert_eq!(Span::Month.last_day(day(2028, 2, 1)), day(2028, 2, 29));
        assert_eq!(Span::Month.last_day(day(2026, 12, 1)), day(2026, 12, 31));
        assert_eq!(Span::Day.last_day(day(2026, 12, 7)), day(2026, 12, 7));
        // 6 December 2026 is a Sunday.
        assert_eq!(Span::Week.start_of(day(2026, 12, 6)), day(2026, 11, 30));
        assert_eq!(Span::Week.last_day(day(2026, 11, 30)), day(2026, 12, 6));
    }
}
