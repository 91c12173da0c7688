//! Database connection, migrations and the tenant-scoping helpers.

pub mod invalidation;
mod scoped;
pub mod scratch;

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
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

/// On PostgreSQL, makes this transaction the only writer of the customer's derived figures
/// (metric rollups, insight marks) until it ends, and holds off a dealer-wide change of them
/// ([`lock_dealer_writes`]). Every such writer takes its locks in one order: the dealer
/// (shared), the customer, then rows; so two writers never wait on each other's rows in
/// opposite orders. SQLite has one writer at a time.
pub async fn lock_customer_writes(
    txn: &impl ConnectionTrait,
    tenant: crate::ids::TenantId,
    customer: crate::ids::CustomerId,
) -> Result<(), DbErr> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        // The subquery runs first: the dealer's lock is always taken before the customer's.
        txn.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtextextended($2, 0)) \
             FROM (SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))) AS dealer_first",
            [tenant.to_string().into(), customer.to_string().into()],
        ))
        .await?;
    }
    Ok(())
}

/// On PostgreSQL, waits for the dealer's writers of derived figures to finish and holds off new
/// ones until this transaction ends: for a change to all of them at once.
pub async fn lock_dealer_writes(txn: &impl ConnectionTrait, tenant: crate::ids::TenantId) -> Result<(), DbErr> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            [tenant.to_string().into()],
        ))
        .await?;
    }
    Ok(())
}

/// The dealers with rows in the table `having` and none in `lacking` (both tenant-owned): the
/// ones whose derived rows an upgrade has to derive from their history.
pub async fn dealers_lacking(
    db: &impl ConnectionTrait,
    having: &'static str,
    lacking: &'static str,
) -> Result<Vec<crate::ids::TenantId>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT t.id FROM tenants t \
                 WHERE EXISTS (SELECT 1 FROM {having} h WHERE h.tenant_id = t.id) \
                 AND NOT EXISTS (SELECT 1 FROM {lacking} l WHERE l.tenant_id = t.id)"
            ),
        ))
        .await?;
    rows.iter().map(|row| row.try_get("", "id")).collect()
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

/// PostgreSQL only: back to cached plans after [`plan_each_run`], within the transaction.
/// Inserts need it: each foreign-key check is a prepared query too, run once per inserted row,
/// and planning every one of them afresh slowed imports by a third (100,000 parts: 5,193 and
/// 5,657 rows/s against 7,756 and 7,998; `partsdesk bench catalog --parts 100000 --postgres
/// URL`).
pub async fn plan_as_usual(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    use sea_orm::ConnectionTrait;
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        txn.execute_unprepared("SET LOCAL plan_cache_mode = auto").await?;
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

/// Rows per insert statement when the rows do not all set the same columns (sea-orm's own
/// multi-row insert): the widest table has 16 columns, and SQLite allows 32,766 variables per
/// statement.
const INSERT_CHUNK: usize = 1_000;
/// Rows per insert from JSON on PostgreSQL (bounds the size of one parameter).
const JSON_INSERT_CHUNK: usize = 10_000;
/// Rows per multi-row `VALUES` insert on SQLite. Every full chunk of a table is the same
/// statement, prepared once per connection and then only bound. Extracting every cell from a
/// JSON parameter instead, the way PostgreSQL is fed, was the largest share of SQLite's time
/// in an import (profiled under `partsdesk bench catalog --parts 200000`).
const VALUES_INSERT_ROWS: usize = 200;

/// Inserts rows with as few and as cheap statements as each database allows (see
/// [`insert_statements`]).
pub async fn insert_chunked<A, C>(conn: &C, models: Vec<A>) -> Result<(), DbErr>
where
    A: sea_orm::ActiveModelTrait,
    C: sea_orm::ConnectionTrait,
{
    for statement in insert_statements(models, conn.get_database_backend()) {
        conn.execute_raw(statement).await?;
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
    let mut out = Vec::with_capacity(models.len());
    for mut statement in insert_statements(models, conn.get_database_backend()) {
        statement.sql.push_str(" RETURNING ");
        statement.sql.push_str(returning);
        out.extend(conn.query_all_raw(statement).await?);
    }
    Ok(out)
}

/// The statements that insert `models`. On PostgreSQL all rows of a chunk travel as one JSON
/// parameter that the database turns back into rows: a multi-row `VALUES` list binds one
/// parameter per cell, and PostgreSQL spends longer parsing and planning a thousand-row
/// statement than inserting the rows. On SQLite, which prepares a statement once per
/// connection and binds cheaply, fixed-size `VALUES` lists. Rows that do not all set the same
/// columns go through sea-orm's own insert.
fn insert_statements<A: sea_orm::ActiveModelTrait>(
    mut models: Vec<A>,
    backend: sea_orm::DatabaseBackend,
) -> Vec<sea_orm::Statement> {
    use sea_orm::{DatabaseBackend, EntityTrait, QueryTrait};
    let sea_orm_inserts = |models: &[A]| {
        models
            .chunks(INSERT_CHUNK)
            .map(|chunk| A::Entity::insert_many(chunk.to_vec()).build(backend))
            .collect()
    };
    let Some(columns) = common_columns(&models) else {
        return sea_orm_inserts(&models);
    };
    match backend {
        DatabaseBackend::Sqlite => values_statements(&mut models, &columns),
        _ => models
            .chunks(JSON_INSERT_CHUNK)
            .map(|chunk| postgres_json_statement(chunk, &columns))
            .collect::<Option<Vec<_>>>()
            .unwrap_or_else(|| sea_orm_inserts(&models)),
    }
}

type Column<A> = <<A as sea_orm::ActiveModelTrait>::Entity as sea_orm::EntityTrait>::Column;

/// The columns every model sets (or holds unchanged), if they all set the same ones.
fn common_columns<A: sea_orm::ActiveModelTrait>(models: &[A]) -> Option<Vec<Column<A>>> {
    use sea_orm::Iterable;
    let first = models.first()?;
    let has_value = |model: &A, c| !model.is_not_set(c);
    let same_columns = |model: &A| Column::<A>::iter().all(|c| has_value(model, c) == has_value(first, c));
    if !models.iter().all(same_columns) {
        return None;
    }
    Some(Column::<A>::iter().filter(|c| has_value(first, *c)).collect())
}

fn column_list<A: sea_orm::ActiveModelTrait>(columns: &[Column<A>]) -> String {
    use sea_orm::IdenStatic;
    let names: Vec<String> = columns.iter().map(|c| format!("\"{}\"", c.as_str())).collect();
    names.join(", ")
}

fn table_name<A: sea_orm::ActiveModelTrait>() -> String {
    use sea_orm::EntityName;
    A::Entity::default().table_name().to_owned()
}

/// SQLite: `INSERT ... VALUES (?, ...), ...` with [`VALUES_INSERT_ROWS`] rows a statement,
/// the cells moved out of the models.
fn values_statements<A: sea_orm::ActiveModelTrait>(models: &mut [A], columns: &[Column<A>]) -> Vec<sea_orm::Statement> {
    let head = format!(
        "INSERT INTO \"{}\" ({}) VALUES ",
        table_name::<A>(),
        column_list::<A>(columns)
    );
    let row = format!("({})", vec!["?"; columns.len()].join(", "));
    let sql = |rows: usize| {
        let mut sql = String::with_capacity(head.len() + rows * (row.len() + 2));
        sql.push_str(&head);
        for i in 0..rows {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&row);
        }
        sql
    };
    let full = sql(VALUES_INSERT_ROWS);
    models
        .chunks_mut(VALUES_INSERT_ROWS)
        .map(|chunk| {
            let mut values = Vec::with_capacity(chunk.len() * columns.len());
            for model in chunk.iter_mut() {
                // Every column is set (see `common_columns`).
                values.extend(columns.iter().filter_map(|column| model.take(*column).into_value()));
            }
            let sql = if chunk.len() == VALUES_INSERT_ROWS {
                full.clone()
            } else {
                sql(chunk.len())
            };
            sea_orm::Statement::from_sql_and_values(sea_orm::DatabaseBackend::Sqlite, sql, values)
        })
        .collect()
}
/// PostgreSQL: one statement inserting `models` from a single JSON parameter, an array of
/// objects read by `json_populate_recordset`, each cell in the text form PostgreSQL reads back
/// for its column. `None` when a value has no JSON form here.
fn postgres_json_statement<A: sea_orm::ActiveModelTrait>(
    models: &[A],
    columns: &[Column<A>],
) -> Option<sea_orm::Statement> {
    use sea_orm::IdenStatic;
    let table = table_name::<A>();
    let names = column_list::<A>(columns);
    let mut rows = Vec::with_capacity(models.len());
    for model in models {
        let mut row = serde_json::Map::with_capacity(columns.len());
        for column in columns {
            row.insert(
                column.as_str().to_owned(),
                postgres_cell(model.get(*column).into_value()?)?,
            );
        }
        rows.push(serde_json::Value::Object(row));
    }
    Some(sea_orm::Statement::from_sql_and_values(
        sea_orm::DatabaseBackend::Postgres,
        format!(
            "INSERT INTO \"{table}\" ({names}) SELECT {names} FROM json_populate_recordset(NULL::\"{table}\", $1::json)"
        ),
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

/// Numbers, text and dates, which PostgreSQL reads back from their JSON form.
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

/// The schema only; `app::prepare_database` also derives what an upgrade adds to the data.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
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
