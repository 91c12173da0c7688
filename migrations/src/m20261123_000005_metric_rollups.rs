//! Metric rollups: the additive touchpoint figures and the response times of each customer,
//! per day and per month in the dealer's time zone, so a year of metrics reads a few thousand
//! rows instead of every quote line.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn a(name: &str) -> Alias {
    Alias::new(name)
}

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(a(name))
}

fn count(name: &str) -> ColumnDef {
    col(name).big_integer().not_null().default(0).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(a("metric_rollups"))
            .col(col("tenant_id").uuid().not_null())
            .col(col("customer_id").uuid().not_null())
            .col(col("span").string_len(8).not_null())
            .col(col("start").date().not_null());
        for name in [
            "inquiries",
            "lines",
            "quoted",
            "bought",
            "auto_matched",
            "orders",
            "order_value_minor",
            "reminders_raised",
            "reminders_converted",
        ] {
            table.col(count(name));
        }
        table
            .col(col("response_ms").text().not_null().default(""))
            // In the order a dealer's period is read: every customer's rows of a few days,
            // weeks or months lie together (on SQLite the table is stored in this order).
            .primary_key(
                Index::create()
                    .col(a("tenant_id"))
                    .col(a("span"))
                    .col(a("start"))
                    .col(a("customer_id")),
            )
            .foreign_key(
                ForeignKey::create()
                    .from_col(a("tenant_id"))
                    .to_tbl(a("tenants"))
                    .to_col(a("id"))
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(
                ForeignKey::create()
                    .from_col(a("customer_id"))
                    .to_tbl(a("customers"))
                    .to_col(a("id"))
                    .on_delete(ForeignKeyAction::Cascade),
            );
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Sqlite {
            table.extra("WITHOUT ROWID");
        }
        manager.create_table(table.to_owned()).await?;
        // One customer's figures.
        manager
            .create_index(
                Index::create()
                    .name("ix_metric_rollups_customer")
                    .table(a("metric_rollups"))
                    .col(a("tenant_id"))
                    .col(a("customer_id"))
                    .col(a("span"))
                    .col(a("start"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(a("metric_rollups")).to_owned())
            .await
    }
}
