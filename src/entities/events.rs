use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use crate::ids::{CustomerId, EventId, TenantId};

/// Append-only touchpoint log: rows are inserted, never updated or deleted.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: EventId,
    pub tenant_id: TenantId,
    pub customer_id: Option<CustomerId>,
    pub kind: String,
    pub subject_id: String,
    /// Who caused it: a user id (`usr_…`) or an API key id (`key_…`).
    pub actor: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub payload: Json,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
