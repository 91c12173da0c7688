use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use super::{Confidence, LineStatus};
use crate::ids::{CustomerId, InquiryLineId, QuoteId, QuoteLineId, TenantId};

/// One line of a quote, answering one inquiry line.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quote_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: QuoteLineId,
    pub tenant_id: TenantId,
    pub quote_id: QuoteId,
    pub inquiry_line_id: InquiryLineId,
    pub position: i32,
    pub requested_quantity: i32,
    /// `offered`, `no_offer` (nothing matched or nothing priced) or `unavailable` (staff said so).
    pub status: LineStatus,
    /// The matcher's confidence in the line's first option.
    pub confidence: Confidence,
    pub note: Option<String>,
    /// Staff changed what the matcher proposed (feeds the auto-match rate).
    pub changed_by_staff: bool,
    /// The inquiry's customer and arrival, copied so metrics need no join.
    pub customer_id: CustomerId,
    pub received_at: DateTime<Utc>,
    /// The quote was sent (with this line as it is now).
    pub sent: bool,
    /// The shop bought this line.
    pub bought: bool,
    /// Part of a proactive quote (the dealer's offer, not a shop's question).
    pub proactive: bool,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
