use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use crate::entities::OrderStatus;
use crate::ids::{ApiKeyId, CustomerId, InquiryId, OrderId, QuoteId, ReturnId, TenantId};

/// A purchase: the accepted part of a quote.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: OrderId,
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub quote_id: QuoteId,
    pub inquiry_id: InquiryId,
    pub api_key_id: Option<ApiKeyId>,
    pub currency: String,
    pub total_minor: i64,
    pub line_count: i32,
    pub created_at: DateTime<Utc>,
    pub status: OrderStatus,
    /// When picking started.
    pub picking_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    /// Who cancelled: a staff user id or the shop's API key id.
    pub cancelled_by: Option<String>,
    /// A replacement order: the return it replaces (made from the same quote, at no charge).
    pub return_id: Option<ReturnId>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
