//! Quotes: drafted from an inquiry's matches, reviewed and sent by staff (or sent at once when
//! nothing needs a person), then accepted (all or part, making an order), rejected, expired or
//! cancelled.

pub mod decisions;
pub mod draft;
pub mod list;
pub mod review;
pub mod routes;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::db::TenantScoped;
pub use crate::entities::QuoteStatus;
use crate::entities::{Confidence, LineStatus, RejectionCode};
use crate::entities::{inquiries, inquiry_lines, orders, quote_lines, quote_options, quotes, tenants};
use crate::error::{Error, Result};
use crate::events::{EventKind, NewEvent};
use crate::ids::{
    CustomerId, InquiryId, InquiryLineId, OrderId, PartId, QuoteId, QuoteLineId, QuoteOptionId, ReminderId, TenantId,
};
use crate::money::format_price;

pub const QUANTITY_MAX: i32 = 10_000;
pub const REASON_MAX: usize = 500;

/// The 409 for a request on a quote whose validity has passed.
pub fn expired() -> Error {
    Error::WrongState {
        code: "quote_expired",
        detail: "the quote's validity has passed; ask the dealer for a new quote".to_owned(),
        current: QuoteStatus::Expired.as_str().to_owned(),
    }
}

/// The 409 for a request the quote's state does not allow.
pub fn wrong_state(quote: &quotes::Model, action: &str) -> Error {
    Error::WrongState {
        code: "invalid_transition",
        detail: format!("a {} quote cannot be {action}", quote.status.as_str().replace('_', " ")),
        current: quote.status.as_str().to_owned(),
    }
}

/// Moves the quote (and its inquiry's mirrored status) from one state to the next, only if it
/// is still in the state it was read in: of two concurrent requests, one wins and the other
/// sees `false`.
pub async fn transition(
    txn: &impl ConnectionTrait,
    quote: &quotes::Model,
    next: QuoteStatus,
    now: DateTime<Utc>,
    extra: impl FnOnce(sea_orm::UpdateMany<quotes::Entity>) -> sea_orm::UpdateMany<quotes::Entity>,
) -> Result<bool> {
    let current = quote.status;
    if !current.may_become(next) {
        return Ok(false);
    }
    let update = quotes::Entity::scoped_update(quote.tenant_id)
        .col_expr(quotes::Column::Status, Expr::value(next.as_str()))
        .col_expr(quotes::Column::UpdatedAt, Expr::value(now))
        .filter(quotes::Column::Id.eq(quote.id))
        .filter(quotes::Column::Status.eq(current.as_str()));
    let done = extra(update).exec(txn).await?.rows_affected == 1;
    if done {
        inquiries::Entity::scoped_update(quote.tenant_id)
            .col_expr(inquiries::Column::Status, Expr::value(next.as_str()))
            .col_expr(inquiries::Column::UpdatedAt, Expr::value(now))
            .filter(inquiries::Column::Id.eq(quote.inquiry_id))
            .exec(txn)
            .await?;
        let tz = crate::tenants::find(txn, quote.tenant_id).await?.tz();
        crate::insights::marks::touch(txn, quote.tenant_id, quote.customer_id, tz, [quote.created_at]).await?;
    }
    Ok(done)
}

/// A quote with its lines, options and the inquiry lines they answer.
#[derive(Debug)]
pub struct FullQuote {
    pub quote: quotes::Model,
    pub lines: Vec<quote_lines::Model>,
    pub options: HashMap<QuoteLineId, Vec<quote_options::Model>>,
    pub asked: HashMap<InquiryLineId, inquiry_lines::Model>,
    pub order_id: Option<OrderId>,
}

impl FullQuote {
    pub fn option(&self, line: QuoteLineId, rank: usize) -> Option<&quote_options::Model> {
        self.options.get(&line).and_then(|o| o.get(rank))
    }

    /// Lines with a price in them.
    pub fn offered(&self) -> impl Iterator<Item = &quote_lines::Model> {
        self.lines.iter().filter(|l| l.status == LineStatus::Offered)
    }

    /// Offered lines whose proposal the matcher was confident in and staff left unchanged.
    pub fn auto_matched(&self) -> usize {
        self.offered()
            .filter(|l| l.confidence.is_confident() && !l.changed_by_staff)
            .count()
    }
}

pub async fn load(db: &impl ConnectionTrait, tenant: TenantId, id: QuoteId) -> Result<FullQuote> {
    let quote = quotes::Entity::scoped_by_id(tenant, id)
        .one(db)
        .await?
        .ok_or(Error::not_found("quote"))?;
    load_parts(db, quote).await
}

pub async fn load_for_inquiry(db: &impl ConnectionTrait, tenant: TenantId, inquiry: InquiryId) -> Result<FullQuote> {
    let quote = quotes::Entity::scoped(tenant)
        .filter(quotes::Column::InquiryId.eq(inquiry))
        .one(db)
        .await?
        .ok_or(Error::not_found("quote"))?;
    load_parts(db, quote).await
}

async fn load_parts(db: &impl ConnectionTrait, quote: quotes::Model) -> Result<FullQuote> {
    let tenant = quote.tenant_id;
    let lines = quote_lines::Entity::scoped(tenant)
        .filter(quote_lines::Column::QuoteId.eq(quote.id))
        .order_by_asc(quote_lines::Column::Position)
        .all(db)
        .await?;
    let mut options: HashMap<QuoteLineId, Vec<quote_options::Model>> = HashMap::new();
    for option in quote_options::Entity::scoped(tenant)
        .filter(quote_options::Column::QuoteId.eq(quote.id))
        .order_by_asc(quote_options::Column::Rank)
        .all(db)
        .await?
    {
        options.entry(option.quote_line_id).or_default().push(option);
    }
    let asked = inquiry_lines::Entity::scoped(tenant)
        .filter(inquiry_lines::Column::InquiryId.eq(quote.inquiry_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    let order_id = orders::Entity::scoped(tenant)
        .filter(orders::Column::QuoteId.eq(quote.id))
        .filter(orders::Column::ReturnId.is_null())
        .one(db)
        .await?
        .map(|o| o.id);
    Ok(FullQuote {
        quote,
        lines,
        options,
        asked,
        order_id,
    })
}

/// Who is looking: shops do not see stock counts, confidence or the dealer's review marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Staff,
    Shop,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteOptionResponse {
    pub id: QuoteOptionId,
    /// 0 is the proposal; higher ranks are alternatives.
    pub rank: i32,
    pub part_id: PartId,
    pub sku: String,
    pub name: String,
    pub brand: Option<String>,
    pub list_price: String,
    /// The customer's price per unit (list price less the customer's price level, unless staff
    /// set another).
    pub unit_price: String,
    /// Units that ship now (capped at the stock available when quoted: stock less what
    /// accepted orders hold).
    pub quantity: i32,
    /// Units asked for beyond the available stock.
    pub backorder_quantity: i32,
    /// `unit_price` × `quantity`.
    pub line_total: String,
    /// Units available when quoted (staff only): stock less what accepted orders hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock: Option<i64>,
    pub in_stock: bool,
    /// Why this part was offered.
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteLineResponse {
    pub id: QuoteLineId,
    pub position: i32,
    pub inquiry_line_id: InquiryLineId,
    /// What the shop asked for.
    pub text: String,
    pub part_number: Option<String>,
    pub requested_quantity: i32,
    /// `offered`, `no_offer` (nothing matched, or nothing priced) or `unavailable`.
    pub status: String,
    /// The matcher's confidence in the proposal (staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    /// Staff changed what the matcher proposed (staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_by_staff: Option<bool>,
    pub note: Option<String>,
    pub options: Vec<QuoteOptionResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteResponse {
    pub id: QuoteId,
    pub inquiry_id: InquiryId,
    pub customer_id: CustomerId,
    pub status: QuoteStatus,
    pub currency: String,
    pub note: Option<String>,
    /// Sent without review because every line matched confidently and is in stock.
    pub auto_sent: bool,
    /// Acceptance is possible until then.
    pub valid_until: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub viewed_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    /// The shop's reason code, when it gave one.
    pub rejection_code: Option<RejectionCode>,
    /// Sum of the proposals' line totals over offered lines.
    pub total: String,
    pub lines: Vec<QuoteLineResponse>,
    /// The order made by accepting it.
    pub order_id: Option<OrderId>,
    /// A proactive quote: the dealer offers what the shop's purchase rhythm says it will need
    /// soon, unasked (its reminder is `reminder_id`).
    pub proactive: bool,
    /// The replenishment reminder a proactive quote was drafted from.
    pub reminder_id: Option<ReminderId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn line_total(option: &quote_options::Model) -> i64 {
    option.unit_price_minor * i64::from(option.quantity)
}

pub fn respond(full: &FullQuote, view: View) -> QuoteResponse {
    let staff = view == View::Staff;
    let lines = full
        .lines
        .iter()
        .map(|line| {
            let asked = full.asked.get(&line.inquiry_line_id);
            QuoteLineResponse {
                id: line.id,
                position: line.position,
                inquiry_line_id: line.inquiry_line_id,
                text: asked.map(|a| a.text.clone()).unwrap_or_default(),
                part_number: asked.and_then(|a| a.part_number.clone()),
                requested_quantity: line.requested_quantity,
                status: line.status.as_str().to_owned(),
                confidence: staff.then_some(line.confidence),
                changed_by_staff: staff.then_some(line.changed_by_staff),
                note: line.note.clone(),
                options: full
                    .options
                    .get(&line.id)
                    .into_iter()
                    .flatten()
                    .map(|o| QuoteOptionResponse {
                        id: o.id,
                        rank: o.rank,
                        part_id: o.part_id,
                        sku: o.sku.clone(),
                        name: o.name.clone(),
                        brand: o.brand.clone(),
                        list_price: format_price(o.list_price_minor),
                        unit_price: format_price(o.unit_price_minor),
                        quantity: o.quantity,
                        backorder_quantity: o.backorder_quantity,
                        line_total: format_price(line_total(o)),
                        stock: staff.then_some(o.stock),
                        in_stock: o.stock > 0,
                        reason: o.reason.clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    let total = full
        .offered()
        .filter_map(|l| full.option(l.id, 0))
        .map(line_total)
        .sum();
    let q = &full.quote;
    QuoteResponse {
        id: q.id,
        inquiry_id: q.inquiry_id,
        customer_id: q.customer_id,
        status: q.status,
        currency: q.currency.clone(),
        note: q.note.clone(),
        auto_sent: q.auto_sent,
        valid_until: q.valid_until,
        sent_at: q.sent_at,
        viewed_at: q.viewed_at,
        decided_at: q.decided_at,
        rejection_reason: q.rejection_reason.clone(),
        rejection_code: q.rejection_code,
        total: format_price(total),
        lines,
        order_id: full.order_id,
        proactive: q.reminder_id.is_some(),
        reminder_id: q.reminder_id,
        created_at: q.created_at,
        updated_at: q.updated_at,
    }
}

/// Sends a draft: it becomes visible to the shop, valid for the dealer's validity period, and
/// the shop's callbacks are queued. `sent_by` is a user id, or `None` when sent automatically.
/// Returns the quote as sent.
pub async fn send(
    txn: &impl ConnectionTrait,
    tenant: &tenants::Model,
    full: &FullQuote,
    sent_by: Option<String>,
    now: DateTime<Utc>,
) -> Result<FullQuote> {
    let quote = &full.quote;
    debug_assert_eq!(tenant.id, quote.tenant_id, "a quote is sent by its own dealer");
    // A quote is drafted the moment its inquiry arrives.
    let received_at = quote.created_at;
    let valid_until = now + Duration::hours(i64::from(tenant.quote_validity_hours));
    let auto = sent_by.is_none();
    let sender = sent_by.clone().unwrap_or_else(|| "auto".to_owned());
    // A proactive quote answers no one: it has no response time.
    let response_ms = quote
        .reminder_id
        .is_none()
        .then(|| (now - received_at).num_milliseconds());
    let sent = transition(txn, quote, QuoteStatus::Sent, now, |u| {
        u.col_expr(quotes::Column::SentAt, Expr::value(now))
            .col_expr(quotes::Column::SentBy, Expr::value(sender.clone()))
            .col_expr(quotes::Column::ResponseMs, Expr::value(response_ms))
            .col_expr(quotes::Column::ValidUntil, Expr::value(valid_until))
            .col_expr(quotes::Column::AutoSent, Expr::value(auto))
    })
    .await?;
    if !sent {
        return Err(wrong_state(quote, "sent"));
    }
    crate::claims::release_for_quote(
        txn,
        quote.tenant_id,
        quote.inquiry_id,
        crate::claims::Release::QuoteSent,
        sent_by.clone(),
        now,
    )
    .await?;
    quote_lines::Entity::scoped_update(quote.tenant_id)
        .col_expr(quote_lines::Column::Sent, Expr::value(true))
        .filter(quote_lines::Column::QuoteId.eq(quote.id))
        .exec(txn)
        .await?;
    // The lines as they are now the quote is ours to send: an edit that committed while
    // `full` was read counts as edited.
    let reloaded = load(txn, quote.tenant_id, quote.id).await?;
    let lines = reloaded.lines.len();
    let quoted = reloaded.offered().count();
    let auto_matched = reloaded.auto_matched();
    // A proactive quote's lines were not asked for: they count apart from the shops' questions.
    let delta = match response_ms {
        None => crate::metrics::rollup::Delta {
            proactive_sent: 1,
            ..Default::default()
        },
        Some(ms) => crate::metrics::rollup::Delta {
            quoted: i64::try_from(quoted).unwrap_or(i64::MAX),
            auto_matched: i64::try_from(auto_matched).unwrap_or(i64::MAX),
            response_ms: vec![ms],
            ..Default::default()
        },
    };
    crate::metrics::rollup::add(txn, tenant, quote.customer_id, received_at, &delta).await?;
    if let Some(reminder) = quote.reminder_id {
        crate::reminders::service::contacted_by_quote(txn, tenant.id, reminder, &sender, now).await?;
    }
    crate::events::record(
        txn,
        NewEvent {
            tenant: quote.tenant_id,
            customer: Some(quote.customer_id),
            kind: EventKind::QuoteSent,
            subject: quote.id.to_string(),
            actor: Some(sender),
            at: now,
            payload: json!({
                "quote_id": quote.id,
                "inquiry_id": quote.inquiry_id,
                "auto": auto,
                "lines": lines,
                "lines_quoted": quoted,
                "lines_auto_matched": auto_matched,
                "response_ms": response_ms,
                "reminder_id": quote.reminder_id,
            }),
        },
    )
    .await?;
    crate::webhooks::enqueue_for_shop(
        txn,
        quote.tenant_id,
        quote.customer_id,
        crate::webhooks::QUOTE_SENT,
        serde_json::to_value(respond(&reloaded, View::Shop)).map_err(anyhow::Error::from)?,
        now,
    )
    .await?;
    Ok(reloaded)
}

/// Marks the quote expired if its validity has passed; the event is dated at the expiry, not
/// at when it was noticed. Returns whether it expired now.
pub async fn expire_if_due(txn: &impl ConnectionTrait, quote: &quotes::Model, now: DateTime<Utc>) -> Result<bool> {
    let Some(valid_until) = quote.valid_until else {
        return Ok(false);
    };
    if quote.status != QuoteStatus::Sent || valid_until > now {
        return Ok(false);
    }
    let expired = transition(txn, quote, QuoteStatus::Expired, now, |u| {
        u.col_expr(quotes::Column::DecidedAt, Expr::value(valid_until))
    })
    .await?;
    if expired {
        crate::events::record(
            txn,
            NewEvent {
                tenant: quote.tenant_id,
                customer: Some(quote.customer_id),
                kind: EventKind::QuoteExpired,
                subject: quote.id.to_string(),
                actor: None,
                at: valid_until,
                payload: json!({ "quote_id": quote.id, "inquiry_id": quote.inquiry_id }),
            },
        )
        .await?;
    }
    Ok(expired)
}

/// Expires every sent quote past its validity, for all dealers (background work).
pub async fn expire_due(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize> {
    #[expect(clippy::disallowed_methods, reason = "the expiry sweep serves every dealer")]
    let due = quotes::Entity::find()
        .filter(quotes::Column::Status.eq(QuoteStatus::Sent.as_str()))
        .filter(quotes::Column::ValidUntil.lte(now))
        .all(db)
        .await?;
    let mut expired = 0;
    for quote in due {
        let txn = crate::db::begin_write(db).await?;
        if expire_if_due(&txn, &quote, now).await? {
            expired += 1;
        }
        txn.commit().await?;
    }
    Ok(expired)
}

/// A new draft quote answering `inquiry`, as inserted with [`insert_draft`].
pub struct NewDraft {
    pub id: QuoteId,
    pub tenant: TenantId,
    pub inquiry: InquiryId,
    pub customer: CustomerId,
    pub currency: String,
    pub note: Option<String>,
    /// The reminder a proactive quote is drafted from.
    pub reminder: Option<ReminderId>,
    pub at: DateTime<Utc>,
}

impl From<NewDraft> for quotes::ActiveModel {
    fn from(d: NewDraft) -> Self {
        quotes::ActiveModel {
            id: Set(d.id),
            tenant_id: Set(d.tenant),
            inquiry_id: Set(d.inquiry),
            customer_id: Set(d.customer),
            status: Set(QuoteStatus::Draft),
            currency: Set(d.currency),
            note: Set(d.note),
            auto_sent: Set(false),
            valid_until: Set(None),
            sent_at: Set(None),
            sent_by: Set(None),
            response_ms: Set(None),
            viewed_at: Set(None),
            decided_at: Set(None),
            rejection_reason: Set(None),
            rejection_code: Set(None),
            reminder_id: Set(d.reminder),
            created_at: Set(d.at),
            updated_at: Set(d.at),
        }
    }
}

/// Inserts a drafted quote for a new inquiry. `lines` pairs each inquiry line id with its draft.
pub async fn insert_draft(
    txn: &impl ConnectionTrait,
    quote: NewDraft,
    lines: &[(InquiryLineId, QuoteLineId, &draft::DraftLine)],
) -> Result<()> {
    let quote = quotes::ActiveModel::from(quote).insert(txn).await?;
    let tz = crate::tenants::find(txn, quote.tenant_id).await?.tz();
    crate::insights::marks::touch(txn, quote.tenant_id, quote.customer_id, tz, [quote.created_at]).await?;
    let rows = lines
        .iter()
        .enumerate()
        .map(
            |(position, (inquiry_line_id, line_id, line))| quote_lines::ActiveModel {
                id: Set(*line_id),
                tenant_id: Set(quote.tenant_id),
                quote_id: Set(quote.id),
                inquiry_line_id: Set(*inquiry_line_id),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                requested_quantity: Set(line.requested_quantity),
                status: Set(line.status),
                confidence: Set(line.confidence),
                note: Set(line.note.clone()),
                changed_by_staff: Set(false),
                customer_id: Set(quote.customer_id),
                received_at: Set(quote.created_at),
                sent: Set(false),
                bought: Set(false),
                proactive: Set(quote.reminder_id.is_some()),
            },
        )
        .collect();
    crate::db::insert_chunked(txn, rows).await?;
    let options = lines
        .iter()
        .flat_map(|(_, line_id, line)| option_rows(quote.tenant_id, quote.id, *line_id, &line.options))
        .collect();
    crate::db::insert_chunked(txn, options).await?;
    Ok(())
}

/// Adds options to a line (when replacing, the caller removes the old ones first).
pub async fn insert_options(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
    quote: QuoteId,
    line: QuoteLineId,
    options: &[draft::DraftOption],
) -> Result<()> {
    crate::db::insert_chunked(txn, option_rows(tenant, quote, line, options)).await?;
    Ok(())
}

fn option_rows(
    tenant: TenantId,
    quote: QuoteId,
    line: QuoteLineId,
    options: &[draft::DraftOption],
) -> Vec<quote_options::ActiveModel> {
    options
        .iter()
        .enumerate()
        .map(|(rank, option)| quote_options::ActiveModel {
            id: Set(QuoteOptionId::generate()),
            tenant_id: Set(tenant),
            quote_id: Set(quote),
            quote_line_id: Set(line),
            rank: Set(i32::try_from(rank).unwrap_or(i32::MAX)),
            part_id: Set(option.candidate.part_id),
            sku: Set(option.candidate.sku.clone()),
            name: Set(option.candidate.name.clone()),
            brand: Set(option.candidate.brand.clone()),
            list_price_minor: Set(option.list_price_minor),
            unit_price_minor: Set(option.unit_price_minor),
            quantity: Set(option.quantity),
            backorder_quantity: Set(option.backorder_quantity),
            stock: Set(option.candidate.stock),
            reason: Set(Some(option.candidate.reason.clone()).filter(|r| !r.is_empty())),
        })
        .collect()
}
