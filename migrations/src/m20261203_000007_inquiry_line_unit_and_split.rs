//! Inquiry lines keep the unit their quantity was counted in (`套`, `pcs`), and, where a shop's
//! line named several parts (`机滤+空滤`, `三滤`), the position of that line as sent.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for column in [
            ColumnDef::new(Alias::new("unit")).string_len(16).null().to_owned(),
            ColumnDef::new(Alias::new("split_from")).integer().null().to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("inquiry_lines"))
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["unit", "split_from"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("inquiry_lines"))
                        .drop_column(Alias::new(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
