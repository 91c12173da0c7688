use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use crate::ids::TenantId;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tenants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub currency: String,
    /// Send a drafted quote at once when every line matched confidently and is in stock.
    pub auto_send: bool,
    /// How long a sent quote stays open for acceptance.
    pub quote_validity_hours: i32,
    /// Days before the expected purchase that a reminder is raised.
    pub reminder_lead_days: i32,
    /// Days after a reminder in which an order of the part counts as its conversion.
    pub reminder_window_days: i32,
    /// Reminder contacts per customer per 7 days; beyond it, the call list holds reminders back.
    pub reminder_contacts_per_week: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ActiveModelBehavior for ActiveModel {}
