//! sea-orm entities. Tenant-owned entities implement [`crate::db::TenantScoped`] and are
//! only ever reached through it.

pub mod api_keys;
pub mod catalog_imports;
pub mod catalog_synonyms;
pub mod customers;
pub mod events;
pub mod fitments;
pub mod part_numbers;
pub mod parts;
pub mod search_outbox;
pub mod tenants;
pub mod users;
