use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use crate::ids::{TenantId, WebhookId};

/// A dealer's webhook endpoint.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: WebhookId,
    pub tenant_id: TenantId,
    pub url: String,
    /// Event types it receives.
    pub events: Json,
    /// `whsec_…`, the HMAC key deliveries are signed with.
    pub secret: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
