//! The live stream's order: each event gets a per-dealer sequence number once it is committed
//! (`events.stream_seq`), handed out under the dealer's row in `event_stream_heads`. Events
//! from before the stream get 0: they were never streamed, and nothing resumes from them.
//!
//! Events stay history the database refuses to rewrite: the append-only trigger now lets an
//! update through only when it sets an unset `stream_seq` and changes nothing else.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{self, ConnectionTrait};

/// Every column an event had before this migration: none of them may change.
const HISTORY: [&str; 8] = [
    "id",
    "tenant_id",
    "customer_id",
    "kind",
    "subject_id",
    "actor",
    "occurred_at",
    "payload",
];

/// The append-only trigger, letting through only the first numbering of an event (`numbered`)
/// or nothing at all.
async fn append_only(manager: &SchemaManager<'_>, numbered: bool) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match manager.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            let allowed = if numbered {
                let unchanged: Vec<String> = HISTORY
                    .iter()
                    .map(|c| {
                        if *c == "payload" {
                            "NEW.payload::text IS NOT DISTINCT FROM OLD.payload::text".to_owned()
                        } else {
                            format!("NEW.{c} IS NOT DISTINCT FROM OLD.{c}")
                        }
                    })
                    .collect();
                format!(
                    "IF OLD.stream_seq IS NULL AND NEW.stream_seq IS NOT NULL AND {} THEN RETURN NEW; END IF; ",
                    unchanged.join(" AND ")
                )
            } else {
                String::new()
            };
            db.execute_unprepared(&format!(
                "CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN {allowed}RAISE EXCEPTION 'events are append-only'; END $$"
            ))
            .await?;
        }
        _ => {
            db.execute_unprepared("DROP TRIGGER IF EXISTS events_append_only")
                .await?;
            let when = if numbered {
                let unchanged: Vec<String> = HISTORY.iter().map(|c| format!("NEW.{c} IS OLD.{c}")).collect();
                format!(
                    "WHEN NOT (OLD.stream_seq IS NULL AND NEW.stream_seq IS NOT NULL AND {}) ",
                    unchanged.join(" AND ")
                )
            } else {
                String::new()
            };
            db.execute_unprepared(&format!(
                "CREATE TRIGGER events_append_only BEFORE UPDATE ON events {when}\
                 BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
            ))
            .await?;
        }
    }
    Ok(())
}

#[derive(DeriveIden)]
enum Events {
    Table,
    TenantId,
    StreamSeq,
}

#[derive(DeriveIden)]
enum EventStreamHeads {
    Table,
    TenantId,
    Seq,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// On one connection, in one transaction, on SQLite too: the trigger is dropped and made
    /// again in between, and no write may slip through without it.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .add_column(ColumnDef::new(Events::StreamSeq).big_integer().null())
                    .to_owned(),
            )
            .await?;
        append_only(manager, true).await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Events::Table)
                    .value(Events::StreamSeq, 0)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_events_tenant_stream_seq")
                    .table(Events::Table)
                    .col(Events::TenantId)
                    .col(Events::StreamSeq)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EventStreamHeads::Table)
                    .col(
                        ColumnDef::new(EventStreamHeads::TenantId)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(EventStreamHeads::Seq).big_integer().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from_tbl(EventStreamHeads::Table)
                            .from_col(EventStreamHeads::TenantId)
                            .to_tbl(Alias::new("tenants"))
                            .to_col(Alias::new("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EventStreamHeads::Table).to_owned())
            .await?;
        append_only(manager, false).await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_events_tenant_stream_seq")
                    .table(Events::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .drop_column(Events::StreamSeq)
                    .to_owned(),
            )
            .await
    }
}
