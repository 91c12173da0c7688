use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use super::{QuoteStatus, RejectionCode};
use crate::ids::{CustomerId, InquiryId, QuoteId, ReminderId, TenantId};

/// The dealer's answer to one inquiry.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quotes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: QuoteId,
    pub tenant_id: TenantId,
    pub inquiry_id: InquiryId,
    pub customer_id: CustomerId,
    pub status: QuoteStatus,
    pub currency: String,
    pub note: Option<String>,
    /// Sent without a person reviewing it (the dealer's `auto_send` setting).
    pub auto_sent: bool,
    pub valid_until: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    /// `usr_…` of the sender, or `auto`.
    pub sent_by: Option<String>,
    /// Milliseconds from the inquiry's arrival to sending.
    pub response_ms: Option<i64>,
    /// When the shop first opened the sent quote.
    pub viewed_at: Option<DateTime<Utc>>,
    /// When it was accepted, rejected, expired or cancelled.
    pub decided_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    pub rejection_code: Option<RejectionCode>,
    /// The reminder a proactive quote was drafted from.
    pub reminder_id: Option<ReminderId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
