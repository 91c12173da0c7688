//! The set-based queries behind the metrics: one GROUP BY per figure family, the same SQL on
//! SQLite and PostgreSQL. Every query reads the dealer's rows through [`source`], the one place
//! the dealer (and optional customer and period) filter is written.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, Value};

use crate::error::Result;
use crate::ids::{CustomerId, TenantId};

/// Metric queries running at once across all requests: each holds a database connection
/// for up to a few hundred milliseconds, and a few dashboards opened together must not take
/// the whole pool from the requests that write.
static QUERY_SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

async fn query_slot() -> Result<tokio::sync::SemaphorePermit<'static>> {
    Ok(QUERY_SLOTS.acquire().await.map_err(anyhow::Error::from)?)
}

/// SQL text with its bound values; `?` placeholders, numbered for PostgreSQL at execution.
#[derive(Default)]
struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.text.push('?');
        self.values.push(value.into());
        self
    }

    fn statement(self, backend: DatabaseBackend) -> Statement {
        let text = match backend {
            DatabaseBackend::Postgres => {
                let mut n = 0;
                let mut out = String::with_capacity(self.text.len() + 16);
                for c in self.text.chars() {
                    if c == '?' {
                        n += 1;
                        out.push_str(&format!("${n}"));
                    } else {
                        out.push(c);
                    }
                }
                out
            }
            _ => self.text,
        };
        Statement::from_sql_and_values(backend, text, self.values)
    }
}

/// Whose rows, over which period.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub tenant: TenantId,
    pub customer: Option<CustomerId>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// How rows are grouped.
pub enum Group<'a> {
    Total,
    Customer,
    /// By time bucket: the exclusive end of each bucket, ascending.
    Bucket(&'a [DateTime<Utc>]),
}

/// A group's key as read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Total,
    Customer(CustomerId),
    Bucket(usize),
}

/// The sources, each with `customer_id` and `at` columns, restricted to the scope.
#[derive(Clone, Copy)]
enum Source {
    /// Inquiries received in the period.
    Inquiries,
    /// Their lines, with 0/1 columns `quoted`, `bought`, `auto`.
    Lines,
    /// Their sent quotes' `response_ms`.
    Responses,
    /// Orders placed in the period (`total_minor`).
    Orders,
    /// Reminders raised in the period (`converted` 0/1).
    Reminders,
}

fn source(sql: &mut Sql, scope: &Scope, source: Source) {
    let window = |sql: &mut Sql, table: &str, column: &str| {
        sql.push(&format!("{table}.tenant_id = "))
            .bind(scope.tenant)
            .push(&format!(" AND {table}.{column} >= "))
            .bind(scope.from)
            .push(&format!(" AND {table}.{column} < "))
            .bind(scope.to);
        if let Some(customer) = scope.customer {
            sql.push(&format!(" AND {table}.customer_id = ")).bind(customer);
        }
    };
    sql.push("WITH src AS (");
    match source {
        Source::Inquiries => {
            sql.push("SELECT i.customer_id AS customer_id, i.received_at AS at FROM inquiries i WHERE ");
            window(sql, "i", "received_at");
        }
        Source::Lines => {
            // One covering index: quote lines carry their inquiry's customer and arrival, and
            // whether they were sent and bought.
            sql.push(
                "SELECT ql.customer_id AS customer_id, ql.received_at AS at, \
                 CASE WHEN ql.sent = ",
            )
            .bind(true)
            .push(" AND ql.status = 'offered' THEN 1 ELSE 0 END AS quoted, CASE WHEN ql.sent = ")
            .bind(true)
            .push(" AND ql.status = 'offered' AND ql.bought = ")
            .bind(true)
            .push(" THEN 1 ELSE 0 END AS bought, CASE WHEN ql.sent = ")
            .bind(true)
            .push(
                " AND ql.status = 'offered' \
                 AND ql.confidence IN ('exact', 'high') AND ql.changed_by_staff = ",
            )
            .bind(false)
            .push(" THEN 1 ELSE 0 END AS auto FROM quote_lines ql WHERE ");
            window(sql, "ql", "received_at");
        }
        Source::Responses => {
            // A quote is created when its inquiry arrives.
            sql.push(
                "SELECT q.customer_id AS customer_id, q.created_at AS at, q.response_ms AS ms \
                 FROM quotes q WHERE q.response_ms IS NOT NULL AND ",
            );
            window(sql, "q", "created_at");
        }
        Source::Orders => {
            sql.push("SELECT o.customer_id AS customer_id, o.created_at AS at, o.total_minor AS total_minor FROM orders o WHERE ");
            window(sql, "o", "created_at");
        }
        Source::Reminders => {
            sql.push(
                "SELECT r.customer_id AS customer_id, r.raised_at AS at, \
                 CASE WHEN r.status = 'converted' THEN 1 ELSE 0 END AS converted FROM reminders r WHERE ",
            );
            window(sql, "r", "raised_at");
        }
    }
    sql.push(") ");
}

/// The grouping key; numbers as BIGINT, which both databases read back as 64-bit.
fn group_expr(sql: &mut Sql, group: &Group<'_>) {
    match group {
        Group::Total => {
            sql.push("CAST(0 AS BIGINT)");
        }
        Group::Customer => {
            sql.push("customer_id");
        }
        Group::Bucket(ends) => {
            sql.push("CAST(CASE");
            for (i, end) in ends.iter().enumerate() {
                sql.push(" WHEN at < ").bind(*end).push(&format!(" THEN {i}"));
            }
            sql.push(" END AS BIGINT)");
        }
    }
}

fn key(row: &sea_orm::QueryResult, group: &Group<'_>) -> Result<Key> {
    Ok(match group {
        Group::Total => Key::Total,
        Group::Customer => Key::Customer(row.try_get::<CustomerId>("", "g")?),
        Group::Bucket(_) => Key::Bucket(usize::try_from(row.try_get::<i64>("", "g")?).unwrap_or(usize::MAX)),
    })
}

/// Counts per group: `columns` are SQL aggregate expressions over the source's columns, each
/// read back as a whole number (0 when the group has no rows).
async fn aggregate(
    db: &impl ConnectionTrait,
    scope: &Scope,
    group: &Group<'_>,
    from: Source,
    columns: &[&str],
) -> Result<HashMap<Key, Vec<i64>>> {
    let mut sql = Sql::default();
    source(&mut sql, scope, from);
    sql.push("SELECT g");
    for (i, column) in columns.iter().enumerate() {
        sql.push(&format!(", CAST({column} AS BIGINT) AS c{i}"));
    }
    sql.push(" FROM (SELECT ");
    group_expr(&mut sql, group);
    sql.push(" AS g, src.* FROM src) grouped GROUP BY g");
    let _slot = query_slot().await?;
    let rows = db.query_all_raw(sql.statement(db.get_database_backend())).await?;
    let mut out = HashMap::new();
    for row in rows {
        let mut values = Vec::with_capacity(columns.len());
        for i in 0..columns.len() {
            values.push(row.try_get::<Option<i64>>("", &format!("c{i}"))?.unwrap_or(0));
        }
        out.insert(key(&row, group)?, values);
    }
    Ok(out)
}

/// Response time percentiles per group, nearest-rank: p50 is the smallest value with at least
/// half the values at or below it.
async fn percentiles(db: &impl ConnectionTrait, scope: &Scope, group: &Group<'_>) -> Result<HashMap<Key, (i64, i64)>> {
    let mut sql = Sql::default();
    source(&mut sql, scope, Source::Responses);
    sql.push(
        "SELECT g, CAST(MIN(CASE WHEN rn * 2 >= n THEN ms END) AS BIGINT) AS p50, \
         CAST(MIN(CASE WHEN rn * 10 >= n * 9 THEN ms END) AS BIGINT) AS p90 FROM (\
         SELECT g, ms, ROW_NUMBER() OVER (PARTITION BY g ORDER BY ms) AS rn, COUNT(*) OVER (PARTITION BY g) AS n \
         FROM (SELECT ",
    );
    group_expr(&mut sql, group);
    sql.push(" AS g, ms FROM src) keyed) ranked GROUP BY g");
    let _slot = query_slot().await?;
    let rows = db.query_all_raw(sql.statement(db.get_database_backend())).await?;
    let mut out = HashMap::new();
    for row in rows {
        let p50: Option<i64> = row.try_get("", "p50")?;
        let p90: Option<i64> = row.try_get("", "p90")?;
        if let (Some(p50), Some(p90)) = (p50, p90) {
            out.insert(key(&row, group)?, (p50, p90));
        }
    }
    Ok(out)
}

/// The raw counts of one group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub inquiries: i64,
    pub lines: i64,
    pub quoted: i64,
    pub bought: i64,
    pub auto: i64,
    pub response_ms: Option<(i64, i64)>,
    pub orders: i64,
    pub order_value_minor: i64,
    pub reminders_raised: i64,
    pub reminders_converted: i64,
}

impl Counts {
    /// Adds the additive figures of `other` (not the percentiles).
    fn add(&mut self, other: &Self) {
        self.inquiries += other.inquiries;
        self.lines += other.lines;
        self.quoted += other.quoted;
        self.bought += other.bought;
        self.auto += other.auto;
        self.orders += other.orders;
        self.order_value_minor += other.order_value_minor;
        self.reminders_raised += other.reminders_raised;
        self.reminders_converted += other.reminders_converted;
    }
}

/// Every figure for every group, in five queries run side by side (each on its own
/// connection: on a year of data each takes a few hundred milliseconds).
pub async fn counts(db: &impl ConnectionTrait, scope: &Scope, group: &Group<'_>) -> Result<HashMap<Key, Counts>> {
    let (mut out, percentiles) = tokio::try_join!(additive(db, scope, group), percentiles(db, scope, group))?;
    for (key, p) in percentiles {
        out.entry(key).or_default().response_ms = Some(p);
    }
    Ok(out)
}

/// Figures per bucket and for the whole period: the whole period's counts are the buckets'
/// sums; only its percentiles need their own query.
pub async fn series(
    db: &impl ConnectionTrait,
    scope: &Scope,
    ends: &[DateTime<Utc>],
) -> Result<(Counts, HashMap<Key, Counts>)> {
    let by_bucket = Group::Bucket(ends);
    let (buckets, mut whole) = tokio::try_join!(counts(db, scope, &by_bucket), percentiles(db, scope, &Group::Total))?;
    let mut total = Counts::default();
    for c in buckets.values() {
        total.add(c);
    }
    total.response_ms = whole.remove(&Key::Total);
    Ok((total, buckets))
}

async fn additive(db: &impl ConnectionTrait, scope: &Scope, group: &Group<'_>) -> Result<HashMap<Key, Counts>> {
    let (inquiries, lines, orders, reminders) = tokio::try_join!(
        aggregate(db, scope, group, Source::Inquiries, &["COUNT(*)"]),
        aggregate(
            db,
            scope,
            group,
            Source::Lines,
            &["COUNT(*)", "SUM(quoted)", "SUM(bought)", "SUM(auto)"],
        ),
        aggregate(db, scope, group, Source::Orders, &["COUNT(*)", "SUM(total_minor)"]),
        aggregate(db, scope, group, Source::Reminders, &["COUNT(*)", "SUM(converted)"]),
    )?;
    let mut out: HashMap<Key, Counts> = HashMap::new();
    for (key, v) in inquiries {
        out.entry(key).or_default().inquiries = v[0];
    }
    for (key, v) in lines {
        let c = out.entry(key).or_default();
        (c.lines, c.quoted, c.bought, c.auto) = (v[0], v[1], v[2], v[3]);
    }
    for (key, v) in orders {
        let c = out.entry(key).or_default();
        (c.orders, c.order_value_minor) = (v[0], v[1]);
    }
    for (key, v) in reminders {
        let c = out.entry(key).or_default();
        (c.reminders_raised, c.reminders_converted) = (v[0], v[1]);
    }
    Ok(out)
}
