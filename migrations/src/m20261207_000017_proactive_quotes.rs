//! Proactive quotes: a due reminder can become a quote the dealer sends unasked. Such a quote
//! hangs on an inquiry the dealer opened for the shop (`inquiries.origin = 'reminder'`), names
//! its reminder (`quotes.reminder_id`, and the reminder its latest quote in `quote_id`), and its
//! lines are marked `proactive` so that figures of what shops asked leave them out. A dealer
//! may have them sent by themselves `proactive_quote_days` before the expected date (null: off).
//! The rollups gain the proactive quotes sent and accepted and the value of their orders;
//! before this migration there were none, so zero is right for every existing row.

use sea_orm_migration::prelude::*;

const ROLLUP_COUNTERS: [&str; 3] = ["proactive_sent", "proactive_accepted", "proactive_value_minor"];

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn add(manager: &SchemaManager<'_>, table: &str, column: ColumnDef) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(Alias::new(table))
                .add_column(column.to_owned())
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        add(
            manager,
            "inquiries",
            ColumnDef::new(Alias::new("origin"))
                .string()
                .not_null()
                .default("shop")
                .to_owned(),
        )
        .await?;
        add(
            manager,
            "quotes",
            ColumnDef::new(Alias::new("reminder_id")).uuid().null().to_owned(),
        )
        .await?;
        add(
            manager,
            "quote_lines",
            ColumnDef::new(Alias::new("proactive"))
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
        )
        .await?;
        add(
            manager,
            "reminders",
            ColumnDef::new(Alias::new("quote_id")).uuid().null().to_owned(),
        )
        .await?;
        add(
            manager,
            "tenants",
            ColumnDef::new(Alias::new("proactive_quote_days"))
                .integer()
                .null()
                .to_owned(),
        )
        .await?;
        for name in ROLLUP_COUNTERS {
            add(
                manager,
                "metric_rollups",
                ColumnDef::new(Alias::new(name))
                    .big_integer()
                    .not_null()
                    .default(0)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let drops = [
            ("inquiries", "origin"),
            ("quotes", "reminder_id"),
            ("quote_lines", "proactive"),
            ("reminders", "quote_id"),
            ("tenants", "proactive_quote_days"),
        ];
        for (table, column) in drops
            .into_iter()
            .chain(ROLLUP_COUNTERS.iter().map(|c| ("metric_rollups", *c)))
        {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .drop_column(Alias::new(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
