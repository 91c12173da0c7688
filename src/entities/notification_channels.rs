use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use super::{ChannelKind, MessageLanguage};
use crate::ids::{ChannelId, TenantId, UserId};

/// Where the dealer's staff are notified, and of what.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_channels")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ChannelId,
    pub tenant_id: TenantId,
    /// A staff member's own channel; `None`: the dealer's, managed by owners and admins.
    pub user_id: Option<UserId>,
    pub kind: ChannelKind,
    pub name: String,
    pub enabled: bool,
    /// The events it carries (`NotificationEvent` names).
    pub events: Json,
    /// The robot's webhook address.
    pub url: Option<String>,
    /// The robot's signing secret, or the SMTP password; never shown back.
    pub secret: Option<String>,
    /// The SMTP server and addresses of an e-mail channel.
    pub smtp: Option<Json>,
    pub language: MessageLanguage,
    /// Hours of the dealer's day (0-23) from which, and until which, nothing is delivered.
    pub quiet_start: Option<i32>,
    pub quiet_end: Option<i32>,
    /// Messages delivered per hour at most; the rest wait for the next hour.
    pub hourly_cap: i32,
    /// The hour of the dealer's day at which the call list digest goes out.
    pub digest_hour: i32,
    /// Accepted quotes are announced from this value up (minor units).
    pub accepted_value_min_minor: i64,
    /// A part asked for by this many shops in a day with nothing to offer is a spike.
    pub spike_shops: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
