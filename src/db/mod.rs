//! Database connection, migrations and the tenant-scoping helpers.

mod scoped;

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

pub use scoped::TenantScoped;

pub struct DbOptions<'a> {
    pub url: &'a str,
    pub max_connections: u32,
    /// PostgreSQL only: the schema to work in (tests give each run its own).
    pub schema: Option<&'a str>,
}

pub async fn connect(options: DbOptions<'_>) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(options.url.to_owned());
    opts.max_connections(options.max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        // WAL lets readers proceed during writes; busy_timeout makes concurrent writers
        // wait their turn instead of failing with SQLITE_BUSY.
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .create_if_missing(true)
        })
        // Statements are prepared once per connection, and after five runs PostgreSQL may
        // settle on a generic plan made while a table was still empty: during a large import
        // the `sku IN (...)` lookups then scan every part of the dealer, and the import slows
        // down quadratically. Plan each run for its own values instead.
        .map_sqlx_postgres_opts(|o| o.options([("plan_cache_mode", "force_custom_plan")]));
    if let Some(schema) = options.schema {
        opts.set_schema_search_path(schema.to_owned());
    }
    Database::connect(opts).await
}

/// A transaction that will write. On SQLite it takes the write lock at BEGIN: a transaction
/// that reads first and writes later fails at once with "database is locked" if another
/// connection wrote in between, whereas one that waits its turn at BEGIN never does.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Rows per multi-row INSERT: the widest table has 16 columns, and SQLite allows 32,766
/// variables per statement.
const INSERT_CHUNK: usize = 1_000;

/// Inserts rows with as few statements as the databases allow (round trips dominate small
/// inserts on PostgreSQL).
pub async fn insert_chunked<A, C>(conn: &C, models: Vec<A>) -> Result<(), DbErr>
where
    A: sea_orm::ActiveModelTrait,
    C: sea_orm::ConnectionTrait,
{
    let mut models = models.into_iter().peekable();
    while models.peek().is_some() {
        let chunk: Vec<A> = models.by_ref().take(INSERT_CHUNK).collect();
        <A::Entity as sea_orm::EntityTrait>::insert_many(chunk)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}
