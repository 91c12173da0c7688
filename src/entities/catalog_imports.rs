use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use super::ImportState;
use crate::ids::{ImportId, TenantId, UserId};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "catalog_imports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ImportId,
    pub tenant_id: TenantId,
    pub state: ImportState,
    pub format: String,
    pub mode: String,
    pub encoding: String,
    pub rows_read: i64,
    pub inserted: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub rejected: i64,
    pub deactivated: i64,
    /// The first 1,000 row errors and warnings.
    pub errors: Json,
    pub failure: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
