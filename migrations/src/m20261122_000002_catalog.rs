//! Catalogs: parts with their numbers and fitments, the search outbox, per-dealer synonyms
//! and import jobs.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Parts {
    Table,
    Id,
    TenantId,
    Sku,
    Brand,
    Name,
    Description,
    Category,
    Unit,
    PriceMinor,
    Currency,
    Stock,
    Active,
    Attributes,
    ContentHash,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PartNumbers {
    Table,
    Id,
    TenantId,
    PartId,
    Kind,
    Brand,
    Raw,
    Normalized,
    Side,
}

#[derive(DeriveIden)]
enum Fitments {
    Table,
    Id,
    TenantId,
    PartId,
    Make,
    Model,
    YearFrom,
    YearTo,
    Engine,
    Note,
}

#[derive(DeriveIden)]
enum SearchOutbox {
    Table,
    Id,
    TenantId,
    PartId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CatalogSynonyms {
    Table,
    TenantId,
    Groups,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CatalogImports {
    Table,
    Id,
    TenantId,
    State,
    Format,
    Mode,
    Encoding,
    RowsRead,
    Inserted,
    Updated,
    Unchanged,
    Rejected,
    Deactivated,
    Errors,
    Failure,
    CreatedBy,
    CreatedAt,
    StartedAt,
    FinishedAt,
}

fn col<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
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

fn part_fk<T: IntoIden + 'static>(table: T) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from_tbl(table)
        .from_col(Alias::new("part_id"))
        .to_tbl(Parts::Table)
        .to_col(Parts::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + 'static,
    cols: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for c in cols {
        stmt.col(Alias::new(*c));
    }
    if unique {
        stmt.unique();
    }
    manager.create_index(stmt.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Parts::Table)
                    .col(col(Parts::Id).uuid().not_null().primary_key())
                    .col(col(Parts::TenantId).uuid().not_null())
                    .col(col(Parts::Sku).string().not_null())
                    .col(col(Parts::Brand).string().null())
                    .col(col(Parts::Name).string().not_null())
                    .col(col(Parts::Description).text().null())
                    .col(col(Parts::Category).string().null())
                    .col(col(Parts::Unit).string().null())
                    .col(col(Parts::PriceMinor).big_integer().null())
                    .col(col(Parts::Currency).string().not_null())
                    .col(col(Parts::Stock).big_integer().not_null().default(0))
                    .col(col(Parts::Active).boolean().not_null().default(true))
                    .col(col(Parts::Attributes).json().not_null())
                    .col(col(Parts::ContentHash).string().not_null())
                    .col(col(Parts::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(col(Parts::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut tenant_fk(Parts::Table))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_parts_tenant_sku",
            Parts::Table,
            &["tenant_id", "sku"],
            true,
        )
        .await?;
        index(manager, "ix_parts_tenant_id", Parts::Table, &["tenant_id", "id"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table(PartNumbers::Table)
                    .col(
                        col(PartNumbers::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(col(PartNumbers::TenantId).uuid().not_null())
                    .col(col(PartNumbers::PartId).uuid().not_null())
                    .col(col(PartNumbers::Kind).string().not_null())
                    .col(col(PartNumbers::Brand).string().null())
                    .col(col(PartNumbers::Raw).string().not_null())
                    .col(col(PartNumbers::Normalized).string().not_null())
                    .col(col(PartNumbers::Side).string().null())
                    .foreign_key(&mut part_fk(PartNumbers::Table))
                    .to_owned(),
            )
            .await?;
        // part_id first: it serves the cascade from parts, and with tenant_id second the
        // tenant-scoped `part_id IN (...)` lookups use it rather than scanning the dealer's
        // numbers through ix_part_numbers_key.
        index(
            manager,
            "ix_part_numbers_part",
            PartNumbers::Table,
            &["part_id", "tenant_id"],
            false,
        )
        .await?;
        index(
            manager,
            "ix_part_numbers_key",
            PartNumbers::Table,
            &["tenant_id", "normalized"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Fitments::Table)
                    .col(
                        col(Fitments::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(col(Fitments::TenantId).uuid().not_null())
                    .col(col(Fitments::PartId).uuid().not_null())
                    .col(col(Fitments::Make).string().not_null())
                    .col(col(Fitments::Model).string().null())
                    .col(col(Fitments::YearFrom).integer().null())
                    .col(col(Fitments::YearTo).integer().null())
                    .col(col(Fitments::Engine).string().null())
                    .col(col(Fitments::Note).string().null())
                    .foreign_key(&mut part_fk(Fitments::Table))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_fitments_part",
            Fitments::Table,
            &["part_id", "tenant_id"],
            false,
        )
        .await?;

        // Written in the same transaction as the part change; the indexer drains it.
        manager
            .create_table(
                Table::create()
                    .table(SearchOutbox::Table)
                    .col(
                        col(SearchOutbox::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(col(SearchOutbox::TenantId).uuid().not_null())
                    .col(col(SearchOutbox::PartId).uuid().not_null())
                    .col(col(SearchOutbox::CreatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CatalogSynonyms::Table)
                    .col(col(CatalogSynonyms::TenantId).uuid().not_null().primary_key())
                    .col(col(CatalogSynonyms::Groups).json().not_null())
                    .col(col(CatalogSynonyms::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut tenant_fk(CatalogSynonyms::Table))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CatalogImports::Table)
                    .col(col(CatalogImports::Id).uuid().not_null().primary_key())
                    .col(col(CatalogImports::TenantId).uuid().not_null())
                    .col(col(CatalogImports::State).string().not_null())
                    .col(col(CatalogImports::Format).string().not_null())
                    .col(col(CatalogImports::Mode).string().not_null())
                    .col(col(CatalogImports::Encoding).string().not_null())
                    .col(col(CatalogImports::RowsRead).big_integer().not_null().default(0))
                    .col(col(CatalogImports::Inserted).big_integer().not_null().default(0))
                    .col(col(CatalogImports::Updated).big_integer().not_null().default(0))
                    .col(col(CatalogImports::Unchanged).big_integer().not_null().default(0))
                    .col(col(CatalogImports::Rejected).big_integer().not_null().default(0))
                    .col(col(CatalogImports::Deactivated).big_integer().not_null().default(0))
                    .col(col(CatalogImports::Errors).json().not_null())
                    .col(col(CatalogImports::Failure).text().null())
                    .col(col(CatalogImports::CreatedBy).uuid().null())
                    .col(col(CatalogImports::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(col(CatalogImports::StartedAt).timestamp_with_time_zone().null())
                    .col(col(CatalogImports::FinishedAt).timestamp_with_time_zone().null())
                    .foreign_key(&mut tenant_fk(CatalogImports::Table))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_catalog_imports_tenant",
            CatalogImports::Table,
            &["tenant_id", "id"],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CatalogImports::Table.into_iden(),
            CatalogSynonyms::Table.into_iden(),
            SearchOutbox::Table.into_iden(),
            Fitments::Table.into_iden(),
            PartNumbers::Table.into_iden(),
            Parts::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
