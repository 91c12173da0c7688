//! A shop rejecting a quote may give a reason code (`price`, `availability`, `delivery`,
//! `found_elsewhere`, `no_longer_needed`, `other`) beside its words, so the pricing insight can
//! count why quotes are lost. Earlier rejections have no code.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("quotes"))
                    .add_column(ColumnDef::new(Alias::new("rejection_code")).string().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("quotes"))
                    .drop_column(Alias::new("rejection_code"))
                    .to_owned(),
            )
            .await
    }
}
