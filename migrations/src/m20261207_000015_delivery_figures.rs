//! Delivery and after-sales figures in the metric rollups: units ordered, short at placement,
//! cancelled by the shop and delivered; orders dispatched and delivered with their times from
//! placement; shipments with a promised time and those on time; returns opened, their units
//! by reason, and returns resolved with their times. Order lines keep what was short when the
//! order was placed (`backordered_quantity`), which the running backorder count forgets;
//! earlier lines have 0.
//!
//! The rollups are emptied: on start, every dealer with history gets them derived again with
//! the new figures, as for a database from before rollups existed.

use sea_orm_migration::prelude::*;

/// Counters added to `metric_rollups`.
const COUNTERS: [&str; 16] = [
    "units_ordered",
    "units_backordered",
    "units_shop_cancelled",
    "units_delivered",
    "orders_dispatched",
    "orders_delivered",
    "shipments_promised",
    "shipments_on_time",
    "returns_opened",
    "returned_wrong_part",
    "returned_wrong_fitment",
    "returned_defective",
    "returned_damaged_in_transit",
    "returned_not_needed",
    "returned_other",
    "returns_resolved",
];

/// Lists of durations (milliseconds, comma-separated) added to `metric_rollups`.
const TIMES: [&str; 3] = ["dispatch_ms", "delivery_ms", "resolution_ms"];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for name in COUNTERS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("metric_rollups"))
                        .add_column(ColumnDef::new(Alias::new(name)).big_integer().not_null().default(0))
                        .to_owned(),
                )
                .await?;
        }
        for name in TIMES {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("metric_rollups"))
                        .add_column(ColumnDef::new(Alias::new(name)).text().not_null().default(""))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("order_lines"))
                    .add_column(
                        ColumnDef::new(Alias::new("backordered_quantity"))
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        // Earlier lines keep 0: what was short when they were placed was not recorded (what
        // still waits is not it, and orders from before reservations count all as waiting).
        manager
            .get_connection()
            .execute_unprepared("DELETE FROM metric_rollups")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("order_lines"))
                    .drop_column(Alias::new("backordered_quantity"))
                    .to_owned(),
            )
            .await?;
        for name in COUNTERS.iter().chain(TIMES.iter()) {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("metric_rollups"))
                        .drop_column(Alias::new(*name))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
