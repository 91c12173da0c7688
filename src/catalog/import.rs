//! Catalog imports. The upload is spooled to disk (never held in memory), checked as a
//! whole (encoding, header, row limit: a bad file fails with a problem and writes nothing),
//! then read row by row on a blocking thread and written in batches; each batch commits
//! together with the job's progress, so a crash leaves the catalog and the job at a batch
//! boundary. A job still `running` when the process starts again is marked `failed`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::catalog::feed::SearchFeed;
use crate::catalog::part::Extra;
use crate::catalog::rows::{Encoding, FileError, Format, RowIssue, Rows, resolve_encoding};
use crate::catalog::store::{self, Existing, Hashed};
use crate::clock::Clock;
use crate::db::TenantScoped;
use crate::entities::{ImportState, catalog_imports, parts, search_outbox};
use crate::error::{Error, Result};
use crate::ids::{ImportId, PartId, TenantId, UserId};

/// Largest upload accepted, in bytes.
pub const MAX_BYTES: u64 = 1024 * 1024 * 1024;
/// Most rows in one file.
pub const MAX_ROWS: u64 = 2_000_000;
/// `?wait=true` waits only for files up to this many rows; larger ones run in the background.
pub const WAIT_MAX_ROWS: u64 = 100_000;
/// Row problems kept on the job.
pub const MAX_ISSUES: usize = 1_000;
/// Parts written per transaction. Each batch costs a fixed number of statements, and on
/// PostgreSQL each large statement can wait up to 40 ms for a delayed TCP acknowledgement
/// (sqlx 0.9.0 leaves Nagle's algorithm on), so batches are large: 100,000 parts imported at
/// 9,100 rows/s on PostgreSQL with 10,000-part batches against 4,900 with 1,000 (SQLite: 26-28k
/// against 21k at 200,000; `partsdesk bench catalog --parts N [--postgres URL]`). The price is that on SQLite other writers wait for a batch's
/// commit, about 0.4 s.
/// How long a finished import waits for its last parts to become searchable before it says
/// it succeeded (they become searchable regardless, later).
const IMPORT_VISIBILITY_WAIT: std::time::Duration = std::time::Duration::from_secs(30);
const BATCH_ROWS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Insert new SKUs, update changed ones, leave the rest.
    #[default]
    Upsert,
    /// As upsert, and deactivate (not delete) active parts missing from the file.
    Replace,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Self::Upsert => "upsert",
            Self::Replace => "replace",
        }
    }
}

/// A file checked and ready to import.
pub struct Inspected {
    pub format: Format,
    pub encoding: Encoding,
    pub rows: u64,
}

/// Check the whole file before anything is written: encoding, header, row count.
pub fn inspect(path: &Path, format: Format, asked: Option<Encoding>) -> Result<Inspected, FileError> {
    let encoding = resolve_encoding(path, asked)?;
    let mut rows = 0u64;
    for _ in Rows::open(path, format, encoding)? {
        rows += 1;
        if rows > MAX_ROWS {
            return Err(FileError::TooManyRows(MAX_ROWS));
        }
    }
    Ok(Inspected { format, encoding, rows })
}

pub async fn create_job(
    db: &DatabaseConnection,
    tenant: TenantId,
    user: Option<UserId>,
    inspected: &Inspected,
    mode: Mode,
    now: DateTime<Utc>,
) -> Result<catalog_imports::Model> {
    Ok(sea_orm::ActiveModelTrait::insert(
        catalog_imports::ActiveModel {
            id: Set(ImportId::generate()),
            tenant_id: Set(tenant),
            state: Set(ImportState::Queued),
            format: Set(match inspected.format {
                Format::Csv => "csv",
                Format::Ndjson => "ndjson",
            }
            .into()),
            mode: Set(mode.as_str().into()),
            encoding: Set(inspected.encoding.as_str().into()),
            rows_read: Set(0),
            inserted: Set(0),
            updated: Set(0),
            unchanged: Set(0),
            rejected: Set(0),
            deactivated: Set(0),
            errors: Set(serde_json::json!([])),
            failure: Set(None),
            created_by: Set(user),
            created_at: Set(now),
            started_at: Set(None),
            finished_at: Set(None),
        },
        db,
    )
    .await?)
}

/// Everything a running import needs.
pub struct Job {
    pub db: DatabaseConnection,
    /// Where committed parts are handed for indexing (none from the command line, where a
    /// running server may hold the index).
    pub indexer: Option<Arc<dyn SearchFeed>>,
    pub clock: Arc<dyn Clock>,
    pub id: ImportId,
    pub tenant: TenantId,
    pub path: PathBuf,
    pub format: Format,
    pub encoding: Encoding,
    pub mode: Mode,
    pub currency: String,
    /// Rows processed so far, for progress display.
    pub progress: Arc<AtomicU64>,
    /// Delete the file when done (an upload spooled by the server, not a user's file).
    pub delete_file: bool,
}

struct Batch {
    inputs: Vec<Hashed>,
    /// A SKU of this batch was also in an earlier one, so is in the catalog by now.
    repeats_earlier: bool,
    issues: Vec<RowIssue>,
    rejected: u64,
    rows: u64,
}

impl Batch {
    fn new() -> Self {
        Self {
            inputs: Vec::with_capacity(BATCH_ROWS),
            repeats_earlier: false,
            issues: Vec::new(),
            rejected: 0,
            rows: 0,
        }
    }
}

enum Message {
    Batch(Batch),
    Done(HashSet<String>),
    Failed(String),
}

/// The SKUs of a file read so far: the line each was last on, and in which batch.
#[derive(Default)]
struct SeenSkus {
    lines: HashMap<String, (u64, u64)>,
    batch: u64,
}

impl SeenSkus {
    /// `sku` is on `line` of the current batch. Returns the line it was on before, if any,
    /// and whether that was in an earlier batch (so already written when this one is).
    fn note(&mut self, sku: &str, line: u64) -> Option<(u64, bool)> {
        let (previous, batch) = self.lines.insert(sku.to_owned(), (line, self.batch))?;
        Some((previous, batch < self.batch))
    }

    fn next_batch(&mut self) {
        self.batch += 1;
    }
}

/// Read the file on a blocking thread, validating rows into batches.
fn parse(job: &Job, tx: tokio::sync::mpsc::Sender<Message>) {
    let rows = match Rows::open(&job.path, job.format, job.encoding) {
        Ok(rows) => rows,
        Err(err) => {
            let _ = tx.blocking_send(Message::Failed(err.to_string()));
            return;
        }
    };
    let mut seen = SeenSkus::default();
    let mut batch = Batch::new();
    for (line, row) in rows {
        batch.rows += 1;
        let validated = row.and_then(|(request, names)| {
            request
                .validate(&job.currency, Extra::KeepAsAttributes)
                .map_err(|errors| {
                    errors
                        .into_iter()
                        .map(|e| {
                            let field = e
                                .field
                                .trim_start_matches('/')
                                .split('/')
                                .next()
                                .unwrap_or_default()
                                .to_owned();
                            let column = names.get(field.as_str()).cloned().unwrap_or(field);
                            RowIssue::error(line, Some(column), &e.code, e.message)
                        })
                        .collect()
                })
        });
        match validated {
            Ok(input) => {
                if let Some((previous, earlier_batch)) = seen.note(&input.sku, line) {
                    batch.repeats_earlier |= earlier_batch;
                    batch.issues.push(RowIssue {
                        severity: "warning".into(),
                        ..RowIssue::error(
                            line,
                            Some("sku".into()),
                            "duplicate_sku",
                            format!("SKU {} also on line {previous}; this later line wins", input.sku),
                        )
                    });
                }
                batch.inputs.push(Hashed::new(input));
            }
            Err(issues) => {
                batch.rejected += 1;
                batch.issues.extend(issues);
            }
        }
        if batch.inputs.len() >= BATCH_ROWS || batch.rows >= 4 * BATCH_ROWS as u64 {
            let full = std::mem::replace(&mut batch, Batch::new());
            seen.next_batch();
            if tx.blocking_send(Message::Batch(full)).is_err() {
                return;
            }
        }
    }
    let _ = tx.blocking_send(Message::Batch(batch));
    let _ = tx.blocking_send(Message::Done(seen.lines.into_keys().collect()));
}

impl Job {
    /// Run the import to the end, recording the outcome on the job.
    pub async fn run(self) -> Result<catalog_imports::Model> {
        let result = self.execute().await;
        if self.delete_file {
            let _ = tokio::fs::remove_file(&self.path).await;
        }
        let now = self.clock.now();
        let (state, failure) = match &result {
            Ok(()) => (ImportState::Succeeded, None),
            Err(err) => {
                tracing::error!(import_id = %self.id, error = %err, "import failed");
                (ImportState::Failed, Some(failure_text(err)))
            }
        };
        // The outcome and its `import_finished` event (for the live stream) together.
        let txn = crate::db::begin_write(&self.db).await?;
        catalog_imports::Entity::scoped_update(self.tenant)
            .filter(catalog_imports::Column::Id.eq(self.id))
            .col_expr(catalog_imports::Column::State, Expr::value(state))
            .col_expr(catalog_imports::Column::Failure, Expr::value(failure))
            .col_expr(catalog_imports::Column::FinishedAt, Expr::value(now))
            .exec(&txn)
            .await?;
        let job = find(&txn, self.tenant, self.id).await?;
        crate::events::record(
            &txn,
            crate::events::NewEvent {
                tenant: self.tenant,
                customer: None,
                kind: crate::events::EventKind::ImportFinished,
                subject: self.id.to_string(),
                actor: job.created_by.map(|u| u.to_string()),
                at: now,
                payload: serde_json::json!({
                    "import_id": self.id,
                    "state": job.state.as_str(),
                    "rows_read": job.rows_read,
                    "inserted": job.inserted,
                    "updated": job.updated,
                    "unchanged": job.unchanged,
                    "rejected": job.rejected,
                    "deactivated": job.deactivated,
                    "failure": job.failure,
                }),
            },
        )
        .await?;
        txn.commit().await?;
        if let Some(indexer) = &self.indexer {
            indexer.wait_visible(IMPORT_VISIBILITY_WAIT).await;
        }
        find(&self.db, self.tenant, self.id).await
    }

    async fn execute(&self) -> Result<()> {
        catalog_imports::Entity::scoped_update(self.tenant)
            .filter(catalog_imports::Column::Id.eq(self.id))
            .col_expr(catalog_imports::Column::State, Expr::value(ImportState::Running))
            .col_expr(catalog_imports::Column::StartedAt, Expr::value(self.clock.now()))
            .exec(&self.db)
            .await?;
        // Two batches read ahead: enough to keep the writer busy, few at 10,000 parts each.
        let (tx, mut rx) = tokio::sync::mpsc::channel(2);
        let parser = {
            let job = self.parse_handle();
            tokio::task::spawn_blocking(move || parse(&job, tx))
        };
        let mut issues: Vec<RowIssue> = Vec::new();
        let mut skus = None;
        // A first import into an empty catalog need not look up the SKUs it brings.
        let catalog_was_empty = parts::Entity::scoped(self.tenant).one(&self.db).await?.is_none();
        let mut statistics = crate::db::GrowthStatistics::new(&["parts", "part_numbers", "fitments"]);
        while let Some(message) = rx.recv().await {
            match message {
                Message::Batch(batch) => {
                    let existing = if catalog_was_empty && !batch.repeats_earlier {
                        Existing::None
                    } else {
                        Existing::LookUp
                    };
                    let inserted = self.write_batch(batch, existing, &mut issues).await?;
                    // Only a speed-up: the batches it follows are committed either way.
                    if let Err(err) = statistics.grown(&self.db, inserted).await {
                        tracing::warn!(import_id = %self.id, error = %err, "could not refresh table statistics");
                    }
                }
                Message::Done(all) => skus = Some(all),
                Message::Failed(reason) => {
                    return Err(Error::BadRequest {
                        code: "unreadable_file",
                        detail: reason,
                        field: None,
                    });
                }
            }
        }
        parser.await.map_err(anyhow::Error::from)?;
        let skus = skus.ok_or_else(|| Error::Internal(anyhow::anyhow!("the file reader stopped early")))?;
        if self.mode == Mode::Replace {
            self.deactivate_missing(&skus).await?;
        }
        Ok(())
    }

    fn parse_handle(&self) -> Job {
        Job {
            db: self.db.clone(),
            indexer: None,
            clock: Arc::clone(&self.clock),
            id: self.id,
            tenant: self.tenant,
            path: self.path.clone(),
            format: self.format,
            encoding: self.encoding,
            mode: self.mode,
            currency: self.currency.clone(),
            progress: Arc::clone(&self.progress),
            delete_file: false,
        }
    }

    /// Returns how many parts the batch inserted.
    async fn write_batch(&self, batch: Batch, existing: Existing, issues: &mut Vec<RowIssue>) -> Result<u64> {
        let issues_changed = !batch.issues.is_empty() && issues.len() < MAX_ISSUES;
        issues.extend(batch.issues.into_iter().take(MAX_ISSUES.saturating_sub(issues.len())));
        let mut inputs = batch.inputs;
        let mut existing = existing;
        loop {
            let txn = crate::db::begin_write(&self.db).await?;
            // Custom plans for the lookups, which read tables this import grows; cached ones for
            // the inserts' foreign-key checks.
            crate::db::plan_each_run(&txn).await?;
            let planned = store::plan_by_sku(&txn, self.tenant, inputs, existing).await?;
            crate::db::plan_as_usual(&txn).await?;
            let applied = match store::apply(&txn, self.tenant, &planned, self.clock.now()).await {
                // A part written meanwhile took one of the SKUs planned as new: look them up.
                Err(Error::Conflict { code: "sku_taken", .. }) if existing == Existing::None => {
                    txn.rollback().await?;
                    inputs = store::replan(planned);
                    existing = Existing::LookUp;
                    continue;
                }
                other => other?,
            };
            self.record_progress(
                &txn,
                batch.rows,
                batch.rejected,
                &applied,
                issues_changed.then_some(&*issues),
            )
            .await?;
            txn.commit().await?;
            self.progress.fetch_add(batch.rows, Ordering::Relaxed);
            if let Some(indexer) = &self.indexer {
                indexer.hand_over(store::written(planned, &applied)).await;
            }
            return Ok(applied.inserted);
        }
    }

    /// Adds a batch's counts (and the row problems so far, when they changed) to the job, in
    /// the batch's transaction.
    async fn record_progress(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        rows: u64,
        rejected: u64,
        applied: &store::Applied,
        issues: Option<&[RowIssue]>,
    ) -> Result<()> {
        let add = |col: catalog_imports::Column, n: u64| Expr::col(col).add(i64::try_from(n).unwrap_or(i64::MAX));
        let mut update = catalog_imports::Entity::scoped_update(self.tenant)
            .filter(catalog_imports::Column::Id.eq(self.id))
            .col_expr(
                catalog_imports::Column::RowsRead,
                add(catalog_imports::Column::RowsRead, rows),
            )
            .col_expr(
                catalog_imports::Column::Inserted,
                add(catalog_imports::Column::Inserted, applied.inserted),
            )
            .col_expr(
                catalog_imports::Column::Updated,
                add(catalog_imports::Column::Updated, applied.updated),
            )
            .col_expr(
                catalog_imports::Column::Unchanged,
                add(catalog_imports::Column::Unchanged, applied.unchanged),
            )
            .col_expr(
                catalog_imports::Column::Rejected,
                add(catalog_imports::Column::Rejected, rejected),
            );
        if let Some(issues) = issues {
            let json = serde_json::to_value(issues).map_err(anyhow::Error::from)?;
            update = update.col_expr(catalog_imports::Column::Errors, Expr::value(json));
        }
        update.exec(txn).await?;
        Ok(())
    }

    async fn deactivate_missing(&self, keep: &HashSet<String>) -> Result<()> {
        let active: Vec<(PartId, String)> = parts::Entity::scoped(self.tenant)
            .select_only()
            .columns([parts::Column::Id, parts::Column::Sku])
            .filter(parts::Column::Active.eq(true))
            .into_tuple()
            .all(&self.db)
            .await?;
        let missing: Vec<PartId> = active
            .into_iter()
            .filter(|(_, sku)| !keep.contains(sku))
            .map(|(id, _)| id)
            .collect();
        let now = self.clock.now();
        for chunk in missing.chunks(500) {
            let txn = crate::db::begin_write(&self.db).await?;
            parts::Entity::scoped_update(self.tenant)
                .filter(parts::Column::Id.is_in(chunk.iter().copied()))
                .col_expr(parts::Column::Active, Expr::value(false))
                // A later import of the same row must count as a change and reactivate it.
                .col_expr(parts::Column::ContentHash, Expr::value(""))
                .col_expr(parts::Column::UpdatedAt, Expr::value(now))
                .exec(&txn)
                .await?;
            search_outbox::Entity::insert_many(chunk.iter().map(|id| store::outbox_row(self.tenant, *id, now)))
                .exec_without_returning(&txn)
                .await?;
            catalog_imports::Entity::scoped_update(self.tenant)
                .filter(catalog_imports::Column::Id.eq(self.id))
                .col_expr(
                    catalog_imports::Column::Deactivated,
                    Expr::col(catalog_imports::Column::Deactivated).add(chunk.len() as i64),
                )
                .exec(&txn)
                .await?;
            txn.commit().await?;
        }
        Ok(())
    }
}

/// Jobs left `queued` or `running` by a process that stopped cannot resume: say so.
pub async fn fail_interrupted(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64> {
    #[expect(
        clippy::disallowed_methods,
        reason = "start-up, across every dealer: no dealer is acting"
    )]
    let result = catalog_imports::Entity::update_many()
        .filter(catalog_imports::Column::State.is_in([ImportState::Queued, ImportState::Running]))
        .col_expr(catalog_imports::Column::State, Expr::value(ImportState::Failed))
        .col_expr(
            catalog_imports::Column::Failure,
            Expr::value(
                "interrupted by a restart; batches committed before it are kept, import the file again to finish",
            ),
        )
        .col_expr(catalog_imports::Column::FinishedAt, Expr::value(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

async fn find(db: &impl ConnectionTrait, tenant: TenantId, id: ImportId) -> Result<catalog_imports::Model> {
    catalog_imports::Entity::scoped_by_id(tenant, id)
        .one(db)
        .await?
        .ok_or(Error::not_found("import"))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResponse {
    pub id: ImportId,
    /// `queued`, `running`, `succeeded` or `failed`.
    pub state: String,
    pub format: String,
    pub mode: String,
    pub encoding: String,
    pub rows_read: i64,
    pub inserted: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub rejected: i64,
    /// Parts deactivated because a `replace` import did not list them.
    pub deactivated: i64,
    /// Milliseconds from start to finish (or to now while running).
    pub elapsed_ms: Option<i64>,
    /// The first 1,000 row errors and warnings.
    pub errors: Vec<RowIssue>,
    /// Why the import failed, when it did.
    pub failure: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// Row issues as CSV, in the order the API lists them.
pub fn issues_csv(issues: &[RowIssue]) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["line", "column", "severity", "code", "message"])
        .map_err(anyhow::Error::from)?;
    for issue in issues {
        out.write_record([
            issue.line.to_string().as_str(),
            issue.column.as_deref().unwrap_or_default(),
            issue.severity.as_str(),
            issue.code.as_str(),
            issue.message.as_str(),
        ])
        .map_err(anyhow::Error::from)?;
    }
    Ok(out.into_inner().map_err(|e| anyhow::Error::msg(e.to_string()))?)
}

impl ImportResponse {
    fn new(m: catalog_imports::Model, now: DateTime<Utc>) -> Self {
        Self {
            id: m.id,
            state: m.state.as_str().to_owned(),
            format: m.format,
            mode: m.mode,
            encoding: m.encoding,
            rows_read: m.rows_read,
            inserted: m.inserted,
            updated: m.updated,
            unchanged: m.unchanged,
            rejected: m.rejected,
            deactivated: m.deactivated,
            elapsed_ms: m
                .started_at
                .map(|s| (m.finished_at.unwrap_or(now) - s).num_milliseconds()),
            errors: serde_json::from_value(m.errors).unwrap_or_default(),
            failure: m.failure,
            created_at: m.created_at,
            started_at: m.started_at,
            finished_at: m.finished_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `upsert` (default) or `replace`.
    pub mode: Option<Mode>,
    /// `utf-8`, `gbk` or `gb18030`; detected when absent (UTF-8 if the bytes are valid UTF-8,
    /// else GB18030, which reads GBK).
    pub encoding: Option<String>,
    /// Wait for the import to finish (files up to 100,000 rows).
    pub wait: Option<bool>,
}

/// A file refused whole: the problem names the body or the encoding asked for.
/// What the dealer is told about a failed import: the reason when it is theirs to fix, never
/// the database's or the server's own wording (that goes to the log, under the import's id).
fn failure_text(err: &Error) -> String {
    match err {
        Error::Internal(_) => "the import stopped on a server error; the rows written before it are kept, \
                               and importing the file again completes it"
            .to_owned(),
        other => other.to_string(),
    }
}

fn file_problem(err: FileError) -> Error {
    let (code, field) = match &err {
        FileError::Header(_) => ("invalid_header", "body"),
        FileError::Encoding(_) => ("invalid_encoding", "query.encoding"),
        FileError::TooManyRows(_) => ("too_many_rows", "body"),
        FileError::Io(_) => return Error::Internal(anyhow::anyhow!(err)),
    };
    Error::Validation(vec![crate::error::FieldError::new(field, code, err.to_string())])
}

/// An uploaded file, spooled to disk, to import.
pub struct Upload {
    pub path: PathBuf,
    pub format: Format,
    /// The encoding the client named, if any (else detected).
    pub encoding: Option<Encoding>,
    pub mode: Mode,
    /// Run to the end before answering (files up to [`WAIT_MAX_ROWS`] rows).
    pub wait: bool,
}

/// Checks an upload whole, then imports it: to the end when it asked to wait and is small
/// enough, else in the background. The file is deleted afterwards, or at once when refused.
/// Returns the job and whether it has finished.
pub async fn import_upload(
    db: &DatabaseConnection,
    feed: Arc<dyn SearchFeed>,
    clock: Arc<dyn Clock>,
    tenant: TenantId,
    user: UserId,
    upload: Upload,
) -> Result<(ImportResponse, bool)> {
    let Upload {
        path,
        format,
        encoding,
        mode,
        wait,
    } = upload;
    let checked = {
        let p = path.clone();
        tokio::task::spawn_blocking(move || inspect(&p, format, encoding))
            .await
            .map_err(anyhow::Error::from)
            .map_err(Error::from)
            .and_then(|r| r.map_err(file_problem))
    };
    let inspected = match checked {
        Ok(i) => i,
        Err(err) => {
            let _ = tokio::fs::remove_file(&path).await;
            return Err(err);
        }
    };
    let now = clock.now();
    let job_row = create_job(db, tenant, Some(user), &inspected, mode, now).await?;
    let currency = crate::tenants::find(db, tenant).await?.currency;
    let job = Job {
        db: db.clone(),
        indexer: Some(feed),
        clock: Arc::clone(&clock),
        id: job_row.id,
        tenant,
        path,
        format: inspected.format,
        encoding: inspected.encoding,
        mode,
        currency,
        progress: Arc::default(),
        delete_file: true,
    };
    if wait && inspected.rows <= WAIT_MAX_ROWS {
        let done = job.run().await?;
        return Ok((ImportResponse::new(done, clock.now()), true));
    }
    tokio::spawn(job.run());
    Ok((ImportResponse::new(job_row, now), false))
}

/// An import's progress and outcome.
pub async fn get(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: ImportId,
    now: DateTime<Utc>,
) -> Result<ImportResponse> {
    Ok(ImportResponse::new(find(db, tenant, id).await?, now))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportList {
    pub items: Vec<ImportResponse>,
}

/// The dealer's 50 most recent imports, newest first.
pub async fn recent(db: &impl ConnectionTrait, tenant: TenantId, now: DateTime<Utc>) -> Result<ImportList> {
    let rows = catalog_imports::Entity::scoped(tenant)
        .order_by_desc(catalog_imports::Column::Id)
        .limit(50)
        .all(db)
        .await?;
    Ok(ImportList {
        items: rows.into_iter().map(|m| ImportResponse::new(m, now)).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::SeenSkus;

    #[test]
    fn a_sku_seen_in_an_earlier_batch_is_told_from_one_repeated_within_its_batch() {
        let mut seen = SeenSkus::default();
        assert_eq!(seen.note("BP-1", 2), None);
        assert_eq!(seen.note("BP-1", 3), Some((2, false)));
        seen.next_batch();
        assert_eq!(seen.note("BP-2", 4), None);
        assert_eq!(seen.note("BP-1", 5), Some((3, true)));
        assert_eq!(seen.note("BP-1", 6), Some((5, false)));
    }
}
