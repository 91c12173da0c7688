//! A dealer's memory of what its staff confirmed: for a line written a given way (normalized
//! text and vehicle), the parts sent for it after a person re-pointed the line, and the parts
//! found wrong for it (a `wrong_part` / `wrong_fitment` return, or marked so by staff). The
//! matcher reads it; inquiry lines keep the key they were matched under, so that a send or a
//! return later records against exactly that key.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum MatchMemory {
    Table,
    Id,
    TenantId,
    LineKey,
    VehicleKey,
    PartId,
    Verdict,
    Count,
    Reason,
    Source,
    Note,
    LineText,
    Vehicle,
    InquiryLineId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

fn cascade<T: IntoIden + 'static>(table: T, column: T, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from_tbl(table)
        .from_col(column)
        .to_tbl(Alias::new(to))
        .to_col(Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MatchMemory::Table)
                    .col(ColumnDef::new(MatchMemory::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(MatchMemory::TenantId).uuid().not_null())
                    .col(ColumnDef::new(MatchMemory::LineKey).text().not_null())
                    // Empty when the line named no vehicle: a unique index treats NULLs apart.
                    .col(ColumnDef::new(MatchMemory::VehicleKey).text().not_null())
                    .col(ColumnDef::new(MatchMemory::PartId).uuid().not_null())
                    .col(ColumnDef::new(MatchMemory::Verdict).text().not_null())
                    .col(ColumnDef::new(MatchMemory::Count).integer().not_null())
                    .col(ColumnDef::new(MatchMemory::Reason).text().null())
                    .col(ColumnDef::new(MatchMemory::Source).text().not_null())
                    .col(ColumnDef::new(MatchMemory::Note).text().null())
                    .col(ColumnDef::new(MatchMemory::LineText).text().not_null())
                    .col(ColumnDef::new(MatchMemory::Vehicle).text().null())
                    .col(ColumnDef::new(MatchMemory::InquiryLineId).uuid().null())
                    .col(
                        ColumnDef::new(MatchMemory::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MatchMemory::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(&mut cascade(MatchMemory::Table, MatchMemory::TenantId, "tenants"))
                    .foreign_key(&mut cascade(MatchMemory::Table, MatchMemory::PartId, "parts"))
                    .to_owned(),
            )
            .await?;
        // One verdict per dealer, line, vehicle and part; also the matcher's lookup by line.
        manager
            .create_index(
                Index::create()
                    .name("ux_match_memory_key")
                    .table(MatchMemory::Table)
                    .col(MatchMemory::TenantId)
                    .col(MatchMemory::LineKey)
                    .col(MatchMemory::VehicleKey)
                    .col(MatchMemory::PartId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_match_memory_part")
                    .table(MatchMemory::Table)
                    .col(MatchMemory::PartId)
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite alters a table one column at a time.
        for column in ["line_key", "vehicle_key"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("inquiry_lines"))
                        .add_column(ColumnDef::new(Alias::new(column)).text().null())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["line_key", "vehicle_key"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("inquiry_lines"))
                        .drop_column(Alias::new(column))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(MatchMemory::Table).to_owned())
            .await
    }
}
