//! `partsdesk bench console`: the dealer console's speed in Debian's Chromium, against this
//! binary's own `serve` on a demo dealer (made by `partsdesk demo` in a temporary directory):
//! the JavaScript shipped before the inbox shows, the time until it is on screen and quiet,
//! and scrolling a 10,000-row catalog list. The browser side is `web/bench/console.mjs`; an
//! empty page from the same server is the baseline printed beside it.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

#[derive(Debug, clap::Args)]
pub struct ConsoleBenchArgs {
    /// Cold loads of the first screen to measure.
    #[arg(long, default_value_t = 7)]
    pub runs: usize,
    /// Parts in the demo catalog; the scrolled list loads up to this many rows (at most 10,000).
    #[arg(long, default_value_t = 10_000)]
    pub parts: usize,
    /// Days of demo history behind the inbox and figures.
    #[arg(long, default_value_t = 30)]
    pub days: usize,
    /// The browser to drive.
    #[arg(long, default_value = "/usr/bin/chromium")]
    pub chromium: PathBuf,
}

const EMAIL: &str = "bench@demo-parts.cn";
const PASSWORD: &str = "bench-password-2026";

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub async fn run(args: ConsoleBenchArgs) -> anyhow::Result<()> {
    if !args.chromium.exists() {
        bail!(
            "no browser at {}: `apt-get install -y chromium`, or pass --chromium",
            args.chromium.display()
        );
    }
    let web = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("web");
    let exe = std::env::current_exe().context("locating this binary")?;
    let dir = tempfile::tempdir()?;

    let started = Instant::now();
    let demo = Command::new(&exe)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["demo", "--email", EMAIL, "--password", PASSWORD])
        .args(["--parts", &args.parts.to_string(), "--days", &args.days.to_string()])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .status()
        .context("running partsdesk demo")?;
    if !demo.success() {
        bail!("partsdesk demo failed ({demo})");
    }
    eprintln!(
        "demo dealer with {} parts and {} days of history made in {:.0?}",
        args.parts,
        args.days,
        started.elapsed()
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let base = format!("http://127.0.0.1:{port}");
    let _serve = Serve(
        Command::new(&exe)
            .arg("--data-dir")
            .arg(dir.path())
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .context("starting partsdesk serve")?,
    );
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .map(|r| r.status().is_success())
        .ok()
        != Some(true)
    {
        if Instant::now() > deadline {
            bail!("serve did not become ready within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let build = if cfg!(debug_assertions) { "debug" } else { "release" };
    println!(
        "partsdesk bench console ({build} build of the server; demo dealer, {} parts)",
        args.parts
    );
    let status = Command::new("node")
        .arg("bench/console.mjs")
        .current_dir(&web)
        .env("PARTSDESK_URL", &base)
        .env("PARTSDESK_EMAIL", EMAIL)
        .env("PARTSDESK_PASSWORD", PASSWORD)
        .env("PARTSDESK_CHROMIUM", &args.chromium)
        .env("PARTSDESK_BENCH_RUNS", args.runs.to_string())
        .env("PARTSDESK_BENCH_LIST_ROWS", args.parts.min(10_000).to_string())
        .status()
        .context("running node bench/console.mjs (needs Node.js and web/node_modules)")?;
    if !status.success() {
        bail!("the browser side of the benchmark failed ({status})");
    }
    Ok(())
}
