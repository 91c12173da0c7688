use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use super::DeliveryState;
use crate::ids::{ApiKeyId, DeliveryId, TenantId, WebhookId};

/// One webhook message and the state of its delivery (the persisted queue).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: DeliveryId,
    pub tenant_id: TenantId,
    /// Set for a dealer webhook; `api_key_id` is set instead for a shop's callback.
    pub webhook_id: Option<WebhookId>,
    pub api_key_id: Option<ApiKeyId>,
    pub event_type: String,
    pub url: String,
    /// The exact bytes signed and sent, so every retry is identical.
    pub body: String,
    /// `pending`, `delivered` or `failed` (gave up).
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<i32>,
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
