//! Schema migrations, written once for SQLite and PostgreSQL alike.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_foundation;
mod m20261122_000002_catalog;
mod m20261122_000003_touchpoints;
mod m20261122_000004_reminders;
mod m20261123_000005_metric_rollups;
mod m20261203_000006_session_generation;
mod m20261203_000007_inquiry_line_unit_and_split;
mod m20261203_000008_vehicle_aliases;
mod m20261207_000009_staff_sessions;
mod m20261207_000010_inbox;
mod m20261207_000011_event_stream;
mod m20261207_000012_order_lifecycle;
mod m20261207_000013_match_memory;
mod m20261207_000014_returns;
mod m20261207_000015_delivery_figures;
mod m20261207_000016_rejection_codes;
mod m20261207_000017_proactive_quotes;
mod m20261207_000018_notifications;
mod m20261207_000019_personal_channels;
mod m20261207_000020_login_failures;
mod m20261208_000021_insight_rollups;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_foundation::Migration),
            Box::new(m20261122_000002_catalog::Migration),
            Box::new(m20261122_000003_touchpoints::Migration),
            Box::new(m20261122_000004_reminders::Migration),
            Box::new(m20261123_000005_metric_rollups::Migration),
            Box::new(m20261203_000006_session_generation::Migration),
            Box::new(m20261203_000007_inquiry_line_unit_and_split::Migration),
            Box::new(m20261203_000008_vehicle_aliases::Migration),
            Box::new(m20261207_000009_staff_sessions::Migration),
            Box::new(m20261207_000010_inbox::Migration),
            Box::new(m20261207_000011_event_stream::Migration),
            Box::new(m20261207_000012_order_lifecycle::Migration),
            Box::new(m20261207_000013_match_memory::Migration),
            Box::new(m20261207_000014_returns::Migration),
            Box::new(m20261207_000015_delivery_figures::Migration),
            Box::new(m20261207_000016_rejection_codes::Migration),
            Box::new(m20261207_000017_proactive_quotes::Migration),
            Box::new(m20261207_000018_notifications::Migration),
            Box::new(m20261207_000019_personal_channels::Migration),
            Box::new(m20261207_000020_login_failures::Migration),
            Box::new(m20261208_000021_insight_rollups::Migration),
        ]
    }
}
