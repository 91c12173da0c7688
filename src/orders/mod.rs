//! Orders: what a shop bought by accepting a quote, with each line's part, quantity and price
//! as they were at purchase time, and how it travels to the shop.
//!
//! Each line's `quantity` is always `reserved + backorder + dispatched + cancelled`: accepting
//! reserves what the shelf has and backorders the rest; picking and dispatch first reserve
//! what has since arrived for backorders; a shipment moves reserved units to dispatched (and
//! takes them out of stock); a cancellation releases what was reserved. `delivered` counts
//! the dispatched units in shipments the shop has received, so returns can follow per line.

pub mod backorders;
pub mod lifecycle;
pub mod routes;
pub mod stock;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::db::TenantScoped;
pub use crate::entities::OrderStatus;
use crate::entities::{events, order_lines, order_shipment_lines, order_shipments, orders, quote_lines, returns};
use crate::error::{Error, Result};
use crate::events::{EventKind, NewEvent};
use crate::ids::{
    ApiKeyId, CustomerId, InquiryId, OrderId, OrderLineId, PartId, QuoteId, QuoteLineId, ReminderId, ReturnId,
    ShipmentId, TenantId,
};
use crate::money::format_price;
use crate::pagination::{PageParams, finish_page};

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderLineResponse {
    pub id: OrderLineId,
    pub quote_line_id: QuoteLineId,
    pub part_id: PartId,
    pub sku: String,
    pub name: String,
    pub brand: Option<String>,
    /// Units bought: `reserved_quantity + backorder_quantity + dispatched_quantity +
    /// cancelled_quantity`.
    pub quantity: i32,
    /// Units held on the dealer's shelf for this order, not yet dispatched.
    pub reserved_quantity: i32,
    /// Units waiting for stock: reserved when stock arrives, then dispatched in a later
    /// shipment.
    pub backorder_quantity: i32,
    /// Units that have left in shipments.
    pub dispatched_quantity: i32,
    /// Of the dispatched units, those in shipments the shop has received.
    pub delivered_quantity: i32,
    /// Units released by a cancellation.
    pub cancelled_quantity: i32,
    pub unit_price: String,
    pub line_total: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShipmentLineResponse {
    pub order_line_id: OrderLineId,
    pub quantity: i32,
}

/// Some or all of an order on its way: by `carrier` with a `tracking_number`, or by the
/// dealer's own driver (`driver_phone`, optionally `driver_name`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ShipmentResponse {
    pub id: ShipmentId,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub driver_name: Option<String>,
    pub driver_phone: Option<String>,
    /// When the dealer promised it would arrive.
    pub promised_at: Option<DateTime<Utc>>,
    pub dispatched_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Who signed for it at the shop.
    pub received_by: Option<String>,
    pub lines: Vec<ShipmentLineResponse>,
}

// One step of an order's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimelineStep {
    Confirmed,
    Picking,
    BackorderFilled,
    Dispatched,
    Delivered,
    Cancelled,
    /// Staff cancelled what had not left of a partly dispatched order.
    RestCancelled,
    /// The shop opened a return of this order's units (`details.return_id` names it).
    ReturnRequested,
    ReturnAccepted,
    ReturnRejected,
    ReturnResolved,
}

impl TimelineStep {
    fn of(kind: &str) -> Option<Self> {
        Some(match kind {
            "order_created" => Self::Confirmed,
            "order_picking" => Self::Picking,
            "backorder_filled" => Self::BackorderFilled,
            "order_dispatched" => Self::Dispatched,
            "order_delivered" => Self::Delivered,
            "order_cancelled" => Self::Cancelled,
            "order_rest_cancelled" => Self::RestCancelled,
            "return_requested" => Self::ReturnRequested,
            "return_accepted" => Self::ReturnAccepted,
            "return_rejected" => Self::ReturnRejected,
            "return_resolved" => Self::ReturnResolved,
            _ => return None,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntry {
    pub step: TimelineStep,
    pub at: DateTime<Utc>,
    /// What the step carried: lines and quantities, the shipment, the reason; the same data
    /// as the step's webhook.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderResponse {
    pub id: OrderId,
    pub quote_id: QuoteId,
    pub inquiry_id: InquiryId,
    pub customer_id: CustomerId,
    /// `confirmed` -> `picking` -> `dispatched` -> `delivered`, or `cancelled` before
    /// dispatch. An order is `dispatched` from its first shipment; while some of it is still
    /// reserved or backordered, further shipments follow, and it becomes `delivered` once
    /// everything has been dispatched and every shipment received.
    pub status: OrderStatus,
    pub currency: String,
    pub total: String,
    pub created_at: DateTime<Utc>,
    pub picking_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    /// A replacement order: the return it replaces (its lines are at no charge).
    pub replaces_return_id: Option<ReturnId>,
    pub lines: Vec<OrderLineResponse>,
    pub shipments: Vec<ShipmentResponse>,
    /// The order's steps, oldest first (when reading or accepting one order; lists leave it out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<TimelineEntry>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderList {
    pub items: Vec<OrderResponse>,
    pub next_cursor: Option<String>,
}

/// An order to write: what the shop bought from one quote, as it was priced.
pub struct NewOrder {
    pub tenant: TenantId,
    pub customer: CustomerId,
    pub quote: QuoteId,
    pub inquiry: InquiryId,
    pub currency: String,
    /// The API key the shop accepted with.
    pub key: Option<ApiKeyId>,
    /// When the quote's inquiry arrived: its lines' purchases count in that period.
    pub inquiry_received_at: DateTime<Utc>,
    pub lines: Vec<NewOrderLine>,
    /// A replacement for a return: not a purchase, so no rollups and no reminder conversion.
    pub replaces: Option<ReturnId>,
    /// The reminder behind an accepted proactive quote: the order converts it, and its lines
    /// count as the proactive quote's success, not as bought answers to an inquiry.
    pub proactive: Option<ReminderId>,
}

/// One bought line of a quote.
pub struct NewOrderLine {
    pub quote_line: QuoteLineId,
    pub part: PartId,
    pub sku: String,
    pub name: String,
    pub brand: Option<String>,
    /// Units bought.
    pub quantity: i32,
    pub unit_price_minor: i64,
}

/// Writes the order (inside the accepting transaction): its lines with the stock they reserve
/// (the rest is backorder), the quote lines it marks bought, the rollups, the reminders it
/// converts and the `order_created` event.
pub async fn create(txn: &impl ConnectionTrait, new: NewOrder, now: DateTime<Utc>) -> Result<OrderResponse> {
    // The customer's derived figures are written below: their lock before the stock rows.
    crate::db::lock_customer_writes(txn, new.tenant, new.customer).await?;
    let id = OrderId::generate();
    let total: i64 = new
        .lines
        .iter()
        .map(|l| l.unit_price_minor * i64::from(l.quantity))
        .sum();
    let order = orders::ActiveModel {
        id: Set(id),
        tenant_id: Set(new.tenant),
        customer_id: Set(new.customer),
        quote_id: Set(new.quote),
        inquiry_id: Set(new.inquiry),
        api_key_id: Set(new.key),
        currency: Set(new.currency.clone()),
        total_minor: Set(total),
        line_count: Set(i32::try_from(new.lines.len()).unwrap_or(i32::MAX)),
        created_at: Set(now),
        status: Set(OrderStatus::Confirmed),
        picking_at: Set(None),
        cancelled_at: Set(None),
        cancel_reason: Set(None),
        cancelled_by: Set(None),
        return_id: Set(new.replaces),
    }
    .insert(txn)
    .await?;
    // Reserve in part order, so that two accepts wanting the same parts on PostgreSQL take
    // their row locks in the same order and never deadlock.
    let mut by_part: Vec<usize> = (0..new.lines.len()).collect();
    by_part.sort_by_key(|&i| new.lines[i].part);
    let mut reserved = vec![0; new.lines.len()];
    for i in by_part {
        let line = &new.lines[i];
        let got = stock::reserve(txn, new.tenant, line.part, i64::from(line.quantity)).await?;
        reserved[i] = i32::try_from(got).unwrap_or(line.quantity);
    }
    let lines: Vec<order_lines::Model> = new
        .lines
        .iter()
        .zip(reserved)
        .map(|(l, reserved)| order_lines::Model {
            id: OrderLineId::generate(),
            tenant_id: new.tenant,
            order_id: id,
            customer_id: new.customer,
            quote_line_id: l.quote_line,
            part_id: l.part,
            sku: l.sku.clone(),
            name: l.name.clone(),
            brand: l.brand.clone(),
            quantity: l.quantity,
            reserved_quantity: reserved,
            // What the shelf could not cover waits for stock.
            backorder_quantity: l.quantity - reserved,
            backordered_quantity: l.quantity - reserved,
            dispatched_quantity: 0,
            delivered_quantity: 0,
            cancelled_quantity: 0,
            unit_price_minor: l.unit_price_minor,
            line_total_minor: l.unit_price_minor * i64::from(l.quantity),
            ordered_at: now,
        })
        .collect();
    crate::db::insert_chunked(txn, lines.iter().cloned().map(order_lines::ActiveModel::from).collect()).await?;
    quote_lines::Entity::scoped_update(new.tenant)
        .col_expr(quote_lines::Column::Bought, Expr::value(true))
        .filter(quote_lines::Column::Id.is_in(lines.iter().map(|l| l.quote_line_id)))
        .exec(txn)
        .await?;
    let tenant = crate::tenants::find(txn, new.tenant).await?;
    crate::insights::marks::touch_lines(
        txn,
        new.tenant,
        new.customer,
        tenant.tz(),
        lines.iter().map(|l| l.quote_line_id),
    )
    .await?;
    crate::insights::purchases::refresh(txn, &tenant, new.customer, lines.iter().map(|l| l.part_id)).await?;
    // An order that follows a reminder converts it.
    if new.replaces.is_some() {
        return announce_created(txn, &new, order, lines, total, now).await;
    }
    let bought_lines: std::collections::HashSet<_> = lines.iter().map(|l| l.quote_line_id).collect();
    let answered = match new.proactive {
        Some(_) => crate::metrics::rollup::Delta {
            proactive_accepted: 1,
            proactive_value_minor: total,
            ..Default::default()
        },
        None => crate::metrics::rollup::Delta {
            bought: i64::try_from(bought_lines.len()).unwrap_or(i64::MAX),
            ..Default::default()
        },
    };
    // Lines count where their inquiry arrived (the quote was drafted then), orders where placed.
    for (at, delta) in [
        (new.inquiry_received_at, answered),
        (
            now,
            crate::metrics::rollup::Delta {
                orders: 1,
                order_value_minor: total,
                units_ordered: lines.iter().map(|l| i64::from(l.quantity)).sum(),
                units_backordered: lines.iter().map(|l| i64::from(l.backordered_quantity)).sum(),
                ..Default::default()
            },
        ),
    ] {
        crate::metrics::rollup::add(txn, &tenant, new.customer, at, &delta).await?;
    }
    let parts: Vec<PartId> = lines.iter().map(|l| l.part_id).collect();
    if let Some(reminder) = new.proactive {
        crate::reminders::engine::convert_by_quote(txn, &tenant, reminder, id, now).await?;
    }
    crate::reminders::engine::convert_for_order(txn, &tenant, new.customer, &parts, id, now).await?;
    announce_created(txn, &new, order, lines, total, now).await
}

/// Adds a step's delivery figures to the period the order was placed in; replacements for
/// returns are not purchases and have none. Called last in the step's transaction, after its
/// row locks, as the accept does (see [`crate::metrics::rollup::lock`]).
pub async fn add_figures(
    txn: &impl ConnectionTrait,
    order: &orders::Model,
    delta: crate::metrics::rollup::Delta,
) -> Result<()> {
    if order.return_id.is_some() {
        return Ok(());
    }
    let tenant = crate::tenants::find(txn, order.tenant_id).await?;
    crate::metrics::rollup::add(txn, &tenant, order.customer_id, order.created_at, &delta).await
}

/// The `order_created` event, and the order as the accept (or the return) answers with it.
async fn announce_created(
    txn: &impl ConnectionTrait,
    new: &NewOrder,
    order: orders::Model,
    lines: Vec<order_lines::Model>,
    total: i64,
    now: DateTime<Utc>,
) -> Result<OrderResponse> {
    let id = order.id;
    let created = json!({
        "order_id": id,
        "replaces_return_id": new.replaces,
        "quote_id": new.quote,
        "total_minor": total,
        "currency": new.currency,
        "lines": lines.len(),
        "reserved_units": lines.iter().map(|l| l.reserved_quantity).sum::<i32>(),
        "backorder_units": lines.iter().map(|l| l.backorder_quantity).sum::<i32>(),
    });
    crate::events::record(
        txn,
        NewEvent {
            tenant: new.tenant,
            customer: Some(new.customer),
            kind: EventKind::OrderCreated,
            subject: id.to_string(),
            actor: new.key.map(|k| k.to_string()),
            at: now,
            payload: created.clone(),
        },
    )
    .await?;
    // As stored (PostgreSQL keeps microseconds), so the answer equals a later read.
    let at = order.created_at;
    let mut response = respond(order, lines, Vec::new());
    response.timeline = Some(vec![TimelineEntry {
        step: TimelineStep::Confirmed,
        at,
        details: created,
    }]);
    Ok(response)
}

/// A shipment with the order lines it carries.
type FullShipment = (order_shipments::Model, Vec<order_shipment_lines::Model>);

fn respond(order: orders::Model, lines: Vec<order_lines::Model>, shipments: Vec<FullShipment>) -> OrderResponse {
    OrderResponse {
        id: order.id,
        quote_id: order.quote_id,
        inquiry_id: order.inquiry_id,
        customer_id: order.customer_id,
        status: order.status,
        currency: order.currency,
        total: format_price(order.total_minor),
        created_at: order.created_at,
        picking_at: order.picking_at,
        cancelled_at: order.cancelled_at,
        cancel_reason: order.cancel_reason,
        replaces_return_id: order.return_id,
        shipments: shipments
            .into_iter()
            .map(|(s, lines)| ShipmentResponse {
                id: s.id,
                carrier: s.carrier,
                tracking_number: s.tracking_number,
                driver_name: s.driver_name,
                driver_phone: s.driver_phone,
                promised_at: s.promised_at,
                dispatched_at: s.dispatched_at,
                delivered_at: s.delivered_at,
                received_by: s.received_by,
                lines: lines
                    .into_iter()
                    .map(|l| ShipmentLineResponse {
                        order_line_id: l.order_line_id,
                        quantity: l.quantity,
                    })
                    .collect(),
            })
            .collect(),
        timeline: None,
        lines: lines
            .into_iter()
            .map(|l| OrderLineResponse {
                id: l.id,
                quote_line_id: l.quote_line_id,
                part_id: l.part_id,
                sku: l.sku,
                name: l.name,
                brand: l.brand,
                quantity: l.quantity,
                reserved_quantity: l.reserved_quantity,
                backorder_quantity: l.backorder_quantity,
                dispatched_quantity: l.dispatched_quantity,
                delivered_quantity: l.delivered_quantity,
                cancelled_quantity: l.cancelled_quantity,
                unit_price: format_price(l.unit_price_minor),
                line_total: format_price(l.line_total_minor),
            })
            .collect(),
    }
}

async fn with_lines(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    found: Vec<orders::Model>,
) -> Result<Vec<OrderResponse>> {
    let ids: Vec<OrderId> = found.iter().map(|o| o.id).collect();
    let mut lines: std::collections::HashMap<OrderId, Vec<order_lines::Model>> = Default::default();
    for line in order_lines::Entity::scoped(tenant)
        .filter(order_lines::Column::OrderId.is_in(ids.clone()))
        .order_by_asc(order_lines::Column::Id)
        .all(db)
        .await?
    {
        lines.entry(line.order_id).or_default().push(line);
    }
    let mut carried: std::collections::HashMap<ShipmentId, Vec<order_shipment_lines::Model>> = Default::default();
    for line in order_shipment_lines::Entity::scoped(tenant)
        .filter(order_shipment_lines::Column::OrderId.is_in(ids.clone()))
        .order_by_asc(order_shipment_lines::Column::OrderLineId)
        .all(db)
        .await?
    {
        carried.entry(line.shipment_id).or_default().push(line);
    }
    let mut shipments: std::collections::HashMap<OrderId, Vec<FullShipment>> = Default::default();
    for shipment in order_shipments::Entity::scoped(tenant)
        .filter(order_shipments::Column::OrderId.is_in(ids))
        .order_by_asc(order_shipments::Column::Id)
        .all(db)
        .await?
    {
        let carries = carried.remove(&shipment.id).unwrap_or_default();
        shipments
            .entry(shipment.order_id)
            .or_default()
            .push((shipment, carries));
    }
    Ok(found
        .into_iter()
        .map(|o| {
            let l = lines.remove(&o.id).unwrap_or_default();
            let s = shipments.remove(&o.id).unwrap_or_default();
            respond(o, l, s)
        })
        .collect())
}

/// The order for a quote, if it was accepted.
pub async fn for_quote(db: &impl ConnectionTrait, tenant: TenantId, quote: QuoteId) -> Result<Option<OrderResponse>> {
    let found = orders::Entity::scoped(tenant)
        .filter(orders::Column::QuoteId.eq(quote))
        .filter(orders::Column::ReturnId.is_null())
        .all(db)
        .await?;
    let Some(mut order) = with_lines(db, tenant, found).await?.pop() else {
        return Ok(None);
    };
    order.timeline = Some(timeline(db, tenant, order.id).await?);
    Ok(Some(order))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrderListParams {
    /// Items per page, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only this customer's orders (staff only).
    pub customer_id: Option<CustomerId>,
    /// The same as `customer_id` (the older name).
    pub customer: Option<CustomerId>,
    /// Only orders placed from then on: a day in the dealer's time zone (`2026-12-01`) or an
    /// RFC 3339 instant.
    pub from: Option<String>,
    /// Only orders placed up to then: a day in the dealer's time zone (`2026-12-01`, the whole
    /// day included) or an RFC 3339 instant (excluded).
    pub to: Option<String>,
}

impl OrderListParams {
    /// The customer a staff member asked for, by either name.
    pub fn customer(&self) -> Result<Option<CustomerId>> {
        match (self.customer_id, self.customer) {
            (Some(a), Some(b)) if a != b => Err(Error::field(
                "query.customer_id",
                "conflict",
                "`customer_id` and `customer` name different customers",
            )),
            (a, b) => Ok(a.or(b)),
        }
    }
}

/// Orders of the dealer (of one customer, given one), newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    customer: Option<CustomerId>,
    params: OrderListParams,
) -> Result<OrderList> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let limit = page.limit()?;
    let zone = crate::tenants::find(db, tenant).await?.tz();
    let (from, to) = crate::pagination::window(params.from.as_deref(), params.to.as_deref(), zone)?;
    let mut query = orders::Entity::scoped(tenant).order_by_desc(orders::Column::Id);
    if let Some(before) = page.cursor::<OrderId>()? {
        query = query.filter(orders::Column::Id.lt(before));
    }
    if let Some(customer) = customer {
        query = query.filter(orders::Column::CustomerId.eq(customer));
    }
    if let Some(from) = from {
        query = query.filter(orders::Column::CreatedAt.gte(from));
    }
    if let Some(to) = to {
        query = query.filter(orders::Column::CreatedAt.lt(to));
    }
    let rows = query.limit(limit + 1).all(db).await?;
    let (rows, next_cursor) = finish_page(rows, limit, |o| o.id);
    Ok(OrderList {
        items: with_lines(db, tenant, rows).await?,
        next_cursor,
    })
}

/// One order of the dealer (only if it is the customer's, given one).
pub async fn find(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    customer: Option<CustomerId>,
    id: OrderId,
) -> Result<OrderResponse> {
    let mut query = orders::Entity::scoped_by_id(tenant, id);
    if let Some(customer) = customer {
        query = query.filter(orders::Column::CustomerId.eq(customer));
    }
    let found = query.all(db).await?;
    let mut order = with_lines(db, tenant, found)
        .await?
        .pop()
        .ok_or(Error::not_found("order"))?;
    order.timeline = Some(timeline(db, tenant, id).await?);
    Ok(order)
}

/// The order's steps from its events and those of its returns, oldest first.
async fn timeline(db: &impl ConnectionTrait, tenant: TenantId, id: OrderId) -> Result<Vec<TimelineEntry>> {
    let mut subjects: Vec<String> = returns::Entity::scoped(tenant)
        .select_only()
        .column(returns::Column::Id)
        .filter(returns::Column::OrderId.eq(id))
        .into_tuple::<crate::ids::ReturnId>()
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.to_string())
        .collect();
    subjects.push(id.to_string());
    Ok(events::Entity::scoped(tenant)
        .filter(events::Column::SubjectId.is_in(subjects))
        .order_by_asc(events::Column::OccurredAt)
        .order_by_asc(events::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|e| {
            Some(TimelineEntry {
                step: TimelineStep::of(&e.kind)?,
                at: e.occurred_at,
                details: e.payload,
            })
        })
        .collect())
}
