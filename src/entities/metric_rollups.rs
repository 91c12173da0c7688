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
    pub units_ordered: i64,
    pub units_backordered: i64,
    pub units_shop_cancelled: i64,
    pub units_delivered: i64,
    pub orders_dispatched: i64,
    pub orders_delivered: i64,
    pub shipments_promised: i64,
    pub shipments_on_time: i64,
    pub returns_opened: i64,
    pub returned_wrong_part: i64,
    pub returned_wrong_fitment: i64,
    pub returned_defective: i64,
    pub returned_damaged_in_transit: i64,
    pub returned_not_needed: i64,
    pub returned_other: i64,
    pub returns_resolved: i64,
    pub proactive_sent: i64,
    pub proactive_accepted: i64,
    pub proactive_value_minor: i64,
    /// Order placed to first dispatch, of the orders placed in the span (ms, as `response_ms`).
    #[sea_orm(column_type = "Text")]
    pub dispatch_ms: String,
    /// Order placed to everything received.
    #[sea_orm(column_type = "Text")]
    pub delivery_ms: String,
    /// Return opened to resolved, of the returns of orders placed in the span.
    #[sea_orm(column_type = "Text")]
    pub resolution_ms: String,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
