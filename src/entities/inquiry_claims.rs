use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use crate::ids::{InquiryId, TenantId, UserId};

/// Who is answering an inquiry, until when. A row past `expires_at` is a lapsed claim.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inquiry_claims")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub inquiry_id: InquiryId,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub claimed_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
