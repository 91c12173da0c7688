//! The `partsdesk` command line.

pub mod catalog;
pub mod demo;

use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::app::{self, AppState};
use crate::clock::SystemClock;
use crate::config::{Config, ConfigArgs, LogFormat};
use crate::db;

#[derive(Debug, Parser)]
#[command(
    name = "partsdesk",
    version,
    about = "Parts inquiries, quotes and orders for auto-parts dealers"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API (the default); applies pending migrations first.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document as YAML.
    Openapi,
    /// Import a catalog file (CSV or NDJSON) for one dealer, with progress.
    Import(ImportArgs),
    /// Rebuild the search index from the database (stop the server first).
    Reindex,
    /// Run the replenishment reminder scheduler once, with the automatic proactive quotes (for
    /// cron); safe beside a running server.
    Remind {
        /// Only this dealer (slug or id); default every dealer.
        #[arg(long)]
        tenant: Option<String>,
    },
    /// Rebuild the metric rollups from the inquiries, quotes, orders and reminders. Safe beside
    /// a running server: its writes for a dealer wait for that dealer's rebuild (on SQLite every
    /// write waits, up to the busy timeout, so rebuild a very large dealer with the server stopped).
    RebuildMetrics {
        /// Only this dealer (slug or id); default every dealer.
        #[arg(long)]
        tenant: Option<String>,
    },
    /// Create a demo dealer with a catalog, customers with API keys and months of inquiries,
    /// quotes, orders and reminders, made through the real workflows (stop the server first).
    Demo(crate::cli::demo::DemoArgs),
    /// Run a benchmark and print its figures (build with --release).
    #[command(subcommand)]
    Bench(crate::bench::Bench),
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The dealer: its slug or id.
    #[arg(long)]
    pub tenant: String,
    /// `upsert` or `replace` (deactivate parts missing from the file).
    #[arg(long, value_enum, default_value = "upsert")]
    pub mode: ImportMode,
    /// `utf-8`, `gbk` or `gb18030`; detected when absent.
    #[arg(long)]
    pub encoding: Option<String>,
    /// `csv` or `ndjson`; from the file extension when absent.
    #[arg(long, value_enum)]
    pub format: Option<FileFormat>,
    pub file: std::path::PathBuf,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ImportMode {
    Upsert,
    Replace,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FileFormat {
    Csv,
    Ndjson,
}

/// Log lines (one per request at the default level) are written to stderr by a thread of
/// their own, so a request never waits for the write; should that thread fall behind, a full
/// queue makes writers wait rather than drop lines. Hold the guard while the command runs: it
/// writes what is queued when dropped.
#[must_use = "log lines still queued are lost unless the guard is held until the end"]
pub fn init_tracing(format: LogFormat) -> tracing_appender::non_blocking::WorkerGuard {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_http=info"));
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .finish(std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).init(),
    }
    guard
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            print!("{}", crate::openapi::yaml()?);
            Ok(())
        }
        Command::Migrate => {
            let _log = init_tracing(cli.config.log_format);
            let config = Config::resolve(&cli.config)?;
            let db = connect(&config).await?;
            app::prepare_database(&db).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Import(args) => {
            let _log = init_tracing(cli.config.log_format);
            let config = Config::resolve(&cli.config)?;
            let db = connect(&config).await?;
            app::prepare_database(&db).await?;
            crate::cli::catalog::import(&config, db, args).await
        }
        Command::Reindex => {
            let _log = init_tracing(cli.config.log_format);
            let config = Config::resolve(&cli.config)?;
            let db = connect(&config).await?;
            app::prepare_database(&db).await?;
            crate::cli::catalog::reindex(&config, db).await
        }
        Command::Remind { tenant } => {
            let _log = init_tracing(cli.config.log_format);
            let config = Config::resolve(&cli.config)?;
            let db = connect(&config).await?;
            app::prepare_database(&db).await?;
            let only = match tenant {
                Some(key) => Some(crate::cli::catalog::find_tenant(&db, &key).await?.id),
                None => None,
            };
            let now = chrono::Utc::now();
            let report = crate::reminders::engine::run(&db, only, now)
                .await
                .map_err(|e| anyhow::anyhow!("reminder run failed: {e}"))?;
            println!(
                "reminders raised {}, reopened {}, converted {}",
                report.raised, report.reopened, report.converted
            );
            let proactive = match only {
                Some(id) => crate::proactive::send_due(&db, &crate::tenants::find(&db, id).await?, now).await,
                None => crate::proactive::send_due_all(&db, now).await,
            }
            .map_err(|e| anyhow::anyhow!("proactive quotes failed: {e}"))?;
            println!(
                "proactive quotes sent {}, left for review {}, held back {}, skipped {}",
                proactive.sent, proactive.drafted_for_review, proactive.held_back, proactive.skipped
            );
            Ok(())
        }
        Command::RebuildMetrics { tenant } => {
            let _log = init_tracing(cli.config.log_format);
            let config = Config::resolve(&cli.config)?;
            let db = connect(&config).await?;
            app::prepare_database(&db).await?;
            let dealers = match tenant {
                Some(key) => vec![crate::cli::catalog::find_tenant(&db, &key).await?],
                None => crate::tenants::all(&db).await?,
            };
            for dealer in dealers {
                let rebuilt = crate::metrics::rollup::rebuild(&db, &dealer)
                    .await
                    .map_err(|e| anyhow::anyhow!("rebuilding {}'s metrics failed: {e}", dealer.slug))?;
                println!("{}: {} rollup rows", dealer.slug, rebuilt.rows);
            }
            Ok(())
        }
        Command::Demo(args) => {
            let _log = init_tracing(cli.config.log_format);
            let config = Config::resolve(&cli.config)?;
            let db = connect(&config).await?;
            app::prepare_database(&db).await?;
            crate::cli::demo::run(&config, db, args).await
        }
        Command::Bench(bench) => {
            tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new("warn"))
                .with_writer(std::io::stderr)
                .init();
            crate::bench::run(bench).await
        }
        Command::Serve => {
            let _log = init_tracing(cli.config.log_format);
            let config = Config::resolve(&cli.config)?;
            let db = connect(&config).await?;
            app::prepare_database(&db).await?;
            let listener = tokio::net::TcpListener::bind(config.bind)
                .await
                .with_context(|| format!("binding {}", config.bind))?;
            tracing::info!(addr = %listener.local_addr()?, "serving partsdesk");
            let failed = crate::catalog::import::fail_interrupted(&db, chrono::Utc::now()).await?;
            if failed > 0 {
                tracing::warn!(
                    imports = failed,
                    "imports interrupted by the last stop were marked failed"
                );
            }
            let state = AppState::new(config, db, Arc::new(SystemClock))?;
            state.indexer.rebuild_if_missing().await?;
            app::serve(listener, state, app::shutdown_signal()).await?;
            Ok(())
        }
    }
}

async fn connect(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    db::connect(db::DbOptions {
        url: &config.database_url,
        max_connections: config.db_max_connections,
        schema: None,
    })
    .await
    .context("connecting to the database")
}
