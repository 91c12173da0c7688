use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use crate::ids::{CustomerId, OrderId, OrderLineId, PartId, QuoteLineId, TenantId};

/// A bought part, with the quantity and price at purchase time.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: OrderLineId,
    pub tenant_id: TenantId,
    pub order_id: OrderId,
    pub customer_id: CustomerId,
    pub quote_line_id: QuoteLineId,
    pub part_id: PartId,
    pub sku: String,
    pub name: String,
    pub brand: Option<String>,
    /// Units bought: reserved + backorder + dispatched + cancelled.
    pub quantity: i32,
    /// Units waiting for stock (not reserved yet).
    pub backorder_quantity: i32,
    /// Units the shelf could not cover when the order was placed (the backorder rate's count;
    /// `backorder_quantity` falls as stock arrives).
    pub backordered_quantity: i32,
    /// Units held on the shelf for this line and not yet dispatched.
    pub reserved_quantity: i32,
    pub dispatched_quantity: i32,
    /// Of the dispatched units, those in shipments the shop has received.
    pub delivered_quantity: i32,
    /// Units released by a cancellation.
    pub cancelled_quantity: i32,
    pub unit_price_minor: i64,
    pub line_total_minor: i64,
    pub ordered_at: DateTime<Utc>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
