use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use crate::ids::{ApiKeyId, CustomerId, TenantId, UserId};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ApiKeyId,
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub name: Option<String>,
    /// The first characters of the secret, shown so people can tell keys apart.
    pub prefix: String,
    /// SHA-256 of the whole secret; the secret itself is never stored.
    pub secret_hash: String,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Where the shop wants its sent quotes pushed (a signed webhook).
    pub callback_url: Option<String>,
    /// `whsec_…`, the HMAC key the callbacks are signed with.
    pub callback_secret: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
