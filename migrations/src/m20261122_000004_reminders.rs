//! Replenishment reminders and the dealer settings that shape them.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn a(name: &str) -> Alias {
    Alias::new(name)
}

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(a(name))
}

async fn add_column(manager: &SchemaManager<'_>, table: &str, mut column: ColumnDef) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(a(table)).add_column(&mut column).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, default) in [
            ("reminder_lead_days", 3),
            ("reminder_window_days", 14),
            ("reminder_contacts_per_week", 2),
        ] {
            add_column(
                manager,
                "tenants",
                col(name).integer().not_null().default(default).to_owned(),
            )
            .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(a("reminders"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("tenant_id").uuid().not_null())
                    .col(col("customer_id").uuid().not_null())
                    .col(col("part_id").uuid().not_null())
                    // The purchase that began the cycle: one reminder per cycle.
                    .col(col("cycle_start").timestamp_with_time_zone().not_null())
                    .col(col("status").string().not_null())
                    .col(col("expected_on").date().not_null())
                    .col(col("remind_on").date().not_null())
                    .col(col("interval_days").integer().not_null())
                    .col(col("suggested_quantity").integer().not_null())
                    .col(col("history").json().not_null())
                    .col(col("raised_at").timestamp_with_time_zone().not_null())
                    .col(col("snoozed_until").date().null())
                    .col(col("contacted_at").timestamp_with_time_zone().null())
                    .col(col("contacted_by").string().null())
                    .col(col("dismissed_at").timestamp_with_time_zone().null())
                    .col(col("converted_at").timestamp_with_time_zone().null())
                    .col(col("converted_order_id").uuid().null())
                    .col(col("updated_at").timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from_col(a("tenant_id"))
                            .to_tbl(a("tenants"))
                            .to_col(a("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from_col(a("customer_id"))
                            .to_tbl(a("customers"))
                            .to_col(a("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Two schedulers racing on one database insert the same cycle once.
        manager
            .create_index(
                Index::create()
                    .name("ux_reminders_cycle")
                    .table(a("reminders"))
                    .col(a("tenant_id"))
                    .col(a("customer_id"))
                    .col(a("part_id"))
                    .col(a("cycle_start"))
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_reminders_tenant_status")
                    .table(a("reminders"))
                    .col(a("tenant_id"))
                    .col(a("status"))
                    .col(a("remind_on"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_reminders_tenant_raised")
                    .table(a("reminders"))
                    .col(a("tenant_id"))
                    .col(a("raised_at"))
                    .to_owned(),
            )
            .await?;
        // Metrics read quotes by inquiry and order lines by quote line.
        manager
            .create_index(
                Index::create()
                    .name("ix_order_lines_quote_line")
                    .table(a("order_lines"))
                    .col(a("quote_line_id"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_order_lines_quote_line")
                    .table(a("order_lines"))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(a("reminders")).to_owned())
            .await?;
        for name in [
            "reminder_contacts_per_week",
            "reminder_window_days",
            "reminder_lead_days",
        ] {
            manager
                .alter_table(Table::alter().table(a("tenants")).drop_column(a(name)).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(a("quotes"))
                    .drop_column(a("response_ms"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
