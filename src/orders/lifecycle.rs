//! An order's way to the shop: picking, dispatch (one shipment or several, by carrier or the
//! dealer's driver), delivery and cancellation. Every step is one transaction that moves the
//! order only from the state it was read in, writes an event and queues the step for the
//! shop's callback and the dealer's webhooks. Repeating a step already taken answers with the
//! order as it is (a retry is not an error); a step the state does not allow is 409.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, QueryFilter};
use sea_orm::{QueryOrder, UpdateMany};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::{OrderResponse, OrderStatus, stock};
use crate::db::TenantScoped;
use crate::entities::{order_lines, order_shipment_lines, order_shipments, orders};
use crate::error::{Error, Result};
use crate::events::{EventKind, NewEvent};
use crate::ids::{ApiKeyId, CustomerId, OrderId, OrderLineId, ShipmentId, TenantId, UserId};
use crate::metrics::rollup::{Delta, elapsed_ms, on_time};
use crate::validate::Validator;

pub const REASON_MAX: usize = 500;
pub const TEXT_MAX: usize = 100;
/// A delivery time may be a little ahead of the server's clock, not more.
const CLOCK_SKEW: Duration = Duration::minutes(5);

/// Who takes a step.
#[derive(Debug, Clone, Copy)]
pub enum By {
    Staff(UserId),
    Shop(ApiKeyId),
}

impl By {
    fn actor(self) -> String {
        match self {
            Self::Staff(user) => user.to_string(),
            Self::Shop(key) => key.to_string(),
        }
    }

    fn side(self) -> &'static str {
        match self {
            Self::Staff(_) => "dealer",
            Self::Shop(_) => "shop",
        }
    }
}

/// Which orders the caller may reach: staff any of the dealer's, a shop only its own.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub tenant: TenantId,
    pub customer: Option<CustomerId>,
}

/// The 409 for a step the order's state does not allow.
pub fn wrong_state(order: &orders::Model, action: &str) -> Error {
    Error::WrongState {
        code: "invalid_transition",
        detail: format!("a {} order cannot be {action}", order.status.as_str()),
        current: order.status.as_str().to_owned(),
    }
}

async fn load(db: &impl ConnectionTrait, scope: Scope, id: OrderId) -> Result<orders::Model> {
    let mut query = orders::Entity::scoped_by_id(scope.tenant, id);
    if let Some(customer) = scope.customer {
        query = query.filter(orders::Column::CustomerId.eq(customer));
    }
    query.one(db).await?.ok_or(Error::not_found("order"))
}

async fn lines_of(db: &impl ConnectionTrait, order: &orders::Model) -> Result<Vec<order_lines::Model>> {
    Ok(order_lines::Entity::scoped(order.tenant_id)
        .filter(order_lines::Column::OrderId.eq(order.id))
        .order_by_asc(order_lines::Column::Id)
        .all(db)
        .await?)
}

/// Moves the order to `next` only if it is still as read; `false` when a concurrent request
/// moved it first.
async fn transition(
    txn: &impl ConnectionTrait,
    order: &orders::Model,
    next: OrderStatus,
    extra: impl FnOnce(UpdateMany<orders::Entity>) -> UpdateMany<orders::Entity>,
) -> Result<bool> {
    if !order.status.may_become(next) {
        return Ok(false);
    }
    let update = orders::Entity::scoped_update(order.tenant_id)
        .col_expr(orders::Column::Status, Expr::value(next.as_str()))
        .filter(orders::Column::Id.eq(order.id))
        .filter(orders::Column::Status.eq(order.status.as_str()));
    Ok(extra(update).exec(txn).await?.rows_affected == 1)
}

/// Records a step and queues it for the shop's callback and the dealer's webhooks.
async fn announce(
    txn: &impl ConnectionTrait,
    order: &orders::Model,
    kind: EventKind,
    event_type: &str,
    by: Option<By>,
    data: Value,
    now: DateTime<Utc>,
) -> Result<()> {
    crate::events::record(
        txn,
        NewEvent {
            tenant: order.tenant_id,
            customer: Some(order.customer_id),
            kind,
            subject: order.id.to_string(),
            actor: by.map(By::actor),
            at: now,
            payload: data.clone(),
        },
    )
    .await?;
    crate::webhooks::enqueue_for_shop(txn, order.tenant_id, order.customer_id, event_type, data.clone(), now).await?;
    crate::webhooks::enqueue(txn, order.tenant_id, event_type, data, now).await?;
    Ok(())
}

/// Moves `n` units of a line from one quantity to another, only while `from` still holds them;
/// `false` when a concurrent step took them first.
async fn move_units(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
    line: OrderLineId,
    from: order_lines::Column,
    to: order_lines::Column,
    n: i32,
) -> Result<bool> {
    Ok(order_lines::Entity::scoped_update(tenant)
        .col_expr(from, Expr::col(from).sub(n))
        .col_expr(to, Expr::col(to).add(n))
        .filter(order_lines::Column::Id.eq(line))
        .filter(from.gte(n))
        .exec(txn)
        .await?
        .rows_affected
        == 1)
}

/// Reserves what has arrived for the order's backordered units, oldest line first, and tells
/// the shop what was filled (`backorder_filled`).
async fn fill_backorders(
    txn: &impl ConnectionTrait,
    order: &orders::Model,
    lines: &mut [order_lines::Model],
    now: DateTime<Utc>,
) -> Result<()> {
    let mut filled = Vec::new();
    let mut by_part: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].backorder_quantity > 0).collect();
    by_part.sort_by_key(|&i| lines[i].part_id);
    for i in by_part {
        let line = &mut lines[i];
        let got = stock::reserve(txn, order.tenant_id, line.part_id, i64::from(line.backorder_quantity)).await?;
        let got = i32::try_from(got).unwrap_or(0);
        if got == 0 {
            continue;
        }
        let moved = move_units(
            txn,
            order.tenant_id,
            line.id,
            order_lines::Column::BackorderQuantity,
            order_lines::Column::ReservedQuantity,
            got,
        )
        .await?;
        if !moved {
            // A concurrent step filled it: give the units back to the shelf.
            stock::release(txn, order.tenant_id, line.part_id, i64::from(got)).await?;
            continue;
        }
        line.reserved_quantity += got;
        line.backorder_quantity -= got;
        filled.push(json!({
            "order_line_id": line.id,
            "part_id": line.part_id,
            "sku": line.sku,
            "quantity": got,
            "backorder_quantity": line.backorder_quantity,
        }));
    }
    if !filled.is_empty() {
        let data = json!({ "order_id": order.id, "customer_id": order.customer_id, "lines": filled });
        announce(
            txn,
            order,
            EventKind::BackorderFilled,
            "order.backorder_filled",
            None,
            data,
            now,
        )
        .await?;
    }
    Ok(())
}

/// Starts picking a confirmed order; what has arrived for its backorders is reserved first.
pub async fn start_picking(
    db: &DatabaseConnection,
    scope: Scope,
    by: By,
    id: OrderId,
    now: DateTime<Utc>,
) -> Result<OrderResponse> {
    let txn = crate::db::begin_write(db).await?;
    let order = load(&txn, scope, id).await?;
    if order.status == OrderStatus::Picking {
        drop(txn);
        return super::find(db, scope.tenant, scope.customer, id).await;
    }
    if !transition(&txn, &order, OrderStatus::Picking, |u| {
        u.col_expr(orders::Column::PickingAt, Expr::value(now))
    })
    .await?
    {
        drop(txn);
        return retry_outcome(db, scope, id, OrderStatus::Picking, "picked").await;
    }
    let mut lines = lines_of(&txn, &order).await?;
    fill_backorders(&txn, &order, &mut lines, now).await?;
    let data = json!({
        "order_id": order.id,
        "customer_id": order.customer_id,
        "status": OrderStatus::Picking,
    });
    announce(
        &txn,
        &order,
        EventKind::OrderPicking,
        "order.picking",
        Some(by),
        data,
        now,
    )
    .await?;
    txn.commit().await?;
    super::find(db, scope.tenant, scope.customer, id).await
}

/// After losing a race: the order as it is, if the other request took the same step, else
/// the 409.
async fn retry_outcome(
    db: &DatabaseConnection,
    scope: Scope,
    id: OrderId,
    wanted: OrderStatus,
    action: &str,
) -> Result<OrderResponse> {
    let order = load(db, scope, id).await?;
    if order.status == wanted {
        super::find(db, scope.tenant, scope.customer, id).await
    } else {
        Err(wrong_state(&order, action))
    }
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchRequest {
    /// The lines and units this shipment carries; absent: everything reserved (after
    /// reserving what has arrived for backorders).
    pub lines: Option<Vec<DispatchLine>>,
    /// The carrier (顺丰, 德邦 ...), with `tracking_number`; or leave it out and give
    /// `driver_phone` for the dealer's own driver.
    #[schema(example = "顺丰速运")]
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub driver_name: Option<String>,
    #[schema(example = "13800138000")]
    pub driver_phone: Option<String>,
    /// When the dealer promises it will arrive.
    pub promised_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchLine {
    pub order_line_id: OrderLineId,
    /// Units, 1 to the line's reserved quantity.
    #[schema(minimum = 1)]
    pub quantity: i32,
}

/// How a shipment travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Carriage {
    Carrier { carrier: String, tracking_number: String },
    Driver { name: Option<String>, phone: String },
}

/// A checked dispatch request.
#[derive(Debug)]
pub struct Dispatch {
    pub lines: Option<Vec<(OrderLineId, i32)>>,
    pub carriage: Carriage,
    pub promised_at: Option<DateTime<Utc>>,
}

fn is_phone(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&digits) && phone.chars().all(|c| c.is_ascii_digit() || "+-() ".contains(c))
}

impl TryFrom<DispatchRequest> for Dispatch {
    type Error = Error;

    fn try_from(body: DispatchRequest) -> Result<Self> {
        let mut v = Validator::default();
        let carrier = v.opt_text("/carrier", body.carrier.as_deref(), TEXT_MAX);
        let tracking = v.opt_text("/tracking_number", body.tracking_number.as_deref(), TEXT_MAX);
        let driver_name = v.opt_text("/driver_name", body.driver_name.as_deref(), TEXT_MAX);
        let phone = v.opt_text("/driver_phone", body.driver_phone.as_deref(), TEXT_MAX);
        let carriage = match (carrier, tracking, phone) {
            (Some(_), _, Some(_)) => {
                v.error(
                    "/driver_phone",
                    "conflict",
                    "a shipment goes by a carrier or by the dealer's driver, not both",
                );
                None
            }
            (Some(carrier), Some(tracking_number), None) => Some(Carriage::Carrier {
                carrier,
                tracking_number,
            }),
            (Some(_), None, None) => {
                v.error(
                    "/tracking_number",
                    "required",
                    "a carrier shipment needs its tracking number",
                );
                None
            }
            (None, _, Some(phone)) if !is_phone(&phone) => {
                v.error(
                    "/driver_phone",
                    "invalid_format",
                    "a phone number: 5-20 digits, + - ( ) and spaces",
                );
                None
            }
            (None, _, Some(phone)) => Some(Carriage::Driver {
                name: driver_name,
                phone,
            }),
            (None, _, None) => {
                v.error(
                    "/carrier",
                    "required",
                    "name the carrier and tracking number, or give the driver's phone",
                );
                None
            }
        };
        let lines = body.lines.map(|lines| {
            if lines.is_empty() {
                v.error(
                    "/lines",
                    "required",
                    "dispatch at least one line, or omit `lines` for all reserved",
                );
            }
            let mut seen = HashSet::new();
            for (i, line) in lines.iter().enumerate() {
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
            lines.into_iter().map(|l| (l.order_line_id, l.quantity)).collect()
        });
        v.finish()?;
        Ok(Dispatch {
            lines,
            carriage: carriage.ok_or_else(|| anyhow::anyhow!("carriage checked above"))?,
            promised_at: body.promised_at,
        })
    }
}

/// The outcome of a dispatch: the order, and whether it was a replay of an earlier one.
pub struct Dispatched {
    pub order: OrderResponse,
    pub replayed: bool,
}

/// Sends a shipment: reserves what has arrived for backorders, then takes the chosen (or all)
/// reserved units off the shelf. A second shipment later carries what was backordered. With an
/// `Idempotency-Key`, a retry answers with the order and ships nothing again.
pub async fn dispatch(
    db: &DatabaseConnection,
    scope: Scope,
    by: By,
    id: OrderId,
    request: Dispatch,
    key: Option<crate::idempotency::Request>,
    now: DateTime<Utc>,
) -> Result<Dispatched> {
    let txn = crate::db::begin_write(db).await?;
    let order = load(&txn, scope, id).await?;
    if let Some(key) = &key
        && crate::idempotency::find(&txn, scope.tenant, order.customer_id, key, now)
            .await?
            .is_some()
    {
        drop(txn);
        let order = super::find(db, scope.tenant, scope.customer, id).await?;
        return Ok(Dispatched { order, replayed: true });
    }
    if !matches!(
        order.status,
        OrderStatus::Confirmed | OrderStatus::Picking | OrderStatus::Dispatched
    ) {
        return Err(wrong_state(&order, "dispatched"));
    }
    let mut lines = lines_of(&txn, &order).await?;
    fill_backorders(&txn, &order, &mut lines, now).await?;
    let shipping: Vec<(usize, i32)> = match &request.lines {
        None => lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.reserved_quantity > 0)
            .map(|(i, l)| (i, l.reserved_quantity))
            .collect(),
        Some(chosen) => {
            let mut v = Validator::default();
            let mut shipping = Vec::new();
            for (n, (line_id, quantity)) in chosen.iter().enumerate() {
                match lines.iter().position(|l| l.id == *line_id) {
                    None => v.error(
                        &format!("/lines/{n}/order_line_id"),
                        "not_in_order",
                        "not a line of this order",
                    ),
                    Some(i) if *quantity > lines[i].reserved_quantity => v.error(
                        &format!("/lines/{n}/quantity"),
                        "exceeds_reserved",
                        format!("at most the {} reserved for this line", lines[i].reserved_quantity),
                    ),
                    Some(i) => shipping.push((i, *quantity)),
                }
            }
            v.finish()?;
            shipping
        }
    };
    if shipping.is_empty() {
        // Commit what was reserved for backorders meanwhile, then say why nothing left.
        txn.commit().await?;
        return Err(Error::WrongState {
            code: "nothing_to_dispatch",
            detail: "no unit of this order is reserved: what is left waits for stock".to_owned(),
            current: order.status.as_str().to_owned(),
        });
    }
    let shipment = ShipmentId::generate();
    if let Some(key) = &key {
        let stored = crate::idempotency::Stored {
            status: 200,
            body: json!({ "shipment_id": shipment }).to_string(),
        };
        if !crate::idempotency::store(&txn, scope.tenant, order.customer_id, key, &stored, now).await? {
            // The same request committed first.
            drop(txn);
            let order = super::find(db, scope.tenant, scope.customer, id).await?;
            return Ok(Dispatched { order, replayed: true });
        }
    }
    if order.status != OrderStatus::Dispatched && !transition(&txn, &order, OrderStatus::Dispatched, |u| u).await? {
        drop(txn);
        let now_order = load(db, scope, id).await?;
        return Err(wrong_state(&now_order, "dispatched"));
    }
    let (carrier, tracking_number, driver_name, driver_phone) = match &request.carriage {
        Carriage::Carrier {
            carrier,
            tracking_number,
        } => (Some(carrier.clone()), Some(tracking_number.clone()), None, None),
        Carriage::Driver { name, phone } => (None, None, name.clone(), Some(phone.clone())),
    };
    order_shipments::ActiveModel {
        id: Set(shipment),
        tenant_id: Set(order.tenant_id),
        order_id: Set(order.id),
        customer_id: Set(order.customer_id),
        carrier: Set(carrier.clone()),
        tracking_number: Set(tracking_number.clone()),
        driver_name: Set(driver_name.clone()),
        driver_phone: Set(driver_phone.clone()),
        promised_at: Set(request.promised_at),
        dispatched_at: Set(now),
        dispatched_by: Set(Some(by.actor())),
        delivered_at: Set(None),
        received_by: Set(None),
    }
    .insert(&txn)
    .await?;
    let mut carried = Vec::new();
    for &(i, quantity) in &shipping {
        let line = &mut lines[i];
        let moved = move_units(
            &txn,
            order.tenant_id,
            line.id,
            order_lines::Column::ReservedQuantity,
            order_lines::Column::DispatchedQuantity,
            quantity,
        )
        .await?;
        if !moved {
            // A concurrent shipment took these units: nothing of this one is written.
            return Err(Error::WrongState {
                code: "concurrent_dispatch",
                detail: "another shipment of this order took these units; read the order and try again".to_owned(),
                current: OrderStatus::Dispatched.as_str().to_owned(),
            });
        }
        stock::consume(&txn, order.tenant_id, line.part_id, i64::from(quantity)).await?;
        line.reserved_quantity -= quantity;
        line.dispatched_quantity += quantity;
        order_shipment_lines::ActiveModel {
            shipment_id: Set(shipment),
            order_line_id: Set(line.id),
            tenant_id: Set(order.tenant_id),
            order_id: Set(order.id),
            quantity: Set(quantity),
        }
        .insert(&txn)
        .await?;
        carried.push(json!({
            "order_line_id": line.id,
            "part_id": line.part_id,
            "sku": line.sku,
            "name": line.name,
            "quantity": quantity,
        }));
    }
    let data = json!({
        "order_id": order.id,
        "customer_id": order.customer_id,
        "shipment_id": shipment,
        "carrier": carrier,
        "tracking_number": tracking_number,
        "driver_name": driver_name,
        "driver_phone": driver_phone,
        "promised_at": request.promised_at,
        "lines": carried,
        "still_reserved": lines.iter().map(|l| l.reserved_quantity).sum::<i32>(),
        "still_backordered": lines.iter().map(|l| l.backorder_quantity).sum::<i32>(),
    });
    if order.status != OrderStatus::Dispatched {
        // The order's first shipment: its time from placement.
        super::add_figures(
            &txn,
            &order,
            Delta {
                orders_dispatched: 1,
                dispatch_ms: vec![elapsed_ms(order.created_at, now)],
                ..Delta::default()
            },
        )
        .await?;
    }
    announce(
        &txn,
        &order,
        EventKind::OrderDispatched,
        "order.dispatched",
        Some(by),
        data,
        now,
    )
    .await?;
    txn.commit().await?;
    let order = super::find(db, scope.tenant, scope.customer, id).await?;
    Ok(Dispatched { order, replayed: false })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverRequest {
    /// The shipment received; absent: every shipment not yet received.
    pub shipment_id: Option<ShipmentId>,
    /// When it arrived (default: now); not in the future, not before it was dispatched.
    pub delivered_at: Option<DateTime<Utc>>,
    /// Who signed for it at the shop.
    #[schema(example = "王师傅")]
    pub received_by: String,
}

/// Records that the shop received a shipment (or all of them). The order is `delivered` once
/// everything has been dispatched and every shipment received; until then it stays
/// `dispatched`.
pub async fn deliver(
    db: &DatabaseConnection,
    scope: Scope,
    by: By,
    id: OrderId,
    body: DeliverRequest,
    now: DateTime<Utc>,
) -> Result<OrderResponse> {
    let mut v = Validator::default();
    let received_by = v.text("/received_by", &body.received_by, TEXT_MAX);
    let delivered_at = body.delivered_at.unwrap_or(now);
    if delivered_at > now + CLOCK_SKEW {
        v.error("/delivered_at", "in_future", "a delivery time cannot be in the future");
    }
    v.finish()?;
    let txn = crate::db::begin_write(db).await?;
    let order = load(&txn, scope, id).await?;
    let shipments = order_shipments::Entity::scoped(order.tenant_id)
        .filter(order_shipments::Column::OrderId.eq(order.id))
        .order_by_asc(order_shipments::Column::Id)
        .all(&txn)
        .await?;
    if let Some(wanted) = body.shipment_id
        && !shipments.iter().any(|s| s.id == wanted)
    {
        return Err(Error::field(
            "/shipment_id",
            "not_in_order",
            "not a shipment of this order",
        ));
    }
    if order.status == OrderStatus::Delivered {
        drop(txn);
        return super::find(db, scope.tenant, scope.customer, id).await;
    }
    if order.status != OrderStatus::Dispatched {
        return Err(wrong_state(&order, "delivered"));
    }
    let arriving: Vec<&order_shipments::Model> = shipments
        .iter()
        .filter(|s| s.delivered_at.is_none() && body.shipment_id.is_none_or(|w| w == s.id))
        .collect();
    if arriving.is_empty() {
        // Already received: a retry.
        drop(txn);
        return super::find(db, scope.tenant, scope.customer, id).await;
    }
    if let Some(early) = arriving.iter().find(|s| delivered_at < s.dispatched_at) {
        return Err(Error::field(
            "/delivered_at",
            "before_dispatch",
            format!("shipment {} left at {}", early.id, early.dispatched_at.to_rfc3339()),
        ));
    }
    let arriving_ids: Vec<ShipmentId> = arriving.iter().map(|s| s.id).collect();
    let marked = order_shipments::Entity::scoped_update(order.tenant_id)
        .col_expr(order_shipments::Column::DeliveredAt, Expr::value(delivered_at))
        .col_expr(order_shipments::Column::ReceivedBy, Expr::value(received_by.clone()))
        .filter(order_shipments::Column::Id.is_in(arriving_ids.clone()))
        .filter(order_shipments::Column::DeliveredAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if marked != arriving_ids.len() as u64 {
        // A concurrent delivery of the same shipment got there first.
        drop(txn);
        return super::find(db, scope.tenant, scope.customer, id).await;
    }
    let promised: Vec<DateTime<Utc>> = arriving.iter().filter_map(|s| s.promised_at).collect();
    let mut figures = Delta {
        shipments_promised: promised.len() as i64,
        shipments_on_time: promised.iter().filter(|p| on_time(delivered_at, **p)).count() as i64,
        ..Delta::default()
    };
    for carried in order_shipment_lines::Entity::scoped(order.tenant_id)
        .filter(order_shipment_lines::Column::ShipmentId.is_in(arriving_ids.clone()))
        .all(&txn)
        .await?
    {
        figures.units_delivered += i64::from(carried.quantity);
        order_lines::Entity::scoped_update(order.tenant_id)
            .col_expr(
                order_lines::Column::DeliveredQuantity,
                Expr::col(order_lines::Column::DeliveredQuantity).add(carried.quantity),
            )
            .filter(order_lines::Column::Id.eq(carried.order_line_id))
            .exec(&txn)
            .await?;
    }
    let lines = lines_of(&txn, &order).await?;
    let all_received =
        shipments.len() == arriving.len() + shipments.iter().filter(|s| s.delivered_at.is_some()).count();
    let complete = all_received
        && lines
            .iter()
            .all(|l| l.reserved_quantity == 0 && l.backorder_quantity == 0);
    if complete && !transition(&txn, &order, OrderStatus::Delivered, |u| u).await? {
        drop(txn);
        return retry_outcome(db, scope, id, OrderStatus::Delivered, "delivered").await;
    }
    if complete {
        let last = shipments
            .iter()
            .filter_map(|s| s.delivered_at)
            .chain([delivered_at])
            .max()
            .unwrap_or(delivered_at);
        figures.orders_delivered = 1;
        figures.delivery_ms = vec![elapsed_ms(order.created_at, last)];
    }
    super::add_figures(&txn, &order, figures).await?;
    let data = json!({
        "order_id": order.id,
        "customer_id": order.customer_id,
        "shipment_ids": arriving_ids,
        "delivered_at": delivered_at,
        "received_by": received_by,
        "complete": complete,
    });
    announce(
        &txn,
        &order,
        EventKind::OrderDelivered,
        "order.delivered",
        Some(by),
        data,
        now,
    )
    .await?;
    txn.commit().await?;
    super::find(db, scope.tenant, scope.customer, id).await
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    /// Why (up to 500 characters): required of staff, optional for the shop.
    #[schema(example = "客户车辆已送修他处")]
    pub reason: Option<String>,
}

/// Cancels an order before anything of it left: its reserved units go back on the shelf and
/// its backorders are dropped. Of a partly dispatched order, staff cancel what has not left
/// ([`cancel_rest`]); the shop may cancel only before dispatch.
pub async fn cancel(
    db: &DatabaseConnection,
    scope: Scope,
    by: By,
    id: OrderId,
    body: CancelRequest,
    now: DateTime<Utc>,
) -> Result<OrderResponse> {
    let mut v = Validator::default();
    let reason = match by {
        By::Staff(_) => Some(v.text("/reason", body.reason.as_deref().unwrap_or_default(), REASON_MAX)),
        By::Shop(_) => v.opt_text("/reason", body.reason.as_deref(), REASON_MAX),
    };
    v.finish()?;
    let txn = crate::db::begin_write(db).await?;
    let order = load(&txn, scope, id).await?;
    if order.status == OrderStatus::Cancelled {
        drop(txn);
        return super::find(db, scope.tenant, scope.customer, id).await;
    }
    if let (OrderStatus::Dispatched, By::Staff(_)) = (order.status, by) {
        return cancel_rest(db, txn, scope, by, order, reason, now).await;
    }
    if !transition(&txn, &order, OrderStatus::Cancelled, |u| {
        u.col_expr(orders::Column::CancelledAt, Expr::value(now))
            .col_expr(orders::Column::CancelReason, Expr::value(reason.clone()))
            .col_expr(orders::Column::CancelledBy, Expr::value(by.actor()))
    })
    .await?
    {
        drop(txn);
        return retry_outcome(db, scope, id, OrderStatus::Cancelled, "cancelled").await;
    }
    // The customer's purchases are rewritten below: its lock before the stock rows.
    crate::db::lock_customer_writes(&txn, order.tenant_id, order.customer_id).await?;
    let mut lines = lines_of(&txn, &order).await?;
    lines.sort_by_key(|l| l.part_id);
    let mut released = Vec::new();
    for line in &lines {
        stock::release(&txn, order.tenant_id, line.part_id, i64::from(line.reserved_quantity)).await?;
        order_lines::Entity::scoped_update(order.tenant_id)
            .col_expr(
                order_lines::Column::CancelledQuantity,
                Expr::value(line.reserved_quantity + line.backorder_quantity),
            )
            .col_expr(order_lines::Column::ReservedQuantity, Expr::value(0))
            .col_expr(order_lines::Column::BackorderQuantity, Expr::value(0))
            .filter(order_lines::Column::Id.eq(line.id))
            .exec(&txn)
            .await?;
        released.push(json!({
            "order_line_id": line.id,
            "part_id": line.part_id,
            "released": line.reserved_quantity,
            "backorder_dropped": line.backorder_quantity,
        }));
    }
    let tenant = crate::tenants::find(&txn, order.tenant_id).await?;
    crate::insights::purchases::refresh(&txn, &tenant, order.customer_id, lines.iter().map(|l| l.part_id)).await?;
    if let By::Shop(_) = by {
        // Units the shop no longer wants do not count against the dealer's fill rate.
        let units = lines
            .iter()
            .map(|l| i64::from(l.reserved_quantity + l.backorder_quantity))
            .sum();
        super::add_figures(
            &txn,
            &order,
            Delta {
                units_shop_cancelled: units,
                ..Delta::default()
            },
        )
        .await?;
    }
    let data = json!({
        "order_id": order.id,
        "customer_id": order.customer_id,
        "reason": reason,
        "by": by.side(),
        "lines": released,
    });
    announce(
        &txn,
        &order,
        EventKind::OrderCancelled,
        "order.cancelled",
        Some(by),
        data,
        now,
    )
    .await?;
    txn.commit().await?;
    super::find(db, scope.tenant, scope.customer, id).await
}

/// Cancels what has not left of a dispatched order (staff only): reserved units go back on the
/// shelf, backorders are dropped, what is on its way stays. Once every shipment has arrived
/// the order is `delivered`. A retry answers with the order; with nothing left to cancel, 409
/// `nothing_to_cancel`.
async fn cancel_rest(
    db: &DatabaseConnection,
    txn: sea_orm::DatabaseTransaction,
    scope: Scope,
    by: By,
    order: orders::Model,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<OrderResponse> {
    let id = order.id;
    let mut lines = lines_of(&txn, &order).await?;
    let rest: i32 = lines.iter().map(|l| l.reserved_quantity + l.backorder_quantity).sum();
    if rest == 0 {
        drop(txn);
        if order.cancelled_at.is_some() {
            return super::find(db, scope.tenant, scope.customer, id).await;
        }
        return Err(Error::WrongState {
            code: "nothing_to_cancel",
            detail: "everything of this order has left; a return takes back what arrived".to_owned(),
            current: order.status.as_str().to_owned(),
        });
    }
    // Once per order: the row's update also holds off a concurrent dispatch's reading of it.
    let marked = orders::Entity::scoped_update(order.tenant_id)
        .col_expr(orders::Column::CancelledAt, Expr::value(now))
        .col_expr(orders::Column::CancelReason, Expr::value(reason.clone()))
        .col_expr(orders::Column::CancelledBy, Expr::value(by.actor()))
        .filter(orders::Column::Id.eq(order.id))
        .filter(orders::Column::Status.eq(OrderStatus::Dispatched.as_str()))
        .filter(orders::Column::CancelledAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if marked != 1 {
        drop(txn);
        return super::find(db, scope.tenant, scope.customer, id).await;
    }
    // The customer's purchases are rewritten below: its lock before the stock rows.
    crate::db::lock_customer_writes(&txn, order.tenant_id, order.customer_id).await?;
    lines.sort_by_key(|l| l.part_id);
    let mut released = Vec::new();
    for line in lines.iter().filter(|l| l.reserved_quantity + l.backorder_quantity > 0) {
        // Only as read: a shipment that took these units meanwhile makes this a conflict.
        let updated = order_lines::Entity::scoped_update(order.tenant_id)
            .col_expr(
                order_lines::Column::CancelledQuantity,
                Expr::col(order_lines::Column::CancelledQuantity).add(line.reserved_quantity + line.backorder_quantity),
            )
            .col_expr(order_lines::Column::ReservedQuantity, Expr::value(0))
            .col_expr(order_lines::Column::BackorderQuantity, Expr::value(0))
            .filter(order_lines::Column::Id.eq(line.id))
            .filter(order_lines::Column::ReservedQuantity.eq(line.reserved_quantity))
            .filter(order_lines::Column::BackorderQuantity.eq(line.backorder_quantity))
            .exec(&txn)
            .await?
            .rows_affected;
        if updated != 1 {
            return Err(Error::WrongState {
                code: "concurrent_dispatch",
                detail: "a shipment of this order took these units; read the order and try again".to_owned(),
                current: OrderStatus::Dispatched.as_str().to_owned(),
            });
        }
        stock::release(&txn, order.tenant_id, line.part_id, i64::from(line.reserved_quantity)).await?;
        released.push(json!({
            "order_line_id": line.id,
            "part_id": line.part_id,
            "released": line.reserved_quantity,
            "backorder_dropped": line.backorder_quantity,
        }));
    }
    let tenant = crate::tenants::find(&txn, order.tenant_id).await?;
    let cancelled = lines.iter().filter(|l| l.reserved_quantity + l.backorder_quantity > 0);
    crate::insights::purchases::refresh(&txn, &tenant, order.customer_id, cancelled.map(|l| l.part_id)).await?;
    let shipments = order_shipments::Entity::scoped(order.tenant_id)
        .filter(order_shipments::Column::OrderId.eq(order.id))
        .all(&txn)
        .await?;
    let complete = shipments.iter().all(|s| s.delivered_at.is_some());
    if complete {
        if !transition(&txn, &order, OrderStatus::Delivered, |u| u).await? {
            drop(txn);
            return super::find(db, scope.tenant, scope.customer, id).await;
        }
        let last = shipments.iter().filter_map(|s| s.delivered_at).max();
        if let Some(last) = last {
            super::add_figures(
                &txn,
                &order,
                Delta {
                    orders_delivered: 1,
                    delivery_ms: vec![elapsed_ms(order.created_at, last)],
                    ..Delta::default()
                },
            )
            .await?;
        }
    }
    let data = json!({
        "order_id": order.id,
        "customer_id": order.customer_id,
        "reason": reason,
        "by": by.side(),
        "lines": released,
        "complete": complete,
    });
    announce(
        &txn,
        &order,
        EventKind::OrderRestCancelled,
        "order.rest_cancelled",
        Some(by),
        data,
        now,
    )
    .await?;
    txn.commit().await?;
    super::find(db, scope.tenant, scope.customer, id).await
}
