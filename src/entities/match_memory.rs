use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::{InquiryLineId, MatchMemoryId, PartId, TenantId};

// What a dealer's staff (or a return) said about a part for a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize, ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Staff re-pointed the line to this part and sent the quote.
    #[sea_orm(string_value = "confirmed")]
    Confirmed,
    /// The part was wrong for the line (a return, or staff marked it).
    #[sea_orm(string_value = "mismatch")]
    Mismatch,
}

// Why a part was wrong for a line (the return reasons that speak of matching).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize, ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum MismatchReason {
    #[sea_orm(string_value = "wrong_part")]
    WrongPart,
    #[sea_orm(string_value = "wrong_fitment")]
    WrongFitment,
}

impl MismatchReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WrongPart => "wrong_part",
            Self::WrongFitment => "wrong_fitment",
        }
    }
}

// Who said so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize, ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum MemorySource {
    /// A sent quote whose line staff had re-pointed.
    #[sea_orm(string_value = "sent_quote")]
    SentQuote,
    /// Staff marked the candidate wrong from the workbench.
    #[sea_orm(string_value = "staff")]
    Staff,
    /// A shop's return.
    #[sea_orm(string_value = "return")]
    Return,
}

/// One remembered verdict: for lines written this way (normalized text and vehicle), this part.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "match_memory")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: MatchMemoryId,
    pub tenant_id: TenantId,
    pub line_key: String,
    /// Empty when the line named no vehicle.
    pub vehicle_key: String,
    pub part_id: PartId,
    pub verdict: Verdict,
    /// Times this verdict was given since it was last different.
    pub count: i32,
    pub reason: Option<MismatchReason>,
    pub source: MemorySource,
    pub note: Option<String>,
    /// The line as last written, for people.
    pub line_text: String,
    pub vehicle: Option<String>,
    pub inquiry_line_id: Option<InquiryLineId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
