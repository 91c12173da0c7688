//! The closed vocabularies stored in text columns: states, roles, confidence. Each is an
//! enum in the entities, so a row read back is already a valid state and a query cannot
//! name one that does not exist. (Plain comments on the enums that are API schemas: a doc
//! comment would become part of the published OpenAPI document.)

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// A staff member's role; each one may do what the roles below it may.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[sea_orm(string_value = "viewer")]
    Viewer,
    #[sea_orm(string_value = "sales")]
    Sales,
    #[sea_orm(string_value = "admin")]
    Admin,
    #[sea_orm(string_value = "owner")]
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Sales => "sales",
            Self::Admin => "admin",
            Self::Owner => "owner",
        }
    }

    /// Whether a staff member with this role may create, change or delete an account that
    /// has (or is to get) `target`.
    pub fn may_manage(self, target: Role) -> bool {
        match self {
            Self::Owner => target != Self::Owner,
            Self::Admin => matches!(target, Self::Sales | Self::Viewer),
            Self::Sales | Self::Viewer => false,
        }
    }
}

// A quote's state (an inquiry shows its quote's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum QuoteStatus {
    #[sea_orm(string_value = "draft")]
    Draft,
    #[sea_orm(string_value = "sent")]
    Sent,
    #[sea_orm(string_value = "accepted")]
    Accepted,
    #[sea_orm(string_value = "partially_accepted")]
    PartiallyAccepted,
    #[sea_orm(string_value = "rejected")]
    Rejected,
    #[sea_orm(string_value = "expired")]
    Expired,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

impl QuoteStatus {
    pub const ALL: [Self; 7] = [
        Self::Draft,
        Self::Sent,
        Self::Accepted,
        Self::PartiallyAccepted,
        Self::Rejected,
        Self::Expired,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Sent => "sent",
            Self::Accepted => "accepted",
            Self::PartiallyAccepted => "partially_accepted",
            Self::Rejected => "rejected",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// The state machine: draft -> sent -> accepted | partially_accepted | rejected | expired,
    /// and cancelled from draft or sent.
    pub fn may_become(self, next: Self) -> bool {
        use QuoteStatus::*;
        matches!(
            (self, next),
            (Draft, Sent | Cancelled) | (Sent, Accepted | PartiallyAccepted | Rejected | Expired | Cancelled)
        )
    }
}

/// Why a shop rejected a quote, from a fixed set (the shop's own words go beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize, ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum RejectionCode {
    /// Too expensive.
    #[sea_orm(string_value = "price")]
    Price,
    /// Not in stock, or not enough of it.
    #[sea_orm(string_value = "availability")]
    Availability,
    /// It would arrive too late.
    #[sea_orm(string_value = "delivery")]
    Delivery,
    /// Bought from someone else.
    #[sea_orm(string_value = "found_elsewhere")]
    FoundElsewhere,
    /// The car or the job no longer needs it.
    #[sea_orm(string_value = "no_longer_needed")]
    NoLongerNeeded,
    #[sea_orm(string_value = "other")]
    Other,
}

// Who opened an inquiry: the shop asking, or the dealer quoting a due reminder unasked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize, ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum InquiryOrigin {
    #[sea_orm(string_value = "shop")]
    Shop,
    #[sea_orm(string_value = "reminder")]
    Reminder,
}

/// What a quote line offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum LineStatus {
    #[sea_orm(string_value = "offered")]
    Offered,
    /// Nothing matched, or nothing matched has a price.
    #[sea_orm(string_value = "no_offer")]
    NoOffer,
    /// Staff marked it unavailable.
    #[sea_orm(string_value = "unavailable")]
    Unavailable,
}

impl LineStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Offered => "offered",
            Self::NoOffer => "no_offer",
            Self::Unavailable => "unavailable",
        }
    }
}

// How sure the matcher is of a candidate for an inquiry line.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Nothing in the catalog matched.
    #[sea_orm(string_value = "none")]
    None,
    /// A name match the vehicle does not confirm, a partial number with several hits, or a
    /// number one character off.
    #[sea_orm(string_value = "low")]
    Low,
    /// An equivalent by interchange, a number whose brand differs from the one asked for, a
    /// partial number with a single hit, or a name match that fits the vehicle.
    #[sea_orm(string_value = "high")]
    High,
    /// The number asked for is the part's own SKU, article, OE or supersession number, with
    /// the brand asked for (if any).
    #[sea_orm(string_value = "exact")]
    Exact,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Low => "low",
            Self::High => "high",
            Self::Exact => "exact",
        }
    }

    /// Confident enough to quote without a person checking.
    pub fn is_confident(self) -> bool {
        self >= Self::High
    }
}

/// A replenishment reminder's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ReminderStatus {
    #[sea_orm(string_value = "due")]
    Due,
    #[sea_orm(string_value = "snoozed")]
    Snoozed,
    /// The customer was contacted.
    #[sea_orm(string_value = "done")]
    Done,
    #[sea_orm(string_value = "dismissed")]
    Dismissed,
    #[sea_orm(string_value = "converted")]
    Converted,
}

impl ReminderStatus {
    pub const ALL: [Self; 5] = [Self::Due, Self::Snoozed, Self::Done, Self::Dismissed, Self::Converted];
    /// States in which an order can still convert the reminder.
    pub const OPEN: [Self; 3] = [Self::Due, Self::Snoozed, Self::Done];
    /// States in which staff may still act on it.
    pub const ACTIONABLE: [Self; 2] = [Self::Due, Self::Snoozed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Due => "due",
            Self::Snoozed => "snoozed",
            Self::Done => "done",
            Self::Dismissed => "dismissed",
            Self::Converted => "converted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }
}

/// A catalog import's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ImportState {
    #[sea_orm(string_value = "queued")]
    Queued,
    #[sea_orm(string_value = "running")]
    Running,
    #[sea_orm(string_value = "succeeded")]
    Succeeded,
    #[sea_orm(string_value = "failed")]
    Failed,
}

impl ImportState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }
}

/// A webhook message's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum DeliveryState {
    /// Waiting for its next attempt.
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "delivered")]
    Delivered,
    /// Retries exhausted.
    #[sea_orm(string_value = "failed")]
    Failed,
}

impl DeliveryState {
    pub const ALL: [Self; 3] = [Self::Pending, Self::Delivered, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == s)
    }
}

// An order's state. Partial dispatch is not a state of its own: an order is `dispatched` from
// its first shipment, and its lines say how much of each has left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    #[sea_orm(string_value = "confirmed")]
    Confirmed,
    #[sea_orm(string_value = "picking")]
    Picking,
    #[sea_orm(string_value = "dispatched")]
    Dispatched,
    #[sea_orm(string_value = "delivered")]
    Delivered,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [Self; 5] = [
        Self::Confirmed,
        Self::Picking,
        Self::Dispatched,
        Self::Delivered,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Picking => "picking",
            Self::Dispatched => "dispatched",
            Self::Delivered => "delivered",
            Self::Cancelled => "cancelled",
        }
    }

    /// The state machine: confirmed -> picking -> dispatched -> delivered, dispatch straight
    /// from confirmed, another shipment while dispatched, and cancelled before anything left.
    pub fn may_become(self, next: Self) -> bool {
        use OrderStatus::*;
        matches!(
            (self, next),
            (Confirmed, Picking | Dispatched | Cancelled)
                | (Picking, Dispatched | Cancelled)
                | (Dispatched, Dispatched | Delivered)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::QuoteStatus::*;
    use super::*;

    #[test]
    fn the_quote_state_machine_allows_only_forward_moves() {
        assert!(Draft.may_become(Sent));
        assert!(Draft.may_become(Cancelled));
        assert!(!Draft.may_become(Accepted));
        assert!(Sent.may_become(PartiallyAccepted));
        assert!(Sent.may_become(Expired));
        for terminal in [Accepted, PartiallyAccepted, Rejected, Expired, Cancelled] {
            for next in QuoteStatus::ALL {
                assert!(!terminal.may_become(next), "{terminal:?} -> {next:?}");
            }
        }
    }

    #[test]
    fn an_order_moves_forward_and_is_cancelled_only_before_it_leaves() {
        use OrderStatus as O;
        assert!(O::Confirmed.may_become(O::Picking));
        assert!(O::Confirmed.may_become(O::Dispatched));
        assert!(O::Picking.may_become(O::Cancelled));
        assert!(O::Dispatched.may_become(O::Dispatched));
        assert!(!O::Dispatched.may_become(O::Cancelled));
        assert!(!O::Picking.may_become(O::Delivered));
        for terminal in [O::Delivered, O::Cancelled] {
            for next in O::ALL {
                assert!(!terminal.may_become(next), "{terminal:?} -> {next:?}");
            }
        }
    }

    #[test]
    fn confidence_orders_from_none_to_exact() {
        assert!(Confidence::Exact > Confidence::High);
        assert!(Confidence::High.is_confident());
        assert!(!Confidence::Low.is_confident());
    }

    #[test]
    fn stored_names_are_the_api_names() {
        use sea_orm::ActiveEnum;
        for status in QuoteStatus::ALL {
            assert_eq!(status.to_value(), status.as_str());
        }
        for status in ReminderStatus::ALL {
            assert_eq!(status.to_value(), status.as_str());
        }
        for state in DeliveryState::ALL {
            assert_eq!(state.to_value(), state.as_str());
        }
        for status in OrderStatus::ALL {
            assert_eq!(status.to_value(), status.as_str());
        }
        for confidence in [Confidence::None, Confidence::Low, Confidence::High, Confidence::Exact] {
            assert_eq!(confidence.to_value(), confidence.as_str());
        }
    }
}

// Where a notification channel delivers: a group robot of WeCom (企业微信), DingTalk or Feishu, e-mail over SMTP, or the console's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize, ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    #[sea_orm(string_value = "wecom")]
    Wecom,
    #[sea_orm(string_value = "dingtalk")]
    Dingtalk,
    #[sea_orm(string_value = "feishu")]
    Feishu,
    #[sea_orm(string_value = "email")]
    Email,
    /// The console's own notification list (the bell), for every staff member of the dealer.
    #[sea_orm(string_value = "console")]
    Console,
}

// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize, ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum NotificationEvent {
    #[sea_orm(string_value = "inquiry_waiting")]
    InquiryWaiting,
    #[sea_orm(string_value = "call_list")]
    CallList,
    #[sea_orm(string_value = "demand_spike")]
    DemandSpike,
    #[sea_orm(string_value = "quote_accepted")]
    QuoteAccepted,
    #[sea_orm(string_value = "test")]
    Test,
}

impl NotificationEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InquiryWaiting => "inquiry_waiting",
            Self::CallList => "call_list",
            Self::DemandSpike => "demand_spike",
            Self::QuoteAccepted => "quote_accepted",
            Self::Test => "test",
        }
    }
}

// The language of a channel's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize, ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum MessageLanguage {
    #[sea_orm(string_value = "zh-CN")]
    #[serde(rename = "zh-CN")]
    Chinese,
    #[sea_orm(string_value = "en")]
    #[serde(rename = "en")]
    English,
}
