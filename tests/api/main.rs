//! The HTTP API, tested over real HTTP. One binary (linking dominates build time).

mod helpers;

mod api_keys;
mod auth;
mod catalog;
mod console;
mod customers;
mod demo;
mod errors;
mod imports;
mod inbox;
mod inquiries;
mod insights;
mod layering;
mod match_memory;
mod metrics;
mod notifications;
mod ops;
mod orders;
mod proactive;
mod quotes;
mod reminders;
mod returns;
mod sessions;
mod shop_language;
mod stream;
mod tenancy;
mod users;
mod webhooks;
