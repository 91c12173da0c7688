use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    partsdesk::cli::run(partsdesk::cli::Cli::parse()).await
}
