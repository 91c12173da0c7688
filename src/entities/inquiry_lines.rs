use sea_orm::entity::prelude::*;

use super::Confidence;
use crate::ids::{InquiryId, InquiryLineId, TenantId};

/// One asked-for part, with the candidates the matcher found at the time.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "inquiry_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: InquiryLineId,
    pub tenant_id: TenantId,
    pub inquiry_id: InquiryId,
    pub position: i32,
    pub text: String,
    pub part_number: Option<String>,
    pub brand: Option<String>,
    pub quantity: i32,
    /// The unit the quantity was written in (`套`, `pcs`), if any.
    pub unit: Option<String>,
    /// Where the shop's line named several parts: that line's position as sent.
    pub split_from: Option<i32>,
    pub note: Option<String>,
    /// The best candidate's confidence.
    pub confidence: Confidence,
    /// Exactly what the matcher saw and decided, kept for the dealer's review.
    pub candidates: Json,
    /// The line as the match memory knows it (normalized words and numbers); `None` on lines
    /// matched before the memory existed.
    pub line_key: Option<String>,
    /// The vehicle the line was matched for (make and model family), empty for none.
    pub vehicle_key: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
