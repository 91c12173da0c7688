//! Notifications that reach dealer staff where they work: channels (a WeCom, DingTalk or Feishu
//! group robot, or e-mail over SMTP), each with the events it carries, quiet hours and an hourly
//! cap, and the persisted queue of messages with their attempts. An inquiry remembers when it was
//! announced as waiting past the response target, so it is announced once.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn a(name: &str) -> Alias {
    Alias::new(name)
}

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(a(name))
}

fn cascade_to(table: &str, column: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from_tbl(a(table))
        .from_col(a(column))
        .to_tbl(a(to))
        .to_col(a("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(a("notification_channels"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("tenant_id").uuid().not_null())
                    .col(col("kind").string().not_null())
                    .col(col("name").string().not_null())
                    .col(col("enabled").boolean().not_null().default(true))
                    .col(col("events").json().not_null())
                    .col(col("url").text().null())
                    .col(col("secret").text().null())
                    .col(col("smtp").json().null())
                    .col(col("language").string().not_null().default("zh-CN"))
                    .col(col("quiet_start").integer().null())
                    .col(col("quiet_end").integer().null())
                    .col(col("hourly_cap").integer().not_null().default(20))
                    .col(col("digest_hour").integer().not_null().default(8))
                    .col(col("accepted_value_min_minor").big_integer().not_null().default(0))
                    .col(col("spike_shops").integer().not_null().default(3))
                    .col(col("created_at").timestamp_with_time_zone().not_null())
                    .col(col("updated_at").timestamp_with_time_zone().not_null())
                    .foreign_key(&mut cascade_to("notification_channels", "tenant_id", "tenants"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_notification_channels_tenant")
                    .table(a("notification_channels"))
                    .col(a("tenant_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("notification_deliveries"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("tenant_id").uuid().not_null())
                    .col(col("channel_id").uuid().not_null())
                    .col(col("event").string().not_null())
                    .col(col("dedupe_key").string().not_null())
                    .col(col("title").text().not_null())
                    .col(col("body").text().not_null())
                    .col(col("state").string().not_null())
                    .col(col("attempts").integer().not_null().default(0))
                    .col(col("next_attempt_at").timestamp_with_time_zone().null())
                    .col(col("last_attempt_at").timestamp_with_time_zone().null())
                    .col(col("last_error").text().null())
                    .col(col("created_at").timestamp_with_time_zone().not_null())
                    .col(col("delivered_at").timestamp_with_time_zone().null())
                    .foreign_key(&mut cascade_to("notification_deliveries", "tenant_id", "tenants"))
                    .foreign_key(&mut cascade_to(
                        "notification_deliveries",
                        "channel_id",
                        "notification_channels",
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, cols, unique) in [
            (
                "ux_notification_deliveries_dedupe",
                &["channel_id", "dedupe_key"][..],
                true,
            ),
            (
                "ix_notification_deliveries_due",
                &["state", "next_attempt_at"][..],
                false,
            ),
            ("ix_notification_deliveries_tenant", &["tenant_id", "id"][..], false),
        ] {
            let mut index = Index::create();
            index.name(name).table(a("notification_deliveries"));
            for c in cols {
                index.col(a(c));
            }
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(a("inquiries"))
                    .add_column(col("overdue_notified_at").timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(a("inquiries"))
                    .drop_column(a("overdue_notified_at"))
                    .to_owned(),
            )
            .await?;
        for table in ["notification_deliveries", "notification_channels"] {
            manager.drop_table(Table::drop().table(a(table)).to_owned()).await?;
        }
        Ok(())
    }
}
