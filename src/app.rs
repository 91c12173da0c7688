//! The composition root: the application state wired from the configuration, the router
//! with its middleware stack, start-up, and serving with graceful shutdown.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode, header};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::CompressionLevel;
use tower_http::LatencyUnit;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use anyhow::Context;
use search_index::SearchIndex;

use crate::auth::jwt::JwtKeys;
use crate::clock::Clock;
use crate::config::Config;
use crate::http::extract::JSON_BODY_LIMIT;
use crate::http::metrics;
use crate::http::{middleware, request_id};
use crate::search::indexer::Indexer;

pub use crate::http::AppState;

impl AppState {
    /// Opens (or creates) the search index in the data directory.
    pub fn new(config: Config, db: DatabaseConnection, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let jwt = JwtKeys::new(config.jwt_secret.expose().as_bytes(), config.token_ttl);
        let index = SearchIndex::open(&config.index_dir())
            .with_context(|| format!("opening the search index in {}", config.index_dir().display()))?;
        let indexer = Indexer::new(db.clone(), Arc::new(index));
        let webhook_client = crate::webhooks::target::client(
            config.allow_private_webhooks,
            crate::webhooks::delivery::ATTEMPT_TIMEOUT,
        );
        Ok(Self {
            webhook_client,
            indexer,
            db,
            config: Arc::new(config),
            clock,
            jwt: Arc::new(jwt),
            metrics: Arc::default(),
            lexicons: Arc::default(),
            accounts: Arc::default(),
            browser_sessions: Arc::default(),
            streams: Arc::default(),
        })
    }

    pub fn search(&self) -> &SearchIndex {
        self.indexer.index()
    }
}

pub fn router(state: AppState) -> Router {
    let (api, _) = crate::openapi::api_router().split_for_parts();
    let (uploads, _) = crate::openapi::upload_router().split_for_parts();
    let request_id_header = HeaderName::from_static(request_id::HEADER);

    let trace = TraceLayer::new_for_http()
        .on_response(
            DefaultOnResponse::new()
                .level(tracing::Level::INFO)
                .latency_unit(LatencyUnit::Micros),
        )
        .make_span_with(|req: &Request<_>| {
            let request_id = req
                .headers()
                .get(request_id::HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            tracing::info_span!(
                "request",
                request_id,
                method = %req.method(),
                path = %req.uri().path(),
                tenant_id = tracing::field::Empty,
            )
        });

    api.route_layer(TimeoutLayer::with_status_code(
        StatusCode::SERVICE_UNAVAILABLE,
        state.config.request_timeout,
    ))
    .merge(uploads)
    .route_layer(axum::middleware::from_fn_with_state(
        state.metrics.clone(),
        metrics::record,
    ))
    .fallback(crate::http::console::fallback)
    .with_state(state.clone())
    .layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(request_id_header.clone(), MakeRequestUuid))
            .layer(trace)
            .layer(PropagateRequestIdLayer::new(request_id_header))
            .layer(axum::middleware::from_fn(request_id::scope))
            .layer(axum::middleware::from_fn(middleware::request_limits))
            .layer(axum::middleware::from_fn(middleware::ensure_problem_body))
            .layer(cors(&state.config.cors_origins))
            // Worth it for a page of hits on a slow shop network, not for a small answer; the
            // fastest level, since the default brotli and gzip levels cost more per answer
            // than a number search itself.
            .layer(
                CompressionLayer::new()
                    .quality(CompressionLevel::Fastest)
                    .compress_when(DefaultPredicate::new().and(SizeAbove::new(COMPRESS_ABOVE_BYTES))),
            )
            // The hard cap for any body; JSON bodies have their own, smaller limit.
            .layer(RequestBodyLimitLayer::new(
                usize::try_from(crate::catalog::import::MAX_BYTES).unwrap_or(usize::MAX),
            ))
            .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT)),
    )
}

fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::PUT, Method::DELETE])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static("x-api-key"),
            HeaderName::from_static(crate::auth::browser::CSRF_HEADER),
        ])
        .expose_headers([HeaderName::from_static(request_id::HEADER), header::RETRY_AFTER])
}

/// Brings a database up to this version: the migrations, then what an upgrade derives from
/// the history (the metric rollups of a database that had history before they existed, and the
/// marks that have the insight rollups derived in the background). Every
/// command runs it before touching the data.
pub async fn prepare_database(db: &DatabaseConnection) -> anyhow::Result<()> {
    crate::db::migrate(db).await.context("applying migrations")?;
    let derived = crate::metrics::rollup::derive_missing(db)
        .await
        .map_err(|e| anyhow::anyhow!("deriving metric rollups: {e}"))?;
    if derived > 0 {
        tracing::info!(dealers = derived, "metric rollups derived from the history");
    }
    let marked = crate::insights::rollup::mark_missing(db, chrono::Utc::now())
        .await
        .map_err(|e| anyhow::anyhow!("marking the insights' history: {e}"))?;
    if marked > 0 {
        tracing::info!(dealers = marked, "insight history marked for the rollups");
    }
    let rebuilt = crate::insights::purchases::rebuild_missing(db)
        .await
        .map_err(|e| anyhow::anyhow!("deriving the purchases by day: {e}"))?;
    if rebuilt > 0 {
        tracing::info!(dealers = rebuilt, "purchases by day derived from the orders");
    }
    Ok(())
}

/// Room the HTTP parser gives a request's head, above [`middleware::HEADER_BYTES_MAX`] and
/// [`middleware::HEADERS_MAX`], so that oversized heads reach that check and get a
/// problem+json answer; only heads past these get the parser's bare 431.
/// Answers smaller than this go uncompressed.
const COMPRESS_ABOVE_BYTES: u64 = 1024;
const HEAD_BUFFER_BYTES: usize = 2 * 1024 * 1024;
const HEADERS_PARSED_MAX: usize = 400;
/// A client that takes longer than this to send a request's head is disconnected.
const HEAD_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Serve until `shutdown` completes; in-flight requests are allowed to finish. Starts the
/// search indexer.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;

    state.indexer.spawn();
    crate::jobs::spawn(state.clone());
    follow_cache_changes(state.clone());
    let streams = state.streams.clone();
    let app = router(state);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.max_buf_size(HEAD_BUFFER_BYTES)
        .max_headers(HEADERS_PARSED_MAX)
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_READ_TIMEOUT);
    let connections = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, say: wait rather than spin.
                    tracing::warn!(%err, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        if let Err(err) = stream.set_nodelay(true) {
            tracing::debug!(%err, "cannot turn off Nagle's algorithm");
        }
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
            app.clone().oneshot(request.map(axum::body::Body::new))
        });
        let connection = connections.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(%err, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    // Live streams never end by themselves: end them, so that the connections can.
    streams.close();
    connections.shutdown().await;
    Ok(())
}

/// On PostgreSQL, for the life of the process: forgets what other servers say changed (see
/// [`crate::db::invalidation`]). Should the listening connection drop, changes told meanwhile
/// are lost: every cache is emptied instead.
fn follow_cache_changes(state: AppState) {
    use crate::db::invalidation::{CHANNEL, Change};
    if state.db.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
        return;
    }
    let forget_everything = {
        let state = state.clone();
        move || {
            state.accounts.clear();
            state.browser_sessions.clear();
            state.lexicons.synonyms.clear();
            state.lexicons.vehicles.clear();
        }
    };
    tokio::spawn(async move {
        loop {
            let listener = async {
                let mut listener =
                    sea_orm::sqlx::postgres::PgListener::connect_with(state.db.get_postgres_connection_pool()).await?;
                listener.listen(CHANNEL).await?;
                // Changes made before listening were missed.
                forget_everything();
                Ok::<_, sea_orm::sqlx::Error>(listener)
            };
            let mut listener = match listener.await {
                Ok(listener) => listener,
                // The server is shutting down.
                Err(sea_orm::sqlx::Error::PoolClosed) => return,
                Err(err) => {
                    tracing::warn!(%err, "cannot listen for other servers' cache changes; retrying");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    continue;
                }
            };
            loop {
                match listener.try_recv().await {
                    Ok(Some(notification)) => match Change::parse(notification.payload()) {
                        Some(Change::Account(user)) => state.accounts.forget(user),
                        Some(Change::Session(hash)) => state.browser_sessions.forget_hash(&hash),
                        Some(Change::Synonyms(tenant)) => state.lexicons.synonyms.invalidate(tenant),
                        Some(Change::VehicleAliases(tenant)) => state.lexicons.vehicles.invalidate(tenant),
                        None => tracing::debug!(payload = notification.payload(), "unknown cache change"),
                    },
                    // The connection dropped and will be made again: what was told meanwhile is lost.
                    Ok(None) => forget_everything(),
                    Err(sea_orm::sqlx::Error::PoolClosed) => return,
                    Err(err) => {
                        tracing::warn!(%err, "lost the cache-change listener; listening again");
                        forget_everything();
                        break;
                    }
                }
            }
        }
    });
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(err) => {
                tracing::error!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
