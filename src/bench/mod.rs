//! `partsdesk bench ...`: reproducible performance measurements that print their figures.

pub mod catalog;
pub mod console;
pub mod generator;
pub mod insights;
pub mod matching;
pub mod metrics;
pub mod quality;

#[derive(Debug, clap::Subcommand)]
pub enum Bench {
    /// Catalog import and search: rows/s, index size, RSS, latency against a raw-tantivy baseline.
    Catalog(catalog::CatalogBenchArgs),
    /// Inquiry matching: 50-line inquiries over HTTP against a large catalog, p50/p99.
    Match(matching::MatchBenchArgs),
    /// Matching quality: hit@1 per kind of query, for search and inquiries, on a seeded catalog.
    Quality(quality::QualityBenchArgs),
    /// The dealer console in Chromium: first-screen JavaScript and time, long-list scrolling.
    Console(console::ConsoleBenchArgs),
    /// Touchpoint metrics and reminders: query latency and a reminder run on a year of data.
    Metrics(metrics::MetricsBenchArgs),
    /// Insights (unmet demand, pricing, restock forecast): latency on a year of data, and the
    /// restock forecast's error against what was then bought.
    Insights(metrics::MetricsBenchArgs),
}

pub async fn run(bench: Bench) -> anyhow::Result<()> {
    match bench {
        Bench::Catalog(args) => catalog::run(args).await,
        Bench::Console(args) => console::run(args).await,
        Bench::Match(args) => matching::run(args).await,
        Bench::Metrics(args) => metrics::run(args).await,
        Bench::Insights(args) => insights::run(args).await,
        Bench::Quality(args) => quality::run(args).await,
    }
}
