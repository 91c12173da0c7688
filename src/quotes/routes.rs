//! Quote endpoints: staff review, edit, send and cancel; shops read, accept and reject.

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use axum::http::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::draft::{self, DraftOption, LineStatus};
use super::{FullQuote, QuoteResponse, QuoteStatus, View, load, respond, transition, wrong_state};
use crate::auth::{AnyStaff, SalesStaff, Shop};
use crate::db::TenantScoped;
use crate::entities::{customers, parts, quote_lines, quote_options, quotes};
use crate::error::{Error, Result};
use crate::events::{EventKind, NewEvent};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath};
use crate::ids::{PartId, QuoteId, QuoteLineId, QuoteOptionId, TenantId};
use crate::matching::{Candidate, Confidence};
use crate::money::discounted;
use crate::money::{PRICE_MAX_MINOR, parse_price};
use crate::orders::{Bought, OrderResponse};
use crate::validate::{NOTES_MAX, Validator, patch_field};

pub const QUANTITY_MAX: i32 = 10_000;
pub const REASON_MAX: usize = 500;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_quote, update_quote))
        .routes(routes!(send_quote))
        .routes(routes!(cancel_quote))
        .routes(routes!(shop_get_quote))
        .routes(routes!(accept_quote))
        .routes(routes!(reject_quote))
}

const TRANSITIONS: &str = "States: `draft` -> `sent` -> `accepted` | `partially_accepted` | `rejected` | `expired`; \
`draft` or `sent` -> `cancelled`. A request the current state does not allow is 409 `invalid_transition` with \
`current_status` in the body.";

#[utoipa::path(get, path = "/v1/quotes/{id}", tag = "quotes", summary = "Get a quote",
    description = TRANSITIONS, params(("id" = QuoteId, Path, description = "Quote id")),
    security(("staff_token" = [])), responses((status = 200, body = QuoteResponse)))]
#[tracing::instrument(skip_all)]
async fn get_quote(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiPath(id): ApiPath<QuoteId>,
) -> Result<axum::Json<QuoteResponse>> {
    let full = load(&state.db, caller.tenant, id).await?;
    Ok(axum::Json(respond(&full, View::Staff)))
}

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
    pub quantity: Option<i32>,
}

fn line_candidates(line: Option<&crate::entities::inquiry_lines::Model>) -> Vec<Candidate> {
    line.and_then(|l| serde_json::from_value(l.candidates.clone()).ok())
        .unwrap_or_default()
}

/// Review a draft: pick another candidate or part, set a price or quantity, mark a line
/// unavailable, add notes. Only drafts can be edited.
#[utoipa::path(patch, path = "/v1/quotes/{id}", tag = "quotes", summary = "Edit a draft quote",
    description = TRANSITIONS, params(("id" = QuoteId, Path, description = "Quote id")),
    request_body = UpdateQuoteRequest,
    security(("staff_token" = [])), responses((status = 200, body = QuoteResponse)))]
#[tracing::instrument(skip_all)]
async fn update_quote(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<QuoteId>,
    ApiJson(body): ApiJson<UpdateQuoteRequest>,
) -> Result<axum::Json<QuoteResponse>> {
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await?;
    let full = load(&txn, caller.tenant, id).await?;
    // Claim the draft before changing it: a send that commits first makes this fail instead
    // of letting the edit rewrite lines already sent (and counted in the metrics).
    let claimed = quotes::Entity::scoped_update(caller.tenant)
        .col_expr(quotes::Column::UpdatedAt, Expr::value(now))
        .filter(quotes::Column::Id.eq(id))
        .filter(quotes::Column::Status.eq(QuoteStatus::Draft.as_str()))
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if !claimed {
        return Err(wrong_state(&load(&txn, caller.tenant, id).await?.quote, "edited"));
    }
    let customer = customers::Entity::scoped_by_id(caller.tenant, full.quote.customer_id)
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
    let catalog: HashMap<PartId, parts::Model> = parts::Entity::scoped(caller.tenant)
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
                            reason: format!("chosen by {}", caller.user_id),
                            list_price: None,
                            list_price_minor: None,
                            stock: part.stock,
                            in_stock: part.stock > 0,
                        });
                    candidate.stock = part.stock;
                    candidate.list_price_minor = Some(list_price);
                    let (ships, backorder) = draft::split_stock(quantity.clamp(1, QUANTITY_MAX), part.stock);
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
        let mut update = quote_lines::Entity::scoped_update(caller.tenant).filter(quote_lines::Column::Id.eq(line.id));
        if let Some(note) = line_note {
            update = update.col_expr(quote_lines::Column::Note, Expr::value(note));
        }
        if let Some((status, options)) = options {
            changed_lines += 1;
            update = update
                .col_expr(quote_lines::Column::Status, Expr::value(status.as_str()))
                .col_expr(quote_lines::Column::ChangedByStaff, Expr::value(true));
            quote_options::Entity::scoped_delete(caller.tenant)
                .filter(quote_options::Column::QuoteLineId.eq(line.id))
                .exec(&txn)
                .await?;
            super::insert_options(&txn, caller.tenant, id, line.id, &options).await?;
        }
        update.exec(&txn).await?;
    }
    let mut quote_update = quotes::Entity::scoped_update(caller.tenant)
        .col_expr(quotes::Column::UpdatedAt, Expr::value(now))
        .filter(quotes::Column::Id.eq(id));
    if let Some(note) = note {
        quote_update = quote_update.col_expr(quotes::Column::Note, Expr::value(note));
    }
    quote_update.exec(&txn).await?;
    crate::events::record(
        &txn,
        NewEvent {
            tenant: caller.tenant,
            customer: Some(full.quote.customer_id),
            kind: EventKind::QuoteUpdated,
            subject: id.to_string(),
            actor: Some(caller.user_id.to_string()),
            at: now,
            payload: json!({ "quote_id": id, "lines_changed": changed_lines }),
        },
    )
    .await?;
    let full = load(&txn, caller.tenant, id).await?;
    txn.commit().await?;
    Ok(axum::Json(respond(&full, View::Staff)))
}

/// Send the quote to the shop: it becomes visible to the shop and valid for the dealer's
/// validity period (`quote_validity_hours`, default 72); the shop's callback is notified.
#[utoipa::path(post, path = "/v1/quotes/{id}/send", tag = "quotes", summary = "Send a quote",
    description = TRANSITIONS, params(("id" = QuoteId, Path, description = "Quote id")),
    security(("staff_token" = [])), responses((status = 200, body = QuoteResponse)))]
#[tracing::instrument(skip_all)]
async fn send_quote(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<QuoteId>,
) -> Result<axum::Json<QuoteResponse>> {
    let now = state.clock.now();
    let tenant = crate::tenants::find(&state.db, caller.tenant).await?;
    let txn = crate::db::begin_write(&state.db).await?;
    let full = load(&txn, caller.tenant, id).await?;
    let full = super::send(&txn, &tenant, &full, Some(caller.user_id.to_string()), now).await?;
    txn.commit().await?;
    Ok(axum::Json(respond(&full, View::Staff)))
}

/// Withdraw a draft or sent quote.
#[utoipa::path(post, path = "/v1/quotes/{id}/cancel", tag = "quotes", summary = "Cancel a quote",
    description = TRANSITIONS, params(("id" = QuoteId, Path, description = "Quote id")),
    security(("staff_token" = [])), responses((status = 200, body = QuoteResponse)))]
#[tracing::instrument(skip_all)]
async fn cancel_quote(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<QuoteId>,
) -> Result<axum::Json<QuoteResponse>> {
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await?;
    let full = load(&txn, caller.tenant, id).await?;
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
    crate::events::record(
        &txn,
        NewEvent {
            tenant: caller.tenant,
            customer: Some(full.quote.customer_id),
            kind: EventKind::QuoteCancelled,
            subject: id.to_string(),
            actor: Some(caller.user_id.to_string()),
            at: now,
            payload: json!({ "quote_id": id, "previous_status": full.quote.status }),
        },
    )
    .await?;
    let full = load(&txn, caller.tenant, id).await?;
    txn.commit().await?;
    Ok(axum::Json(respond(&full, View::Staff)))
}

fn expired() -> Error {
    Error::WrongState {
        code: "quote_expired",
        detail: "the quote's validity has passed; ask the dealer for a new quote".to_owned(),
        current: QuoteStatus::Expired.as_str().to_owned(),
    }
}

/// The shop's quote, if the dealer has sent it (a draft, or one cancelled before sending, is
/// not the shop's to see).
async fn load_for_shop(db: &impl ConnectionTrait, shop: &Shop, id: QuoteId) -> Result<FullQuote> {
    let full = load(db, shop.tenant, id).await?;
    if full.quote.customer_id != shop.customer.id || full.quote.sent_at.is_none() {
        return Err(Error::not_found("quote"));
    }
    Ok(full)
}

/// The first read by the shop is recorded (`quote_viewed`); an expired quote shows as expired.
#[utoipa::path(get, path = "/v1/shop/quotes/{id}", tag = "shop", summary = "Get a quote sent to the shop",
    description = TRANSITIONS, params(("id" = QuoteId, Path, description = "Quote id")),
    security(("shop_key" = []), ("shop_key_header" = [])), responses((status = 200, body = QuoteResponse)))]
#[tracing::instrument(skip_all)]
async fn shop_get_quote(
    State(state): State<AppState>,
    shop: Shop,
    ApiPath(id): ApiPath<QuoteId>,
) -> Result<axum::Json<QuoteResponse>> {
    let now = state.clock.now();
    let full = load_for_shop(&state.db, &shop, id).await?;
    let due = full.quote.valid_until.is_some_and(|v| v <= now) && full.quote.status == QuoteStatus::Sent;
    if full.quote.viewed_at.is_none() || due {
        let txn = crate::db::begin_write(&state.db).await?;
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
        return Ok(axum::Json(respond(&full, View::Shop)));
    }
    Ok(axum::Json(respond(&full, View::Shop)))
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
    pub quantity: Option<i32>,
}

/// Accept all or part of a sent quote: the bought lines become an order. Accepting a quote that
/// is already accepted returns its order (200), however often or concurrently it is retried:
/// a quote has at most one order. After `valid_until` the answer is 409 `quote_expired`.
#[utoipa::path(post, path = "/v1/shop/quotes/{id}/accept", tag = "shop", summary = "Accept a quote",
    description = TRANSITIONS, params(("id" = QuoteId, Path, description = "Quote id")),
    request_body = AcceptRequest,
    security(("shop_key" = []), ("shop_key_header" = [])),
    responses((status = 201, body = OrderResponse), (status = 200, body = OrderResponse, description = "Already accepted: the existing order")))]
#[tracing::instrument(skip_all)]
async fn accept_quote(
    State(state): State<AppState>,
    shop: Shop,
    ApiPath(id): ApiPath<QuoteId>,
    ApiJson(body): ApiJson<AcceptRequest>,
) -> Result<(StatusCode, axum::Json<OrderResponse>)> {
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await?;
    let full = load_for_shop(&txn, &shop, id).await?;
    if let Some(order) = already_ordered(&txn, shop.tenant, &full).await? {
        return Ok((StatusCode::OK, axum::Json(order)));
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
        let full = load_for_shop(&state.db, &shop, id).await?;
        return match already_ordered(&state.db, shop.tenant, &full).await? {
            Some(order) => Ok((StatusCode::OK, axum::Json(order))),
            None => Err(wrong_state(&full.quote, "accepted")),
        };
    }
    let order = crate::orders::create(&txn, &full, &bought, Some(shop.key_id), now).await?;
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
    txn.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(order)))
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
fn choose(full: &FullQuote, body: AcceptRequest) -> Result<(Vec<Bought<'_>>, bool)> {
    let offered: Vec<&crate::entities::quote_lines::Model> = full.offered().collect();
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
    /// Why, in the shop's words (up to 500 characters): the dealer learns from it.
    #[schema(example = "价格太高")]
    pub reason: String,
}

#[utoipa::path(post, path = "/v1/shop/quotes/{id}/reject", tag = "shop", summary = "Reject a quote",
    description = TRANSITIONS, params(("id" = QuoteId, Path, description = "Quote id")),
    request_body = RejectRequest,
    security(("shop_key" = []), ("shop_key_header" = [])), responses((status = 200, body = QuoteResponse)))]
#[tracing::instrument(skip_all)]
async fn reject_quote(
    State(state): State<AppState>,
    shop: Shop,
    ApiPath(id): ApiPath<QuoteId>,
    ApiJson(body): ApiJson<RejectRequest>,
) -> Result<axum::Json<QuoteResponse>> {
    let mut v = Validator::default();
    let reason = v.text("/reason", &body.reason, REASON_MAX);
    v.finish()?;
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await?;
    let full = load_for_shop(&txn, &shop, id).await?;
    if super::expire_if_due(&txn, &full.quote, now).await? {
        txn.commit().await?;
        return Err(expired());
    }
    let rejected = transition(&txn, &full.quote, QuoteStatus::Rejected, now, |u| {
        u.col_expr(quotes::Column::DecidedAt, Expr::value(now))
            .col_expr(quotes::Column::RejectionReason, Expr::value(reason.clone()))
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
    Ok(axum::Json(respond(&full, View::Shop)))
}
