//! partsdesk: a multi-tenant backend that lets auto-parts dealers answer repair shops'
//! inquiries with priced quotes in seconds.

pub mod api_keys;
pub mod app;
pub mod auth;
pub mod bench;
pub mod cache;
pub mod catalog;
pub mod claims;
pub mod cli;
pub mod clock;
pub mod config;
pub mod customers;
pub mod db;
pub mod entities;
pub mod error;
pub mod events;
pub mod http;
pub mod idempotency;
pub mod ids;
pub mod inquiries;
pub mod insights;
pub mod jobs;
pub mod matching;
pub mod metrics;
pub mod money;
pub mod notifications;
pub mod openapi;
pub mod ops;
pub mod orders;
pub mod pagination;
pub mod proactive;
pub mod quotes;
pub mod reminders;
pub mod returns;
pub mod search;
pub mod tenants;
#[cfg(test)]
pub mod testing;
pub mod users;
pub mod validate;
pub mod vehicles;
pub mod webhooks;
