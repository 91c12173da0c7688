//! After-sales: a shop returns delivered units of an order (a reason, a note, photos) within
//! the dealer's return window; staff accept it (pick-up or drop-off), reject it with a reason,
//! or resolve an accepted one by refund, credit note or a replacement order.
//!
//! - What can be returned: per order line, the delivered units less those in the order's
//!   other returns that were not rejected; the window runs `return_window_days` from the last
//!   received shipment that carried the line.
//! - The match memory learns when a `wrong_part` or `wrong_fitment` return is *accepted* (not
//!   when opened: a shop's claim alone should not demote a part for every other shop).
//! - Stock goes back on the shelf when the return is *resolved* (the parts are back by then),
//!   and only for resalable reasons: not `defective`, not `damaged_in_transit`.
//! - A replacement is a new order made through the orders service (so stock is reserved as for
//!   any order), from the same quote, at no charge, linked both ways.
//! - Every step is one transaction that moves the return only from the state it was read in,
//!   records an event and queues `return.<step>` for the shop's callback and the dealer's
//!   webhooks. Repeating a step already taken answers with the return as it is; a step the
//!   state does not allow is 409 with the current state.

pub mod routes;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, QueryFilter, QueryOrder, QuerySelect,
    UpdateMany,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Shop;
use crate::catalog::lexicon::Lexicon;
use crate::db::TenantScoped;
use crate::entities::match_memory::{MemorySource, MismatchReason};
pub use crate::entities::returns::{Handover, Resolution, ReturnReason, ReturnStatus};
use crate::entities::{order_lines, order_shipment_lines, order_shipments, orders, parts, quote_lines};
use crate::entities::{return_lines, returns};
use crate::error::{Error, Result};
use crate::events::{EventKind, NewEvent};
use crate::idempotency::{self, Stored};
use crate::ids::{CustomerId, OrderId, OrderLineId, PartId, ReturnId, TenantId, UserId};
use crate::matching::memory::MismatchOf;
use crate::metrics::rollup::Delta;
use crate::money::{format_price, parse_price};
use crate::orders::{NewOrder, NewOrderLine};
use crate::pagination::{PageParams, finish_page};
use crate::validate::{NOTES_MAX, Validator};

/// Photos a return may link to.
pub const PHOTOS_MAX: usize = 5;
pub const LINES_MAX: usize = 200;
pub const REASON_MAX: usize = 500;

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReturnRequest {
    /// The order lines and units sent back, each line at most once.
    pub lines: Vec<ReturnLineRequest>,
    pub reason: ReturnReason,
    /// Up to 2,000 characters.
    #[schema(example = "左前刹车片尺寸不对，装不上")]
    pub note: Option<String>,
    /// Up to 5 `http(s)://` links to photos of the parts.
    pub photo_urls: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnLineRequest {
    pub order_line_id: OrderLineId,
    /// Units, 1 to what was delivered and is not in another return yet.
    #[schema(minimum = 1)]
    pub quantity: i32,
}

/// A checked return request.
#[derive(Debug)]
pub struct NewReturn {
    pub lines: Vec<(OrderLineId, i32)>,
    pub reason: ReturnReason,
    pub note: Option<String>,
    pub photo_urls: Vec<String>,
}

impl TryFrom<&CreateReturnRequest> for NewReturn {
    type Error = Error;

    fn try_from(body: &CreateReturnRequest) -> Result<Self> {
        let mut v = Validator::default();
        if body.lines.is_empty() {
            v.error("/lines", "required", "return at least one line");
        } else if body.lines.len() > LINES_MAX {
            v.error("/lines", "too_many", format!("at most {LINES_MAX} lines"));
        }
        let mut seen = HashSet::new();
        for (i, line) in body.lines.iter().enumerate() {
            if !seen.insert(line.order_line_id) {
                v.error(
                    &format!("/lines/{i}/order_line_id"),
                    "duplicate",
                    "each line at most once",
                );
            }
            if line.quantity < 1 {
                v.error(&format!("/lines/{i}/quantity"), "out_of_range", "at least 1");
            }
        }
        let note = v.opt_text("/note", body.note.as_deref(), NOTES_MAX);
        let urls = body.photo_urls.as_deref().unwrap_or_default();
        if urls.len() > PHOTOS_MAX {
            v.error("/photo_urls", "too_many", format!("at most {PHOTOS_MAX} photos"));
        }
        // The server never fetches them: only their form is checked.
        let photo_urls = urls
            .iter()
            .enumerate()
            .map(|(i, url)| crate::webhooks::check_url(&mut v, &format!("/photo_urls/{i}"), url, true))
            .collect();
        v.finish()?;
        Ok(Self {
            lines: body.lines.iter().map(|l| (l.order_line_id, l.quantity)).collect(),
            reason: body.reason,
            note,
            photo_urls,
        })
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReturnLineResponse {
    pub order_line_id: OrderLineId,
    pub part_id: PartId,
    pub sku: String,
    pub name: String,
    pub quantity: i32,
    /// The price the shop paid per unit.
    pub unit_price: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReturnResponse {
    pub id: ReturnId,
    pub order_id: OrderId,
    pub customer_id: CustomerId,
    /// `requested` -> `accepted` -> `resolved`, or `requested` -> `rejected`.
    pub status: ReturnStatus,
    pub reason: ReturnReason,
    pub note: Option<String>,
    pub photo_urls: Vec<String>,
    pub lines: Vec<ReturnLineResponse>,
    /// What the returned units cost the shop: the most a refund or credit note may be.
    pub value: String,
    pub requested_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    /// How the parts come back: `pickup` (the dealer collects) or `drop_off` (the shop brings).
    pub handover: Option<Handover>,
    pub accept_note: Option<String>,
    pub rejected_at: Option<DateTime<Utc>>,
    pub reject_reason: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolution: Option<Resolution>,
    /// The refund or credit note.
    pub amount: Option<String>,
    /// The order sent in replacement.
    pub replacement_order_id: Option<OrderId>,
    /// The units went back on the dealer's shelf (resalable reasons, when resolved).
    pub restocked: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnList {
    pub items: Vec<ReturnResponse>,
    pub next_cursor: Option<String>,
}

fn respond(r: returns::Model, lines: Vec<return_lines::Model>) -> ReturnResponse {
    let value = lines.iter().map(|l| l.unit_price_minor * i64::from(l.quantity)).sum();
    ReturnResponse {
        id: r.id,
        order_id: r.order_id,
        customer_id: r.customer_id,
        status: r.status,
        reason: r.reason,
        note: r.note,
        photo_urls: serde_json::from_value(r.photo_urls).unwrap_or_default(),
        lines: lines
            .into_iter()
            .map(|l| ReturnLineResponse {
                order_line_id: l.order_line_id,
                part_id: l.part_id,
                sku: l.sku,
                name: l.name,
                quantity: l.quantity,
                unit_price: format_price(l.unit_price_minor),
            })
            .collect(),
        value: format_price(value),
        requested_at: r.requested_at,
        accepted_at: r.accepted_at,
        handover: r.handover,
        accept_note: r.accept_note,
        rejected_at: r.rejected_at,
        reject_reason: r.reject_reason,
        resolved_at: r.resolved_at,
        resolution: r.resolution,
        amount: r.amount_minor.map(format_price),
        replacement_order_id: r.replacement_order_id,
        restocked: r.restocked,
    }
}

async fn with_lines(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    found: Vec<returns::Model>,
) -> Result<Vec<ReturnResponse>> {
    let mut lines: HashMap<ReturnId, Vec<return_lines::Model>> = HashMap::new();
    for line in return_lines::Entity::scoped(tenant)
        .filter(return_lines::Column::ReturnId.is_in(found.iter().map(|r| r.id)))
        .order_by_asc(return_lines::Column::OrderLineId)
        .all(db)
        .await?
    {
        lines.entry(line.return_id).or_default().push(line);
    }
    Ok(found
        .into_iter()
        .map(|r| {
            let l = lines.remove(&r.id).unwrap_or_default();
            respond(r, l)
        })
        .collect())
}

/// Which returns the caller may reach: staff any of the dealer's, a shop only its own.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub tenant: TenantId,
    pub customer: Option<CustomerId>,
}

async fn load(db: &impl ConnectionTrait, scope: Scope, id: ReturnId) -> Result<returns::Model> {
    let mut query = returns::Entity::scoped_by_id(scope.tenant, id);
    if let Some(customer) = scope.customer {
        query = query.filter(returns::Column::CustomerId.eq(customer));
    }
    query.one(db).await?.ok_or(Error::not_found("return"))
}

/// One return of the dealer (only if it is the customer's, given one).
pub async fn find(db: &impl ConnectionTrait, scope: Scope, id: ReturnId) -> Result<ReturnResponse> {
    let found = load(db, scope, id).await?;
    with_lines(db, scope.tenant, vec![found])
        .await?
        .pop()
        .ok_or(Error::not_found("return"))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReturnListParams {
    /// Items per page, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only returns in this state.
    pub status: Option<ReturnStatus>,
    /// Only this customer's returns (staff only).
    pub customer_id: Option<CustomerId>,
    /// Only the returns of this order.
    pub order_id: Option<OrderId>,
    /// Only returns opened from then on: a day in the dealer's time zone (`2026-12-01`) or an
    /// RFC 3339 instant.
    pub from: Option<String>,
    /// Only returns opened up to then: a day in the dealer's time zone (`2026-12-01`, the whole
    /// day included) or an RFC 3339 instant (excluded).
    pub to: Option<String>,
}

/// The returns in reach, newest first.
pub async fn list(db: &impl ConnectionTrait, scope: Scope, params: ReturnListParams) -> Result<ReturnList> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let limit = page.limit()?;
    let zone = crate::tenants::find(db, scope.tenant).await?.tz();
    let (from, to) = crate::pagination::window(params.from.as_deref(), params.to.as_deref(), zone)?;
    let mut query = returns::Entity::scoped(scope.tenant).order_by_desc(returns::Column::Id);
    if let Some(before) = page.cursor::<ReturnId>()? {
        query = query.filter(returns::Column::Id.lt(before));
    }
    if let Some(customer) = scope.customer.or(params.customer_id) {
        query = query.filter(returns::Column::CustomerId.eq(customer));
    }
    if let Some(status) = params.status {
        query = query.filter(returns::Column::Status.eq(status.as_str()));
    }
    if let Some(order) = params.order_id {
        query = query.filter(returns::Column::OrderId.eq(order));
    }
    if let Some(from) = from {
        query = query.filter(returns::Column::RequestedAt.gte(from));
    }
    if let Some(to) = to {
        query = query.filter(returns::Column::RequestedAt.lt(to));
    }
    let rows = query.limit(limit + 1).all(db).await?;
    let (rows, next_cursor) = finish_page(rows, limit, |r| r.id);
    Ok(ReturnList {
        items: with_lines(db, scope.tenant, rows).await?,
        next_cursor,
    })
}

/// Records a step and queues it for the shop's callback and the dealer's webhooks.
async fn announce(
    txn: &impl ConnectionTrait,
    r: &returns::Model,
    kind: EventKind,
    actor: String,
    data: Value,
    now: DateTime<Utc>,
) -> Result<()> {
    crate::events::record(
        txn,
        NewEvent {
            tenant: r.tenant_id,
            customer: Some(r.customer_id),
            kind,
            subject: r.id.to_string(),
            actor: Some(actor),
            at: now,
            payload: data.clone(),
        },
    )
    .await?;
    // `return_accepted` -> `return.accepted`
    let event_type = kind.as_str().replacen('_', ".", 1);
    crate::webhooks::enqueue_for_shop(txn, r.tenant_id, r.customer_id, &event_type, data.clone(), now).await?;
    crate::webhooks::enqueue(txn, r.tenant_id, &event_type, data, now).await?;
    Ok(())
}

/// The response to a return request, and whether it was a replay of an earlier one.
pub struct Opened {
    pub stored: Stored,
    pub replayed: bool,
}

/// Per order line: units delivered, units in the order's returns not rejected, and when the
/// last shipment carrying it was received.
struct Returnable {
    line: order_lines::Model,
    returned: i32,
    last_delivered: Option<DateTime<Utc>>,
}

async fn returnable(db: &impl ConnectionTrait, order: &orders::Model) -> Result<HashMap<OrderLineId, Returnable>> {
    let tenant = order.tenant_id;
    let received: HashMap<_, _> = order_shipments::Entity::scoped(tenant)
        .filter(order_shipments::Column::OrderId.eq(order.id))
        .filter(order_shipments::Column::DeliveredAt.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| Some((s.id, s.delivered_at?)))
        .collect();
    let mut last: HashMap<OrderLineId, DateTime<Utc>> = HashMap::new();
    for carried in order_shipment_lines::Entity::scoped(tenant)
        .filter(order_shipment_lines::Column::OrderId.eq(order.id))
        .all(db)
        .await?
    {
        if let Some(&at) = received.get(&carried.shipment_id) {
            let entry = last.entry(carried.order_line_id).or_insert(at);
            *entry = std::cmp::max(*entry, at);
        }
    }
    let open: HashSet<ReturnId> = returns::Entity::scoped(tenant)
        .filter(returns::Column::OrderId.eq(order.id))
        .filter(returns::Column::Status.ne(ReturnStatus::Rejected.as_str()))
        .select_only()
        .column(returns::Column::Id)
        .into_tuple::<ReturnId>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut returned: HashMap<OrderLineId, i32> = HashMap::new();
    for line in return_lines::Entity::scoped(tenant)
        .filter(return_lines::Column::OrderId.eq(order.id))
        .all(db)
        .await?
    {
        if open.contains(&line.return_id) {
            *returned.entry(line.order_line_id).or_default() += line.quantity;
        }
    }
    Ok(order_lines::Entity::scoped(tenant)
        .filter(order_lines::Column::OrderId.eq(order.id))
        .all(db)
        .await?
        .into_iter()
        .map(|line| {
            let r = Returnable {
                returned: returned.get(&line.id).copied().unwrap_or(0),
                last_delivered: last.get(&line.id).copied(),
                line,
            };
            (r.line.id, r)
        })
        .collect())
}

/// Opens a return on one of the shop's orders. With the `Idempotency-Key` a retry gets the
/// first response back and opens nothing again.
pub async fn open(
    db: &DatabaseConnection,
    shop: &Shop,
    order_id: OrderId,
    new: NewReturn,
    key: idempotency::Request,
    now: DateTime<Utc>,
) -> Result<Opened> {
    let customer = shop.customer.id;
    if let Some(stored) = idempotency::find(db, shop.tenant, customer, &key, now).await? {
        return Ok(Opened { stored, replayed: true });
    }
    let tenant = crate::tenants::find(db, shop.tenant).await?;
    let txn = crate::db::begin_write(db).await?;
    let order = orders::Entity::scoped_by_id(shop.tenant, order_id)
        .filter(orders::Column::CustomerId.eq(customer))
        .one(&txn)
        .await?
        .ok_or(Error::not_found("order"))?;
    // Take the order's row lock (PostgreSQL), so two returns of it are checked one at a time.
    orders::Entity::scoped_update(shop.tenant)
        .col_expr(orders::Column::Status, Expr::col(orders::Column::Status))
        .filter(orders::Column::Id.eq(order.id))
        .exec(&txn)
        .await?;
    let lines = returnable(&txn, &order).await?;
    let window = Duration::days(i64::from(tenant.return_window_days));
    let mut v = Validator::default();
    let mut closed = None;
    for (i, &(line_id, quantity)) in new.lines.iter().enumerate() {
        let Some(r) = lines.get(&line_id) else {
            v.error(
                &format!("/lines/{i}/order_line_id"),
                "not_in_order",
                "not a line of this order",
            );
            continue;
        };
        let left = r.line.delivered_quantity - r.returned;
        if quantity > left {
            v.error(
                &format!("/lines/{i}/quantity"),
                "exceeds_returnable",
                format!(
                    "at most {} (delivered {}, already in returns {})",
                    std::cmp::max(left, 0),
                    r.line.delivered_quantity,
                    r.returned
                ),
            );
        }
        if let Some(at) = r.last_delivered
            && at + window < now
        {
            closed.get_or_insert((i, at + window));
        }
    }
    v.finish()?;
    if let Some((i, until)) = closed {
        return Err(Error::Conflict {
            code: "return_window_closed",
            detail: format!(
                "the dealer takes returns within {} days of delivery; this line's closed at {}",
                tenant.return_window_days,
                until.to_rfc3339()
            ),
            field: Some(format!("/lines/{i}/order_line_id")),
        });
    }
    let id = ReturnId::generate();
    let model = returns::Model {
        id,
        tenant_id: shop.tenant,
        customer_id: customer,
        order_id: order.id,
        api_key_id: Some(shop.key_id),
        reason: new.reason,
        note: new.note,
        photo_urls: json!(new.photo_urls),
        status: ReturnStatus::Requested,
        requested_at: now,
        accepted_at: None,
        handover: None,
        accept_note: None,
        rejected_at: None,
        reject_reason: None,
        resolved_at: None,
        resolution: None,
        amount_minor: None,
        replacement_order_id: None,
        restocked: false,
        decided_by: None,
    };
    let return_lines: Vec<return_lines::Model> = new
        .lines
        .iter()
        .filter_map(|&(line_id, quantity)| {
            let line = &lines.get(&line_id)?.line;
            Some(return_lines::Model {
                return_id: id,
                order_line_id: line.id,
                tenant_id: shop.tenant,
                order_id: order.id,
                part_id: line.part_id,
                sku: line.sku.clone(),
                name: line.name.clone(),
                quantity,
                unit_price_minor: line.unit_price_minor,
            })
        })
        .collect();
    let saved = returns::ActiveModel::from(model).insert(&txn).await?;
    crate::db::insert_chunked(
        &txn,
        return_lines
            .iter()
            .cloned()
            .map(return_lines::ActiveModel::from)
            .collect(),
    )
    .await?;
    let units = return_lines.iter().map(|l| i64::from(l.quantity)).sum();
    let response = respond(saved.clone(), return_lines);
    let stored = Stored {
        status: 201,
        body: serde_json::to_string(&response).map_err(anyhow::Error::from)?,
    };
    if !idempotency::store(&txn, shop.tenant, customer, &key, &stored, now).await? {
        // A concurrent request with the same key committed first: answer as it did.
        drop(txn);
        let stored = idempotency::find(db, shop.tenant, customer, &key, now)
            .await?
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("idempotency record vanished")))?;
        return Ok(Opened { stored, replayed: true });
    }
    let data = json!({
        "return_id": id,
        "order_id": order.id,
        "customer_id": customer,
        "reason": new.reason,
        "lines": response.lines,
        "value": response.value,
    });
    crate::orders::add_figures(&txn, &order, Delta::return_opened(new.reason, units)).await?;
    announce(
        &txn,
        &saved,
        EventKind::ReturnRequested,
        shop.key_id.to_string(),
        data,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Opened {
        stored,
        replayed: false,
    })
}

/// The 409 for a step the return's state does not allow.
fn wrong_state(r: &returns::Model, action: &str) -> Error {
    Error::WrongState {
        code: "invalid_transition",
        detail: format!("a {} return cannot be {action}", r.status.as_str()),
        current: r.status.as_str().to_owned(),
    }
}

/// The return a step is about to move, or `None` when the step was already taken (a retry:
/// answer with the return as it is); a step the state does not allow is the 409.
async fn begin_step(
    txn: &impl ConnectionTrait,
    scope: Scope,
    id: ReturnId,
    next: ReturnStatus,
    action: &str,
) -> Result<Option<returns::Model>> {
    let r = load(txn, scope, id).await?;
    if r.status == next {
        return Ok(None);
    }
    if !r.status.may_become(next) {
        return Err(wrong_state(&r, action));
    }
    Ok(Some(r))
}

/// Moves the return to `next` only if it is still as read; after losing a race, the return as
/// it is when the other request took the same step, else the 409.
async fn transition(
    db: &DatabaseConnection,
    txn: &impl ConnectionTrait,
    r: &returns::Model,
    next: ReturnStatus,
    action: &str,
    set: impl FnOnce(UpdateMany<returns::Entity>) -> UpdateMany<returns::Entity>,
) -> Result<Option<ReturnResponse>> {
    let update = returns::Entity::scoped_update(r.tenant_id)
        .col_expr(returns::Column::Status, Expr::value(next.as_str()))
        .filter(returns::Column::Id.eq(r.id))
        .filter(returns::Column::Status.eq(r.status.as_str()));
    if set(update).exec(txn).await?.rows_affected == 1 {
        return Ok(None);
    }
    let scope = Scope {
        tenant: r.tenant_id,
        customer: None,
    };
    let now = load(db, scope, r.id).await?;
    if now.status == next {
        Ok(Some(find(db, scope, r.id).await?))
    } else {
        Err(wrong_state(&now, action))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptReturnRequest {
    /// `pickup`: the dealer collects the parts; `drop_off`: the shop brings them.
    pub handover: Handover,
    /// For the shop (when and where), up to 500 characters.
    #[schema(example = "明天上午司机上门取件")]
    pub note: Option<String>,
}

/// Accepts a requested return. A `wrong_part` or `wrong_fitment` return tells the match memory
/// that each returned part was wrong for the inquiry line it was quoted for.
pub async fn accept(
    db: &DatabaseConnection,
    lexicon: &Lexicon,
    tenant: TenantId,
    by: UserId,
    id: ReturnId,
    body: AcceptReturnRequest,
    now: DateTime<Utc>,
) -> Result<ReturnResponse> {
    let mut v = Validator::default();
    let note = v.opt_text("/note", body.note.as_deref(), REASON_MAX);
    v.finish()?;
    let scope = Scope { tenant, customer: None };
    let txn = crate::db::begin_write(db).await?;
    let Some(r) = begin_step(&txn, scope, id, ReturnStatus::Accepted, "accepted").await? else {
        drop(txn);
        return find(db, scope, id).await;
    };
    if let Some(done) = transition(db, &txn, &r, ReturnStatus::Accepted, "accepted", |u| {
        u.col_expr(returns::Column::AcceptedAt, Expr::value(now))
            .col_expr(returns::Column::Handover, Expr::value(body.handover.as_str()))
            .col_expr(returns::Column::AcceptNote, Expr::value(note.clone()))
            .col_expr(returns::Column::DecidedBy, Expr::value(by.to_string()))
    })
    .await?
    {
        return Ok(done);
    }
    let mismatch = match r.reason {
        ReturnReason::WrongPart => Some(MismatchReason::WrongPart),
        ReturnReason::WrongFitment => Some(MismatchReason::WrongFitment),
        _ => None,
    };
    if let Some(reason) = mismatch {
        remember_mismatches(&txn, lexicon, &r, reason, now).await?;
    }
    let data = json!({
        "return_id": r.id,
        "order_id": r.order_id,
        "customer_id": r.customer_id,
        "handover": body.handover,
        "note": note,
    });
    announce(&txn, &r, EventKind::ReturnAccepted, by.to_string(), data, now).await?;
    txn.commit().await?;
    find(db, scope, id).await
}

impl Handover {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pickup => "pickup",
            Self::DropOff => "drop_off",
        }
    }
}

impl Resolution {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Refund => "refund",
            Self::Replacement => "replacement",
            Self::CreditNote => "credit_note",
        }
    }
}

/// Each returned part was wrong for the inquiry line its order line was quoted for. A line the
/// memory cannot key (no words or numbers), or a part since deleted, is skipped.
async fn remember_mismatches(
    txn: &impl ConnectionTrait,
    lexicon: &Lexicon,
    r: &returns::Model,
    reason: MismatchReason,
    now: DateTime<Utc>,
) -> Result<()> {
    let lines = return_lines::Entity::scoped(r.tenant_id)
        .filter(return_lines::Column::ReturnId.eq(r.id))
        .all(txn)
        .await?;
    let quote_line_of: HashMap<OrderLineId, _> = order_lines::Entity::scoped(r.tenant_id)
        .filter(order_lines::Column::Id.is_in(lines.iter().map(|l| l.order_line_id)))
        .select_only()
        .column(order_lines::Column::Id)
        .column(order_lines::Column::QuoteLineId)
        .into_tuple::<(OrderLineId, crate::ids::QuoteLineId)>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    let inquiry_line_of: HashMap<_, _> = quote_lines::Entity::scoped(r.tenant_id)
        .filter(quote_lines::Column::Id.is_in(quote_line_of.values().copied()))
        .all(txn)
        .await?
        .into_iter()
        .map(|q| (q.id, q.inquiry_line_id))
        .collect();
    for line in lines {
        let Some(inquiry_line) = quote_line_of
            .get(&line.order_line_id)
            .and_then(|q| inquiry_line_of.get(q))
        else {
            continue;
        };
        let recorded = crate::matching::memory::record_mismatch(
            txn,
            lexicon,
            r.tenant_id,
            MismatchOf::Line(*inquiry_line),
            line.part_id,
            reason,
            MemorySource::Return,
            r.note.clone(),
            now,
        )
        .await;
        match recorded {
            Ok(_) => {}
            Err(Error::Validation(_) | Error::NotFound { .. }) => {
                tracing::info!(return_id = %r.id, order_line_id = %line.order_line_id, "mismatch not remembered");
            }
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectReturnRequest {
    /// Why, for the shop: required, up to 500 characters.
    #[schema(example = "已安装使用，不予退货")]
    pub reason: String,
}

/// Rejects a requested return; its units may be returned again in another request.
pub async fn reject(
    db: &DatabaseConnection,
    tenant: TenantId,
    by: UserId,
    id: ReturnId,
    body: RejectReturnRequest,
    now: DateTime<Utc>,
) -> Result<ReturnResponse> {
    let mut v = Validator::default();
    let reason = v.text("/reason", &body.reason, REASON_MAX);
    v.finish()?;
    let scope = Scope { tenant, customer: None };
    let txn = crate::db::begin_write(db).await?;
    let Some(r) = begin_step(&txn, scope, id, ReturnStatus::Rejected, "rejected").await? else {
        drop(txn);
        return find(db, scope, id).await;
    };
    if let Some(done) = transition(db, &txn, &r, ReturnStatus::Rejected, "rejected", |u| {
        u.col_expr(returns::Column::RejectedAt, Expr::value(now))
            .col_expr(returns::Column::RejectReason, Expr::value(reason.clone()))
            .col_expr(returns::Column::DecidedBy, Expr::value(by.to_string()))
    })
    .await?
    {
        return Ok(done);
    }
    let data = json!({
        "return_id": r.id,
        "order_id": r.order_id,
        "customer_id": r.customer_id,
        "reason": reason,
    });
    announce(&txn, &r, EventKind::ReturnRejected, by.to_string(), data, now).await?;
    txn.commit().await?;
    find(db, scope, id).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveReturnRequest {
    pub resolution: Resolution,
    /// For `refund` and `credit_note` (required there, not allowed for `replacement`): a
    /// decimal string, more than 0 and at most the return's `value`.
    #[schema(example = "268.00")]
    pub amount: Option<String>,
    /// For `replacement`: send another part instead of a returned line's (the right one, for a
    /// wrong part); other lines are replaced with the same part.
    pub replacement_parts: Option<Vec<ReplacementPart>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplacementPart {
    pub order_line_id: OrderLineId,
    pub part_id: PartId,
}

/// Resolves an accepted return: a refund or credit note of at most its value, or a replacement
/// order. Units returned for a resalable reason go back on the shelf.
pub async fn resolve(
    db: &DatabaseConnection,
    tenant: TenantId,
    by: UserId,
    id: ReturnId,
    body: ResolveReturnRequest,
    now: DateTime<Utc>,
) -> Result<ReturnResponse> {
    let scope = Scope { tenant, customer: None };
    let txn = crate::db::begin_write(db).await?;
    let Some(r) = begin_step(&txn, scope, id, ReturnStatus::Resolved, "resolved").await? else {
        drop(txn);
        return find(db, scope, id).await;
    };
    let lines = return_lines::Entity::scoped(tenant)
        .filter(return_lines::Column::ReturnId.eq(r.id))
        .order_by_asc(return_lines::Column::OrderLineId)
        .all(&txn)
        .await?;
    let value: i64 = lines.iter().map(|l| l.unit_price_minor * i64::from(l.quantity)).sum();
    let mut v = Validator::default();
    let amount = match (body.resolution, body.amount.as_deref()) {
        (Resolution::Replacement, Some(_)) => {
            v.error("/amount", "not_allowed", "a replacement has no amount");
            None
        }
        (Resolution::Replacement, None) => None,
        (_, None) => {
            v.error("/amount", "required", "the amount refunded or credited");
            None
        }
        (_, Some(text)) => match parse_price(&Value::String(text.to_owned())) {
            Ok(Some(minor)) if minor > 0 && minor <= value => Some(minor),
            Ok(Some(minor)) if minor > value => {
                v.error(
                    "/amount",
                    "exceeds_return_value",
                    format!("at most the returned units' value, {}", format_price(value)),
                );
                None
            }
            Ok(_) => {
                v.error("/amount", "out_of_range", "more than 0");
                None
            }
            Err(message) => {
                v.error("/amount", "invalid_format", message);
                None
            }
        },
    };
    let mut swap: HashMap<OrderLineId, parts::Model> = HashMap::new();
    for (i, wanted) in body.replacement_parts.iter().flatten().enumerate() {
        if body.resolution != Resolution::Replacement {
            v.error("/replacement_parts", "not_allowed", "only for a replacement");
            break;
        }
        if !lines.iter().any(|l| l.order_line_id == wanted.order_line_id) {
            v.error(
                &format!("/replacement_parts/{i}/order_line_id"),
                "not_in_return",
                "not a line of this return",
            );
        }
        match parts::Entity::scoped_by_id(tenant, wanted.part_id).one(&txn).await? {
            Some(part) => {
                swap.insert(wanted.order_line_id, part);
            }
            None => v.error(
                &format!("/replacement_parts/{i}/part_id"),
                "unknown_part",
                "not a part of the catalog",
            ),
        }
    }
    v.finish()?;
    let restock = r.reason.resalable();
    if let Some(done) = transition(db, &txn, &r, ReturnStatus::Resolved, "resolved", |u| {
        u.col_expr(returns::Column::ResolvedAt, Expr::value(now))
            .col_expr(returns::Column::Resolution, Expr::value(body.resolution.as_str()))
            .col_expr(returns::Column::AmountMinor, Expr::value(amount))
            .col_expr(returns::Column::Restocked, Expr::value(restock))
            .col_expr(returns::Column::DecidedBy, Expr::value(by.to_string()))
    })
    .await?
    {
        return Ok(done);
    }
    // A replacement order writes the customer's derived figures: its lock before any stock row.
    crate::db::lock_customer_writes(&txn, tenant, r.customer_id).await?;
    if restock {
        let mut by_part = lines.iter().collect::<Vec<_>>();
        by_part.sort_by_key(|l| l.part_id);
        for line in by_part {
            parts::Entity::scoped_update(tenant)
                .col_expr(
                    parts::Column::Stock,
                    Expr::col(parts::Column::Stock).add(i64::from(line.quantity)),
                )
                .filter(parts::Column::Id.eq(line.part_id))
                .exec(&txn)
                .await?;
        }
    }
    let mut replacement = None;
    if body.resolution == Resolution::Replacement {
        let order = replace(&txn, &r, &lines, &swap, now).await?;
        returns::Entity::scoped_update(tenant)
            .col_expr(returns::Column::ReplacementOrderId, Expr::value(order))
            .filter(returns::Column::Id.eq(r.id))
            .exec(&txn)
            .await?;
        replacement = Some(order);
    }
    let order = orders::Entity::scoped_by_id(tenant, r.order_id)
        .one(&txn)
        .await?
        .ok_or(Error::not_found("order"))?;
    crate::orders::add_figures(&txn, &order, Delta::return_resolved(r.requested_at, now)).await?;
    let data = json!({
        "return_id": r.id,
        "order_id": r.order_id,
        "customer_id": r.customer_id,
        "resolution": body.resolution,
        "amount": amount.map(format_price),
        "replacement_order_id": replacement,
        "restocked": restock,
    });
    announce(&txn, &r, EventKind::ReturnResolved, by.to_string(), data, now).await?;
    txn.commit().await?;
    find(db, scope, id).await
}

/// The replacement order: the returned units again (or the part staff chose instead), at no
/// charge, made like any order so that stock is reserved or backordered for it.
async fn replace(
    txn: &impl ConnectionTrait,
    r: &returns::Model,
    lines: &[return_lines::Model],
    swap: &HashMap<OrderLineId, parts::Model>,
    now: DateTime<Utc>,
) -> Result<OrderId> {
    let original = orders::Entity::scoped_by_id(r.tenant_id, r.order_id)
        .one(txn)
        .await?
        .ok_or(Error::not_found("order"))?;
    let bought: HashMap<OrderLineId, order_lines::Model> = order_lines::Entity::scoped(r.tenant_id)
        .filter(order_lines::Column::OrderId.eq(r.order_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    let mut new_lines = Vec::new();
    for line in lines {
        let Some(was) = bought.get(&line.order_line_id) else {
            continue;
        };
        let (part, sku, name, brand) = match swap.get(&line.order_line_id) {
            Some(p) => (p.id, p.sku.clone(), p.name.clone(), p.brand.clone()),
            None => (was.part_id, was.sku.clone(), was.name.clone(), was.brand.clone()),
        };
        new_lines.push(NewOrderLine {
            quote_line: was.quote_line_id,
            part,
            sku,
            name,
            brand,
            quantity: line.quantity,
            unit_price_minor: 0,
        });
    }
    let order = crate::orders::create(
        txn,
        NewOrder {
            tenant: r.tenant_id,
            customer: r.customer_id,
            quote: original.quote_id,
            inquiry: original.inquiry_id,
            currency: original.currency,
            key: None,
            inquiry_received_at: now,
            lines: new_lines,
            replaces: Some(r.id),
            proactive: None,
        },
        now,
    )
    .await?;
    Ok(order.id)
}
