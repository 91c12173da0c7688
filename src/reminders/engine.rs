//! The reminder run: predict from order history, raise what is due (once per cycle, even with
//! several schedulers on one database), reopen snoozed reminders, and mark conversions.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::predict::{self, Purchase};
use crate::db::TenantScoped;
use crate::entities::{ReminderStatus, order_lines, orders, part_numbers, reminders, tenants};
use crate::error::Result;
use crate::events::{EventKind, NewEvent};
use crate::ids::{CustomerId, OrderId, PartId, ReminderId, TenantId};

/// Kinds of number that name the part itself, and kinds that name an equivalent.
const OWN_KINDS: &[&str] = &["article"];
const EQUIVALENT_KINDS: &[&str] = &["interchange", "supersedes", "superseded_by"];

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct RunReport {
    /// New reminders.
    pub raised: usize,
    /// Snoozed reminders whose date has come.
    pub reopened: usize,
    /// Reminders followed by an order of the part within the window.
    pub converted: usize,
}

impl std::ops::AddAssign for RunReport {
    fn add_assign(&mut self, other: Self) {
        self.raised += other.raised;
        self.reopened += other.reopened;
        self.converted += other.converted;
    }
}

/// For each part, the parts equivalent to it: those that list one of its own numbers as an
/// interchange or supersession, and those whose own numbers it lists so (one query, both
/// directions).
pub async fn equivalents(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    parts: &[PartId],
) -> Result<HashMap<PartId, HashSet<PartId>>> {
    let mut out: HashMap<PartId, HashSet<PartId>> = parts.iter().map(|p| (*p, HashSet::from([*p]))).collect();
    for chunk in parts.chunks(500) {
        let numbers = part_numbers::Entity::scoped(tenant)
            .filter(part_numbers::Column::PartId.is_in(chunk.to_vec()))
            .all(db)
            .await?;
        let own: HashSet<&str> = numbers
            .iter()
            .filter(|n| OWN_KINDS.contains(&n.kind.as_str()))
            .map(|n| n.normalized.as_str())
            .collect();
        let listed: HashSet<&str> = numbers
            .iter()
            .filter(|n| EQUIVALENT_KINDS.contains(&n.kind.as_str()))
            .map(|n| n.normalized.as_str())
            .collect();
        let keys: Vec<String> = own.iter().chain(listed.iter()).map(|k| (*k).to_owned()).collect();
        if keys.is_empty() {
            continue;
        }
        let others = part_numbers::Entity::scoped(tenant)
            .filter(part_numbers::Column::Normalized.is_in(keys))
            .all(db)
            .await?;
        for n in &numbers {
            let own_side = OWN_KINDS.contains(&n.kind.as_str());
            let listed_side = EQUIVALENT_KINDS.contains(&n.kind.as_str());
            for o in others
                .iter()
                .filter(|o| o.normalized == n.normalized && o.part_id != n.part_id)
            {
                let other_own = OWN_KINDS.contains(&o.kind.as_str());
                let other_listed = EQUIVALENT_KINDS.contains(&o.kind.as_str());
                if (own_side && other_listed) || (listed_side && other_own) {
                    out.entry(n.part_id).or_default().insert(o.part_id);
                }
            }
        }
    }
    Ok(out)
}

/// Marks the customer's open reminders for these parts (or their equivalents) converted by
/// `order`, if it falls within each reminder's window. Called in the order's transaction.
pub async fn convert_for_order(
    txn: &impl ConnectionTrait,
    tenant: &tenants::Model,
    customer: CustomerId,
    bought: &[PartId],
    order: OrderId,
    at: DateTime<Utc>,
) -> Result<usize> {
    let open = reminders::Entity::scoped(tenant.id)
        .filter(reminders::Column::CustomerId.eq(customer))
        .filter(reminders::Column::Status.is_in(ReminderStatus::OPEN))
        .filter(reminders::Column::RaisedAt.lte(at))
        .filter(reminders::Column::RaisedAt.gte(at - Duration::days(i64::from(tenant.reminder_window_days))))
        .all(txn)
        .await?;
    if open.is_empty() {
        return Ok(0);
    }
    let parts: Vec<PartId> = open.iter().map(|r| r.part_id).collect();
    let same = equivalents(txn, tenant.id, &parts).await?;
    let bought: HashSet<PartId> = bought.iter().copied().collect();
    let mut converted = 0;
    for reminder in open {
        let matches = same
            .get(&reminder.part_id)
            .is_some_and(|eq| eq.iter().any(|p| bought.contains(p)));
        if matches && mark_converted(txn, tenant, &reminder, order, at).await? {
            converted += 1;
        }
    }
    Ok(converted)
}

/// Marks the reminder converted by `order`, which accepted the proactive quote drafted from it:
/// the shop took up the offer, whatever the window. Called in the order's transaction.
pub async fn convert_by_quote(
    txn: &impl ConnectionTrait,
    tenant: &tenants::Model,
    reminder: ReminderId,
    order: OrderId,
    at: DateTime<Utc>,
) -> Result<bool> {
    let Some(reminder) = reminders::Entity::scoped_by_id(tenant.id, reminder).one(txn).await? else {
        return Ok(false);
    };
    mark_converted(txn, tenant, &reminder, order, at).await
}

async fn mark_converted(
    txn: &impl ConnectionTrait,
    tenant: &tenants::Model,
    reminder: &reminders::Model,
    order: OrderId,
    at: DateTime<Utc>,
) -> Result<bool> {
    // The customer's rollups are written below: lock in the writers' order before the reminder.
    crate::metrics::rollup::lock(txn, reminder.tenant_id, reminder.customer_id).await?;
    let done = reminders::Entity::scoped_update(reminder.tenant_id)
        .col_expr(reminders::Column::Status, Expr::value(ReminderStatus::Converted))
        .col_expr(reminders::Column::ConvertedAt, Expr::value(at))
        .col_expr(reminders::Column::ConvertedOrderId, Expr::value(order))
        .col_expr(reminders::Column::UpdatedAt, Expr::value(at))
        .filter(reminders::Column::Id.eq(reminder.id))
        .filter(reminders::Column::Status.is_in(ReminderStatus::OPEN))
        .exec(txn)
        .await?
        .rows_affected
        == 1;
    if done {
        // Conversions count where their reminder was raised.
        crate::metrics::rollup::add(
            txn,
            tenant,
            reminder.customer_id,
            reminder.raised_at,
            &crate::metrics::rollup::Delta {
                reminders_converted: 1,
                ..Default::default()
            },
        )
        .await?;
        crate::events::record(
            txn,
            NewEvent {
                tenant: reminder.tenant_id,
                customer: Some(reminder.customer_id),
                kind: EventKind::ReminderConverted,
                subject: reminder.id.to_string(),
                actor: None,
                at,
                payload: json!({ "reminder_id": reminder.id, "part_id": reminder.part_id, "order_id": order }),
            },
        )
        .await?;
    }
    Ok(done)
}

/// One purchase of a part by a customer.
pub struct Line {
    pub customer: CustomerId,
    pub part: PartId,
    pub purchase: Purchase,
}

/// What each customer bought (before `before`, when given): the units of its orders it kept,
/// less what was cancelled before it left; a replacement sent for a return is not a purchase.
pub async fn history(
    db: &impl ConnectionTrait,
    tenant: &tenants::Model,
    before: Option<DateTime<Utc>>,
) -> Result<Vec<Line>> {
    history_of(db, tenant, before, None).await
}

/// [`history`], of one customer's purchases of some parts only when `of` says so.
pub async fn history_of(
    db: &impl ConnectionTrait,
    tenant: &tenants::Model,
    before: Option<DateTime<Utc>>,
    of: Option<(CustomerId, &[PartId])>,
) -> Result<Vec<Line>> {
    let tz = tenant.tz();
    let replacements = sea_orm::sea_query::Query::select()
        .column(orders::Column::Id)
        .from(orders::Entity)
        .and_where(orders::Column::TenantId.eq(tenant.id))
        .and_where(orders::Column::ReturnId.is_not_null())
        .to_owned();
    let rows = order_lines::Entity::scoped(tenant.id)
        .select_only()
        .column(order_lines::Column::CustomerId)
        .column(order_lines::Column::PartId)
        .column(order_lines::Column::OrderId)
        .column(order_lines::Column::Quantity)
        .column(order_lines::Column::CancelledQuantity)
        .column(order_lines::Column::OrderedAt)
        .filter(order_lines::Column::OrderId.not_in_subquery(replacements))
        .apply_if(before, |q, before| q.filter(order_lines::Column::OrderedAt.lt(before)))
        .apply_if(of, |q, (customer, parts)| {
            q.filter(order_lines::Column::CustomerId.eq(customer))
                .filter(order_lines::Column::PartId.is_in(parts.iter().copied()))
        })
        .order_by_asc(order_lines::Column::OrderedAt)
        .into_tuple::<(CustomerId, PartId, OrderId, i32, i32, DateTime<Utc>)>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, _, quantity, cancelled, _)| quantity > cancelled)
        .map(|(customer, part, order_id, quantity, cancelled, at)| (customer, part, order_id, quantity - cancelled, at))
        .map(|(customer, part, order_id, quantity, at)| Line {
            customer,
            part,
            purchase: Purchase {
                date: at.with_timezone(&tz).date_naive(),
                at,
                quantity: i64::from(quantity),
                order_id,
            },
        })
        .collect())
}

/// One run for one dealer at `now`.
pub async fn run_tenant(db: &DatabaseConnection, tenant: &tenants::Model, now: DateTime<Utc>) -> Result<RunReport> {
    let mut report = RunReport::default();
    let today = tenant.today(now);
    let lines = history(db, tenant, None).await?;

    let mut by_pair: HashMap<(CustomerId, PartId), Vec<Purchase>> = HashMap::new();
    let mut bought_by_customer: HashMap<CustomerId, Vec<(PartId, DateTime<Utc>, OrderId)>> = HashMap::new();
    for line in lines {
        bought_by_customer.entry(line.customer).or_default().push((
            line.part,
            line.purchase.at,
            line.purchase.order_id,
        ));
        by_pair
            .entry((line.customer, line.part))
            .or_default()
            .push(line.purchase);
    }
    let lead = Duration::days(i64::from(tenant.reminder_lead_days));
    let window = Duration::days(i64::from(tenant.reminder_window_days));
    let mut due = Vec::new();
    for ((customer, part), purchases) in by_pair {
        let days = predict::by_day(purchases);
        let Some(prediction) = predict::predict(&days) else {
            continue;
        };
        let remind_on = prediction.expected_on - lead;
        // Not yet, or so long overdue that the customer has clearly gone elsewhere.
        if today < remind_on || today > prediction.expected_on + window {
            continue;
        }
        due.push((customer, part, prediction, remind_on, days));
    }

    // A purchase of an equivalent part since the last purchase closes the cycle.
    let parts: Vec<PartId> = due.iter().map(|d| d.1).collect::<HashSet<_>>().into_iter().collect();
    let same = equivalents(db, tenant.id, &parts).await?;
    for (customer, part, prediction, remind_on, days) in due {
        let replenished = bought_by_customer.get(&customer).is_some_and(|bought| {
            bought.iter().any(|(p, at, _)| {
                *p != part && *at > prediction.last.at && same.get(&part).is_some_and(|eq| eq.contains(p))
            })
        });
        if replenished {
            continue;
        }
        if raise(db, tenant, customer, part, &prediction, remind_on, &days, now).await? {
            report.raised += 1;
        }
    }

    // Snoozed reminders whose day has come are due again.
    report.reopened = usize::try_from(
        reminders::Entity::scoped_update(tenant.id)
            .col_expr(reminders::Column::Status, Expr::value(ReminderStatus::Due))
            .col_expr(reminders::Column::UpdatedAt, Expr::value(now))
            .filter(reminders::Column::Status.eq(ReminderStatus::Snoozed))
            .filter(reminders::Column::SnoozedUntil.lte(today))
            .exec(db)
            .await?
            .rows_affected,
    )
    .unwrap_or(usize::MAX);

    // Orders that followed a reminder within its window (also marked when the order is made;
    // this catches orders made before an upgrade or by another path).
    let open = reminders::Entity::scoped(tenant.id)
        .filter(reminders::Column::Status.is_in(ReminderStatus::OPEN))
        .filter(reminders::Column::RaisedAt.gte(now - window))
        .all(db)
        .await?;
    if !open.is_empty() {
        let parts: Vec<PartId> = open
            .iter()
            .map(|r| r.part_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let same = equivalents(db, tenant.id, &parts).await?;
        for reminder in open {
            let order = bought_by_customer.get(&reminder.customer_id).and_then(|bought| {
                bought
                    .iter()
                    .filter(|(p, at, _)| {
                        *at >= reminder.raised_at
                            && *at <= reminder.raised_at + window
                            && same.get(&reminder.part_id).is_some_and(|eq| eq.contains(p))
                    })
                    .min_by_key(|(_, at, _)| *at)
                    .map(|(_, at, order)| (*order, *at))
            });
            if let Some((order, at)) = order {
                let txn = crate::db::begin_write(db).await?;
                if mark_converted(&txn, tenant, &reminder, order, at).await? {
                    report.converted += 1;
                }
                txn.commit().await?;
            }
        }
    }
    Ok(report)
}

/// Inserts the reminder unless this cycle already has one; the event and the `reminder.due`
/// webhook are written only by the run that inserted it.
#[allow(clippy::too_many_arguments)]
async fn raise(
    db: &DatabaseConnection,
    tenant: &tenants::Model,
    customer: CustomerId,
    part: PartId,
    prediction: &predict::Prediction,
    remind_on: NaiveDate,
    days: &[Purchase],
    now: DateTime<Utc>,
) -> Result<bool> {
    let id = ReminderId::generate();
    let history = serde_json::to_value(days).map_err(anyhow::Error::from)?;
    let txn = crate::db::begin_write(db).await?;
    let inserted = reminders::Entity::insert(reminders::ActiveModel {
        id: Set(id),
        tenant_id: Set(tenant.id),
        customer_id: Set(customer),
        part_id: Set(part),
        cycle_start: Set(prediction.last.at),
        status: Set(ReminderStatus::Due),
        expected_on: Set(prediction.expected_on),
        remind_on: Set(remind_on),
        interval_days: Set(i32::try_from(prediction.interval_days).unwrap_or(i32::MAX)),
        suggested_quantity: Set(i32::try_from(prediction.quantity).unwrap_or(i32::MAX)),
        history: Set(history),
        raised_at: Set(now),
        snoozed_until: Set(None),
        contacted_at: Set(None),
        contacted_by: Set(None),
        dismissed_at: Set(None),
        converted_at: Set(None),
        converted_order_id: Set(None),
        quote_id: Set(None),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            reminders::Column::TenantId,
            reminders::Column::CustomerId,
            reminders::Column::PartId,
            reminders::Column::CycleStart,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if inserted == 0 {
        return Ok(false);
    }
    crate::metrics::rollup::add(
        &txn,
        tenant,
        customer,
        now,
        &crate::metrics::rollup::Delta {
            reminders_raised: 1,
            ..Default::default()
        },
    )
    .await?;
    let data = json!({
        "reminder_id": id,
        "customer_id": customer,
        "part_id": part,
        "expected_on": prediction.expected_on,
        "suggested_quantity": prediction.quantity,
        "interval_days": prediction.interval_days,
    });
    crate::events::record(
        &txn,
        NewEvent {
            tenant: tenant.id,
            customer: Some(customer),
            kind: EventKind::ReminderRaised,
            subject: id.to_string(),
            actor: None,
            at: now,
            payload: data.clone(),
        },
    )
    .await?;
    crate::webhooks::enqueue(&txn, tenant.id, "reminder.due", data, now).await?;
    txn.commit().await?;
    Ok(true)
}

/// A run for every dealer (the scheduler) or one.
pub async fn run(db: &DatabaseConnection, only: Option<TenantId>, now: DateTime<Utc>) -> Result<RunReport> {
    let dealers = match only {
        Some(id) => vec![crate::tenants::find(db, id).await?],
        None => crate::tenants::all(db).await?,
    };
    let mut report = RunReport::default();
    for tenant in dealers {
        report += run_tenant(db, &tenant, now).await?;
    }
    Ok(report)
}
