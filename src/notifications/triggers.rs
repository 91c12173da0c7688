//! What produces notifications: scans the background worker runs for each dealer with channels
//! (inquiries waiting past the response target, the day's call list at its hour, demand spikes)
//! and the accept of a quote. Each announcement is queued once per channel (its dedupe key), so
//! a scan may run on several servers and as often as it likes.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration, Timelike, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{Message, NotificationEvent, channels_for, enqueue, render};
use crate::db::TenantScoped;
use crate::entities::{
    InquiryOrigin, LineStatus, QuoteStatus, customers, inquiries, inquiry_lines, notification_channels,
    notification_deliveries, quote_lines, tenants,
};
use crate::error::Result;
use crate::ids::{CustomerId, QuoteId, TenantId};

/// Inquiries older than this are not announced as waiting (a channel added today does not
/// page anyone about last month's backlog).
const WAITING_LOOKBACK_HOURS: i64 = 24;
/// Inquiries listed in one waiting message.
const WAITING_LISTED: usize = 20;

/// What one round queued.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Queued {
    pub waiting: usize,
    pub call_lists: usize,
    pub spikes: usize,
}

/// Runs every scan for every dealer with an enabled channel.
pub async fn run_due(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Queued> {
    #[expect(clippy::disallowed_methods, reason = "the scans serve every dealer with a channel")]
    let dealers: Vec<TenantId> = notification_channels::Entity::find()
        .filter(notification_channels::Column::Enabled.eq(true))
        .select_only()
        .column(notification_channels::Column::TenantId)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let mut queued = Queued::default();
    for id in dealers {
        let tenant = crate::tenants::find(db, id).await?;
        queued.waiting += waiting(db, &tenant, now).await?;
        queued.call_lists += call_list(db, &tenant, now).await?;
        queued.spikes += spikes(db, &tenant, now).await?;
    }
    Ok(queued)
}

/// Inquiries from shops still unanswered past the response target, each announced once.
async fn waiting(db: &DatabaseConnection, tenant: &tenants::Model, now: DateTime<Utc>) -> Result<usize> {
    let channels = channels_for(db, tenant.id, NotificationEvent::InquiryWaiting).await?;
    if channels.is_empty() {
        return Ok(0);
    }
    let target = Duration::minutes(i64::from(tenant.response_target_minutes));
    let overdue = inquiries::Entity::scoped(tenant.id)
        .filter(inquiries::Column::Status.eq(QuoteStatus::Draft))
        .filter(inquiries::Column::Origin.eq(InquiryOrigin::Shop))
        .filter(inquiries::Column::OverdueNotifiedAt.is_null())
        .filter(inquiries::Column::ReceivedAt.lte(now - target))
        .filter(inquiries::Column::ReceivedAt.gte(now - Duration::hours(WAITING_LOOKBACK_HOURS)))
        .order_by_asc(inquiries::Column::ReceivedAt)
        .all(db)
        .await?;
    if overdue.is_empty() {
        return Ok(0);
    }
    let txn = crate::db::begin_write(db).await?;
    // Claim each inquiry: of two servers scanning at once, one announces it.
    let mut claimed = Vec::new();
    for inquiry in overdue {
        let won = inquiries::Entity::scoped_update(tenant.id)
            .col_expr(inquiries::Column::OverdueNotifiedAt, Expr::value(now))
            .filter(inquiries::Column::Id.eq(inquiry.id))
            .filter(inquiries::Column::OverdueNotifiedAt.is_null())
            .exec(&txn)
            .await?
            .rows_affected
            == 1;
        if won {
            claimed.push(inquiry);
        }
    }
    let Some(first) = claimed.first().map(|i| i.id) else {
        return Ok(0);
    };
    let names = crate::customers::names(&txn, tenant.id, claimed.iter().map(|i| i.customer_id).collect()).await?;
    let items: Vec<render::Waiting> = claimed
        .iter()
        .take(WAITING_LISTED)
        .map(|i| render::Waiting {
            customer: names.get(&i.customer_id).cloned().unwrap_or_default(),
            lines: i.line_count,
            minutes: (now - i.received_at).num_minutes(),
            reference: i.reference.clone(),
        })
        .collect();
    let mut queued = 0;
    for channel in &channels {
        let (title, body) = render::inquiry_waiting(channel.language, tenant.response_target_minutes, &items);
        let message = Message {
            event: NotificationEvent::InquiryWaiting,
            dedupe_key: format!("inquiry_waiting:{first}"),
            title,
            body,
        };
        queued += usize::from(enqueue(&txn, channel, message, now).await?);
    }
    txn.commit().await?;
    Ok(queued)
}

async fn already(db: &impl ConnectionTrait, channel: &notification_channels::Model, key: &str) -> Result<bool> {
    Ok(notification_deliveries::Entity::scoped(channel.tenant_id)
        .filter(notification_deliveries::Column::ChannelId.eq(channel.id))
        .filter(notification_deliveries::Column::DedupeKey.eq(key))
        .one(db)
        .await?
        .is_some())
}

/// The day's call list, once a day, from the channel's digest hour.
async fn call_list(db: &DatabaseConnection, tenant: &tenants::Model, now: DateTime<Utc>) -> Result<usize> {
    let local = now.with_timezone(&tenant.tz());
    let today = local.date_naive();
    let hour = i32::try_from(local.hour()).unwrap_or(0);
    let key = format!("call_list:{today}");
    let mut due = Vec::new();
    for channel in channels_for(db, tenant.id, NotificationEvent::CallList).await? {
        if hour >= channel.digest_hour && !already(db, &channel, &key).await? {
            due.push(channel);
        }
    }
    if due.is_empty() {
        return Ok(0);
    }
    let list = crate::reminders::service::call_list(db, tenant.id, Default::default(), now).await?;
    if list.call.is_empty() {
        return Ok(0);
    }
    let calls: Vec<render::Call> = list
        .call
        .iter()
        .map(|entry| render::Call {
            customer: entry.customer.name.clone(),
            phone: entry.phone.clone(),
            parts: entry
                .reminders
                .iter()
                .filter_map(|r| r.part.as_ref().map(|p| format!("{} ×{}", p.name, r.suggested_quantity)))
                .collect(),
            value: entry.value.clone(),
        })
        .collect();
    let mut queued = 0;
    for channel in due {
        let (title, body) = render::call_list(channel.language, today, &calls, list.held_back.len());
        let message = Message {
            event: NotificationEvent::CallList,
            dedupe_key: key.clone(),
            title,
            body,
        };
        queued += usize::from(enqueue(db, &channel, message, now).await?);
    }
    Ok(queued)
}

/// What shops asked for today with nothing to offer, grouped as the matcher keys lines (else
/// by the number or words as written), with the shops that asked.
async fn unmet_today(
    db: &impl ConnectionTrait,
    tenant: &tenants::Model,
    now: DateTime<Utc>,
) -> Result<BTreeMap<String, (String, HashSet<CustomerId>, usize)>> {
    let today = now.with_timezone(&tenant.tz()).date_naive();
    let start = crate::metrics::start_of(today, tenant.tz());
    let (ql, il) = (Alias::new("ql"), Alias::new("il"));
    let select = Query::select()
        .expr_as(Expr::col((ql.clone(), quote_lines::Column::CustomerId)), "customer_id")
        .expr_as(Expr::col((il.clone(), inquiry_lines::Column::LineKey)), "line_key")
        .expr_as(
            Expr::col((il.clone(), inquiry_lines::Column::PartNumber)),
            "part_number",
        )
        .expr_as(Expr::col((il.clone(), inquiry_lines::Column::Text)), "text")
        .from_as(quote_lines::Entity, ql.clone())
        .join_as(
            JoinType::InnerJoin,
            inquiry_lines::Entity,
            il.clone(),
            Expr::col((il.clone(), inquiry_lines::Column::Id)).equals((ql.clone(), quote_lines::Column::InquiryLineId)),
        )
        .and_where(Expr::col((ql.clone(), quote_lines::Column::TenantId)).eq(tenant.id))
        .and_where(Expr::col((ql.clone(), quote_lines::Column::ReceivedAt)).gte(start))
        .and_where(Expr::col((ql.clone(), quote_lines::Column::ReceivedAt)).lte(now))
        .and_where(Expr::col((ql.clone(), quote_lines::Column::Proactive)).eq(false))
        .and_where(
            Expr::col((ql.clone(), quote_lines::Column::Status)).is_in([LineStatus::NoOffer, LineStatus::Unavailable]),
        )
        .to_owned();
    let backend = db.get_database_backend();
    let mut groups: BTreeMap<String, (String, HashSet<CustomerId>, usize)> = BTreeMap::new();
    for row in db.query_all_raw(backend.build(&select)).await? {
        let customer: CustomerId = row.try_get("", "customer_id")?;
        let line_key: Option<String> = row.try_get("", "line_key")?;
        let number: Option<String> = row.try_get("", "part_number")?;
        let text: String = row.try_get("", "text")?;
        let asked = number.clone().unwrap_or_else(|| text.trim().to_owned());
        let key = line_key
            .filter(|k| !k.is_empty())
            .unwrap_or_else(|| asked.to_lowercase());
        let entry = groups.entry(key).or_insert_with(|| (asked.clone(), HashSet::new(), 0));
        entry.0 = asked;
        entry.1.insert(customer);
        entry.2 += 1;
    }
    Ok(groups)
}

/// A part asked for today by at least the channel's number of shops, with nothing to offer.
async fn spikes(db: &DatabaseConnection, tenant: &tenants::Model, now: DateTime<Utc>) -> Result<usize> {
    let channels = channels_for(db, tenant.id, NotificationEvent::DemandSpike).await?;
    if channels.is_empty() {
        return Ok(0);
    }
    let groups = unmet_today(db, tenant, now).await?;
    let today = now.with_timezone(&tenant.tz()).date_naive();
    let mut queued = 0;
    for channel in &channels {
        let threshold = usize::try_from(channel.spike_shops).unwrap_or(usize::MAX);
        for (key, (asked, shops, lines)) in &groups {
            if shops.len() < threshold {
                continue;
            }
            let (title, body) = render::demand_spike(channel.language, today, asked, shops.len(), *lines);
            let message = Message {
                event: NotificationEvent::DemandSpike,
                dedupe_key: format!("demand_spike:{today}:{key}"),
                title,
                body,
            };
            queued += usize::from(enqueue(db, channel, message, now).await?);
        }
    }
    Ok(queued)
}

/// A quote the shop accepted: announced where the dealer asked for accepted quotes from its
/// value up. Called in the accepting transaction.
pub struct Accepted<'a> {
    pub tenant: TenantId,
    pub customer: &'a customers::Model,
    pub quote: QuoteId,
    pub total_minor: i64,
    pub currency: &'a str,
    pub partial: bool,
}

pub async fn quote_accepted(txn: &impl ConnectionTrait, accepted: Accepted<'_>, now: DateTime<Utc>) -> Result<usize> {
    let mut queued = 0;
    for channel in channels_for(txn, accepted.tenant, NotificationEvent::QuoteAccepted).await? {
        if accepted.total_minor < channel.accepted_value_min_minor {
            continue;
        }
        let (title, body) = render::quote_accepted(
            channel.language,
            &accepted.customer.name,
            &crate::money::format_price(accepted.total_minor),
            accepted.currency,
            accepted.partial,
        );
        let message = Message {
            event: NotificationEvent::QuoteAccepted,
            dedupe_key: format!("quote_accepted:{}", accepted.quote),
            title,
            body,
        };
        queued += usize::from(enqueue(txn, &channel, message, now).await?);
    }
    Ok(queued)
}
