use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use crate::ids::{CustomerId, IdempotencyRecordId, TenantId};

/// The first response to a request made with an `Idempotency-Key`, replayed on retries.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: IdempotencyRecordId,
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub key: String,
    /// SHA-256 of the request, to tell a retry from a different request reusing the key.
    pub request_hash: String,
    pub status: i32,
    pub response: String,
    pub created_at: DateTime<Utc>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
