//! Runtime configuration: built-in defaults, overridden by environment variables, overridden
//! by command-line flags. Secrets are wrapped so that no `Debug` or log line can print them.

use std::fmt;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use rand::RngCore;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Settings shared by every subcommand.
#[derive(Clone, Debug, clap::Args)]
pub struct ConfigArgs {
    /// Directory for the embedded database, search index and generated secrets.
    #[arg(long, env = "PARTSDESK_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,
    /// Database URL (`sqlite://…` or `postgres://…`); default: SQLite in the data directory.
    #[arg(long, env = "PARTSDESK_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Address to serve the API on.
    #[arg(long, env = "PARTSDESK_BIND", default_value = "127.0.0.1:8080", global = true)]
    pub bind: SocketAddr,
    /// HMAC key for access tokens, at least 32 bytes; generated and kept in the data
    /// directory when unset.
    #[arg(long, env = "PARTSDESK_JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<String>,
    /// Lifetime of an access token, in seconds.
    #[arg(long, env = "PARTSDESK_TOKEN_TTL_SECS", default_value_t = 3600, global = true)]
    pub token_ttl_secs: u64,
    /// Origins allowed to call the API from a browser (comma-separated); none by default.
    #[arg(long, env = "PARTSDESK_CORS_ORIGINS", value_delimiter = ',', global = true)]
    pub cors_origins: Vec<String>,
    /// Log line format.
    #[arg(
        long,
        env = "PARTSDESK_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,
    /// Requests running longer than this are abandoned with 503.
    #[arg(long, env = "PARTSDESK_REQUEST_TIMEOUT_SECS", default_value_t = 30, global = true)]
    pub request_timeout_secs: u64,
    /// Database connection pool size.
    #[arg(long, env = "PARTSDESK_DB_MAX_CONNECTIONS", default_value_t = 16, global = true)]
    pub db_max_connections: u32,
    /// Let webhooks and shop callbacks target loopback and private addresses (development
    /// only: in production this would let customers make the server call its own network).
    #[arg(long, env = "PARTSDESK_ALLOW_PRIVATE_WEBHOOKS", global = true)]
    pub allow_private_webhooks: bool,
    /// Mark the browser session cookie `Secure` (sent over HTTPS only). Off by default, since
    /// the default serves plain HTTP on 127.0.0.1; turn it on behind TLS.
    #[arg(long, env = "PARTSDESK_COOKIE_SECURE", global = true)]
    pub cookie_secure: bool,
    /// How often `serve` delivers due webhooks and notifications and expires quotes, in
    /// milliseconds (the notification scans run every minute).
    #[arg(long, env = "PARTSDESK_WORKER_INTERVAL_MS", default_value_t = 1000, global = true)]
    pub worker_interval_ms: u64,
    /// How often `serve` runs the reminder scheduler, in seconds.
    #[arg(
        long,
        env = "PARTSDESK_REMINDER_INTERVAL_SECS",
        default_value_t = 3600,
        global = true
    )]
    pub reminder_interval_secs: u64,
}

pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Self(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Clone for Secret {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// Configuration resolved from [`ConfigArgs`]: paths created, secret loaded or generated.
#[derive(Clone, Debug)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub bind: SocketAddr,
    pub jwt_secret: Secret,
    pub token_ttl: Duration,
    pub cors_origins: Vec<String>,
    pub request_timeout: Duration,
    pub db_max_connections: u32,
    pub allow_private_webhooks: bool,
    /// The browser session cookie is `Secure`.
    pub cookie_secure: bool,
    /// `None`: no background worker (tests drive it by hand).
    pub worker_interval: Option<Duration>,
    pub reminder_interval: Duration,
}

impl Config {
    pub fn resolve(args: &ConfigArgs) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&args.data_dir)
            .with_context(|| format!("creating data directory {}", args.data_dir.display()))?;
        let database_url = match &args.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", args.data_dir.join("partsdesk.db").display()),
        };
        let jwt_secret = match &args.jwt_secret {
            Some(secret) if secret.len() >= MIN_JWT_SECRET_BYTES => Secret(secret.clone()),
            Some(_) => anyhow::bail!("PARTSDESK_JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes"),
            None => load_or_generate_secret(&args.data_dir.join("jwt_secret"))?,
        };
        Ok(Self {
            data_dir: args.data_dir.clone(),
            database_url,
            bind: args.bind,
            jwt_secret,
            token_ttl: Duration::from_secs(args.token_ttl_secs.max(60)),
            cors_origins: args.cors_origins.iter().filter(|o| !o.is_empty()).cloned().collect(),
            request_timeout: Duration::from_secs(args.request_timeout_secs.max(1)),
            db_max_connections: args.db_max_connections.max(1),
            allow_private_webhooks: args.allow_private_webhooks,
            cookie_secure: args.cookie_secure,
            worker_interval: Some(Duration::from_millis(args.worker_interval_ms.max(50))),
            reminder_interval: Duration::from_secs(args.reminder_interval_secs.max(60)),
        })
    }

    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index")
    }
}

fn load_or_generate_secret(path: &Path) -> anyhow::Result<Secret> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim().to_owned();
        anyhow::ensure!(
            existing.len() >= MIN_JWT_SECRET_BYTES,
            "{} holds a secret shorter than {MIN_JWT_SECRET_BYTES} bytes",
            path.display()
        );
        return Ok(Secret(existing));
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    let mut file = open_private(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(secret.as_bytes())?;
    tracing::warn!(
        path = %path.display(),
        "no PARTSDESK_JWT_SECRET set: generated one and stored it in the data directory; set it explicitly in production"
    );
    Ok(Secret(secret))
}

#[cfg(unix)]
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new().write(true).create_new(true).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secret_is_private_and_reused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("jwt_secret");
        let first = load_or_generate_secret(&path).expect("generate");
        let second = load_or_generate_secret(&path).expect("reload");
        assert_eq!(first.expose(), second.expose());
        assert_eq!(format!("{first:?}"), "Secret(***)");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("metadata").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
