use sea_orm::entity::prelude::*;

use crate::ids::{OrderId, OrderLineId, PartId, ReturnId, TenantId};

/// Units of one order line a return sends back, with the part and price as they were bought.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "return_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub return_id: ReturnId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub order_line_id: OrderLineId,
    pub tenant_id: TenantId,
    pub order_id: OrderId,
    pub part_id: PartId,
    pub sku: String,
    pub name: String,
    pub quantity: i32,
    pub unit_price_minor: i64,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
