use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::entity::prelude::*;

use super::ReminderStatus;
use crate::ids::{CustomerId, OrderId, PartId, QuoteId, ReminderId, TenantId};

/// A predicted replenishment: the customer will likely need the part again around
/// `expected_on`; the dealer is reminded from `remind_on`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "reminders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ReminderId,
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub part_id: PartId,
    /// The last purchase before the prediction: it identifies the cycle, so one cycle never
    /// gets two reminders.
    pub cycle_start: DateTime<Utc>,
    pub status: ReminderStatus,
    pub expected_on: NaiveDate,
    pub remind_on: NaiveDate,
    pub interval_days: i32,
    pub suggested_quantity: i32,
    /// The purchases the prediction was derived from.
    pub history: Json,
    pub raised_at: DateTime<Utc>,
    pub snoozed_until: Option<NaiveDate>,
    pub contacted_at: Option<DateTime<Utc>>,
    pub contacted_by: Option<String>,
    pub dismissed_at: Option<DateTime<Utc>>,
    pub converted_at: Option<DateTime<Utc>>,
    pub converted_order_id: Option<OrderId>,
    /// The latest proactive quote drafted from it.
    pub quote_id: Option<QuoteId>,
    pub updated_at: DateTime<Utc>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
