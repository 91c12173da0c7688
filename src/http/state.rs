//! What every handler can reach: the database, the configuration, the clock and the
//! long-lived services. Built once by the composition root (`app.rs`), cloned per request.

use std::sync::Arc;

use axum::extract::FromRef;
use sea_orm::DatabaseConnection;

use crate::auth::browser::SessionCache;
use crate::auth::jwt::JwtKeys;
use crate::auth::sessions::AccountCache;
use crate::catalog::lexicon::Lexicons;
use crate::clock::Clock;
use crate::config::Config;
use crate::events::stream::StreamHub;
use crate::http::metrics::HttpMetrics;
use crate::search::indexer::Indexer;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub jwt: Arc<JwtKeys>,
    pub metrics: Arc<HttpMetrics>,
    pub indexer: Arc<Indexer>,
    /// Each dealer's synonyms and vehicle vocabulary.
    pub lexicons: Arc<Lexicons>,
    /// Staff accounts recently checked (see [`crate::auth::sessions`]).
    pub accounts: Arc<AccountCache>,
    /// Browser sessions recently checked (see [`crate::auth::browser`]).
    pub browser_sessions: Arc<SessionCache>,
    /// The open live streams (`GET /v1/stream`).
    pub streams: Arc<StreamHub>,
    /// The client for webhooks and shop callbacks (refuses private addresses).
    pub webhook_client: reqwest::Client,
}
