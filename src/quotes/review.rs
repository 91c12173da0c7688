//! Staff review of a quote: edit a draft, send it, cancel it.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::draft::{self, DraftOption, LineStatus};
use super::{FullQuote, QUANTITY_MAX, QuoteStatus, expired, load, transition, wrong_state};
use crate::auth::Actor;
use crate::db::TenantScoped;
use crate::entities::{customers, parts, quote_lines, quote_options, quotes};
use crate::error::{Error, Result};
use crate::events::{EventKind, NewEvent};
use crate::ids::{PartId, QuoteId, QuoteLineId};
use crate::matching::{Candidate, Confidence};
use crate::money::{PRICE_MAX_MINOR, discounted, parse_price};
use crate::validate::{NOTES_MAX, Validator, patch_field};

/// Absent fields are left unchanged.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateQuoteRequest {
    /// A note to the shop, up to 2,000 characters; `null` clears it.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<String>)]
    pub note: Option<Option<String>>,
    /// Changes to individual lines.
    #[serde(default)]
    pub lines: Vec<UpdateQuoteLine>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateQuoteLine {
    pub id: QuoteLineId,
    /// `true` marks the line unavailable (no offer); `false` on an unavailable line needs `options`.
    pub unavailable: Option<bool>,
    /// Replaces the line's options; the first is the proposal, up to 2 alternatives follow.
    pub options: Option<Vec<OptionEdit>>,
    /// A note on this line, up to 2,000 characters; `null` clears it.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<String>)]
    pub note: Option<Option<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionEdit {
    /// Any active part of the catalog: one of the line's candidates or another.
    pub part_id: PartId,
    /// The price per unit for this customer, exact decimal (`"199.00"`); default: list price
    /// less the customer's price level.
    #[schema(value_type = Option<String>, example = "199.00")]
    pub unit_price: Option<Value>,
    /// Units offered, 1-10,000 (default: the quantity asked for); split into what ships now
    /// and backorder by current stock.
    #[schema(minimum = 1, maximum = 10_000)]
    pub quantity: Option<i32>,
}

fn line_candidates(line: Option<&crate::entities::inquiry_lines::Model>) -> Vec<Candidate> {
    line.and_then(|l| serde_json::from_value(l.candidates.clone()).ok())
        .unwrap_or_default()
}

/// Changes a draft: another candidate or part, a price or quantity, a line marked
/// unavailable, notes. Only drafts can be edited; the edit claims the draft first, so it never
/// rewrites lines a concurrent send already sent.
pub async fn edit(
    db: &DatabaseConnection,
    actor: Actor,
    id: QuoteId,
    body: UpdateQuoteRequest,
    now: DateTime<Utc>,
) -> Result<FullQuote> {
    let txn = crate::db::begin_write(db).await?;
    let full = load(&txn, actor.tenant, id).await?;
    // Claim the draft before changing it: a send that commits first makes this fail instead
    // of letting the edit rewrite lines already sent (and counted in the metrics).
    let claimed = quotes::Entity::scoped_update(actor.tenant)
        .col_expr(quotes::Column::UpdatedAt, Expr::value(now))
        .filter(quotes::Column::Id.eq(id))
        .filter(quotes::Column::Status.eq(QuoteStatus::Draft.as_str()))
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if !claimed {
        return Err(wrong_state(&load(&txn, actor.tenant, id).await?.quote, "edited"));
    }
    let customer = customers::Entity::scoped_by_id(actor.tenant, full.quote.customer_id)
        .one(&txn)
        .await?
        .ok_or(Error::not_found("customer"))?;

    let mut v = Validator::default();
    let note = body.note.map(|n| v.opt_text("/note", n.as_deref(), NOTES_MAX));
    let wanted: Vec<PartId> = body
        .lines
        .iter()
        .flat_map(|l| l.options.iter().flatten().map(|o| o.part_id))
        .collect();
    let catalog: HashMap<PartId, parts::Model> = parts::Entity::scoped(actor.tenant)
        .filter(parts::Column::Id.is_in(wanted))
        .filter(parts::Column::Active.eq(true))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut seen = HashSet::new();
    let mut changes = Vec::new();
    for (i, edit) in body.lines.iter().enumerate() {
        let at = format!("/lines/{i}");
        let Some(line) = full.lines.iter().find(|l| l.id == edit.id) else {
            v.error(&format!("{at}/id"), "unknown_line", "not a line of this quote");
            continue;
        };
        if !seen.insert(edit.id) {
            v.error(&format!("{at}/id"), "duplicate", "each line at most once");
            continue;
        }
        let line_note = edit
            .note
            .as_ref()
            .map(|n| v.opt_text(&format!("{at}/note"), n.as_deref(), NOTES_MAX));
        let candidates = line_candidates(full.asked.get(&line.inquiry_line_id));
        let options = match (edit.unavailable, &edit.options) {
            (Some(true), Some(_)) => {
                v.error(
                    &format!("{at}/options"),
                    "conflict",
                    "an unavailable line has no options",
                );
                None
            }
            (Some(true), None) => Some((LineStatus::Unavailable, Vec::new())),
            (Some(false), None) => {
                v.error(
                    &format!("{at}/options"),
                    "required",
                    "give the options to offer instead",
                );
                None
            }
            (_, Some(edits)) => {
                if edits.is_empty() || edits.len() > draft::OPTIONS_PER_LINE_MAX {
                    v.error(
                        &format!("{at}/options"),
                        "out_of_range",
                        format!("1 to {} options", draft::OPTIONS_PER_LINE_MAX),
                    );
                }
                let mut built = Vec::new();
                for (j, o) in edits.iter().enumerate() {
                    let field = format!("{at}/options/{j}");
                    let Some(part) = catalog.get(&o.part_id) else {
                        v.error(
                            &format!("{field}/part_id"),
                            "unknown_part",
                            "not an active part of the catalog",
                        );
                        continue;
                    };
                    let quantity = o.quantity.unwrap_or(line.requested_quantity);
                    if !(1..=QUANTITY_MAX).contains(&quantity) {
                        v.error(
                            &format!("{field}/quantity"),
                            "out_of_range",
                            format!("between 1 and {QUANTITY_MAX}"),
                        );
                    }
                    let unit_price = match o.unit_price.as_ref().map(parse_price) {
                        None | Some(Ok(None)) => None,
                        Some(Ok(Some(p))) if p <= PRICE_MAX_MINOR => Some(p),
                        Some(Ok(Some(_))) => {
                            v.error(&format!("{field}/unit_price"), "out_of_range", "price too large");
                            None
                        }
                        Some(Err(msg)) => {
                            v.error(&format!("{field}/unit_price"), "invalid_price", msg);
                            None
                        }
                    };
                    let Some(list_price) = part.price_minor.or(unit_price) else {
                        v.error(
                            &format!("{field}/unit_price"),
                            "required",
                            "the part has no list price: give a unit price",
                        );
                        continue;
                    };
                    // Keep what the matcher said about the part, if it was a candidate.
                    let mut candidate = candidates
                        .iter()
                        .find(|c| c.part_id == part.id)
                        .cloned()
                        .unwrap_or_else(|| Candidate {
                            part_id: part.id,
                            sku: part.sku.clone(),
                            name: part.name.clone(),
                            brand: part.brand.clone(),
                            score: 0.0,
                            confidence: Confidence::Exact,
                            matched_on: "staff".to_owned(),
                            matched_value: String::new(),
                            precision: "exact".to_owned(),
                            fits_vehicle: None,
                            reason: format!("chosen by {}", actor.user),
                            list_price: None,
                            list_price_minor: None,
                            stock: part.available(),
                            in_stock: part.available() > 0,
                            confirmed_count: None,
                            demoted_reason: None,
                        });
                    candidate.stock = part.available();
                    candidate.list_price_minor = Some(list_price);
                    let (ships, backorder) = draft::split_stock(quantity.clamp(1, QUANTITY_MAX), part.available());
                    let option = DraftOption {
                        candidate,
                        list_price_minor: list_price,
                        unit_price_minor: unit_price.unwrap_or_else(|| discounted(list_price, customer.price_level_bp)),
                        quantity: ships,
                        backorder_quantity: backorder,
                    };
                    built.push(option);
                }
                Some((LineStatus::Offered, built))
            }
            (None, None) => None,
        };
        changes.push((line, line_note, options));
    }
    v.finish()?;

    let mut changed_lines = 0;
    for (line, line_note, options) in changes {
        let mut update = quote_lines::Entity::scoped_update(actor.tenant).filter(quote_lines::Column::Id.eq(line.id));
        if let Some(note) = line_note {
            update = update.col_expr(quote_lines::Column::Note, Expr::value(note));
        }
        if let Some((status, options)) = options {
            changed_lines += 1;
            update = update
                .col_expr(quote_lines::Column::Status, Expr::value(status.as_str()))
                .col_expr(quote_lines::Column::ChangedByStaff, Expr::value(true));
            quote_options::Entity::scoped_delete(actor.tenant)
                .filter(quote_options::Column::QuoteLineId.eq(line.id))
                .exec(&txn)
                .await?;
            super::insert_options(&txn, actor.tenant, id, line.id, &options).await?;
        }
        update.exec(&txn).await?;
    }
    let mut quote_update = quotes::Entity::scoped_update(actor.tenant)
        .col_expr(quotes::Column::UpdatedAt, Expr::value(now))
        .filter(quotes::Column::Id.eq(id));
    if let Some(note) = note {
        quote_update = quote_update.col_expr(quotes::Column::Note, Expr::value(note));
    }
    quote_update.exec(&txn).await?;
    crate::events::record(
        &txn,
        NewEvent {
            tenant: actor.tenant,
            customer: Some(full.quote.customer_id),
            kind: EventKind::QuoteUpdated,
            subject: id.to_string(),
            actor: Some(actor.user.to_string()),
            at: now,
            payload: json!({ "quote_id": id, "lines_changed": changed_lines }),
        },
    )
    .await?;
    let full = load(&txn, actor.tenant, id).await?;
    txn.commit().await?;
    Ok(full)
}

/// Sends a draft to the shop (see [`super::send`]).
pub async fn send(db: &DatabaseConnection, actor: Actor, id: QuoteId, now: DateTime<Utc>) -> Result<FullQuote> {
    let tenant = crate::tenants::find(db, actor.tenant).await?;
    let txn = crate::db::begin_write(db).await?;
    let full = load(&txn, actor.tenant, id).await?;
    let full = super::send(&txn, &tenant, &full, Some(actor.user.to_string()), now).await?;
    for confirmation in confirmed_by_send(&full) {
        crate::matching::memory::confirm(&txn, actor.tenant, &confirmation, now).await?;
    }
    txn.commit().await?;
    Ok(full)
}

/// What the dealer's match memory learns from a staff send: each offered line whose part a
/// person chose over the matcher's own proposal (re-pointed), or sent again after the memory
/// proposed it (a person agreeing with an earlier person). A line sent as the matcher alone
/// proposed it teaches nothing, nor does a new price or quantity for the same part.
fn confirmed_by_send(full: &FullQuote) -> Vec<crate::matching::memory::Confirmation> {
    full.offered()
        .filter_map(|line| {
            let sent = full.option(line.id, 0)?;
            let asked = full.asked.get(&line.inquiry_line_id)?;
            let proposed = line_candidates(Some(asked))
                .into_iter()
                .find(|c| c.demoted_reason.is_none());
            let chosen = match &proposed {
                Some(p) if p.part_id == sent.part_id => p.confirmed_count.is_some(),
                _ => line.changed_by_staff,
            };
            let line_key = asked.line_key.clone()?;
            chosen.then(|| crate::matching::memory::Confirmation {
                key: crate::matching::memory::MemoryKey {
                    line: line_key,
                    vehicle: asked.vehicle_key.clone().unwrap_or_default(),
                },
                part_id: sent.part_id,
                line_text: asked.text.clone(),
                inquiry_line_id: Some(asked.id),
            })
        })
        .collect()
}

/// Withdraws a draft or sent quote.
pub async fn cancel(db: &DatabaseConnection, actor: Actor, id: QuoteId, now: DateTime<Utc>) -> Result<FullQuote> {
    let txn = crate::db::begin_write(db).await?;
    let full = load(&txn, actor.tenant, id).await?;
    if super::expire_if_due(&txn, &full.quote, now).await? {
        txn.commit().await?;
        return Err(expired());
    }
    let cancelled = transition(&txn, &full.quote, QuoteStatus::Cancelled, now, |u| {
        u.col_expr(quotes::Column::DecidedAt, Expr::value(now))
    })
    .await?;
    if !cancelled {
        return Err(wrong_state(&full.quote, "cancelled"));
    }
    crate::claims::release_for_quote(
        &txn,
        actor.tenant,
        full.quote.inquiry_id,
        crate::claims::Release::QuoteCancelled,
        Some(actor.user.to_string()),
        now,
    )
    .await?;
    crate::events::record(
        &txn,
        NewEvent {
            tenant: actor.tenant,
            customer: Some(full.quote.customer_id),
            kind: EventKind::QuoteCancelled,
            subject: id.to_string(),
            actor: Some(actor.user.to_string()),
            at: now,
            payload: json!({ "quote_id": id, "previous_status": full.quote.status }),
        },
    )
    .await?;
    let full = load(&txn, actor.tenant, id).await?;
    txn.commit().await?;
    Ok(full)
}
