//! `partsdesk import` and `partsdesk reindex`, and dealers named on the command line.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::DatabaseConnection;
use search_index::SearchIndex;

use crate::catalog::import::{self, Job, Mode};
use crate::catalog::rows::{Encoding, Format};
use crate::cli::{FileFormat, ImportArgs, ImportMode};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::entities::tenants;
use crate::search::indexer::Indexer;

/// A dealer named on the command line by slug or id.
pub async fn find_tenant(db: &DatabaseConnection, key: &str) -> anyhow::Result<tenants::Model> {
    crate::tenants::find_by_key(db, key)
        .await?
        .with_context(|| format!("no dealer with slug or id `{key}`"))
}

/// The index, unless a running server holds it (then that server indexes the changes).
fn open_indexer(config: &Config, db: &DatabaseConnection) -> Option<Arc<Indexer>> {
    match SearchIndex::open(&config.index_dir()) {
        Ok(index) => Some(Indexer::new(db.clone(), Arc::new(index))),
        Err(err) => {
            eprintln!("note: search index not opened ({err}); a running server will index the changes");
            None
        }
    }
}

pub async fn import(config: &Config, db: DatabaseConnection, args: ImportArgs) -> anyhow::Result<()> {
    let tenant = find_tenant(&db, &args.tenant).await?;
    let format = match args.format {
        Some(FileFormat::Csv) => Format::Csv,
        Some(FileFormat::Ndjson) => Format::Ndjson,
        None => match args
            .file
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("ndjson" | "jsonl") => Format::Ndjson,
            _ => Format::Csv,
        },
    };
    let encoding = args
        .encoding
        .as_deref()
        .map(|e| Encoding::parse(e).with_context(|| format!("unknown encoding `{e}`: use utf-8, gbk or gb18030")))
        .transpose()?;
    let mode = match args.mode {
        ImportMode::Upsert => Mode::Upsert,
        ImportMode::Replace => Mode::Replace,
    };
    let started = Instant::now();
    let path = args.file.clone();
    let inspected = tokio::task::spawn_blocking(move || import::inspect(&path, format, encoding))
        .await?
        .with_context(|| format!("{} cannot be imported", args.file.display()))?;
    eprintln!(
        "{}: {} rows, {}; checked in {:.1} s",
        args.file.display(),
        inspected.rows,
        inspected.encoding.as_str(),
        started.elapsed().as_secs_f64()
    );
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let job_row = import::create_job(&db, tenant.id, None, &inspected, mode, clock.now()).await?;
    let indexer = open_indexer(config, &db);
    let job = Job {
        db: db.clone(),
        indexer: None,
        clock,
        id: job_row.id,
        tenant: tenant.id,
        path: args.file.clone(),
        format: inspected.format,
        encoding: inspected.encoding,
        mode,
        currency: tenant.currency.clone(),
        progress: Arc::default(),
        delete_file: false,
    };
    let progress = Arc::clone(&job.progress);
    let bar = ProgressBar::new(inspected.rows);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} rows  {per_sec}  ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let ticker = {
        let bar = bar.clone();
        tokio::spawn(async move {
            loop {
                bar.set_position(progress.load(Ordering::Relaxed));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let write_started = Instant::now();
    let done = job.run().await?;
    ticker.abort();
    bar.finish_and_clear();
    let written = write_started.elapsed();
    if let Some(indexer) = indexer {
        let t = Instant::now();
        let applied = indexer.drain().await?;
        eprintln!("indexed {applied} changes in {:.1} s", t.elapsed().as_secs_f64());
    }
    let total = started.elapsed().as_secs_f64();
    eprintln!(
        "import {}: {} | read {} inserted {} updated {} unchanged {} rejected {} deactivated {}",
        done.id,
        done.state.as_str(),
        done.rows_read,
        done.inserted,
        done.updated,
        done.unchanged,
        done.rejected,
        done.deactivated
    );
    eprintln!(
        "database write {:.1} s ({:.0} rows/s); end to end {:.1} s ({:.0} rows/s)",
        written.as_secs_f64(),
        done.rows_read as f64 / written.as_secs_f64().max(1e-9),
        total,
        done.rows_read as f64 / total.max(1e-9)
    );
    let errors: Vec<crate::catalog::rows::RowIssue> = serde_json::from_value(done.errors).unwrap_or_default();
    for issue in errors.iter().take(20) {
        eprintln!(
            "  line {} {} {}: {}",
            issue.line,
            issue.column.as_deref().unwrap_or("-"),
            issue.severity,
            issue.message
        );
    }
    if let Some(failure) = done.failure {
        anyhow::bail!("import failed: {failure}");
    }
    Ok(())
}

pub async fn reindex(config: &Config, db: DatabaseConnection) -> anyhow::Result<()> {
    let index = SearchIndex::open(&config.index_dir())
        .context("opening the search index (stop the server first: only one process may write it)")?;
    let indexer = Indexer::new(db, Arc::new(index));
    let started = Instant::now();
    let n = indexer.rebuild().await?;
    eprintln!("reindexed {n} parts in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
