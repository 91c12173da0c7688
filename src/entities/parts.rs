use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use crate::ids::{PartId, TenantId};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "parts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: PartId,
    pub tenant_id: TenantId,
    /// The dealer's own code, unique per dealer.
    pub sku: String,
    pub brand: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub unit: Option<String>,
    /// List price in minor units (fen for CNY); never a float.
    pub price_minor: Option<i64>,
    pub currency: String,
    pub stock: i64,
    /// Units promised to orders and not yet dispatched (available = stock - reserved). Only
    /// order workflows write it: imports and edits leave it as it is.
    #[sea_orm(default_value = 0)]
    pub reserved: i64,
    pub active: bool,
    pub attributes: Json,
    /// Hash of everything an import can set, so re-importing an unchanged row writes nothing.
    pub content_hash: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}

/// What can still be promised: stock less reservations, never negative (an import may count
/// fewer units on the shelf than orders already hold).
pub fn available(stock: i64, reserved: i64) -> i64 {
    std::cmp::max(stock - reserved, 0)
}

impl Model {
    /// Units that can still be sold: stock less what orders hold.
    pub fn available(&self) -> i64 {
        available(self.stock, self.reserved)
    }
}
