use sea_orm::entity::prelude::*;

use crate::ids::{OrderId, OrderLineId, ShipmentId, TenantId};

/// How many units of one order line a shipment carries.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_shipment_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub shipment_id: ShipmentId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub order_line_id: OrderLineId,
    pub tenant_id: TenantId,
    pub order_id: OrderId,
    pub quantity: i32,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
