//! `partsdesk bench catalog`: import a generated catalog through the same code as
//! `partsdesk import`, then time a mixed query set in one run: raw tantivy on the same
//! documents (the baseline), the service's search in-process (also counting every match, as
//! `facets=exact` does), and over HTTP; then the throughput over HTTP of broad names and of
//! numbers with several connections at once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::ActiveModelTrait;
use sea_orm::ActiveValue::Set;
use search_index::baseline::RawIndex;
use search_index::{NumberEntry, NumberKind, PartDoc, SearchIndex};

use crate::bench::generator::{self, GenPart, VEHICLES};
use crate::catalog::import::{self, Job, Mode};
use crate::catalog::numbers::normalize;
use crate::catalog::rows::Format;
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, Secret};
use crate::entities::Role;
use crate::entities::users;
use crate::http::AppState;
use crate::ids::{TenantId, UserId};
use crate::search::{FacetCounting, SearchParams};

#[derive(Debug, clap::Args)]
pub struct CatalogBenchArgs {
    /// Parts per dealer.
    #[arg(long, default_value_t = 1_000_000)]
    pub parts: usize,
    /// Dealers, each with its own catalog of `--parts` parts.
    #[arg(long, default_value_t = 1)]
    pub tenants: usize,
    /// Queries per measurement.
    #[arg(long, default_value_t = 2_000)]
    pub queries: usize,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Benchmark on this PostgreSQL (a fresh schema, dropped afterwards) instead of SQLite.
    #[arg(long)]
    pub postgres: Option<String>,
    /// Import without the search index and stop: the database writes alone, the bound of an
    /// import (no searches are measured).
    #[arg(long)]
    pub database_only: bool,
    /// Keep the SQLite database and index in this directory (to `serve --data-dir` it after).
    /// A directory kept by an earlier run with the same `--parts`, `--tenants` and `--seed` is
    /// reused: the import is skipped and only the searches run.
    #[arg(long)]
    pub keep: Option<std::path::PathBuf>,
    /// Seconds each throughput measurement runs (0: none).
    #[arg(long, default_value_t = 5)]
    pub throughput_secs: u64,
}

/// Fixed so that a kept data directory can be served and queried with the printed token.
const BENCH_SECRET: &str = "bench-secret-bench-secret-bench-secret";

const NAME_QUERIES: &[&str] = &[
    "前刹车片",
    "机滤",
    "火嘴",
    "空调滤",
    "减震器",
    "正时皮带",
    "轮毂轴承",
    "刹车皮",
];
const ENGLISH_QUERIES: &[(&str, usize)] = &[
    ("brake pads", 0),
    ("oil filter", 2),
    ("spark plug", 4),
    ("water pump", 1),
    ("wiper blade", 6),
    ("shock absorber", 7),
];

/// Part types alone, in English: each matches a tenth of a generated catalog.
const ENGLISH_TYPES: &[&str] = &["brake pads", "oil filter", "spark plug", "water pump", "shock absorber"];

/// A part type with the car in the words, as counter staff type it: the vehicle is read out
/// of the text and ranks fitting parts first.
const WITH_VEHICLE_WORD: &[&str] = &[
    "卡罗拉 前刹车片",
    "速腾 机滤",
    "雅阁 火嘴",
    "oil filter corolla",
    "brake pads passat",
    "spark plug civic",
];

const NUMBER_CLASSES: &[&str] = &[
    "number as the brand writes it",
    "number normalized",
    "number lower-case, dashes",
    "OE number",
    "cross-reference",
];
/// Part types alone or with a vehicle word: what a counter types all day, and the queries
/// that match the most.
const BROAD_CLASSES: &[&str] = &["Chinese name", "English name", "name + vehicle word"];

#[derive(Clone)]
struct Query {
    class: &'static str,
    tenant: usize,
    text: String,
    make: Option<&'static str>,
}

fn queries(catalogs: &[Vec<GenPart>], n: usize, seed: u64) -> Vec<Query> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let tenant = rng.random_range(0..catalogs.len());
        let cat = &catalogs[tenant];
        let p = &cat[rng.random_range(0..cat.len())];
        let q = |class, text: String| Query {
            class,
            tenant,
            text,
            make: None,
        };
        out.push(match i % 10 {
            0 => q("number as the brand writes it", p.article.clone()),
            1 => q("number normalized", normalize(&p.article)),
            2 => q(
                "number lower-case, dashes",
                p.article.to_lowercase().replace([' ', '.', '/'], "-"),
            ),
            3 => q("OE number", p.oe.clone()),
            4 => {
                let crossed = cat
                    .iter()
                    .skip(rng.random_range(0..cat.len()))
                    .find(|p| p.cross.is_some())
                    .unwrap_or(p);
                let number = crossed
                    .cross
                    .as_deref()
                    .and_then(|c| c.split_once(':'))
                    .map_or(crossed.article.as_str(), |(_, n)| n);
                q("cross-reference", number.to_owned())
            }
            5 | 6 => q(
                "Chinese name",
                NAME_QUERIES[rng.random_range(0..NAME_QUERIES.len())].to_owned(),
            ),
            8 => q(
                "English name",
                ENGLISH_TYPES[rng.random_range(0..ENGLISH_TYPES.len())].to_owned(),
            ),
            9 => q(
                "name + vehicle word",
                WITH_VEHICLE_WORD[rng.random_range(0..WITH_VEHICLE_WORD.len())].to_owned(),
            ),
            _ => {
                let (text, vehicle) = ENGLISH_QUERIES[rng.random_range(0..ENGLISH_QUERIES.len())];
                Query {
                    make: Some(VEHICLES[vehicle].0),
                    ..q("English name + vehicle", text.to_owned())
                }
            }
        });
    }
    out
}

struct Timings {
    by_class: Vec<(&'static str, Vec<Duration>)>,
}

impl Timings {
    fn new() -> Self {
        Self { by_class: Vec::new() }
    }

    fn add(&mut self, class: &'static str, d: Duration) {
        match self.by_class.iter_mut().find(|(c, _)| *c == class) {
            Some((_, v)) => v.push(d),
            None => self.by_class.push((class, vec![d])),
        }
    }

    fn stats(samples: &[Duration]) -> (f64, f64) {
        let mut v: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
        (at(0.5), at(0.99))
    }

    fn get(&self, class: &str) -> Option<(f64, f64)> {
        self.by_class
            .iter()
            .find(|(c, _)| *c == class)
            .map(|(_, v)| Self::stats(v))
    }

    fn all(&self) -> (f64, f64) {
        let v: Vec<Duration> = self.by_class.iter().flat_map(|(_, v)| v.iter().copied()).collect();
        Self::stats(&v)
    }
}

pub(crate) fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

fn raw_docs(tenant: &str, parts: &[GenPart]) -> impl Iterator<Item = PartDoc> {
    parts.iter().enumerate().map(move |(i, p)| {
        let mut numbers = vec![
            NumberEntry {
                kind: NumberKind::Sku,
                normalized: normalize(&p.sku),
                raw: p.sku.clone(),
            },
            NumberEntry {
                kind: NumberKind::Article,
                normalized: normalize(&p.article),
                raw: p.article.clone(),
            },
            NumberEntry {
                kind: NumberKind::Oe,
                normalized: normalize(&p.oe),
                raw: p.oe.clone(),
            },
        ];
        if let Some((_, n)) = p.cross.as_deref().and_then(|c| c.split_once(':')) {
            numbers.push(NumberEntry {
                kind: NumberKind::Interchange,
                normalized: normalize(n),
                raw: n.to_owned(),
            });
        }
        PartDoc {
            tenant: tenant.to_owned(),
            part_id: i.to_string(),
            name: p.name.clone(),
            numbers,
            ..Default::default()
        }
    })
}

/// Where a benchmark keeps its data: SQLite in a directory, or a fresh PostgreSQL schema.
pub(crate) struct Target {
    _temp: tempfile::TempDir,
    pub dir: std::path::PathBuf,
    database: crate::db::scratch::ScratchDatabase,
    /// The directory holds an earlier run's data.
    pub reused: bool,
}

impl Target {
    /// `reusable`: a kept directory holding an earlier run's database may be opened again.
    pub async fn open(postgres: Option<&str>, keep: Option<&std::path::Path>, reusable: bool) -> anyhow::Result<Self> {
        let temp = tempfile::tempdir()?;
        let mut reused = false;
        let dir = match keep {
            Some(keep) => {
                std::fs::create_dir_all(keep)?;
                reused = reusable && postgres.is_none() && keep.join("partsdesk.db").exists();
                anyhow::ensure!(
                    reused || std::fs::read_dir(keep)?.next().is_none(),
                    "{} is neither empty nor an earlier benchmark's data",
                    keep.display()
                );
                keep.to_owned()
            }
            None => temp.path().to_owned(),
        };
        let database = crate::db::scratch::ScratchDatabase::create(postgres, &dir, "bench").await?;
        Ok(Self {
            _temp: temp,
            dir,
            database,
            reused,
        })
    }

    pub async fn connect(&self) -> anyhow::Result<sea_orm::DatabaseConnection> {
        Ok(self.database.connect(8).await?)
    }

    pub fn backend(&self) -> &'static str {
        if self.database.is_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    }

    /// Drops the PostgreSQL schema (the temporary directory goes with `self`).
    pub async fn close(self) -> anyhow::Result<()> {
        Ok(self.database.drop_now().await?)
    }
}

/// The server's state over the bench's database and index directory; the indexer runs when
/// `indexing` says so, as in the server.
pub(crate) fn bench_state(
    target: &Target,
    db: &sea_orm::DatabaseConnection,
    indexing: Indexing,
) -> anyhow::Result<(AppState, Arc<dyn Clock>)> {
    let dir = target.dir.as_path();
    let db = db.clone();
    let config = Config {
        data_dir: dir.to_owned(),
        database_url: target.database.url().to_owned(),
        bind: "127.0.0.1:0".parse()?,
        jwt_secret: Secret::new(BENCH_SECRET.into()),
        token_ttl: Duration::from_secs(3600),
        cors_origins: Vec::new(),
        request_timeout: Duration::from_secs(30),
        db_max_connections: 8,
        allow_private_webhooks: false,
        cookie_secure: false,
        worker_interval: None,
        reminder_interval: Duration::from_secs(3600),
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let state = AppState::new(config, db.clone(), Arc::clone(&clock))?;
    // As in the server: the indexer runs beside the import, nudged after every batch.
    if indexing == Indexing::On {
        state.indexer.spawn();
    }
    Ok((state, clock))
}

/// Imports one CSV file for `tenant` through the server's import path, until searchable.
pub(crate) async fn import_file(
    state: &AppState,
    clock: &Arc<dyn Clock>,
    tenant: TenantId,
    file: &std::path::Path,
) -> anyhow::Result<u64> {
    let path = file.to_owned();
    let inspected = tokio::task::spawn_blocking(move || import::inspect(&path, Format::Csv, None)).await??;
    let job_row = import::create_job(&state.db, tenant, None, &inspected, Mode::Upsert, clock.now()).await?;
    let done = Job {
        db: state.db.clone(),
        indexer: Some(Arc::clone(&state.indexer) as Arc<dyn crate::catalog::feed::SearchFeed>),
        clock: Arc::clone(clock),
        id: job_row.id,
        tenant,
        path: file.to_owned(),
        format: Format::Csv,
        encoding: inspected.encoding,
        mode: Mode::Upsert,
        currency: "CNY".into(),
        progress: Arc::default(),
        delete_file: false,
    }
    .run()
    .await?;
    while state.indexer.drain().await? > 0 {}
    anyhow::ensure!(
        done.state == crate::entities::ImportState::Succeeded,
        "import failed: {:?}",
        done.failure
    );
    Ok(u64::try_from(done.inserted)?)
}

/// A migrated database with dealers whose generated catalogs are imported and searchable.
pub(crate) struct Prepared {
    pub state: AppState,
    pub clock: Arc<dyn Clock>,
    pub tenant_ids: Vec<TenantId>,
    pub catalogs: Vec<Vec<GenPart>>,
}

/// Whether an import also builds the search index, as the server's does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Indexing {
    On,
    Off,
}

/// Imports `parts` generated parts for each of `tenants` dealers through the server's import
/// path, printing rows/s, index size and peak RSS.
pub(crate) async fn prepare(
    target: &Target,
    tenants: usize,
    parts: usize,
    seed: u64,
    indexing: Indexing,
) -> anyhow::Result<Prepared> {
    let dir = target.dir.as_path();
    let db = target.connect().await?;
    crate::app::prepare_database(&db).await?;
    let (state, clock) = bench_state(target, &db, indexing)?;

    if target.reused {
        return reuse(target, state, clock, tenants, parts, seed).await;
    }
    let mut tenant_ids = Vec::new();
    let mut catalogs = Vec::new();
    let (mut check, mut write) = (Duration::ZERO, Duration::ZERO);
    // CPU time of every thread of the process while importing: steadier than wall time on a
    // shared machine, and it shows how much of the two cores an import keeps busy.
    let (mut cpu, mut cpu_wall) = (Duration::ZERO, Duration::ZERO);
    let mut rows = 0u64;
    for t in 0..tenants {
        let now = clock.now();
        let tenant = crate::tenants::new_tenant(
            format!("bench-{t}"),
            format!("Bench dealer {t}"),
            crate::tenants::DEFAULT_TIME_ZONE.into(),
            crate::tenants::DEFAULT_CURRENCY.into(),
            now,
        )
        .insert(&db)
        .await?;
        let parts = generator::catalog(parts, seed + t as u64);
        let file = dir.join(format!("catalog-{t}.csv"));
        generator::write_csv(&parts, &file)?;

        let cpu_started = (cpu_time::ProcessTime::now(), Instant::now());
        let started = Instant::now();
        let path = file.clone();
        let inspected = tokio::task::spawn_blocking(move || import::inspect(&path, Format::Csv, None)).await??;
        check += started.elapsed();
        let job_row = import::create_job(&db, tenant.id, None, &inspected, Mode::Upsert, clock.now()).await?;
        let started = Instant::now();
        let done = Job {
            db: db.clone(),
            indexer: (indexing == Indexing::On)
                .then(|| Arc::clone(&state.indexer) as Arc<dyn crate::catalog::feed::SearchFeed>),
            clock: Arc::clone(&clock),
            id: job_row.id,
            tenant: tenant.id,
            path: file.clone(),
            format: Format::Csv,
            encoding: inspected.encoding,
            mode: Mode::Upsert,
            currency: "CNY".into(),
            progress: Arc::default(),
            delete_file: true,
        }
        .run()
        .await?;
        // Until every row is searchable.
        while indexing == Indexing::On && state.indexer.drain().await? > 0 {}
        write += started.elapsed();
        cpu += cpu_started.0.elapsed();
        cpu_wall += cpu_started.1.elapsed();
        anyhow::ensure!(
            done.state == crate::entities::ImportState::Succeeded,
            "import failed: {:?}",
            done.failure
        );
        rows += u64::try_from(done.inserted)?;
        tenant_ids.push(tenant.id);
        catalogs.push(parts);
    }
    let total = check + write;
    let per_sec = |d: Duration| rows as f64 / d.as_secs_f64().max(1e-9);
    println!("\nimport ({rows} rows, the server's import path)");
    println!(
        "  check file            {:>8.1} s  {:>9.0} rows/s",
        check.as_secs_f64(),
        per_sec(check)
    );
    println!(
        "  write {:<15} {:>8.1} s  {:>9.0} rows/s",
        if indexing == Indexing::On {
            "database+index"
        } else {
            "database only"
        },
        write.as_secs_f64(),
        per_sec(write)
    );
    println!(
        "  end to end            {:>8.1} s  {:>9.0} rows/s",
        total.as_secs_f64(),
        per_sec(total)
    );
    println!(
        "  CPU time (all threads) {:>7.1} s  {:>9.1} us/row, {:.2} cores busy",
        cpu.as_secs_f64(),
        cpu.as_secs_f64() * 1e6 / rows.max(1) as f64,
        cpu.as_secs_f64() / cpu_wall.as_secs_f64().max(1e-9)
    );
    println!(
        "  index size {:.1} MiB in {} segments; peak RSS so far {:.0} MiB",
        SearchIndex::size_on_disk(&dir.join("index")) as f64 / 1048576.0,
        state.indexer.index().segment_count()?,
        peak_rss_mib()
    );
    Ok(Prepared {
        state,
        clock,
        tenant_ids,
        catalogs,
    })
}

/// A kept directory: the same seed regenerates the same catalogs, so only the dealers' ids
/// need reading back.
async fn reuse(
    target: &Target,
    state: AppState,
    clock: Arc<dyn Clock>,
    tenants: usize,
    parts: usize,
    seed: u64,
) -> anyhow::Result<Prepared> {
    let mut tenant_ids = Vec::new();
    let mut catalogs = Vec::new();
    for t in 0..tenants {
        let tenant = crate::tenants::find_by_key(&state.db, &format!("bench-{t}"))
            .await?
            .with_context(|| format!("{} was kept with fewer dealers", target.dir.display()))?;
        tenant_ids.push(tenant.id);
        catalogs.push(generator::catalog(parts, seed + t as u64));
    }
    println!("\nreusing the catalogs kept in {}", target.dir.display());
    // As `serve` does: an index of an older layout was set aside and is rebuilt here.
    let started = Instant::now();
    state.indexer.rebuild_if_missing().await?;
    println!("  index ready in {:.1} s", started.elapsed().as_secs_f64());
    Ok(Prepared {
        state,
        clock,
        tenant_ids,
        catalogs,
    })
}

/// Longest wait for the index to merge after the import.
const SETTLE_LIMIT: Duration = Duration::from_secs(300);

/// As a server does once writes pause: merge the index into one segment, and wait for it so
/// that the merge does not run during the measurements.
pub(crate) async fn settle(state: &AppState) -> anyhow::Result<()> {
    let index = state.indexer.index();
    let started = Instant::now();
    if state.indexer.settle().await? {
        while index.settling()? && started.elapsed() < SETTLE_LIMIT {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        index.refresh()?;
    }
    println!(
        "  index settled into {} segment(s) in {:.1} s; peak RSS so far {:.0} MiB",
        index.segment_count()?,
        started.elapsed().as_secs_f64(),
        peak_rss_mib()
    );
    Ok(())
}

pub async fn run(args: CatalogBenchArgs) -> anyhow::Result<()> {
    // Measuring the database alone needs an import to measure.
    let target = Target::open(args.postgres.as_deref(), args.keep.as_deref(), !args.database_only).await?;
    let result = bench(&args, &target).await;
    target.close().await?;
    result
}

async fn bench(args: &CatalogBenchArgs, target: &Target) -> anyhow::Result<()> {
    println!(
        "partsdesk bench catalog: {} dealer(s) x {} parts on {}, seed {}, {} cores",
        args.tenants,
        args.parts,
        target.backend(),
        args.seed,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let Prepared {
        state,
        clock,
        tenant_ids,
        catalogs,
    } = prepare(
        target,
        args.tenants,
        args.parts,
        args.seed,
        if args.database_only {
            Indexing::Off
        } else {
            Indexing::On
        },
    )
    .await?;
    if args.database_only {
        return Ok(());
    }
    let db = state.db.clone();
    settle(&state).await?;

    let started = Instant::now();
    let raw = RawIndex::build(
        catalogs
            .iter()
            .zip(&tenant_ids)
            .flat_map(|(parts, t)| raw_docs(&t.to_string(), parts).collect::<Vec<_>>()),
    )?;
    println!(
        "  baseline: raw tantivy indexed the same documents in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let qs = queries(&catalogs, args.queries, args.seed);
    let mut baseline = Timings::new();
    let mut in_process = Timings::new();
    let mut http = Timings::new();
    let mut http_compressed = Timings::new();
    let mut found = [0usize; 2];

    for q in &qs {
        let tenant = tenant_ids[q.tenant].to_string();
        let started = Instant::now();
        let n = if crate::catalog::numbers::looks_like_number(&q.text) {
            raw.number(&tenant, &normalize(&q.text), 20)?
        } else {
            raw.text(&tenant, &q.text, 20)?
        };
        baseline.add(q.class, started.elapsed());
        found[0] += usize::from(n > 0);
    }
    let params_of = |q: &Query| SearchParams {
        q: Some(q.text.clone()),
        make: q.make.map(str::to_owned),
        ..Default::default()
    };
    let exact_params_of = |q: &Query| SearchParams {
        facets: Some(FacetCounting::Exact),
        ..params_of(q)
    };
    let mut in_process_exact = Timings::new();
    let search = |params: SearchParams, tenant: usize| {
        let state = &state;
        let tenant = tenant_ids[tenant];
        async move {
            crate::search::run(
                &state.db,
                &state.indexer,
                &state.lexicons,
                tenant,
                &params,
                None,
                state.clock.now(),
            )
            .await
        }
    };
    // Untimed first pass: a reopened index is read from disk on first touch, and the
    // database's pages too; what a running server serves is warm.
    for q in &qs {
        search(params_of(q), q.tenant).await?;
    }
    for q in &qs {
        let params = params_of(q);
        let started = Instant::now();
        let r = search(params, q.tenant).await?;
        in_process.add(q.class, started.elapsed());
        found[1] += usize::from(r.total > 0);
    }
    // Every match counted, as every search did before totals were bounded: the baseline of
    // the counting's cost, in the same run.
    for q in &qs {
        let params = exact_params_of(q);
        let started = Instant::now();
        search(params, q.tenant).await?;
        in_process_exact.add(q.class, started.elapsed());
    }

    // Over HTTP: a real server on loopback, one staff user per dealer.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(crate::app::serve(listener, state.clone(), std::future::pending()));
    let mut tokens = Vec::new();
    for (i, tenant) in tenant_ids.iter().enumerate() {
        let id = UserId::generate();
        let user = users::ActiveModel {
            id: Set(id),
            tenant_id: Set(*tenant),
            // Unique across reruns on a kept directory.
            email: Set(format!("bench{i}-{}@partsdesk.test", id.to_string().to_lowercase())),
            name: Set("bench".into()),
            role: Set(Role::Owner),
            password_hash: Set("!".into()),
            credentials_changed_at: Set(clock.now() - chrono::Duration::minutes(1)),
            session_generation: Set(0),
            created_at: Set(clock.now()),
            updated_at: Set(clock.now()),
        }
        .insert(&db)
        .await?;
        tokens.push(state.jwt.issue(user.id, *tenant, Role::Owner, 0, clock.now())?);
    }
    if let (Some(dir), Some(token)) = (&args.keep, tokens.first()) {
        println!(
            "kept in {}: PARTSDESK_JWT_SECRET={} partsdesk serve --data-dir {}; a token for the first dealer (1 h): {token}",
            dir.display(),
            BENCH_SECRET,
            dir.display()
        );
    }
    // As an integration asks (no compression), and as a browser does (gzip or br, decoded).
    let plain = reqwest::Client::builder().no_gzip().no_brotli().build()?;
    let compressed = reqwest::Client::new();
    let url_of = |q: &Query, exact: bool| -> anyhow::Result<reqwest::Url> {
        let mut url = reqwest::Url::parse(&format!("{base}/v1/search")).context("url")?;
        url.query_pairs_mut().append_pair("q", &q.text);
        if let Some(make) = q.make {
            url.query_pairs_mut().append_pair("make", make);
        }
        if exact {
            url.query_pairs_mut().append_pair("facets", "exact");
        }
        Ok(url)
    };
    for (client, timings) in [(&plain, &mut http), (&compressed, &mut http_compressed)] {
        for q in &qs {
            let url = url_of(q, false)?;
            let started = Instant::now();
            let resp = client.get(url).bearer_auth(&tokens[q.tenant]).send().await?;
            anyhow::ensure!(resp.status().is_success(), "search failed: {}", resp.status());
            resp.bytes().await?;
            timings.add(q.class, started.elapsed());
        }
    }

    println!(
        "\nsearch latency, ms (p50 / p99), {} queries each way, top 20 hits; \"exact\" counts every match (facets=exact)",
        qs.len()
    );
    println!(
        "  {:<32} {:>17} {:>17} {:>17} {:>17} {:>17}",
        "query", "raw tantivy", "in-process", "in-process exact", "HTTP", "HTTP compressed"
    );
    let classes: Vec<&str> = baseline.by_class.iter().map(|(c, _)| *c).collect();
    let fmt = |t: Option<(f64, f64)>| t.map_or("-".into(), |(a, b)| format!("{a:.3} / {b:.3}"));
    for class in classes {
        println!(
            "  {:<32} {:>17} {:>17} {:>17} {:>17} {:>17}",
            class,
            fmt(baseline.get(class)),
            fmt(in_process.get(class)),
            fmt(in_process_exact.get(class)),
            fmt(http.get(class)),
            fmt(http_compressed.get(class))
        );
    }
    println!(
        "  {:<32} {:>17} {:>17} {:>17} {:>17} {:>17}",
        "all",
        fmt(Some(baseline.all())),
        fmt(Some(in_process.all())),
        fmt(Some(in_process_exact.all())),
        fmt(Some(http.all())),
        fmt(Some(http_compressed.all()))
    );
    println!(
        "  queries with hits: raw tantivy {}/{n}, service {}/{n}",
        found[0],
        found[1],
        n = qs.len()
    );
    println!("  peak RSS {:.0} MiB", peak_rss_mib());

    if args.throughput_secs > 0 {
        let secs = Duration::from_secs(args.throughput_secs);
        println!(
            "\nthroughput over HTTP (no compression), {} s each, client and server on the same cores",
            args.throughput_secs
        );
        println!(
            "  {:<40} {:>12} {:>12} {:>12}",
            "queries", "requests/s", "p50 ms", "p99 ms"
        );
        let of_classes =
            |classes: &[&str]| -> Vec<&Query> { qs.iter().filter(|q| classes.contains(&q.class)).collect() };
        let broad = of_classes(BROAD_CLASSES);
        let numbers = of_classes(NUMBER_CLASSES);
        let runs: [(&str, &[&Query], usize, bool); 3] = [
            ("broad names, 8 connections", &broad, 8, false),
            ("broad names, facets=exact, 8 connections", &broad, 8, true),
            ("numbers, 32 connections", &numbers, 32, false),
        ];
        for (label, queries, connections, exact) in runs {
            let requests: Vec<(reqwest::Url, String)> = queries
                .iter()
                .map(|q| Ok((url_of(q, exact)?, tokens[q.tenant].clone())))
                .collect::<anyhow::Result<_>>()?;
            let load = throughput(&plain, &requests, connections, secs).await?;
            println!(
                "  {:<40} {:>12.0} {:>12.3} {:>12.3}",
                label, load.per_second, load.p50_ms, load.p99_ms
            );
        }
    }
    Ok(())
}

struct Load {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// `connections` clients, each sending the next request as soon as its last one is answered,
/// for `duration`.
async fn throughput(
    client: &reqwest::Client,
    requests: &[(reqwest::Url, String)],
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Load> {
    anyhow::ensure!(!requests.is_empty(), "no requests to send");
    let requests = Arc::new(requests.to_vec());
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..connections {
        let (client, requests) = (client.clone(), Arc::clone(&requests));
        tasks.spawn(async move {
            let mut samples = Vec::new();
            let mut i = c * requests.len() / connections;
            while Instant::now() < deadline {
                let (url, token) = &requests[i % requests.len()];
                let sent = Instant::now();
                let resp = client.get(url.clone()).bearer_auth(token).send().await?;
                anyhow::ensure!(resp.status().is_success(), "search failed: {}", resp.status());
                resp.bytes().await?;
                samples.push(sent.elapsed());
                i += 1;
            }
            anyhow::Ok(samples)
        });
    }
    let mut samples = Vec::new();
    while let Some(done) = tasks.join_next().await {
        samples.extend(done??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (p50_ms, p99_ms) = Timings::stats(&samples);
    Ok(Load {
        per_second: samples.len() as f64 / elapsed,
        p50_ms,
        p99_ms,
    })
}
