//! The touchpoint: inquiries with their matched candidates, quotes with their options,
//! orders, idempotency records for shop retries, and webhooks with a persisted delivery queue.
//!
//! Order lines and quote options copy what the buyer saw (SKU, name, price) and keep the part
//! id without a foreign key: deleting a part from the catalog must not rewrite history.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn a(name: &str) -> Alias {
    Alias::new(name)
}

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(a(name))
}

fn id() -> ColumnDef {
    col("id").uuid().not_null().primary_key().to_owned()
}

fn uuid(name: &str) -> ColumnDef {
    col(name).uuid().not_null().to_owned()
}

fn uuid_null(name: &str) -> ColumnDef {
    col(name).uuid().null().to_owned()
}

fn text(name: &str) -> ColumnDef {
    col(name).string().not_null().to_owned()
}

fn text_null(name: &str) -> ColumnDef {
    col(name).string().null().to_owned()
}

fn long_text(name: &str) -> ColumnDef {
    col(name).text().not_null().to_owned()
}

fn int(name: &str) -> ColumnDef {
    col(name).integer().not_null().to_owned()
}

fn big(name: &str) -> ColumnDef {
    col(name).big_integer().not_null().to_owned()
}

fn json(name: &str) -> ColumnDef {
    col(name).json().not_null().to_owned()
}

fn json_null(name: &str) -> ColumnDef {
    col(name).json().null().to_owned()
}

fn flag(name: &str) -> ColumnDef {
    col(name).boolean().not_null().default(false).to_owned()
}

fn instant(name: &str) -> ColumnDef {
    col(name).timestamp_with_time_zone().not_null().to_owned()
}

fn instant_null(name: &str) -> ColumnDef {
    col(name).timestamp_with_time_zone().null().to_owned()
}

fn fk(table: &str, column: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from_tbl(a(table))
        .from_col(a(column))
        .to_tbl(a(to))
        .to_col(a("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

async fn table(
    manager: &SchemaManager<'_>,
    name: &str,
    columns: Vec<ColumnDef>,
    foreign_keys: &[(&str, &str)],
) -> Result<(), DbErr> {
    let mut stmt = Table::create();
    stmt.table(a(name));
    for mut c in columns {
        stmt.col(&mut c);
    }
    for (column, to) in foreign_keys {
        stmt.foreign_key(&mut fk(name, column, to));
    }
    manager.create_table(stmt.to_owned()).await
}

async fn index(manager: &SchemaManager<'_>, name: &str, table: &str, cols: &[&str], unique: bool) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(name).table(a(table));
    for c in cols {
        stmt.col(a(c));
    }
    if unique {
        stmt.unique();
    }
    manager.create_index(stmt.to_owned()).await
}

async fn add_column(manager: &SchemaManager<'_>, table: &str, mut column: ColumnDef) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(a(table)).add_column(&mut column).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(manager, "tenants", flag("auto_send")).await?;
        add_column(
            manager,
            "tenants",
            col("quote_validity_hours").integer().not_null().default(72).to_owned(),
        )
        .await?;
        add_column(manager, "api_keys", text_null("callback_url")).await?;
        add_column(manager, "api_keys", text_null("callback_secret")).await?;

        table(
            manager,
            "inquiries",
            vec![
                id(),
                uuid("tenant_id"),
                uuid("customer_id"),
                uuid_null("api_key_id"),
                text_null("reference"),
                json_null("vehicle"),
                json("warnings"),
                text("status"),
                int("line_count"),
                instant("received_at"),
                instant("updated_at"),
            ],
            &[("tenant_id", "tenants"), ("customer_id", "customers")],
        )
        .await?;
        index(
            manager,
            "ix_inquiries_tenant_received",
            "inquiries",
            &["tenant_id", "received_at", "customer_id"],
            false,
        )
        .await?;
        index(
            manager,
            "ix_inquiries_tenant_customer",
            "inquiries",
            &["tenant_id", "customer_id", "id"],
            false,
        )
        .await?;

        table(
            manager,
            "inquiry_lines",
            vec![
                id(),
                uuid("tenant_id"),
                uuid("inquiry_id"),
                int("position"),
                long_text("text"),
                text_null("part_number"),
                text_null("brand"),
                int("quantity"),
                text_null("note"),
                text("confidence"),
                json("candidates"),
            ],
            &[("tenant_id", "tenants"), ("inquiry_id", "inquiries")],
        )
        .await?;
        index(
            manager,
            "ix_inquiry_lines_inquiry",
            "inquiry_lines",
            &["inquiry_id", "position"],
            true,
        )
        .await?;

        table(
            manager,
            "quotes",
            vec![
                id(),
                uuid("tenant_id"),
                uuid("inquiry_id"),
                uuid("customer_id"),
                text("status"),
                text("currency"),
                text_null("note"),
                flag("auto_sent"),
                instant_null("valid_until"),
                instant_null("sent_at"),
                text_null("sent_by"),
                col("response_ms").big_integer().null().to_owned(),
                instant_null("viewed_at"),
                instant_null("decided_at"),
                text_null("rejection_reason"),
                instant("created_at"),
                instant("updated_at"),
            ],
            &[
                ("tenant_id", "tenants"),
                ("inquiry_id", "inquiries"),
                ("customer_id", "customers"),
            ],
        )
        .await?;
        // One quote per inquiry: a retried inquiry can never be quoted twice.
        index(manager, "ux_quotes_inquiry", "quotes", &["inquiry_id"], true).await?;
        index(
            manager,
            "ix_quotes_status_valid",
            "quotes",
            &["status", "valid_until"],
            false,
        )
        .await?;
        // Response times by the inquiry's arrival (a quote is created when its inquiry arrives).
        index(
            manager,
            "ix_quotes_metrics",
            "quotes",
            &["tenant_id", "created_at", "customer_id", "response_ms"],
            false,
        )
        .await?;

        table(
            manager,
            "quote_lines",
            vec![
                id(),
                uuid("tenant_id"),
                uuid("quote_id"),
                uuid("inquiry_line_id"),
                int("position"),
                int("requested_quantity"),
                text("status"),
                text("confidence"),
                text_null("note"),
                flag("changed_by_staff"),
                // Copied from the inquiry, and set when the quote is sent and the line bought,
                // so period metrics read one covering index instead of joining four tables.
                uuid("customer_id"),
                instant("received_at"),
                flag("sent"),
                flag("bought"),
            ],
            &[
                ("tenant_id", "tenants"),
                ("quote_id", "quotes"),
                ("inquiry_line_id", "inquiry_lines"),
            ],
        )
        .await?;
        index(
            manager,
            "ix_quote_lines_quote",
            "quote_lines",
            &["quote_id", "position"],
            true,
        )
        .await?;
        index(
            manager,
            "ix_quote_lines_metrics",
            "quote_lines",
            &[
                "tenant_id",
                "received_at",
                "customer_id",
                "status",
                "sent",
                "bought",
                "confidence",
                "changed_by_staff",
            ],
            false,
        )
        .await?;

        table(
            manager,
            "quote_options",
            vec![
                id(),
                uuid("tenant_id"),
                uuid("quote_id"),
                uuid("quote_line_id"),
                int("rank"),
                uuid("part_id"),
                text("sku"),
                text("name"),
                text_null("brand"),
                big("list_price_minor"),
                big("unit_price_minor"),
                int("quantity"),
                int("backorder_quantity"),
                big("stock"),
                text_null("reason"),
            ],
            &[
                ("tenant_id", "tenants"),
                ("quote_id", "quotes"),
                ("quote_line_id", "quote_lines"),
            ],
        )
        .await?;
        index(
            manager,
            "ix_quote_options_line",
            "quote_options",
            &["quote_line_id", "rank"],
            true,
        )
        .await?;
        index(manager, "ix_quote_options_quote", "quote_options", &["quote_id"], false).await?;

        table(
            manager,
            "orders",
            vec![
                id(),
                uuid("tenant_id"),
                uuid("customer_id"),
                uuid("quote_id"),
                uuid("inquiry_id"),
                uuid_null("api_key_id"),
                text("currency"),
                big("total_minor"),
                int("line_count"),
                instant("created_at"),
            ],
            &[
                ("tenant_id", "tenants"),
                ("customer_id", "customers"),
                ("quote_id", "quotes"),
            ],
        )
        .await?;
        // Exactly one order per quote, however many times or however concurrently it is accepted.
        index(manager, "ux_orders_quote", "orders", &["quote_id"], true).await?;
        index(
            manager,
            "ix_orders_tenant_created",
            "orders",
            &["tenant_id", "created_at"],
            false,
        )
        .await?;

        table(
            manager,
            "order_lines",
            vec![
                id(),
                uuid("tenant_id"),
                uuid("order_id"),
                uuid("customer_id"),
                uuid("quote_line_id"),
                uuid("part_id"),
                text("sku"),
                text("name"),
                text_null("brand"),
                int("quantity"),
                int("backorder_quantity"),
                big("unit_price_minor"),
                big("line_total_minor"),
                instant("ordered_at"),
            ],
            &[("tenant_id", "tenants"), ("order_id", "orders")],
        )
        .await?;
        index(manager, "ix_order_lines_order", "order_lines", &["order_id"], false).await?;
        index(
            manager,
            "ix_order_lines_customer_part",
            "order_lines",
            &["tenant_id", "customer_id", "part_id", "ordered_at"],
            false,
        )
        .await?;

        table(
            manager,
            "idempotency_keys",
            vec![
                id(),
                uuid("tenant_id"),
                uuid("customer_id"),
                text("key"),
                text("request_hash"),
                int("status"),
                long_text("response"),
                instant("created_at"),
            ],
            &[("tenant_id", "tenants"), ("customer_id", "customers")],
        )
        .await?;
        index(
            manager,
            "ux_idempotency_keys_scope",
            "idempotency_keys",
            &["tenant_id", "customer_id", "key"],
            true,
        )
        .await?;

        table(
            manager,
            "webhooks",
            vec![
                id(),
                uuid("tenant_id"),
                long_text("url"),
                json("events"),
                text("secret"),
                text_null("description"),
                instant("created_at"),
            ],
            &[("tenant_id", "tenants")],
        )
        .await?;
        index(manager, "ix_webhooks_tenant", "webhooks", &["tenant_id"], false).await?;

        table(
            manager,
            "webhook_deliveries",
            vec![
                id(),
                uuid("tenant_id"),
                uuid_null("webhook_id"),
                uuid_null("api_key_id"),
                text("event_type"),
                long_text("url"),
                long_text("body"),
                text("state"),
                int("attempts"),
                instant_null("next_attempt_at"),
                instant_null("last_attempt_at"),
                col("last_status").integer().null().to_owned(),
                text_null("last_error"),
                instant("created_at"),
                instant_null("delivered_at"),
            ],
            &[
                ("tenant_id", "tenants"),
                ("webhook_id", "webhooks"),
                ("api_key_id", "api_keys"),
            ],
        )
        .await?;
        index(
            manager,
            "ix_webhook_deliveries_due",
            "webhook_deliveries",
            &["state", "next_attempt_at"],
            false,
        )
        .await?;
        index(
            manager,
            "ix_webhook_deliveries_webhook",
            "webhook_deliveries",
            &["webhook_id", "id"],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "webhook_deliveries",
            "webhooks",
            "idempotency_keys",
            "order_lines",
            "orders",
            "quote_options",
            "quote_lines",
            "quotes",
            "inquiry_lines",
            "inquiries",
        ] {
            manager.drop_table(Table::drop().table(a(name)).to_owned()).await?;
        }
        for (table, column) in [
            ("api_keys", "callback_secret"),
            ("api_keys", "callback_url"),
            ("tenants", "quote_validity_hours"),
            ("tenants", "auto_send"),
        ] {
            manager
                .alter_table(Table::alter().table(a(table)).drop_column(a(column)).to_owned())
                .await?;
        }
        Ok(())
    }
}
