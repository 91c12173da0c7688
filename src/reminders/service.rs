//! Reminders as staff work with them: the list, the day's call list, and what staff did about
//! each reminder.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::predict::Purchase;
use crate::auth::Actor;
use crate::customers::CustomerRef;
use crate::db::TenantScoped;
use crate::entities::{ReminderStatus, customers, parts, reminders, tenants};
use crate::error::{Error, Result};
use crate::ids::{CustomerId, OrderId, PartId, QuoteId, ReminderId, TenantId};
use crate::money::discounted;
use crate::money::format_price;
use crate::pagination::{PageParams, finish_page};

pub const SNOOZE_DAYS_MAX: i64 = 90;

#[derive(Debug, Serialize, ToSchema)]
pub struct ReminderPart {
    pub id: PartId,
    pub sku: String,
    pub name: String,
    pub brand: Option<String>,
    /// Units in stock now.
    pub stock: i64,
    /// List price now.
    pub price: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReminderResponse {
    pub id: ReminderId,
    /// `due`, `snoozed`, `done` (contacted), `dismissed` or `converted`.
    pub status: String,
    pub customer: CustomerRef,
    /// Absent when the part has since been deleted from the catalog.
    pub part: Option<ReminderPart>,
    /// When the customer will likely buy again.
    pub expected_on: NaiveDate,
    /// When the reminder became due (expected date less the lead days).
    pub remind_on: NaiveDate,
    /// Median days between purchases.
    pub interval_days: i32,
    /// Median quantity per purchase.
    pub suggested_quantity: i32,
    pub last_purchase: Option<Purchase>,
    /// The purchase days the prediction was derived from, oldest first.
    pub history: Vec<Purchase>,
    /// Current stock is below the suggested quantity.
    pub stock_short: bool,
    pub raised_at: chrono::DateTime<chrono::Utc>,
    pub snoozed_until: Option<NaiveDate>,
    pub contacted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub converted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub converted_order_id: Option<OrderId>,
    /// The latest proactive quote drafted from it (`POST /v1/reminders/{id}/quote`).
    pub quote_id: Option<QuoteId>,
}

/// Reminders with their customers and parts, in one query each.
async fn respond(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    rows: Vec<reminders::Model>,
) -> Result<Vec<ReminderResponse>> {
    let customer_ids: Vec<CustomerId> = rows
        .iter()
        .map(|r| r.customer_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let part_ids: Vec<PartId> = rows
        .iter()
        .map(|r| r.part_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut names: HashMap<CustomerId, String> = HashMap::new();
    for chunk in customer_ids.chunks(500) {
        for c in customers::Entity::scoped(tenant)
            .filter(customers::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            names.insert(c.id, c.name);
        }
    }
    let mut catalog: HashMap<PartId, parts::Model> = HashMap::new();
    for chunk in part_ids.chunks(500) {
        for p in parts::Entity::scoped(tenant)
            .filter(parts::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            catalog.insert(p.id, p);
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let history: Vec<Purchase> = serde_json::from_value(r.history).unwrap_or_default();
            let part = catalog.get(&r.part_id).map(|p| ReminderPart {
                id: p.id,
                sku: p.sku.clone(),
                name: p.name.clone(),
                brand: p.brand.clone(),
                stock: p.stock,
                price: p.price_minor.map(format_price),
            });
            ReminderResponse {
                id: r.id,
                status: r.status.as_str().to_owned(),
                customer: CustomerRef {
                    id: r.customer_id,
                    name: names.get(&r.customer_id).cloned().unwrap_or_default(),
                },
                stock_short: part.as_ref().is_none_or(|p| p.stock < i64::from(r.suggested_quantity)),
                part,
                expected_on: r.expected_on,
                remind_on: r.remind_on,
                interval_days: r.interval_days,
                suggested_quantity: r.suggested_quantity,
                last_purchase: history.last().cloned(),
                history,
                raised_at: r.raised_at,
                snoozed_until: r.snoozed_until,
                contacted_at: r.contacted_at,
                converted_at: r.converted_at,
                converted_order_id: r.converted_order_id,
                quote_id: r.quote_id,
            }
        })
        .collect())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReminderListParams {
    /// Items per page, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `due` (including snoozed reminders whose date has come), `snoozed`, `done`,
    /// `dismissed` or `converted`; default: all.
    pub status: Option<String>,
    /// Only this customer's reminders.
    pub customer: Option<CustomerId>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReminderList {
    pub items: Vec<ReminderResponse>,
    pub next_cursor: Option<String>,
}

/// The dealer's reminders, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    params: ReminderListParams,
    now: DateTime<Utc>,
) -> Result<ReminderList> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let limit = page.limit()?;
    let today = crate::tenants::find(db, tenant).await?.today(now);
    let mut query = reminders::Entity::scoped(tenant).order_by_desc(reminders::Column::Id);
    if let Some(before) = page.cursor::<ReminderId>()? {
        query = query.filter(reminders::Column::Id.lt(before));
    }
    if let Some(customer) = params.customer {
        query = query.filter(reminders::Column::CustomerId.eq(customer));
    }
    let wanted = params
        .status
        .as_deref()
        .map(|s| {
            ReminderStatus::parse(s).ok_or_else(|| {
                Error::field(
                    "query.status",
                    "invalid_value",
                    "one of due, snoozed, done, dismissed, converted",
                )
            })
        })
        .transpose()?;
    match wanted {
        None => {}
        Some(ReminderStatus::Due) => query = query.filter(due_on(today)),
        Some(wanted) => query = query.filter(reminders::Column::Status.eq(wanted)),
    }
    let rows = query.limit(limit + 1).all(db).await?;
    let (rows, next_cursor) = finish_page(rows, limit, |r| r.id);
    Ok(ReminderList {
        items: respond(db, tenant, rows).await?,
        next_cursor,
    })
}

/// Due on `day`: due, or snoozed until then or earlier.
fn due_on(day: NaiveDate) -> Condition {
    Condition::any()
        .add(reminders::Column::Status.eq(ReminderStatus::Due))
        .add(
            Condition::all()
                .add(reminders::Column::Status.eq(ReminderStatus::Snoozed))
                .add(reminders::Column::SnoozedUntil.lte(day)),
        )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CallEntry {
    pub customer: CustomerRef,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    /// Suggested quantities at the customer's prices, summed: who to call first.
    pub value: String,
    /// Days in the last 7 (including `date`) on which staff contacted this customer about
    /// reminders.
    pub contacts_last_7_days: usize,
    /// Why this customer is held back today, if it is.
    pub held_back_reason: Option<String>,
    pub reminders: Vec<ReminderResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CallListResponse {
    pub date: NaiveDate,
    /// The dealer's limit (`reminder_contacts_per_week`).
    pub contacts_per_week: i32,
    /// Customers to call, most valuable first, each with all its due parts.
    pub call: Vec<CallEntry>,
    /// Customers already contacted as often as the limit allows this week; their reminders
    /// stay due.
    pub held_back: Vec<CallEntry>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CallListParams {
    /// The day (`YYYY-MM-DD`, the dealer's time zone); default today.
    pub date: Option<NaiveDate>,
}

/// Who to call on a day (default today): due reminders grouped by customer, most valuable
/// first; customers contacted as often as the weekly limit allows are held back.
pub async fn call_list(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    params: CallListParams,
    now: DateTime<Utc>,
) -> Result<CallListResponse> {
    let dealer = crate::tenants::find(db, tenant).await?;
    let date = match params.date {
        Some(date) => crate::metrics::checked_day("query.date", date)?,
        None => dealer.today(now),
    };
    let due = reminders::Entity::scoped(tenant)
        .filter(due_on(date))
        .filter(reminders::Column::RemindOn.lte(date))
        .order_by_asc(reminders::Column::Id)
        .all(db)
        .await?;
    build_call_list(db, &dealer, date, due).await
}

/// The days in the 7 ending on `date` (the dealer's calendar) on which each customer was
/// contacted about reminders: the weekly contact limit counts them.
pub async fn contact_days(
    db: &impl ConnectionTrait,
    tenant: &tenants::Model,
    customers: &[CustomerId],
    date: NaiveDate,
) -> Result<HashMap<CustomerId, HashSet<NaiveDate>>> {
    let tz = tenant.tz();
    let start = crate::metrics::start_of(date - Duration::days(6), tz);
    let mut days: HashMap<CustomerId, HashSet<NaiveDate>> = HashMap::new();
    for chunk in customers.chunks(500) {
        for (customer, at) in reminders::Entity::scoped(tenant.id)
            .select_only()
            .column(reminders::Column::CustomerId)
            .column(reminders::Column::ContactedAt)
            .filter(reminders::Column::CustomerId.is_in(chunk.to_vec()))
            .filter(reminders::Column::ContactedAt.gte(start))
            .into_tuple::<(CustomerId, DateTime<Utc>)>()
            .all(db)
            .await?
        {
            let day = at.with_timezone(&tz).date_naive();
            if day <= date {
                days.entry(customer).or_default().insert(day);
            }
        }
    }
    Ok(days)
}

async fn build_call_list(
    db: &impl ConnectionTrait,
    tenant: &tenants::Model,
    date: NaiveDate,
    due: Vec<reminders::Model>,
) -> Result<CallListResponse> {
    let customer_ids: Vec<CustomerId> = due
        .iter()
        .map(|r| r.customer_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let contact_days = contact_days(db, tenant, &customer_ids, date).await?;
    let mut customers_by_id: HashMap<CustomerId, customers::Model> = HashMap::new();
    for chunk in customer_ids.chunks(500) {
        for c in customers::Entity::scoped(tenant.id)
            .filter(customers::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            customers_by_id.insert(c.id, c);
        }
    }
    let responses = respond(db, tenant.id, due).await?;
    let mut grouped: HashMap<CustomerId, Vec<ReminderResponse>> = HashMap::new();
    for r in responses {
        grouped.entry(r.customer.id).or_default().push(r);
    }
    let mut entries: Vec<(i64, CallEntry)> = grouped
        .into_iter()
        .filter_map(|(id, reminders)| {
            let customer = customers_by_id.get(&id)?;
            // Archived customers are not called.
            if customer.deleted_at.is_some() {
                return None;
            }
            let value: i64 = reminders
                .iter()
                .filter_map(|r| {
                    let price = r.part.as_ref()?.price.as_deref()?;
                    let minor = crate::money::parse_price(&serde_json::Value::String(price.to_owned())).ok()??;
                    Some(discounted(minor, customer.price_level_bp) * i64::from(r.suggested_quantity))
                })
                .sum();
            let contacts = contact_days.get(&id).map_or(0, HashSet::len);
            let limit = usize::try_from(tenant.reminder_contacts_per_week).unwrap_or(2);
            let held_back_reason = (contacts >= limit)
                .then(|| format!("contacted on {contacts} of the last 7 days; the limit is {limit} a week"));
            Some((
                value,
                CallEntry {
                    customer: CustomerRef {
                        id,
                        name: customer.name.clone(),
                    },
                    contact_name: customer.contact_name.clone(),
                    phone: customer.phone.clone(),
                    value: format_price(value),
                    contacts_last_7_days: contacts,
                    held_back_reason,
                    reminders,
                },
            ))
        })
        .collect();
    entries.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.customer.id.cmp(&b.1.customer.id)));
    let (held_back, call): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .map(|(_, e)| e)
        .partition(|e| e.held_back_reason.is_some());
    Ok(CallListResponse {
        date,
        contacts_per_week: tenant.reminder_contacts_per_week,
        call,
        held_back,
    })
}

async fn act(
    db: &DatabaseConnection,
    tenant: TenantId,
    id: ReminderId,
    action: &str,
    now: DateTime<Utc>,
    update: impl FnOnce(sea_orm::UpdateMany<reminders::Entity>) -> sea_orm::UpdateMany<reminders::Entity>,
) -> Result<ReminderResponse> {
    let txn = crate::db::begin_write(db).await?;
    let reminder = reminders::Entity::scoped_by_id(tenant, id)
        .one(&txn)
        .await?
        .ok_or(Error::not_found("reminder"))?;
    let allowed = ReminderStatus::ACTIONABLE;
    let changed = update(
        reminders::Entity::scoped_update(tenant)
            .col_expr(reminders::Column::UpdatedAt, Expr::value(now))
            .filter(reminders::Column::Id.eq(id))
            .filter(reminders::Column::Status.is_in(allowed)),
    )
    .exec(&txn)
    .await?
    .rows_affected
        == 1;
    if !changed {
        return Err(Error::WrongState {
            code: "invalid_transition",
            detail: format!("a {} reminder cannot be {action}", reminder.status.as_str()),
            current: reminder.status.as_str().to_owned(),
        });
    }
    let reminder = reminders::Entity::scoped_by_id(tenant, id)
        .one(&txn)
        .await?
        .ok_or(Error::not_found("reminder"))?;
    txn.commit().await?;
    respond(db, tenant, vec![reminder])
        .await?
        .pop()
        .ok_or(Error::not_found("reminder"))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SnoozeRequest {
    /// The day it is due again: after today, at most 90 days ahead.
    pub until: NaiveDate,
}

/// Snoozes a reminder until a day after today, at most 90 days ahead.
pub async fn snooze(
    db: &DatabaseConnection,
    tenant: TenantId,
    id: ReminderId,
    body: SnoozeRequest,
    now: DateTime<Utc>,
) -> Result<ReminderResponse> {
    let today = crate::tenants::find(db, tenant).await?.today(now);
    if body.until <= today || body.until > today + Duration::days(SNOOZE_DAYS_MAX) {
        return Err(Error::field(
            "/until",
            "out_of_range",
            format!("a day after today and at most {SNOOZE_DAYS_MAX} days ahead"),
        ));
    }
    act(db, tenant, id, "snoozed", now, |u| {
        u.col_expr(reminders::Column::Status, Expr::value(ReminderStatus::Snoozed))
            .col_expr(reminders::Column::SnoozedUntil, Expr::value(body.until))
    })
    .await
}

/// The customer was contacted about it (counts towards the weekly contact limit).
pub async fn mark_done(
    db: &DatabaseConnection,
    actor: Actor,
    id: ReminderId,
    now: DateTime<Utc>,
) -> Result<ReminderResponse> {
    act(db, actor.tenant, id, "marked done", now, |u| {
        u.col_expr(reminders::Column::Status, Expr::value(ReminderStatus::Done))
            .col_expr(reminders::Column::ContactedAt, Expr::value(now))
            .col_expr(reminders::Column::ContactedBy, Expr::value(actor.user.to_string()))
    })
    .await
}

/// A proactive quote drafted from the reminder was sent: the customer was contacted (by
/// `sender`, a user id or `auto`), which counts towards the weekly contact limit as a call does.
/// A reminder contacted already keeps its first contact.
pub async fn contacted_by_quote(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
    id: ReminderId,
    sender: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    reminders::Entity::scoped_update(tenant)
        .col_expr(reminders::Column::Status, Expr::value(ReminderStatus::Done))
        .col_expr(reminders::Column::ContactedAt, Expr::value(now))
        .col_expr(reminders::Column::ContactedBy, Expr::value(sender.to_owned()))
        .col_expr(reminders::Column::UpdatedAt, Expr::value(now))
        .filter(reminders::Column::Id.eq(id))
        .filter(reminders::Column::Status.is_in(ReminderStatus::ACTIONABLE))
        .exec(txn)
        .await?;
    Ok(())
}

/// The reminder needs no call.
pub async fn dismiss(
    db: &DatabaseConnection,
    tenant: TenantId,
    id: ReminderId,
    now: DateTime<Utc>,
) -> Result<ReminderResponse> {
    act(db, tenant, id, "dismissed", now, |u| {
        u.col_expr(reminders::Column::Status, Expr::value(ReminderStatus::Dismissed))
            .col_expr(reminders::Column::DismissedAt, Expr::value(now))
    })
    .await
}
