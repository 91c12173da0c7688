//! `partsdesk demo` through the compiled binary, on a fresh data directory (and, on the
//! PostgreSQL pass, a schema of its own), then a real `partsdesk serve` on that directory: the
//! owner logs in, the figures show sent quotes and orders, the inbox has inquiries waiting and
//! today's call list is not empty.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use partsdesk::db::scratch::ScratchSchema;
use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::helpers::expect_json;

const EMAIL: &str = "owner@demo-test.cn";
const PASSWORD: &str = "correct-horse-battery";

/// The binary on `dir`, with none of the caller's `PARTSDESK_*` settings.
fn partsdesk(dir: &Path, database_url: Option<&str>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_partsdesk"));
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("PARTSDESK_")) {
        command.env_remove(name);
    }
    command
        .env("RUST_LOG", "info,sqlx=warn,sea_orm=warn")
        .env("NO_COLOR", "1")
        .arg("--data-dir")
        .arg(dir)
        .kill_on_drop(true);
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    command
}

/// A log line without its colours.
fn plain(line: &str) -> String {
    let mut out = String::new();
    let mut escape = false;
    for c in line.chars() {
        match (escape, c) {
            (false, '\u{1b}') => escape = true,
            (true, 'm') => escape = false,
            (true, _) => {}
            (false, c) => out.push(c),
        }
    }
    out
}

#[tokio::test]
async fn demo_makes_a_dealer_with_history_figures_and_a_call_list() {
    let dir = tempfile::tempdir().expect("tempdir");
    // On PostgreSQL the demo and the server work in a schema of their own, named in the URL.
    let schema = match std::env::var("PARTSDESK_TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
    {
        Some(admin) => {
            let schema = ScratchSchema::create(&admin, "demo").await.expect("a schema");
            let separator = if admin.contains('?') { '&' } else { '?' };
            let url = format!("{admin}{separator}options=-csearch_path%3D{}", schema.name());
            Some((schema, url))
        }
        None => None,
    };
    let url = schema.as_ref().map(|(_, url)| url.as_str());

    let demo = partsdesk(dir.path(), url)
        .args(["demo", "--email", EMAIL, "--password", PASSWORD])
        .args([
            "--customers",
            "4",
            "--parts",
            "300",
            "--days",
            "40",
            "--inquiries-per-day",
            "4",
        ])
        .output()
        .await
        .expect("run the demo");
    let stdout = String::from_utf8_lossy(&demo.stdout);
    assert!(
        demo.status.success(),
        "demo failed: {stdout}\n{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    assert_eq!(stdout.matches("psk_").count(), 4, "a key per shop: {stdout}");
    assert!(stdout.contains(EMAIL), "{stdout}");

    let again = partsdesk(dir.path(), url)
        .args([
            "demo",
            "--email",
            EMAIL,
            "--password",
            PASSWORD,
            "--parts",
            "50",
            "--days",
            "1",
        ])
        .output()
        .await
        .expect("run the demo again");
    assert!(!again.status.success(), "the same email twice");
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already has an account"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    let mut serve = partsdesk(dir.path(), url)
        .args(["--bind", "127.0.0.1:0", "serve"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    let mut lines = BufReader::new(serve.stderr.take().expect("stderr")).lines();
    let addr = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.expect("read the log") {
            let line = plain(&line);
            if line.contains("serving partsdesk")
                && let Some(addr) = line.split("addr=").nth(1)
            {
                return addr.split_whitespace().next().unwrap_or_default().to_owned();
            }
        }
        panic!("serve stopped before listening");
    })
    .await
    .expect("serve listens within 30 s");
    // Keep reading, so the server never waits on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

    let base = format!("http://{addr}");
    let client = reqwest::Client::new();
    let login = client
        .post(format!("{base}/v1/auth/login"))
        .json(&json!({ "email": EMAIL, "password": PASSWORD }))
        .send()
        .await
        .expect("login");
    let token = expect_json(login, StatusCode::OK).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let get = |path: &str| client.get(format!("{base}{path}")).bearer_auth(&token).send();

    // The last 30 days by default.
    let summary = expect_json(get("/v1/metrics/summary").await.expect("summary"), StatusCode::OK).await;
    let totals = &summary["totals"];
    let count = |name: &str| totals[name].as_i64().unwrap_or_default();
    assert!(count("inquiries") > 50, "{totals}");
    assert!(count("quoted_lines") > 0, "quotes were sent: {totals}");
    assert!(count("orders") > 0, "{totals}");
    assert!(
        count("bought_lines") < count("quoted_lines"),
        "not everything sells: {totals}"
    );

    let waiting = expect_json(get("/v1/inquiries?status=draft").await.expect("inbox"), StatusCode::OK).await;
    assert!(!waiting["items"].as_array().expect("items").is_empty(), "{waiting}");

    let calls = expect_json(get("/v1/reminders/call-list").await.expect("call list"), StatusCode::OK).await;
    let call = calls["call"].as_array().expect("call");
    assert!(!call.is_empty(), "{calls}");
    let reminders: usize = call.iter().map(|c| c["reminders"].as_array().map_or(0, Vec::len)).sum();
    assert!(reminders >= 2, "{calls}");
    assert!(call.iter().all(|c| c["phone"].is_string()), "{calls}");

    serve.kill().await.expect("stop serve");
    if let Some((schema, _)) = schema {
        schema.drop_now().await.expect("drop the schema");
    }
}
