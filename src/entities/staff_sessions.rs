use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use crate::ids::{StaffSessionId, TenantId, UserId};

/// A staff member's browser session. The cookie's token itself is never stored.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: StaffSessionId,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    /// SHA-256 of the cookie's token, in hex.
    pub token_hash: String,
    /// What the session's writes must send as `X-CSRF-Token`.
    pub csrf_token: String,
    /// The account's session generation at log-in: a password change ends the session.
    pub session_generation: i32,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Logged out.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
