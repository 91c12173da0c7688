use chrono::NaiveDate;
use sea_orm::entity::prelude::*;

use crate::ids::{CustomerId, TenantId};

/// One customer's touchpoint figures over one day or one month of the dealer's calendar,
/// kept in the transactions that change them (see `crate::metrics::rollup`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "metric_rollups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: TenantId,
    /// `day`, `week` (from Monday) or `month`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub span: String,
    /// The first day of the span.
    #[sea_orm(primary_key, auto_increment = false)]
    pub start: NaiveDate,
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_id: CustomerId,
    pub inquiries: i64,
    pub lines: i64,
    pub quoted: i64,
    pub bought: i64,
    pub auto_matched: i64,
    pub orders: i64,
    pub order_value_minor: i64,
    pub reminders_raised: i64,
    pub reminders_converted: i64,
    /// Response times of the quotes sent for inquiries received in the span, in
    /// milliseconds, comma-separated in no particular order: percentiles need every value.
    #[sea_orm(column_type = "Text")]
    pub response_ms: String,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
