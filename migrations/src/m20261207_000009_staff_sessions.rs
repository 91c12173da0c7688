//! Browser sessions of dealer staff: an opaque token in an HttpOnly cookie, of which only a
//! SHA-256 hash is stored, with the CSRF token the session's writes must carry.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum StaffSessions {
    Table,
    Id,
    TenantId,
    UserId,
    TokenHash,
    CsrfToken,
    SessionGeneration,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

fn cascade(column: StaffSessions, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from_tbl(StaffSessions::Table)
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
                    .table(StaffSessions::Table)
                    .col(ColumnDef::new(StaffSessions::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(StaffSessions::TenantId).uuid().not_null())
                    .col(ColumnDef::new(StaffSessions::UserId).uuid().not_null())
                    .col(ColumnDef::new(StaffSessions::TokenHash).string().not_null())
                    .col(ColumnDef::new(StaffSessions::CsrfToken).string().not_null())
                    .col(ColumnDef::new(StaffSessions::SessionGeneration).integer().not_null())
                    .col(
                        ColumnDef::new(StaffSessions::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StaffSessions::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StaffSessions::RevokedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    // Removing a member of staff (or the dealer) ends their sessions with them.
                    .foreign_key(&mut cascade(StaffSessions::TenantId, "tenants"))
                    .foreign_key(&mut cascade(StaffSessions::UserId, "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_staff_sessions_token")
                    .table(StaffSessions::Table)
                    .col(StaffSessions::TokenHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_staff_sessions_user")
                    .table(StaffSessions::Table)
                    .col(StaffSessions::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_staff_sessions_expires")
                    .table(StaffSessions::Table)
                    .col(StaffSessions::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StaffSessions::Table).to_owned())
            .await
    }
}
