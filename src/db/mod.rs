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
        });
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

/// PostgreSQL only: within this transaction, plan every statement for its own values.
/// Statements are prepared once per connection, and after five runs PostgreSQL may settle on a
/// generic plan made while a table was still nearly empty; work that grows a table as it
/// goes (an import, and the indexer reading behind it) then scans the dealer's whole catalog
/// for each `sku IN (...)`, and slows down quadratically. Scoped to the transaction so that
/// ordinary requests keep their cached plans and connection poolers see no startup option.
pub async fn plan_each_run(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    use sea_orm::ConnectionTrait;
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        txn.execute_unprepared("SET LOCAL plan_cache_mode = force_custom_plan")
            .await?;
    }
    Ok(())
}

/// PostgreSQL only: keeps the planner's statistics in step with tables a bulk load grows.
/// Until a table is analyzed, PostgreSQL guesses that a condition on the dealer matches 0.5%
/// of its rows; an import's `tenant_id = $1 AND sku IN (500 SKUs)` then scans the dealer's
/// whole catalog through the dealer index instead of probing the (dealer, SKU) index, and a
/// 1M-part import slows to a crawl. Autovacuum analyzes eventually, but not within an import
/// (and not at all where it is turned off), so the import analyzes as the tables grow: after
/// the first 20,000 rows, then each time the rows it added have doubled.
pub struct GrowthStatistics {
    tables: &'static [&'static str],
    added: u64,
    next: u64,
}

impl GrowthStatistics {
    const FIRST: u64 = 20_000;

    pub fn new(tables: &'static [&'static str]) -> Self {
        Self {
            tables,
            added: 0,
            next: Self::FIRST,
        }
    }

    /// `rows` more were added (and committed).
    pub async fn grown(&mut self, db: &DatabaseConnection, rows: u64) -> Result<(), DbErr> {
        use sea_orm::ConnectionTrait;
        if self.due(rows) && db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared(&format!("ANALYZE {}", self.tables.join(", ")))
                .await?;
        }
        Ok(())
    }

    fn due(&mut self, rows: u64) -> bool {
        self.added += rows;
        if self.added < self.next {
            return false;
        }
        self.next = self.added * 2;
        true
    }
}

/// Rows per multi-row `VALUES` insert (the fallback for values without a JSON form): the
/// widest table has 16 columns, and SQLite allows 32,766 variables per statement.
const INSERT_CHUNK: usize = 1_000;
/// Rows per insert from JSON (bounds the size of one parameter).
const JSON_INSERT_CHUNK: usize = 10_000;

/// Inserts rows with as few and as small statements as the databases allow: all rows of a
/// chunk travel as one JSON parameter that the database turns back into rows. A multi-row
/// `VALUES` list binds one parameter per cell, and both databases spend longer parsing a
/// thousand-row statement (and the driver longer binding it) than inserting the rows; this
/// statement is short, the same for any number of rows, and so prepared once.
pub async fn insert_chunked<A, C>(conn: &C, models: Vec<A>) -> Result<(), DbErr>
where
    A: sea_orm::ActiveModelTrait,
    C: sea_orm::ConnectionTrait,
{
    let backend = conn.get_database_backend();
    let statements: Option<Vec<sea_orm::Statement>> = models
        .chunks(JSON_INSERT_CHUNK)
        .map(|chunk| rows_as_json(chunk, backend))
        .collect();
    if let Some(statements) = statements {
        for statement in statements {
            conn.execute_raw(statement).await?;
        }
        return Ok(());
    }
    let mut models = models.into_iter().peekable();
    while models.peek().is_some() {
        let chunk: Vec<A> = models.by_ref().take(INSERT_CHUNK).collect();
        <A::Entity as sea_orm::EntityTrait>::insert_many(chunk)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// Inserts rows and returns `returning` (a column list) of each, in no particular order.
pub async fn insert_returning<A, C>(
    conn: &C,
    models: Vec<A>,
    returning: &str,
) -> Result<Vec<sea_orm::QueryResult>, DbErr>
where
    A: sea_orm::ActiveModelTrait,
    C: sea_orm::ConnectionTrait,
{
    let backend = conn.get_database_backend();
    let mut out = Vec::with_capacity(models.len());
    for chunk in models.chunks(JSON_INSERT_CHUNK) {
        let mut statement = rows_as_json(chunk, backend)
            .ok_or_else(|| DbErr::Custom("these rows have no JSON form to insert from".into()))?;
        statement.sql.push_str(" RETURNING ");
        statement.sql.push_str(returning);
        out.extend(conn.query_all_raw(statement).await?);
    }
    Ok(out)
}

/// One statement inserting `models` from a single JSON parameter: on PostgreSQL an array of
/// objects read by `json_populate_recordset`, on SQLite an array of arrays read by
/// `json_each`, each cell in the form the driver itself would have stored. `None` when a
/// value has no JSON form here (the caller then uses plain `VALUES`).
fn rows_as_json<A: sea_orm::ActiveModelTrait>(
    models: &[A],
    backend: sea_orm::DatabaseBackend,
) -> Option<sea_orm::Statement> {
    use sea_orm::{DatabaseBackend, EntityName, EntityTrait, IdenStatic, Iterable};
    let first = models.first()?;
    // Set or unchanged (a model turned into an active model): either has a value to insert.
    let has_value = |model: &A, c| !model.is_not_set(c);
    let columns: Vec<<A::Entity as EntityTrait>::Column> = <A::Entity as EntityTrait>::Column::iter()
        .filter(|c| has_value(first, *c))
        .collect();
    let same_columns =
        |model: &A| <A::Entity as EntityTrait>::Column::iter().all(|c| has_value(model, c) == has_value(first, c));
    if !models.iter().all(same_columns) {
        return None;
    }
    let value = |model: &A, column| match model.get(column) {
        sea_orm::ActiveValue::Set(v) | sea_orm::ActiveValue::Unchanged(v) => Some(v),
        sea_orm::ActiveValue::NotSet => None,
    };
    let table = A::Entity::default().table_name().to_owned();
    let names: Vec<String> = columns.iter().map(|c| format!("\"{}\"", c.as_str())).collect();
    let names = names.join(", ");
    let mut rows = Vec::with_capacity(models.len());
    let sql = match backend {
        DatabaseBackend::Postgres => {
            for model in models {
                let mut row = serde_json::Map::with_capacity(columns.len());
                for column in &columns {
                    row.insert(column.as_str().to_owned(), postgres_cell(value(model, *column)?)?);
                }
                rows.push(serde_json::Value::Object(row));
            }
            format!(
                "INSERT INTO \"{table}\" ({names}) SELECT {names} FROM json_populate_recordset(NULL::\"{table}\", $1::json)"
            )
        }
        DatabaseBackend::Sqlite => {
            for model in models {
                let mut row = Vec::with_capacity(columns.len());
                for column in &columns {
                    row.push(sqlite_cell(value(model, *column)?)?);
                }
                rows.push(serde_json::Value::Array(row));
            }
            // The driver stores a UUID as its 16 bytes; everything else reads back as is.
            let cells: Vec<String> = columns
                .iter()
                .enumerate()
                .map(|(i, column)| match value(first, *column) {
                    Some(sea_orm::Value::Uuid(_)) => format!("unhex(value ->> {i})"),
                    _ => format!("value ->> {i}"),
                })
                .collect();
            format!(
                "INSERT INTO \"{table}\" ({names}) SELECT {} FROM jsonb_each(?1)",
                cells.join(", ")
            )
        }
        _ => return None,
    };
    Some(sea_orm::Statement::from_sql_and_values(
        backend,
        sql,
        [sea_orm::Value::from(serde_json::Value::Array(rows).to_string())],
    ))
}

/// A cell in the text form PostgreSQL reads back for the column's type.
fn postgres_cell(value: sea_orm::Value) -> Option<serde_json::Value> {
    use sea_orm::Value as V;
    use serde_json::Value as J;
    Some(match value {
        V::Uuid(v) => v.map_or(J::Null, |u| J::from(u.to_string())),
        // A JSON string or number would be read as the text of a JSON document.
        V::Json(Some(j)) if !(j.is_object() || j.is_array()) => return None,
        V::Json(v) => v.map_or(J::Null, |j| *j),
        // Microseconds, cut as the binary protocol cuts them (the text form would round).
        V::ChronoDateTimeUtc(v) => v.map_or(J::Null, |t| {
            J::from(t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        }),
        V::ChronoDateTimeWithTimeZone(v) => v.map_or(J::Null, |t| {
            J::from(t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        }),
        other => scalar_cell(other)?,
    })
}

/// A cell as SQLite's driver would bind it: booleans as 0/1, JSON documents and times as
/// their text, UUIDs as hex (turned into bytes by the statement).
fn sqlite_cell(value: sea_orm::Value) -> Option<serde_json::Value> {
    use sea_orm::Value as V;
    use serde_json::Value as J;
    Some(match value {
        V::Bool(v) => v.map_or(J::Null, |b| J::from(u8::from(b))),
        V::Uuid(v) => v.map_or(J::Null, |u| J::from(u.simple().to_string())),
        V::Json(v) => v.map_or(J::Null, |j| J::from(j.to_string())),
        V::ChronoDateTimeUtc(v) => v.map_or(J::Null, |t| {
            J::from(t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false))
        }),
        V::ChronoDateTimeWithTimeZone(v) => v.map_or(J::Null, |t| {
            J::from(t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false))
        }),
        other => scalar_cell(other)?,
    })
}

/// Numbers, text and dates, which both databases read back from their JSON form.
fn scalar_cell(value: sea_orm::Value) -> Option<serde_json::Value> {
    use sea_orm::Value as V;
    use serde_json::Value as J;
    Some(match value {
        V::Bool(v) => v.map_or(J::Null, J::from),
        V::TinyInt(v) => v.map_or(J::Null, J::from),
        V::SmallInt(v) => v.map_or(J::Null, J::from),
        V::Int(v) => v.map_or(J::Null, J::from),
        V::BigInt(v) => v.map_or(J::Null, J::from),
        V::TinyUnsigned(v) => v.map_or(J::Null, J::from),
        V::SmallUnsigned(v) => v.map_or(J::Null, J::from),
        V::Unsigned(v) => v.map_or(J::Null, J::from),
        V::BigUnsigned(v) => v.map_or(J::Null, J::from),
        V::String(v) => v.map_or(J::Null, J::from),
        V::ChronoDate(v) => v.map_or(J::Null, |d| J::from(d.to_string())),
        _ => return None,
    })
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await?;
    // A database that had history before the rollups existed gets them derived.
    crate::metrics::rollup::derive_missing(db)
        .await
        .map_err(|e| DbErr::Custom(format!("deriving metric rollups: {e}")))?;
    Ok(())
}

pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}

#[cfg(test)]
mod tests {
    use super::GrowthStatistics;

    #[test]
    fn statistics_are_refreshed_after_20k_rows_then_whenever_the_rows_double() {
        let mut stats = GrowthStatistics::new(&["parts"]);
        let due: Vec<bool> = std::iter::repeat_n(10_000, 10).map(|rows| stats.due(rows)).collect();
        // At 20k, 40k and 80k rows.
        assert_eq!(due, [false, true, false, true, false, false, false, true, false, false]);
    }
}
