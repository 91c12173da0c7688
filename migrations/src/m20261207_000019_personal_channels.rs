//! Notification channels of one staff member's own (`user_id`): each chooses the events they
//! want and where (their mailbox, their own bell), beside the dealer's shared channels.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("notification_channels"))
                    .add_column(ColumnDef::new(Alias::new("user_id")).uuid().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("notification_channels"))
                    .drop_column(Alias::new("user_id"))
                    .to_owned(),
            )
            .await
    }
}
