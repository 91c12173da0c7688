//! A shop's decisions on a quote sent to it: reading it (the first read is recorded),
//! accepting all or part of it (which makes the order), rejecting it.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, QueryFilter};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::{FullQuote, QuoteStatus, REASON_MAX, expired, load, transition, wrong_state};
use crate::auth::Shop;
use crate::db::TenantScoped;
use crate::entities::{RejectionCode, quote_lines, quote_options, quotes};
use crate::error::{Error, Result};
use crate::events::{EventKind, NewEvent};
use crate::ids::{ApiKeyId, QuoteId, QuoteLineId, QuoteOptionId, TenantId};
use crate::orders::{NewOrder, NewOrderLine, OrderResponse};
use crate::validate::Validator;

/// The shop's quote, if the dealer has sent it (a draft, or one cancelled before sending, is
/// not the shop's to see).
async fn load_for_shop(db: &impl ConnectionTrait, shop: &Shop, id: QuoteId) -> Result<FullQuote> {
    let full = load(db, shop.tenant, id).await?;
    if full.quote.customer_id != shop.customer.id || full.quote.sent_at.is_none() {
        return Err(Error::not_found("quote"));
    }
    Ok(full)
}

/// The quote as the shop reads it; the first read is recorded (`quote_viewed`), and one past
/// its validity shows as expired.
pub async fn view(db: &DatabaseConnection, shop: &Shop, id: QuoteId, now: DateTime<Utc>) -> Result<FullQuote> {
    let full = load_for_shop(db, shop, id).await?;
    let due = full.quote.valid_until.is_some_and(|v| v <= now) && full.quote.status == QuoteStatus::Sent;
    if full.quote.viewed_at.is_none() || due {
        let txn = crate::db::begin_write(db).await?;
        super::expire_if_due(&txn, &full.quote, now).await?;
        let first_view = quotes::Entity::scoped_update(shop.tenant)
            .col_expr(quotes::Column::ViewedAt, Expr::value(now))
            .filter(quotes::Column::Id.eq(id))
            .filter(quotes::Column::ViewedAt.is_null())
            .exec(&txn)
            .await?
            .rows_affected
            == 1;
        if first_view {
            crate::events::record(
                &txn,
                NewEvent {
                    tenant: shop.tenant,
                    customer: Some(shop.customer.id),
                    kind: EventKind::QuoteViewed,
                    subject: id.to_string(),
                    actor: Some(shop.key_id.to_string()),
                    at: now,
                    payload: json!({ "quote_id": id }),
                },
            )
            .await?;
        }
        let full = load(&txn, shop.tenant, id).await?;
        txn.commit().await?;
        return Ok(full);
    }
    Ok(full)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// The lines bought; absent: every offered line, with its proposal, in the quoted quantity.
    pub lines: Option<Vec<AcceptLine>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptLine {
    pub line_id: QuoteLineId,
    /// Which of the line's options; default: the proposal (rank 0).
    pub option_id: Option<QuoteOptionId>,
    /// Units bought, 1 to the quoted quantity including backorder (default: all of it).
    #[schema(minimum = 1)]
    pub quantity: Option<i32>,
}

/// The order an accept answers with, and whether this accept made it (a retry gets the order
/// the first one made).
#[derive(Debug)]
pub struct Accepted {
    pub order: OrderResponse,
    pub created: bool,
}

/// Accepts all or part of a sent quote: the bought lines become an order, in the same
/// transaction as the quote's new state. A quote has at most one order, however often or
/// concurrently an accept is retried.
pub async fn accept(
    db: &DatabaseConnection,
    shop: &Shop,
    id: QuoteId,
    body: AcceptRequest,
    now: DateTime<Utc>,
) -> Result<Accepted> {
    let txn = crate::db::begin_write(db).await?;
    let full = load_for_shop(&txn, shop, id).await?;
    if let Some(order) = already_ordered(&txn, shop.tenant, &full).await? {
        return Ok(Accepted { order, created: false });
    }
    if super::expire_if_due(&txn, &full.quote, now).await? {
        txn.commit().await?;
        return Err(expired());
    }
    if full.quote.status != QuoteStatus::Sent {
        return Err(wrong_state(&full.quote, "accepted"));
    }
    let (bought, complete) = choose(&full, body)?;
    let next = if complete {
        QuoteStatus::Accepted
    } else {
        QuoteStatus::PartiallyAccepted
    };
    let won = transition(&txn, &full.quote, next, now, |u| {
        u.col_expr(quotes::Column::DecidedAt, Expr::value(now))
    })
    .await?;
    if !won {
        // A concurrent accept got there first (possible on PostgreSQL, where this transaction
        // did not hold a lock when it read the quote).
        drop(txn);
        let full = load_for_shop(db, shop, id).await?;
        return match already_ordered(db, shop.tenant, &full).await? {
            Some(order) => Ok(Accepted { order, created: false }),
            None => Err(wrong_state(&full.quote, "accepted")),
        };
    }
    let order = crate::orders::create(&txn, new_order(&full, &bought, shop.key_id), now).await?;
    let quoted = full.offered().count();
    let data = json!({
        "quote_id": id,
        "inquiry_id": full.quote.inquiry_id,
        "order_id": order.id,
        "customer_id": shop.customer.id,
        "lines_quoted": quoted,
        "lines_bought": bought.len(),
        "partial": !complete,
    });
    crate::events::record(
        &txn,
        NewEvent {
            tenant: shop.tenant,
            customer: Some(shop.customer.id),
            kind: EventKind::QuoteAccepted,
            subject: id.to_string(),
            actor: Some(shop.key_id.to_string()),
            at: now,
            payload: data.clone(),
        },
    )
    .await?;
    let mut hook = data;
    hook["order"] = serde_json::to_value(&order).map_err(anyhow::Error::from)?;
    crate::webhooks::enqueue(&txn, shop.tenant, "quote.accepted", hook, now).await?;
    crate::notifications::triggers::quote_accepted(
        &txn,
        crate::notifications::triggers::Accepted {
            tenant: shop.tenant,
            customer: &shop.customer,
            quote: id,
            total_minor: bought
                .iter()
                .map(|b| b.option.unit_price_minor * i64::from(b.quantity))
                .sum(),
            currency: &full.quote.currency,
            partial: !complete,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Accepted { order, created: true })
}

/// The order of the chosen options: what was bought at the quoted prices.
fn new_order(full: &FullQuote, bought: &[Bought<'_>], key: ApiKeyId) -> NewOrder {
    let quote = &full.quote;
    NewOrder {
        tenant: quote.tenant_id,
        customer: quote.customer_id,
        quote: quote.id,
        inquiry: quote.inquiry_id,
        currency: quote.currency.clone(),
        key: Some(key),
        // A quote is drafted the moment its inquiry arrives.
        inquiry_received_at: quote.created_at,
        lines: bought
            .iter()
            .map(|b| NewOrderLine {
                quote_line: b.option.quote_line_id,
                part: b.option.part_id,
                sku: b.option.sku.clone(),
                name: b.option.name.clone(),
                brand: b.option.brand.clone(),
                quantity: b.quantity,
                unit_price_minor: b.option.unit_price_minor,
            })
            .collect(),
        replaces: None,
        proactive: quote.reminder_id,
    }
}

async fn already_ordered(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    full: &FullQuote,
) -> Result<Option<OrderResponse>> {
    if full.order_id.is_none() {
        return Ok(None);
    }
    crate::orders::for_quote(db, tenant, full.quote.id).await
}

/// The options and quantities bought, and whether that is everything offered in full.
/// One accepted line: which option, how many.
struct Bought<'a> {
    option: &'a quote_options::Model,
    quantity: i32,
}

fn choose(full: &FullQuote, body: AcceptRequest) -> Result<(Vec<Bought<'_>>, bool)> {
    let offered: Vec<&quote_lines::Model> = full.offered().collect();
    let offered_quantity = |o: &quote_options::Model| o.quantity + o.backorder_quantity;
    let Some(lines) = body.lines else {
        if offered.is_empty() {
            return Err(Error::WrongState {
                code: "nothing_offered",
                detail: "the quote offers no line to accept".to_owned(),
                current: full.quote.status.as_str().to_owned(),
            });
        }
        let bought = offered
            .iter()
            .filter_map(|l| full.option(l.id, 0))
            .map(|option| Bought {
                option,
                quantity: offered_quantity(option),
            })
            .collect();
        return Ok((bought, true));
    };
    let mut v = Validator::default();
    if lines.is_empty() {
        v.error(
            "/lines",
            "required",
            "accept at least one line, or omit `lines` to accept all",
        );
    }
    let mut bought = Vec::new();
    let mut seen = HashSet::new();
    for (i, accept) in lines.iter().enumerate() {
        let at = format!("/lines/{i}");
        let Some(line) = offered.iter().find(|l| l.id == accept.line_id) else {
            v.error(
                &format!("{at}/line_id"),
                "not_offered",
                "not an offered line of this quote",
            );
            continue;
        };
        if !seen.insert(line.id) {
            v.error(&format!("{at}/line_id"), "duplicate", "each line at most once");
            continue;
        }
        let options = full.options.get(&line.id).map(Vec::as_slice).unwrap_or_default();
        let option = match accept.option_id {
            None => options.first(),
            Some(option_id) => options.iter().find(|o| o.id == option_id),
        };
        let Some(option) = option else {
            v.error(
                &format!("{at}/option_id"),
                "unknown_option",
                "not an option of this line",
            );
            continue;
        };
        let max = offered_quantity(option);
        let quantity = accept.quantity.unwrap_or(max);
        if !(1..=max).contains(&quantity) {
            v.error(
                &format!("{at}/quantity"),
                "out_of_range",
                format!("between 1 and the {max} quoted"),
            );
            continue;
        }
        bought.push(Bought { option, quantity });
    }
    v.finish()?;
    let complete = bought.len() == offered.len() && bought.iter().all(|b| b.quantity == offered_quantity(b.option));
    Ok((bought, complete))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    /// Why, in the shop's words (up to 500 characters): the dealer learns from it. Required
    /// unless `reason_code` is given.
    #[schema(example = "价格太高")]
    pub reason: Option<String>,
    /// Why, from a fixed set the dealer's pricing insight counts.
    pub reason_code: Option<RejectionCode>,
}

/// Rejects a sent quote, with the shop's reason.
pub async fn reject(
    db: &DatabaseConnection,
    shop: &Shop,
    id: QuoteId,
    body: RejectRequest,
    now: DateTime<Utc>,
) -> Result<FullQuote> {
    let mut v = Validator::default();
    let words = body
        .reason
        .as_deref()
        .filter(|r| !(r.trim().is_empty() && body.reason_code.is_some()));
    let reason = match words {
        Some(reason) => Some(v.text("/reason", reason, REASON_MAX)),
        None if body.reason_code.is_none() => {
            v.error("/reason", "required", "a reason, a reason_code or both");
            None
        }
        None => None,
    };
    v.finish()?;
    let code = body.reason_code;
    let txn = crate::db::begin_write(db).await?;
    let full = load_for_shop(&txn, shop, id).await?;
    if super::expire_if_due(&txn, &full.quote, now).await? {
        txn.commit().await?;
        return Err(expired());
    }
    let rejected = transition(&txn, &full.quote, QuoteStatus::Rejected, now, |u| {
        u.col_expr(quotes::Column::DecidedAt, Expr::value(now))
            .col_expr(quotes::Column::RejectionReason, Expr::value(reason.clone()))
            .col_expr(quotes::Column::RejectionCode, Expr::value(code))
    })
    .await?;
    if !rejected {
        return Err(wrong_state(&full.quote, "rejected"));
    }
    let data = json!({
        "quote_id": id,
        "inquiry_id": full.quote.inquiry_id,
        "customer_id": shop.customer.id,
        "reason": reason,
        "reason_code": code,
    });
    crate::events::record(
        &txn,
        NewEvent {
            tenant: shop.tenant,
            customer: Some(shop.customer.id),
            kind: EventKind::QuoteRejected,
            subject: id.to_string(),
            actor: Some(shop.key_id.to_string()),
            at: now,
            payload: data.clone(),
        },
    )
    .await?;
    crate::webhooks::enqueue(&txn, shop.tenant, "quote.rejected", data, now).await?;
    let full = load(&txn, shop.tenant, id).await?;
    txn.commit().await?;
    Ok(full)
}
