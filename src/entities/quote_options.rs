use sea_orm::entity::prelude::*;

use crate::ids::{PartId, QuoteId, QuoteLineId, QuoteOptionId, TenantId};

/// A priced part offered on a quote line; rank 0 is the proposal, others are alternatives.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quote_options")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: QuoteOptionId,
    pub tenant_id: TenantId,
    pub quote_id: QuoteId,
    pub quote_line_id: QuoteLineId,
    pub rank: i32,
    pub part_id: PartId,
    pub sku: String,
    pub name: String,
    pub brand: Option<String>,
    pub list_price_minor: i64,
    /// The customer's price, in minor units.
    pub unit_price_minor: i64,
    /// What can ship now (capped at stock).
    pub quantity: i32,
    /// What was asked for beyond stock.
    pub backorder_quantity: i32,
    pub stock: i64,
    pub reason: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
