//! sea-orm entities. Tenant-owned entities implement [`crate::db::TenantScoped`] and are
//! only ever reached through it.

pub mod api_keys;
pub mod customers;
pub mod events;
pub mod tenants;
pub mod users;
