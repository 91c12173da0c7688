//! Backorders: order lines waiting for stock, and how much of each the shelf could fill now.
//! After an import or a part edit that raises stock, this is the list a dealer works through:
//! picking or dispatching one of these orders reserves the units for it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::OrderStatus;
use crate::db::TenantScoped;
use crate::entities::{order_lines, orders, parts};
use crate::error::Result;
use crate::ids::{CustomerId, OrderId, OrderLineId, PartId, TenantId};

/// At most this many lines in one answer (oldest first).
pub const LIMIT_MAX: u64 = 500;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BackorderParams {
    /// Only this part's backorders.
    pub part_id: Option<PartId>,
    /// Only lines the shelf could fill now, in part or in full (`fillable_quantity > 0`).
    pub fillable: Option<bool>,
    /// At most this many lines, 1-500 (default 200), oldest first.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BackorderLine {
    pub order_id: OrderId,
    pub order_line_id: OrderLineId,
    pub customer_id: CustomerId,
    pub order_status: OrderStatus,
    pub part_id: PartId,
    pub sku: String,
    pub name: String,
    pub ordered_at: DateTime<Utc>,
    /// Units waiting for stock.
    pub backorder_quantity: i32,
    /// Of those, what the part's available stock covers now, handed out oldest order first.
    pub fillable_quantity: i32,
    /// The part's available stock now (stock less every reservation).
    pub available: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BackorderList {
    pub items: Vec<BackorderLine>,
}

/// The dealer's open backorders, oldest first, each with what available stock could fill.
pub async fn list(db: &impl ConnectionTrait, tenant: TenantId, params: BackorderParams) -> Result<BackorderList> {
    let limit = params.limit.unwrap_or(200);
    if !(1..=LIMIT_MAX).contains(&limit) {
        return Err(crate::error::Error::field(
            "query.limit",
            "out_of_range",
            format!("between 1 and {LIMIT_MAX}"),
        ));
    }
    let mut query = order_lines::Entity::scoped(tenant)
        .filter(order_lines::Column::BackorderQuantity.gt(0))
        .order_by_asc(order_lines::Column::OrderedAt)
        .order_by_asc(order_lines::Column::Id);
    if let Some(part) = params.part_id {
        query = query.filter(order_lines::Column::PartId.eq(part));
    }
    let lines = query.all(db).await?;
    let order_ids: Vec<OrderId> = lines.iter().map(|l| l.order_id).collect();
    let part_ids: Vec<PartId> = lines.iter().map(|l| l.part_id).collect();
    let mut statuses: HashMap<OrderId, OrderStatus> = HashMap::new();
    let mut available: HashMap<PartId, i64> = HashMap::new();
    for chunk in order_ids.chunks(500) {
        let found: Vec<(OrderId, OrderStatus)> = orders::Entity::scoped(tenant)
            .select_only()
            .columns([orders::Column::Id, orders::Column::Status])
            .filter(orders::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        statuses.extend(found);
    }
    for chunk in part_ids.chunks(500) {
        let found: Vec<(PartId, i64, i64)> = parts::Entity::scoped(tenant)
            .select_only()
            .columns([parts::Column::Id, parts::Column::Stock, parts::Column::Reserved])
            .filter(parts::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        available.extend(
            found
                .into_iter()
                .map(|(id, stock, reserved)| (id, super::stock::available(stock, reserved))),
        );
    }
    let mut left = available.clone();
    let mut items = Vec::new();
    for line in lines {
        let Some(&status) = statuses.get(&line.order_id) else {
            continue;
        };
        let shelf = left.entry(line.part_id).or_default();
        let fillable = i32::try_from((*shelf).min(i64::from(line.backorder_quantity))).unwrap_or(0);
        *shelf -= i64::from(fillable);
        if params.fillable == Some(true) && fillable == 0 {
            continue;
        }
        items.push(BackorderLine {
            order_id: line.order_id,
            order_line_id: line.id,
            customer_id: line.customer_id,
            order_status: status,
            part_id: line.part_id,
            sku: line.sku,
            name: line.name,
            ordered_at: line.ordered_at,
            backorder_quantity: line.backorder_quantity,
            fillable_quantity: fillable,
            available: available.get(&line.part_id).copied().unwrap_or(0),
        });
        if items.len() as u64 >= limit {
            break;
        }
    }
    Ok(BackorderList { items })
}
