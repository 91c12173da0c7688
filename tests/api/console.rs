//! The dealer console's own checks, run by the one test command: its type check, the typed
//! API client's freshness against `openapi.yaml`, its unit tests (Vitest), and its browser
//! flows (Playwright driving Debian's Chromium against a real `partsdesk serve` on a fresh
//! database). `web/node_modules` is installed by the build (`build.rs`).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn web() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("web")
}

/// A build made with `PARTSDESK_SKIP_CONSOLE` has no console to test; say so rather than pass.
fn console_skipped(test: &str) -> bool {
    let skipped = std::env::var_os("PARTSDESK_SKIP_CONSOLE").is_some_and(|v| !v.is_empty() && v != "0");
    if skipped {
        eprintln!("{test}: not run, PARTSDESK_SKIP_CONSOLE is set (the build has no console)");
    }
    skipped
}

fn run(command: &mut Command, what: &str) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start ({e}); is Node.js 20+ with npm installed?"));
    if !output.status.success() {
        panic!(
            "{what} failed ({})\n--- stdout\n{}\n--- stderr\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    output
}

#[test]
fn console_types_api_client_and_unit_tests() {
    if console_skipped("console_types_api_client_and_unit_tests") {
        return;
    }
    // Nothing here touches a database: the PostgreSQL pass need not repeat it.
    if std::env::var_os("PARTSDESK_TEST_DATABASE_URL").is_some() {
        eprintln!("console_types_api_client_and_unit_tests: ran in the SQLite pass");
        return;
    }
    run(
        Command::new("npm")
            .args(["run", "--silent", "api:check"])
            .current_dir(web()),
        "the console's API types (npm run api:check)",
    );
    run(
        Command::new("npm")
            .args(["run", "--silent", "typecheck"])
            .current_dir(web()),
        "the console's type check (npm run typecheck)",
    );
    run(
        Command::new("npx")
            .args(["vitest", "run"])
            .current_dir(web())
            .env("CI", "true"),
        "the console's unit tests (vitest)",
    );
}

/// `partsdesk serve` as a child process, stopped when dropped.
struct Server {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The demo dealer the browser tests find already there: history for the figures, reminders
/// due today, inquiries waiting.
const DEMO_EMAIL: &str = "owner@demo-parts.cn";
const DEMO_PASSWORD: &str = "demo-password-2026";

fn start_server(database_url: Option<&str>) -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut demo = Command::new(env!("CARGO_BIN_EXE_partsdesk"));
    demo.arg("--data-dir").arg(dir.path()).env("RUST_LOG", "warn");
    if let Some(url) = database_url {
        demo.args(["--database-url", url]);
    }
    demo.args(["demo", "--email", DEMO_EMAIL, "--password", DEMO_PASSWORD])
        .args([
            "--customers",
            "4",
            "--parts",
            "300",
            "--days",
            "40",
            "--inquiries-per-day",
            "4",
        ]);
    run(&mut demo, "seeding the demo dealer (partsdesk demo)");
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_partsdesk"));
    command
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(dir.path())
        .env("RUST_LOG", "warn")
        .env("PARTSDESK_JWT_SECRET", "browser-test-secret-at-least-32-bytes-long")
        .stdout(Stdio::null());
    if let Some(url) = database_url {
        command.args(["--database-url", url]);
    }
    let child = command.spawn().expect("starting partsdesk serve");
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(body) = http_get(port, "/") {
            assert!(
                body.contains("id=\"root\""),
                "serve answers without its console (built with PARTSDESK_SKIP_CONSOLE?): {body}"
            );
            return server;
        }
        assert!(Instant::now() < deadline, "partsdesk serve did not come up within 60 s");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A plain blocking GET, enough to see the server is up.
fn http_get(port: u16, path: &str) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )?;
    let mut body = String::new();
    stream.read_to_string(&mut body)?;
    Ok(body)
}

/// On the PostgreSQL pass the browser flows run against a database of their own there.
struct PostgresDatabase {
    admin: String,
    name: String,
}

impl PostgresDatabase {
    async fn create(admin: &str) -> Self {
        use sea_orm::ConnectionTrait;
        let name = format!("partsdesk_browser_{}", uuid::Uuid::now_v7().simple());
        let db = sea_orm::Database::connect(admin).await.expect("connect to PostgreSQL");
        db.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create the browser tests' database");
        Self {
            admin: admin.to_owned(),
            name,
        }
    }

    fn url(&self) -> String {
        let mut url = url::Url::parse(&self.admin).expect("PARTSDESK_TEST_DATABASE_URL is a URL");
        url.set_path(&self.name);
        url.to_string()
    }

    async fn drop_database(self) {
        use sea_orm::ConnectionTrait;
        if let Ok(db) = sea_orm::Database::connect(&self.admin).await {
            let _ = db
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name))
                .await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_in_a_real_browser() {
    if console_skipped("console_in_a_real_browser") {
        return;
    }
    let chromium = std::env::var("PARTSDESK_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    assert!(
        Path::new(&chromium).exists(),
        "the browser tests need Chromium at {chromium}: `apt-get install -y chromium` (Debian), or set \
         PARTSDESK_CHROMIUM; `bash .ci/run` installs it"
    );
    let postgres = match std::env::var("PARTSDESK_TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => Some(PostgresDatabase::create(&admin).await),
        _ => None,
    };
    let server = start_server(postgres.as_ref().map(PostgresDatabase::url).as_deref());
    let base = server.base.clone();
    let web = web();
    let chromium_path = chromium.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .args(["--test", "--test-concurrency=1", "--test-reporter=spec", "e2e/"])
            .current_dir(web)
            .env("PARTSDESK_URL", base)
            .env("PARTSDESK_DEMO_EMAIL", DEMO_EMAIL)
            .env("PARTSDESK_DEMO_PASSWORD", DEMO_PASSWORD)
            .env("PARTSDESK_CHROMIUM", chromium_path)
            .output()
    })
    .await
    .expect("the browser tests' thread")
    .expect("starting node --test (is Node.js installed?)");
    drop(server);
    if let Some(database) = postgres {
        database.drop_database().await;
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("{stdout}");
    assert!(
        output.status.success(),
        "browser tests failed ({}); screenshots in web/e2e/screenshots/\n{stderr}",
        output.status
    );
}
