//! Orders after the quote: reserved stock on parts, an order's state and its lines' reserved,
//! backordered, dispatched, delivered and cancelled quantities, and the shipments that carry
//! them to the shop.
//!
//! Orders placed before this migration reserved nothing: they become `confirmed` with their
//! whole quantity on backorder, so picking or dispatching them reserves what is on the shelf
//! then, and no stock is held for orders that may long have left.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum OrderShipments {
    Table,
    Id,
    TenantId,
    OrderId,
    CustomerId,
    Carrier,
    TrackingNumber,
    DriverName,
    DriverPhone,
    PromisedAt,
    DispatchedAt,
    DispatchedBy,
    DeliveredAt,
    ReceivedBy,
}

#[derive(DeriveIden)]
enum OrderShipmentLines {
    Table,
    ShipmentId,
    OrderLineId,
    TenantId,
    OrderId,
    Quantity,
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

/// One column per statement: SQLite adds one at a time.
async fn add(manager: &SchemaManager<'_>, table: &str, column: &mut ColumnDef) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(Alias::new(table)).add_column(column).to_owned())
        .await
}

async fn drop_column(manager: &SchemaManager<'_>, table: &str, column: &str) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(Alias::new(table))
                .drop_column(Alias::new(column))
                .to_owned(),
        )
        .await
}

const ORDER_COLUMNS: [&str; 5] = ["status", "picking_at", "cancelled_at", "cancel_reason", "cancelled_by"];
const LINE_COLUMNS: [&str; 4] = [
    "reserved_quantity",
    "dispatched_quantity",
    "delivered_quantity",
    "cancelled_quantity",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Units promised to orders and not yet dispatched; available = stock - reserved.
        add(
            manager,
            "parts",
            ColumnDef::new(Alias::new("reserved"))
                .big_integer()
                .not_null()
                .default(0),
        )
        .await?;
        add(
            manager,
            "orders",
            ColumnDef::new(Alias::new("status"))
                .string()
                .not_null()
                .default("confirmed"),
        )
        .await?;
        for column in ["picking_at", "cancelled_at"] {
            add(
                manager,
                "orders",
                ColumnDef::new(Alias::new(column)).timestamp_with_time_zone().null(),
            )
            .await?;
        }
        for column in ["cancel_reason", "cancelled_by"] {
            add(manager, "orders", ColumnDef::new(Alias::new(column)).string().null()).await?;
        }
        for column in LINE_COLUMNS {
            add(
                manager,
                "order_lines",
                ColumnDef::new(Alias::new(column)).integer().not_null().default(0),
            )
            .await?;
        }
        // Earlier orders reserved nothing: all of each line waits for stock (see above).
        manager
            .get_connection()
            .execute_unprepared("UPDATE order_lines SET backorder_quantity = quantity")
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OrderShipments::Table)
                    .col(ColumnDef::new(OrderShipments::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(OrderShipments::TenantId).uuid().not_null())
                    .col(ColumnDef::new(OrderShipments::OrderId).uuid().not_null())
                    .col(ColumnDef::new(OrderShipments::CustomerId).uuid().not_null())
                    .col(ColumnDef::new(OrderShipments::Carrier).string().null())
                    .col(ColumnDef::new(OrderShipments::TrackingNumber).string().null())
                    .col(ColumnDef::new(OrderShipments::DriverName).string().null())
                    .col(ColumnDef::new(OrderShipments::DriverPhone).string().null())
                    .col(
                        ColumnDef::new(OrderShipments::PromisedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(OrderShipments::DispatchedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(OrderShipments::DispatchedBy).string().null())
                    .col(
                        ColumnDef::new(OrderShipments::DeliveredAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(OrderShipments::ReceivedBy).string().null())
                    .foreign_key(&mut cascade(OrderShipments::Table, OrderShipments::TenantId, "tenants"))
                    .foreign_key(&mut cascade(OrderShipments::Table, OrderShipments::OrderId, "orders"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrderShipmentLines::Table)
                    .col(ColumnDef::new(OrderShipmentLines::ShipmentId).uuid().not_null())
                    .col(ColumnDef::new(OrderShipmentLines::OrderLineId).uuid().not_null())
                    .col(ColumnDef::new(OrderShipmentLines::TenantId).uuid().not_null())
                    .col(ColumnDef::new(OrderShipmentLines::OrderId).uuid().not_null())
                    .col(ColumnDef::new(OrderShipmentLines::Quantity).integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(OrderShipmentLines::ShipmentId)
                            .col(OrderShipmentLines::OrderLineId),
                    )
                    .foreign_key(&mut cascade(
                        OrderShipmentLines::Table,
                        OrderShipmentLines::ShipmentId,
                        "order_shipments",
                    ))
                    .foreign_key(&mut cascade(
                        OrderShipmentLines::Table,
                        OrderShipmentLines::OrderLineId,
                        "order_lines",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_order_shipments_order")
                    .table(OrderShipments::Table)
                    .col(OrderShipments::TenantId)
                    .col(OrderShipments::OrderId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_order_shipment_lines_order")
                    .table(OrderShipmentLines::Table)
                    .col(OrderShipmentLines::TenantId)
                    .col(OrderShipmentLines::OrderId)
                    .to_owned(),
            )
            .await?;
        // The backorders a stock raise can fill: open lines of a part, oldest first.
        manager
            .create_index(
                Index::create()
                    .name("ix_order_lines_part_backorder")
                    .table(Alias::new("order_lines"))
                    .col(Alias::new("tenant_id"))
                    .col(Alias::new("part_id"))
                    .col(Alias::new("backorder_quantity"))
                    .to_owned(),
            )
            .await?;
        // An order's timeline is read from its events.
        manager
            .create_index(
                Index::create()
                    .name("ix_events_subject")
                    .table(Alias::new("events"))
                    .col(Alias::new("tenant_id"))
                    .col(Alias::new("subject_id"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_events_subject")
                    .table(Alias::new("events"))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_order_lines_part_backorder")
                    .table(Alias::new("order_lines"))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(OrderShipmentLines::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(OrderShipments::Table).to_owned())
            .await?;
        for column in LINE_COLUMNS {
            drop_column(manager, "order_lines", column).await?;
        }
        for column in ORDER_COLUMNS {
            drop_column(manager, "orders", column).await?;
        }
        drop_column(manager, "parts", "reserved").await
    }
}
