//! A dealer's own vehicle names (`小卡` for a COROLLA), one list per dealer as for synonyms.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum VehicleAliases {
    Table,
    TenantId,
    Aliases,
    UpdatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(VehicleAliases::Table)
                    .col(ColumnDef::new(VehicleAliases::TenantId).uuid().not_null().primary_key())
                    .col(ColumnDef::new(VehicleAliases::Aliases).json().not_null())
                    .col(
                        ColumnDef::new(VehicleAliases::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from_tbl(VehicleAliases::Table)
                            .from_col(VehicleAliases::TenantId)
                            .to_tbl(Alias::new("tenants"))
                            .to_col(Alias::new("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(VehicleAliases::Table).to_owned())
            .await
    }
}
