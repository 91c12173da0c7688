use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use crate::ids::{CustomerId, EventId, TenantId};

/// Append-only touchpoint log: rows are inserted, never deleted, and never changed except for
/// `stream_seq`, which the live stream sets once (see `events::stream`).
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
    /// The event's place in its dealer's live stream, given once it is committed; `None` until
    /// then, 0 for events from before the stream existed.
    pub stream_seq: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
