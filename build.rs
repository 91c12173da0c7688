//! Builds the dealer console (`web/`) with its locked npm dependencies into `OUT_DIR/console`,
//! which `src/http/console.rs` embeds, so a deployment stays one file. Set
//! `PARTSDESK_SKIP_CONSOLE=1` to build the API alone (the console's address then says so).

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output};

const INPUTS: &[&str] = &[
    "web/src",
    "web/public",
    "web/scripts",
    "web/index.html",
    "web/package.json",
    "web/package-lock.json",
    "web/vite.config.ts",
    "web/tsconfig.json",
];

const SKIPPED_PAGE: &str = "<!doctype html><meta charset=utf-8><title>partsdesk</title>\
<p>This build of partsdesk was made without its console (PARTSDESK_SKIP_CONSOLE); the API is at /v1.</p>";

fn main() -> ExitCode {
    println!("cargo:rerun-if-env-changed=PARTSDESK_SKIP_CONSOLE");
    for input in INPUTS {
        println!("cargo:rerun-if-changed={input}");
    }
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("console");
    match build(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn build(out: &Path) -> Result<(), String> {
    if env::var_os("PARTSDESK_SKIP_CONSOLE").is_some_and(|v| !v.is_empty() && v != "0") {
        std::fs::create_dir_all(out).map_err(|e| format!("creating {}: {e}", out.display()))?;
        return std::fs::write(out.join("index.html"), SKIPPED_PAGE)
            .map_err(|e| format!("writing {}: {e}", out.display()));
    }
    let web = Path::new("web");
    let node = Command::new("node").arg("--version").output();
    let node_major = node
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|v| v.trim().trim_start_matches('v').split('.').next()?.parse::<u32>().ok());
    match node_major {
        None => {
            return Err(
                "the dealer console (web/) needs Node.js 20 or newer with npm to build; install them, \
                        or set PARTSDESK_SKIP_CONSOLE=1 to build the API without the console"
                    .to_owned(),
            );
        }
        Some(major) if major < 20 => {
            return Err(format!(
                "the dealer console (web/) needs Node.js 20 or newer to build; this machine has Node.js {major}"
            ));
        }
        Some(_) => {}
    }
    // `npm ci` installs exactly the locked tree; skip it while the installed tree is newer.
    let installed = web.join("node_modules/.package-lock.json");
    if modified(&installed) < modified(&web.join("package-lock.json")) {
        run(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(web),
            "npm ci",
        )?;
    }
    let out_arg = out.to_str().ok_or("OUT_DIR is not valid UTF-8")?;
    run(
        Command::new("npm")
            .args(["run", "--silent", "build:embed", "--", out_arg])
            .current_dir(web),
        "building the console (vite build)",
    )?;
    run(
        Command::new("node")
            .args(["scripts/precompress.mjs", out_arg])
            .current_dir(web),
        "compressing the console's assets",
    )?;
    Ok(())
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Runs a step, keeping its output off stdout (which cargo reads for directives) unless it fails.
fn run(command: &mut Command, what: &str) -> Result<Output, String> {
    let output = command.output().map_err(|e| format!("{what}: cannot start: {e}"))?;
    if output.status.success() {
        return Ok(output);
    }
    eprintln!("{}", String::from_utf8_lossy(&output.stdout));
    eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    Err(format!("{what} failed ({})", output.status))
}
