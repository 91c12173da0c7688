use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::{ApiKeyId, CustomerId, OrderId, ReturnId, TenantId};

// Why a shop sends parts back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize, ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum ReturnReason {
    #[sea_orm(string_value = "wrong_part")]
    WrongPart,
    #[sea_orm(string_value = "wrong_fitment")]
    WrongFitment,
    #[sea_orm(string_value = "defective")]
    Defective,
    #[sea_orm(string_value = "damaged_in_transit")]
    DamagedInTransit,
    #[sea_orm(string_value = "not_needed")]
    NotNeeded,
    #[sea_orm(string_value = "other")]
    Other,
}

impl ReturnReason {
    pub const ALL: [Self; 6] = [
        Self::WrongPart,
        Self::WrongFitment,
        Self::Defective,
        Self::DamagedInTransit,
        Self::NotNeeded,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::WrongPart => "wrong_part",
            Self::WrongFitment => "wrong_fitment",
            Self::Defective => "defective",
            Self::DamagedInTransit => "damaged_in_transit",
            Self::NotNeeded => "not_needed",
            Self::Other => "other",
        }
    }

    /// Whether returned units can be sold again: everything but a faulty or broken part.
    pub fn resalable(self) -> bool {
        !matches!(self, Self::Defective | Self::DamagedInTransit)
    }
}

// A return's state: requested -> accepted -> resolved, or requested -> rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize, ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum ReturnStatus {
    #[sea_orm(string_value = "requested")]
    Requested,
    #[sea_orm(string_value = "accepted")]
    Accepted,
    #[sea_orm(string_value = "rejected")]
    Rejected,
    #[sea_orm(string_value = "resolved")]
    Resolved,
}

impl ReturnStatus {
    pub const ALL: [Self; 4] = [Self::Requested, Self::Accepted, Self::Rejected, Self::Resolved];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Resolved => "resolved",
        }
    }

    /// The state machine.
    pub fn may_become(self, next: Self) -> bool {
        matches!(
            (self, next),
            (Self::Requested, Self::Accepted | Self::Rejected) | (Self::Accepted, Self::Resolved)
        )
    }
}

// How the parts come back to the dealer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize, ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum Handover {
    /// The dealer collects them from the shop.
    #[sea_orm(string_value = "pickup")]
    Pickup,
    /// The shop brings them to the dealer.
    #[sea_orm(string_value = "drop_off")]
    DropOff,
}

// How the dealer made it right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize, ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    #[sea_orm(string_value = "refund")]
    Refund,
    #[sea_orm(string_value = "replacement")]
    Replacement,
    #[sea_orm(string_value = "credit_note")]
    CreditNote,
}

/// A shop's return of delivered units of one order.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "returns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ReturnId,
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub order_id: OrderId,
    /// The API key the shop opened it with.
    pub api_key_id: Option<ApiKeyId>,
    pub reason: ReturnReason,
    pub note: Option<String>,
    /// `["https://…", …]`
    pub photo_urls: Json,
    pub status: ReturnStatus,
    pub requested_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub handover: Option<Handover>,
    pub accept_note: Option<String>,
    pub rejected_at: Option<DateTime<Utc>>,
    pub reject_reason: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolution: Option<Resolution>,
    /// Refund or credit note, in minor units.
    pub amount_minor: Option<i64>,
    pub replacement_order_id: Option<OrderId>,
    /// The returned units went back on the shelf (resalable reasons, at resolution).
    pub restocked: bool,
    /// The staff user who accepted, rejected or resolved it last.
    pub decided_by: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::ActiveEnum;

    use super::*;

    #[test]
    fn a_return_is_decided_once_and_resolved_after_acceptance() {
        use ReturnStatus as S;
        assert!(S::Requested.may_become(S::Accepted));
        assert!(S::Requested.may_become(S::Rejected));
        assert!(S::Accepted.may_become(S::Resolved));
        assert!(!S::Requested.may_become(S::Resolved));
        assert!(!S::Accepted.may_become(S::Rejected));
        for terminal in [S::Rejected, S::Resolved] {
            for next in S::ALL {
                assert!(!terminal.may_become(next), "{terminal:?} -> {next:?}");
            }
        }
        for status in S::ALL {
            assert_eq!(status.to_value(), status.as_str());
        }
        for reason in ReturnReason::ALL {
            assert_eq!(reason.to_value(), reason.as_str());
        }
        assert!(ReturnReason::NotNeeded.resalable());
        assert!(!ReturnReason::Defective.resalable());
        assert!(!ReturnReason::DamagedInTransit.resalable());
    }
}
