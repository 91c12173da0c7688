use clap::Parser;

// Imports and searches allocate many small short-lived values on several threads at once;
// glibc's allocator spent about a third of an import's CPU time on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    partsdesk::cli::run(partsdesk::cli::Cli::parse()).await
}
