//! Insight rollups: the unmet-demand and pricing aggregates of each finished day and month of
//! a dealer's calendar, so a year of insights reads a few thousand rows instead of every quote
//! line. `insight_marks` counts the changes to each day and month (`changes`) and records the
//! count the rollups were derived at (`derived`): a span is fresh while the two are equal.
//! `purchase_days`: each customer's purchases of each part, by day, kept beside the orders, so
//! the restock forecast reads one row per customer and part instead of every order line.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn a(name: &str) -> Alias {
    Alias::new(name)
}

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(a(name))
}

fn to_tenants() -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from_col(a("tenant_id"))
        .to_tbl(a("tenants"))
        .to_col(a("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sqlite = manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Sqlite;
        let mut marks = Table::create();
        marks
            .table(a("insight_marks"))
            .col(col("tenant_id").uuid().not_null())
            .col(col("span").string_len(8).not_null())
            .col(col("start").date().not_null())
            .col(col("changes").big_integer().not_null().default(0))
            .col(col("derived").big_integer().null())
            .primary_key(Index::create().col(a("tenant_id")).col(a("span")).col(a("start")))
            .foreign_key(&mut to_tenants());
        if sqlite {
            marks.extra("WITHOUT ROWID");
        }
        manager.create_table(marks.to_owned()).await?;
        // The derivation's work list, oldest first: only the spans that are behind, whatever the
        // table's size (today's and yesterday's of every dealer are always there).
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_insight_marks_behind ON insight_marks (span, start) \
                 WHERE derived IS NULL OR derived <> changes",
            )
            .await?;

        let mut rollups = Table::create();
        rollups
            .table(a("insight_rollups"))
            .col(col("tenant_id").uuid().not_null())
            .col(col("insight").string_len(16).not_null())
            .col(col("span").string_len(8).not_null())
            .col(col("start").date().not_null())
            .col(col("key").text().not_null())
            .col(col("body").text().not_null())
            // In the order a period is read: one insight's spans of a dealer lie together.
            .primary_key(
                Index::create()
                    .col(a("tenant_id"))
                    .col(a("insight"))
                    .col(a("span"))
                    .col(a("start"))
                    .col(a("key")),
            )
            .foreign_key(&mut to_tenants());
        if sqlite {
            rollups.extra("WITHOUT ROWID");
        }
        manager.create_table(rollups.to_owned()).await?;

        let mut purchases = Table::create();
        purchases
            .table(a("purchase_days"))
            .col(col("tenant_id").uuid().not_null())
            .col(col("customer_id").uuid().not_null())
            .col(col("part_id").uuid().not_null())
            .col(col("days").text().not_null())
            .primary_key(
                Index::create()
                    .col(a("tenant_id"))
                    .col(a("customer_id"))
                    .col(a("part_id")),
            )
            .foreign_key(&mut to_tenants());
        if sqlite {
            purchases.extra("WITHOUT ROWID");
        }
        manager.create_table(purchases.to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(a("purchase_days")).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(a("insight_rollups")).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(a("insight_marks")).to_owned())
            .await
    }
}
