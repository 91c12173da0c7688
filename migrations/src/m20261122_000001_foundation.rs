//! Tenants, staff users, customers (repair shops), shop API keys and the touchpoint events log.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{self, ConnectionTrait};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
    Slug,
    Name,
    TimeZone,
    Currency,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    TenantId,
    Email,
    Name,
    Role,
    PasswordHash,
    CredentialsChangedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    TenantId,
    Name,
    ContactName,
    Phone,
    Email,
    Address,
    PriceLevelBp,
    Notes,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    TenantId,
    CustomerId,
    Name,
    Prefix,
    SecretHash,
    CreatedBy,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    TenantId,
    CustomerId,
    Kind,
    SubjectId,
    Actor,
    OccurredAt,
    Payload,
}

fn uuid_pk<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).uuid().not_null().primary_key().to_owned()
}

fn uuid<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).uuid().not_null().to_owned()
}

fn text<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).string().not_null().to_owned()
}

fn text_null<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).string().null().to_owned()
}

fn instant<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).timestamp_with_time_zone().not_null().to_owned()
}

fn instant_null<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).timestamp_with_time_zone().null().to_owned()
}

/// Touchpoint events are history: the database itself refuses to rewrite them. (Deletes stay
/// possible for retention and for removing a dealer's data entirely.)
async fn forbid_event_updates(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match manager.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            db.execute_unprepared(
                "CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN RAISE EXCEPTION 'events are append-only'; END $$",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER events_append_only BEFORE UPDATE ON events \
                 FOR EACH ROW EXECUTE FUNCTION events_append_only()",
            )
            .await?;
        }
        _ => {
            db.execute_unprepared(
                "CREATE TRIGGER events_append_only BEFORE UPDATE ON events \
                 BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
            )
            .await?;
        }
    }
    Ok(())
}

fn tenant_fk<T: IntoIden + 'static>(table: T) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from_tbl(table)
        .from_col(Alias::new("tenant_id"))
        .to_tbl(Tenants::Table)
        .to_col(Tenants::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Tenants::Table)
                    .col(uuid_pk(Tenants::Id))
                    .col(text(Tenants::Slug))
                    .col(text(Tenants::Name))
                    .col(text(Tenants::TimeZone))
                    .col(text(Tenants::Currency))
                    .col(instant(Tenants::CreatedAt))
                    .col(instant(Tenants::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_tenants_slug")
                    .table(Tenants::Table)
                    .col(Tenants::Slug)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(uuid_pk(Users::Id))
                    .col(uuid(Users::TenantId))
                    .col(text(Users::Email))
                    .col(text(Users::Name))
                    .col(text(Users::Role))
                    .col(text(Users::PasswordHash))
                    .col(instant(Users::CredentialsChangedAt))
                    .col(instant(Users::CreatedAt))
                    .col(instant(Users::UpdatedAt))
                    .foreign_key(&mut tenant_fk(Users::Table))
                    .to_owned(),
            )
            .await?;
        // Emails are stored lower-cased; one staff account per email across the service,
        // so that login needs no dealer name.
        manager
            .create_index(
                Index::create()
                    .name("ux_users_email")
                    .table(Users::Table)
                    .col(Users::Email)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_users_tenant")
                    .table(Users::Table)
                    .col(Users::TenantId)
                    .col(Users::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Customers::Table)
                    .col(uuid_pk(Customers::Id))
                    .col(uuid(Customers::TenantId))
                    .col(text(Customers::Name))
                    .col(text_null(Customers::ContactName))
                    .col(text_null(Customers::Phone))
                    .col(text_null(Customers::Email))
                    .col(text_null(Customers::Address))
                    .col(ColumnDef::new(Customers::PriceLevelBp).integer().not_null().default(0))
                    .col(ColumnDef::new(Customers::Notes).text().null())
                    .col(instant(Customers::CreatedAt))
                    .col(instant(Customers::UpdatedAt))
                    .col(instant_null(Customers::DeletedAt))
                    .foreign_key(&mut tenant_fk(Customers::Table))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_customers_tenant")
                    .table(Customers::Table)
                    .col(Customers::TenantId)
                    .col(Customers::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiKeys::Table)
                    .col(uuid_pk(ApiKeys::Id))
                    .col(uuid(ApiKeys::TenantId))
                    .col(uuid(ApiKeys::CustomerId))
                    .col(text_null(ApiKeys::Name))
                    .col(text(ApiKeys::Prefix))
                    .col(text(ApiKeys::SecretHash))
                    .col(ColumnDef::new(ApiKeys::CreatedBy).uuid().null())
                    .col(instant(ApiKeys::CreatedAt))
                    .col(instant_null(ApiKeys::LastUsedAt))
                    .col(instant_null(ApiKeys::RevokedAt))
                    .foreign_key(&mut tenant_fk(ApiKeys::Table))
                    .foreign_key(
                        ForeignKey::create()
                            .from_tbl(ApiKeys::Table)
                            .from_col(ApiKeys::CustomerId)
                            .to_tbl(Customers::Table)
                            .to_col(Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_api_keys_secret_hash")
                    .table(ApiKeys::Table)
                    .col(ApiKeys::SecretHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_api_keys_customer")
                    .table(ApiKeys::Table)
                    .col(ApiKeys::TenantId)
                    .col(ApiKeys::CustomerId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(uuid_pk(Events::Id))
                    .col(uuid(Events::TenantId))
                    .col(ColumnDef::new(Events::CustomerId).uuid().null())
                    .col(text(Events::Kind))
                    .col(text(Events::SubjectId))
                    .col(text_null(Events::Actor))
                    .col(instant(Events::OccurredAt))
                    .col(ColumnDef::new(Events::Payload).json().not_null())
                    .foreign_key(&mut tenant_fk(Events::Table))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_events_tenant_time")
                    .table(Events::Table)
                    .col(Events::TenantId)
                    .col(Events::OccurredAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_events_customer_time")
                    .table(Events::Table)
                    .col(Events::TenantId)
                    .col(Events::CustomerId)
                    .col(Events::OccurredAt)
                    .to_owned(),
            )
            .await?;
        forbid_event_updates(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS events_append_only() CASCADE")
                .await?;
        }
        for table in [
            Events::Table.into_iden(),
            ApiKeys::Table.into_iden(),
            Customers::Table.into_iden(),
            Users::Table.into_iden(),
            Tenants::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
