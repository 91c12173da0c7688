//! After-sales: a shop's returns of delivered units, their lines, the dealer's return window,
//! and replacement orders linked to the return they replace.
//!
//! A replacement order is made from the same quote as the order it replaces, so "one order per
//! quote" becomes "one purchase per quote": the unique index (`ux_orders_purchase`, in place of
//! `ux_orders_quote`) leaves replacements out.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum Returns {
    Table,
    Id,
    TenantId,
    CustomerId,
    OrderId,
    ApiKeyId,
    Reason,
    Note,
    PhotoUrls,
    Status,
    RequestedAt,
    AcceptedAt,
    Handover,
    AcceptNote,
    RejectedAt,
    RejectReason,
    ResolvedAt,
    Resolution,
    AmountMinor,
    ReplacementOrderId,
    Restocked,
    DecidedBy,
}

#[derive(DeriveIden)]
enum ReturnLines {
    Table,
    ReturnId,
    OrderLineId,
    TenantId,
    OrderId,
    PartId,
    Sku,
    Name,
    Quantity,
    UnitPriceMinor,
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

fn instant<T: IntoIden>(column: T) -> ColumnDef {
    ColumnDef::new(column).timestamp_with_time_zone().null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("tenants"))
                    .add_column(
                        ColumnDef::new(Alias::new("return_window_days"))
                            .integer()
                            .not_null()
                            .default(7),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("orders"))
                    .add_column(ColumnDef::new(Alias::new("return_id")).uuid().null())
                    .to_owned(),
            )
            .await?;
        // SQLite and PostgreSQL both take a partial unique index.
        manager
            .get_connection()
            .execute_unprepared(
                "DROP INDEX IF EXISTS ux_orders_quote; \
                 CREATE UNIQUE INDEX ux_orders_purchase ON orders (quote_id) WHERE return_id IS NULL",
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Returns::Table)
                    .col(ColumnDef::new(Returns::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Returns::TenantId).uuid().not_null())
                    .col(ColumnDef::new(Returns::CustomerId).uuid().not_null())
                    .col(ColumnDef::new(Returns::OrderId).uuid().not_null())
                    .col(ColumnDef::new(Returns::ApiKeyId).uuid().null())
                    .col(ColumnDef::new(Returns::Reason).string().not_null())
                    .col(ColumnDef::new(Returns::Note).string().null())
                    .col(ColumnDef::new(Returns::PhotoUrls).json().not_null())
                    .col(ColumnDef::new(Returns::Status).string().not_null())
                    .col(
                        ColumnDef::new(Returns::RequestedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(instant(Returns::AcceptedAt))
                    .col(ColumnDef::new(Returns::Handover).string().null())
                    .col(ColumnDef::new(Returns::AcceptNote).string().null())
                    .col(instant(Returns::RejectedAt))
                    .col(ColumnDef::new(Returns::RejectReason).string().null())
                    .col(instant(Returns::ResolvedAt))
                    .col(ColumnDef::new(Returns::Resolution).string().null())
                    .col(ColumnDef::new(Returns::AmountMinor).big_integer().null())
                    .col(ColumnDef::new(Returns::ReplacementOrderId).uuid().null())
                    .col(ColumnDef::new(Returns::Restocked).boolean().not_null().default(false))
                    .col(ColumnDef::new(Returns::DecidedBy).string().null())
                    .foreign_key(&mut cascade(Returns::Table, Returns::TenantId, "tenants"))
                    .foreign_key(&mut cascade(Returns::Table, Returns::CustomerId, "customers"))
                    .foreign_key(&mut cascade(Returns::Table, Returns::OrderId, "orders"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReturnLines::Table)
                    .col(ColumnDef::new(ReturnLines::ReturnId).uuid().not_null())
                    .col(ColumnDef::new(ReturnLines::OrderLineId).uuid().not_null())
                    .col(ColumnDef::new(ReturnLines::TenantId).uuid().not_null())
                    .col(ColumnDef::new(ReturnLines::OrderId).uuid().not_null())
                    .col(ColumnDef::new(ReturnLines::PartId).uuid().not_null())
                    .col(ColumnDef::new(ReturnLines::Sku).string().not_null())
                    .col(ColumnDef::new(ReturnLines::Name).string().not_null())
                    .col(ColumnDef::new(ReturnLines::Quantity).integer().not_null())
                    .col(ColumnDef::new(ReturnLines::UnitPriceMinor).big_integer().not_null())
                    .primary_key(Index::create().col(ReturnLines::ReturnId).col(ReturnLines::OrderLineId))
                    .foreign_key(&mut cascade(ReturnLines::Table, ReturnLines::ReturnId, "returns"))
                    .foreign_key(&mut cascade(
                        ReturnLines::Table,
                        ReturnLines::OrderLineId,
                        "order_lines",
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, table, columns) in [
            (
                "ix_returns_tenant_requested",
                "returns",
                &["tenant_id", "requested_at"][..],
            ),
            (
                "ix_returns_customer",
                "returns",
                &["tenant_id", "customer_id", "requested_at"][..],
            ),
            ("ix_returns_order", "returns", &["tenant_id", "order_id"][..]),
            ("ix_return_lines_order", "return_lines", &["tenant_id", "order_id"][..]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Alias::new(table));
            for column in columns {
                index.col(Alias::new(*column));
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReturnLines::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Returns::Table).to_owned())
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "DROP INDEX IF EXISTS ux_orders_purchase; \
                 DELETE FROM orders WHERE return_id IS NOT NULL; \
                 CREATE UNIQUE INDEX ux_orders_quote ON orders (quote_id)",
            )
            .await?;
        for (table, column) in [("orders", "return_id"), ("tenants", "return_window_days")] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .drop_column(Alias::new(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
