use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use crate::ids::{PartId, TenantId};

/// "This part changed": written in the transaction that changed it, drained by the indexer,
/// which reads the part's current state (so order and repeats do not matter).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: TenantId,
    pub part_id: PartId,
    pub created_at: DateTime<Utc>,
}

impl ActiveModelBehavior for ActiveModel {}
