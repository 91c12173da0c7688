use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use super::Role;
use crate::ids::{TenantId, UserId};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: UserId,
    pub tenant_id: TenantId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    /// When the password was last set.
    pub credentials_changed_at: DateTime<Utc>,
    /// Bumped by every password change or reset; a token issued under an earlier generation
    /// is refused, so changing a password ends the sessions before it.
    pub session_generation: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
