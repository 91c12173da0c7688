//! The dealer's quotes as a list: one line each, with what a list shows (the customer, the
//! total, line counts, the dates and the order it became), filtered and paged by cursor.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::QuoteStatus;
use crate::db::TenantScoped;
use crate::entities::{LineStatus, orders, quote_lines, quote_options, quotes};
use crate::error::{Error, Result};
use crate::ids::{CustomerId, InquiryId, OrderId, QuoteId, QuoteLineId, TenantId};
use crate::money::format_price;
use crate::pagination::{PageParams, finish_page};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QuoteListParams {
    /// Items per page, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only quotes in this state: `draft`, `sent`, `accepted`, `partially_accepted`,
    /// `rejected`, `expired` or `cancelled`.
    pub status: Option<String>,
    /// Only this customer's quotes.
    pub customer_id: Option<CustomerId>,
    /// Only quotes made (their inquiry received) from then on: a day in the dealer's time zone
    /// (`2026-12-01`) or an RFC 3339 instant.
    pub from: Option<String>,
    /// Only quotes made up to then: a day in the dealer's time zone (`2026-12-01`, the whole
    /// day included) or an RFC 3339 instant (excluded).
    pub to: Option<String>,
}

/// A quote in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteSummary {
    pub id: QuoteId,
    pub inquiry_id: InquiryId,
    pub customer_id: CustomerId,
    #[schema(example = "老王汽修厂")]
    pub customer_name: String,
    pub status: QuoteStatus,
    pub currency: String,
    /// Sum of the proposals' line totals over offered lines, as in the quote itself.
    #[schema(example = "1234.50")]
    pub total: String,
    /// Lines in the quote (one per inquiry line).
    pub line_count: i32,
    /// Of those, lines with a price (`offered`).
    pub lines_offered: i32,
    /// When it was drafted: the moment its inquiry arrived.
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// Until when a sent quote can be accepted (`valid_until`).
    pub expires_at: Option<DateTime<Utc>>,
    /// The order it became, once accepted.
    pub order_id: Option<OrderId>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteList {
    pub items: Vec<QuoteSummary>,
    pub next_cursor: Option<String>,
}

/// The dealer's quotes, newest first, as the filters select them.
pub async fn list(db: &impl ConnectionTrait, tenant: TenantId, params: QuoteListParams) -> Result<QuoteList> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let limit = page.limit()?;
    let status = params
        .status
        .as_deref()
        .map(|s| {
            QuoteStatus::parse(s).ok_or_else(|| {
                Error::field(
                    "query.status",
                    "invalid_value",
                    "one of draft, sent, accepted, partially_accepted, rejected, expired, cancelled",
                )
            })
        })
        .transpose()?;
    let zone = crate::tenants::find(db, tenant).await?.tz();
    let (from, to) = crate::pagination::window(params.from.as_deref(), params.to.as_deref(), zone)?;
    let mut query = quotes::Entity::scoped(tenant).order_by_desc(quotes::Column::Id);
    if let Some(before) = page.cursor::<QuoteId>()? {
        query = query.filter(quotes::Column::Id.lt(before));
    }
    if let Some(status) = status {
        query = query.filter(quotes::Column::Status.eq(status.as_str()));
    }
    if let Some(customer) = params.customer_id {
        query = query.filter(quotes::Column::CustomerId.eq(customer));
    }
    if let Some(from) = from {
        query = query.filter(quotes::Column::CreatedAt.gte(from));
    }
    if let Some(to) = to {
        query = query.filter(quotes::Column::CreatedAt.lt(to));
    }
    let rows = query.limit(limit + 1).all(db).await?;
    let (rows, next_cursor) = finish_page(rows, limit, |q| q.id);
    let ids: Vec<QuoteId> = rows.iter().map(|q| q.id).collect();

    let lines: Vec<(QuoteId, QuoteLineId, LineStatus)> = quote_lines::Entity::scoped(tenant)
        .filter(quote_lines::Column::QuoteId.is_in(ids.iter().copied()))
        .select_only()
        .column(quote_lines::Column::QuoteId)
        .column(quote_lines::Column::Id)
        .column(quote_lines::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let offered: HashSet<QuoteLineId> = lines
        .iter()
        .filter(|(_, _, status)| *status == LineStatus::Offered)
        .map(|(_, id, _)| *id)
        .collect();
    let mut counts: HashMap<QuoteId, (i32, i32)> = HashMap::new();
    for (quote, line, _) in &lines {
        let count = counts.entry(*quote).or_default();
        count.0 += 1;
        count.1 += i32::from(offered.contains(line));
    }
    // The proposal (rank 0) of each offered line, as the quote's own total counts it.
    let proposals: Vec<(QuoteId, QuoteLineId, i64, i32)> = quote_options::Entity::scoped(tenant)
        .filter(quote_options::Column::QuoteId.is_in(ids.iter().copied()))
        .filter(quote_options::Column::Rank.eq(0))
        .select_only()
        .column(quote_options::Column::QuoteId)
        .column(quote_options::Column::QuoteLineId)
        .column(quote_options::Column::UnitPriceMinor)
        .column(quote_options::Column::Quantity)
        .into_tuple()
        .all(db)
        .await?;
    let mut totals: HashMap<QuoteId, i64> = HashMap::new();
    for (quote, line, unit_price, quantity) in proposals {
        if offered.contains(&line) {
            *totals.entry(quote).or_default() += unit_price * i64::from(quantity);
        }
    }
    let orders: HashMap<QuoteId, OrderId> = orders::Entity::scoped(tenant)
        .filter(orders::Column::QuoteId.is_in(ids.iter().copied()))
        .filter(orders::Column::ReturnId.is_null())
        .select_only()
        .column(orders::Column::QuoteId)
        .column(orders::Column::Id)
        .into_tuple::<(QuoteId, OrderId)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let names = crate::customers::names(db, tenant, rows.iter().map(|q| q.customer_id).collect()).await?;
    Ok(QuoteList {
        items: rows
            .into_iter()
            .map(|q| {
                let (line_count, lines_offered) = counts.get(&q.id).copied().unwrap_or_default();
                QuoteSummary {
                    customer_name: names.get(&q.customer_id).cloned().unwrap_or_default(),
                    total: format_price(totals.get(&q.id).copied().unwrap_or_default()),
                    line_count,
                    lines_offered,
                    order_id: orders.get(&q.id).copied(),
                    id: q.id,
                    inquiry_id: q.inquiry_id,
                    customer_id: q.customer_id,
                    status: q.status,
                    currency: q.currency,
                    created_at: q.created_at,
                    sent_at: q.sent_at,
                    expires_at: q.valid_until,
                }
            })
            .collect(),
        next_cursor,
    })
}
