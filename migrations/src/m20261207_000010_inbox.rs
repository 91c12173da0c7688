//! What the console's inbox needs: each staff member's read marks, who is answering an
//! inquiry (a claim), and the dealer's response target.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum InquiryReads {
    Table,
    TenantId,
    UserId,
    InquiryId,
    ReadAt,
}

#[derive(DeriveIden)]
enum InquiryClaims {
    Table,
    InquiryId,
    TenantId,
    UserId,
    ClaimedAt,
    ExpiresAt,
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
            .alter_table(
                Table::alter()
                    .table(Alias::new("tenants"))
                    .add_column(
                        ColumnDef::new(Alias::new("response_target_minutes"))
                            .integer()
                            .not_null()
                            .default(15),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InquiryReads::Table)
                    .col(ColumnDef::new(InquiryReads::TenantId).uuid().not_null())
                    .col(ColumnDef::new(InquiryReads::UserId).uuid().not_null())
                    .col(ColumnDef::new(InquiryReads::InquiryId).uuid().not_null())
                    .col(
                        ColumnDef::new(InquiryReads::ReadAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    // In the order the unread filter reads it: a person's marks in their dealer.
                    .primary_key(
                        Index::create()
                            .col(InquiryReads::TenantId)
                            .col(InquiryReads::UserId)
                            .col(InquiryReads::InquiryId),
                    )
                    .foreign_key(&mut cascade(InquiryReads::Table, InquiryReads::TenantId, "tenants"))
                    .foreign_key(&mut cascade(InquiryReads::Table, InquiryReads::UserId, "users"))
                    .foreign_key(&mut cascade(InquiryReads::Table, InquiryReads::InquiryId, "inquiries"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InquiryClaims::Table)
                    .col(ColumnDef::new(InquiryClaims::InquiryId).uuid().not_null().primary_key())
                    .col(ColumnDef::new(InquiryClaims::TenantId).uuid().not_null())
                    .col(ColumnDef::new(InquiryClaims::UserId).uuid().not_null())
                    .col(
                        ColumnDef::new(InquiryClaims::ClaimedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(InquiryClaims::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(&mut cascade(InquiryClaims::Table, InquiryClaims::TenantId, "tenants"))
                    .foreign_key(&mut cascade(InquiryClaims::Table, InquiryClaims::UserId, "users"))
                    .foreign_key(&mut cascade(
                        InquiryClaims::Table,
                        InquiryClaims::InquiryId,
                        "inquiries",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_inquiry_reads_inquiry")
                    .table(InquiryReads::Table)
                    .col(InquiryReads::InquiryId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_inquiry_claims_user")
                    .table(InquiryClaims::Table)
                    .col(InquiryClaims::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InquiryClaims::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(InquiryReads::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("tenants"))
                    .drop_column(Alias::new("response_target_minutes"))
                    .to_owned(),
            )
            .await
    }
}
