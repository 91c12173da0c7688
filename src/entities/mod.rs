//! sea-orm entities. Tenant-owned entities implement [`crate::db::TenantScoped`] and are
//! only ever reached through it: the unscoped finders are disallowed (`clippy.toml`) outside
//! the sites that say why they reach across dealers.

#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod api_keys;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod catalog_imports;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod catalog_synonyms;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod customers;
mod enums;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod events;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod fitments;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod idempotency_keys;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod inquiries;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod inquiry_lines;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod metric_rollups;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod order_lines;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod orders;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod part_numbers;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod parts;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod quote_lines;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod quote_options;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod quotes;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod reminders;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod search_outbox;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod tenants;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod users;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod webhook_deliveries;
#[expect(
    clippy::disallowed_methods,
    reason = "sea-orm's model macro writes unscoped finders; db::TenantScoped wraps them"
)]
pub mod webhooks;

pub use enums::{Confidence, DeliveryState, ImportState, LineStatus, QuoteStatus, ReminderStatus, Role};
