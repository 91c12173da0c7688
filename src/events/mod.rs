//! The append-only touchpoint log. Every interaction between a dealer and its customers is
//! recorded here, in the same transaction as the change it describes; metrics are computed
//! from it.

pub mod routes;
pub mod stream;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

use crate::entities::events;
use crate::error::Result;
use crate::ids::{CustomerId, EventId, TenantId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    CustomerCreated,
    CustomerUpdated,
    CustomerArchived,
    ApiKeyIssued,
    ApiKeyRevoked,
    InquiryReceived,
    QuoteDrafted,
    QuoteUpdated,
    QuoteSent,
    QuoteViewed,
    QuoteAccepted,
    QuoteRejected,
    QuoteExpired,
    QuoteCancelled,
    OrderCreated,
    OrderPicking,
    OrderDispatched,
    OrderDelivered,
    OrderCancelled,
    OrderRestCancelled,
    BackorderFilled,
    ReturnRequested,
    ReturnAccepted,
    ReturnRejected,
    ReturnResolved,
    ReminderRaised,
    ReminderConverted,
    InquiryClaimed,
    InquiryReleased,
    ImportFinished,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CustomerCreated => "customer_created",
            Self::CustomerUpdated => "customer_updated",
            Self::CustomerArchived => "customer_archived",
            Self::ApiKeyIssued => "api_key_issued",
            Self::ApiKeyRevoked => "api_key_revoked",
            Self::InquiryReceived => "inquiry_received",
            Self::QuoteDrafted => "quote_drafted",
            Self::QuoteUpdated => "quote_updated",
            Self::QuoteSent => "quote_sent",
            Self::QuoteViewed => "quote_viewed",
            Self::QuoteAccepted => "quote_accepted",
            Self::QuoteRejected => "quote_rejected",
            Self::QuoteExpired => "quote_expired",
            Self::QuoteCancelled => "quote_cancelled",
            Self::OrderCreated => "order_created",
            Self::OrderPicking => "order_picking",
            Self::OrderDispatched => "order_dispatched",
            Self::OrderDelivered => "order_delivered",
            Self::OrderCancelled => "order_cancelled",
            Self::OrderRestCancelled => "order_rest_cancelled",
            Self::BackorderFilled => "backorder_filled",
            Self::ReturnRequested => "return_requested",
            Self::ReturnAccepted => "return_accepted",
            Self::ReturnRejected => "return_rejected",
            Self::ReturnResolved => "return_resolved",
            Self::ReminderRaised => "reminder_raised",
            Self::ReminderConverted => "reminder_converted",
            Self::InquiryClaimed => "inquiry_claimed",
            Self::InquiryReleased => "inquiry_released",
            Self::ImportFinished => "import_finished",
        }
    }
}

pub struct NewEvent {
    pub tenant: TenantId,
    pub customer: Option<CustomerId>,
    pub kind: EventKind,
    /// The id of the thing the event is about (`cus_…`, `key_…`, later `inq_…`).
    pub subject: String,
    pub actor: Option<String>,
    pub at: DateTime<Utc>,
    pub payload: serde_json::Value,
}

pub async fn record(conn: &impl ConnectionTrait, event: NewEvent) -> Result<EventId> {
    let id = EventId::generate();
    events::ActiveModel {
        id: Set(id),
        tenant_id: Set(event.tenant),
        customer_id: Set(event.customer),
        kind: Set(event.kind.as_str().to_owned()),
        subject_id: Set(event.subject),
        actor: Set(event.actor),
        occurred_at: Set(event.at),
        payload: Set(event.payload),
        stream_seq: Set(None),
    }
    .insert(conn)
    .await?;
    stream::recorded(event.tenant);
    Ok(id)
}
