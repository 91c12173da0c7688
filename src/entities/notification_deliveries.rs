use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use super::{DeliveryState, NotificationEvent};
use crate::ids::{ChannelId, NotificationId, TenantId};

/// One notification and the state of its delivery (the persisted queue).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: NotificationId,
    pub tenant_id: TenantId,
    pub channel_id: ChannelId,
    pub event: NotificationEvent,
    /// What it announces (`inquiry_waiting:inq_…`): a channel gets each announcement once.
    pub dedupe_key: String,
    pub title: String,
    /// Markdown, as the robots render it.
    pub body: String,
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
