//! Throwaway databases for test suites and benchmarks that must not touch each other's
//! tables: SQLite in a directory of their own, or a fresh schema on a PostgreSQL server,
//! dropped when they are done.

use std::path::Path;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbErr};

use super::{DbOptions, connect};

/// A database of its own: a fresh schema on the PostgreSQL at `postgres` when one is given,
/// else SQLite in `dir`.
pub struct ScratchDatabase {
    url: String,
    schema: Option<ScratchSchema>,
}

impl ScratchDatabase {
    pub async fn create(postgres: Option<&str>, dir: &Path, prefix: &str) -> Result<Self, DbErr> {
        Ok(match postgres {
            Some(admin) => Self {
                url: admin.to_owned(),
                schema: Some(ScratchSchema::create(admin, prefix).await?),
            },
            None => Self {
                url: format!("sqlite://{}?mode=rwc", dir.join("partsdesk.db").display()),
                schema: None,
            },
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn is_postgres(&self) -> bool {
        self.schema.is_some()
    }

    pub async fn connect(&self, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
        connect(DbOptions {
            url: &self.url,
            max_connections,
            schema: self.schema.as_ref().map(ScratchSchema::name),
        })
        .await
    }

    /// Drops a PostgreSQL schema now, reporting a failure (SQLite goes with its directory).
    pub async fn drop_now(self) -> Result<(), DbErr> {
        match self.schema {
            Some(schema) => schema.drop_now().await,
            None => Ok(()),
        }
    }
}

/// A fresh schema on the PostgreSQL server behind `admin_url`; dropped with the value.
pub struct ScratchSchema {
    admin_url: String,
    name: String,
    dropped: bool,
}

impl ScratchSchema {
    /// Creates `<prefix>_<uuid>`.
    pub async fn create(admin_url: &str, prefix: &str) -> Result<Self, DbErr> {
        let name = format!("{prefix}_{}", uuid::Uuid::now_v7().simple());
        let admin = Database::connect(admin_url).await?;
        admin.execute_unprepared(&format!("CREATE SCHEMA {name}")).await?;
        admin.close().await?;
        Ok(Self {
            admin_url: admin_url.to_owned(),
            name,
            dropped: false,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Drops the schema now, reporting a failure.
    pub async fn drop_now(mut self) -> Result<(), DbErr> {
        self.dropped = true;
        drop_schema(&self.admin_url, &self.name).await
    }
}

async fn drop_schema(admin_url: &str, name: &str) -> Result<(), DbErr> {
    let admin = Database::connect(admin_url).await?;
    // A task dropped mid-transaction (an indexer between reads, when a test's runtime ends)
    // leaves its connection idle in that transaction, holding locks the DROP would wait on
    // for ever.
    admin
        .execute_unprepared(&format!(
            "SELECT pg_terminate_backend(l.pid) FROM pg_locks l \
             JOIN pg_class c ON c.oid = l.relation \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = '{name}' AND l.pid <> pg_backend_pid()"
        ))
        .await?;
    admin
        .execute_unprepared(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
        .await?;
    admin.close().await
}

impl Drop for ScratchSchema {
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop may run inside a runtime that is shutting down: clean up on a thread of its own.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            if let Err(err) = rt.block_on(drop_schema(&admin_url, &name)) {
                eprintln!("could not drop the scratch schema {name}: {err}");
            }
        })
        .join();
    }
}
