//! Failed logins in the database, not in each server's memory: behind several servers every
//! one counts the same failures, so five wrong passwords lock an email whichever servers they
//! reached.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("login_failures"))
                    .col(
                        ColumnDef::new(Alias::new("id"))
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Alias::new("throttle_key")).string().not_null())
                    .col(
                        ColumnDef::new(Alias::new("failed_at"))
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_login_failures_key")
                    .table(Alias::new("login_failures"))
                    .col(Alias::new("throttle_key"))
                    .col(Alias::new("failed_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_login_failures_failed_at")
                    .table(Alias::new("login_failures"))
                    .col(Alias::new("failed_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alias::new("login_failures")).to_owned())
            .await
    }
}
