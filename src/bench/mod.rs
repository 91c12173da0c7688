//! `partsdesk bench ...`: reproducible performance measurements that print their figures.

pub mod catalog;
pub mod generator;

#[derive(Debug, clap::Subcommand)]
pub enum Bench {
    /// Catalog import and search: rows/s, index size, RSS, latency against a raw-tantivy baseline.
    Catalog(catalog::CatalogBenchArgs),
}

pub async fn run(bench: Bench) -> anyhow::Result<()> {
    match bench {
        Bench::Catalog(args) => catalog::run(args).await,
    }
}
