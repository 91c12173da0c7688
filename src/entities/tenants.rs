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
    /// Minutes within which the dealer means to answer an inquiry (the console colours the
    /// ones waiting longer).
    pub response_target_minutes: i32,
    /// Days after delivery in which a shop may open a return.
    pub return_window_days: i32,
    /// Send a proactive quote for a due reminder by itself this many days before the expected
    /// purchase; `None`: staff draft them.
    pub proactive_quote_days: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The dealer's IANA zone, in which its days, reports and reminders are reckoned. Sign-up
    /// accepts only valid zones; a row edited by hand falls back to Shanghai.
    pub fn tz(&self) -> chrono_tz::Tz {
        self.time_zone.parse().unwrap_or(chrono_tz::Asia::Shanghai)
    }

    /// The dealer's calendar day at `now`.
    pub fn today(&self, now: DateTime<Utc>) -> chrono::NaiveDate {
        now.with_timezone(&self.tz()).date_naive()
    }
}
