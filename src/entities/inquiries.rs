use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use super::{InquiryOrigin, QuoteStatus};
use crate::ids::{ApiKeyId, CustomerId, InquiryId, TenantId};

/// An inquiry from a shop: what it asked for, with the vehicle it named.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "inquiries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: InquiryId,
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    /// The key the shop sent it with.
    pub api_key_id: Option<ApiKeyId>,
    /// The shop's own reference (its job card number, say).
    pub reference: Option<String>,
    /// The vehicle as given, with the decoded VIN.
    pub vehicle: Option<Json>,
    pub warnings: Json,
    /// Mirrors the quote's status, so inquiries can be filtered by it.
    pub status: QuoteStatus,
    pub line_count: i32,
    /// `reminder`: opened by the dealer for a proactive quote, not asked by the shop.
    pub origin: InquiryOrigin,
    pub received_at: DateTime<Utc>,
    /// When staff were notified that it waits past the response target.
    pub overdue_notified_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
