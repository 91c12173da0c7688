//! sea-orm entities. Tenant-owned entities implement [`crate::db::TenantScoped`] and are
//! only ever reached through it: the unscoped finders are disallowed (`clippy.toml`) outside
//! the sites that say why they reach across dealers. Here they are allowed only because
//! sea-orm's model macro writes them into every entity.
#![expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]

pub mod api_keys;
pub mod catalog_imports;
pub mod catalog_synonyms;
pub mod customers;
mod enums;
pub mod event_stream_heads;
pub mod events;
pub mod fitments;
pub mod idempotency_keys;
pub mod inquiries;
pub mod inquiry_claims;
pub mod inquiry_lines;
pub mod inquiry_reads;
pub mod insight_marks;
pub mod insight_rollups;
pub mod login_failures;
pub mod match_memory;
pub mod metric_rollups;
pub mod notification_channels;
pub mod notification_deliveries;
pub mod order_lines;
pub mod order_shipment_lines;
pub mod order_shipments;
pub mod orders;
pub mod part_numbers;
pub mod parts;
pub mod purchase_days;
pub mod quote_lines;
pub mod quote_options;
pub mod quotes;
pub mod reminders;
pub mod return_lines;
pub mod returns;
pub mod search_outbox;
pub mod staff_sessions;
pub mod tenants;
pub mod users;
pub mod vehicle_aliases;
pub mod webhook_deliveries;
pub mod webhooks;

pub use enums::{
    ChannelKind, Confidence, DeliveryState, ImportState, InquiryOrigin, LineStatus, MessageLanguage, NotificationEvent,
    OrderStatus, QuoteStatus, RejectionCode, ReminderStatus, Role,
};
