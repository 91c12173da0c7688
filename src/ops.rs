//! Operational endpoints: liveness, readiness and Prometheus metrics (the OpenAPI document is
//! served by `openapi`, which is built from these routes).

use axum::extract::State;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::Error;
use crate::http::AppState;
use crate::search::indexer::IndexLag;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    #[schema(example = "ok")]
    pub status: &'static str,
    /// How far this server's search index is behind the database; a lagging server still
    /// answers (what a hit shows is then read from the database).
    pub index: IndexLag,
}

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "operations", summary = "Liveness", security(()),
    responses((status = 200, body = Health)))]
async fn healthz() -> axum::Json<Health> {
    axum::Json(Health { status: "ok" })
}

/// The database answers; until it does, load balancers should send no traffic here.
#[utoipa::path(get, path = "/readyz", tag = "operations", summary = "Readiness", security(()),
    responses(
        (status = 200, body = Readiness),
        (status = 503, description = "Database unreachable (`unavailable`)", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
async fn readyz(State(state): State<AppState>) -> Result<axum::Json<Readiness>, Error> {
    let unreachable = |err: &dyn std::fmt::Display| {
        tracing::warn!(%err, "readiness check failed");
        Error::Unavailable {
            detail: "the database is not reachable",
        }
    };
    crate::db::ping(&state.db).await.map_err(|err| unreachable(&err))?;
    let index = state
        .indexer
        .lag(state.clock.now())
        .await
        .map_err(|err| unreachable(&err))?;
    Ok(axum::Json(Readiness { status: "ok", index }))
}

/// Request counts and latency histograms by route and status, in the Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "operations", summary = "Prometheus metrics", security(()),
    responses((status = 200, description = "OpenMetrics text", body = String, content_type = "application/openmetrics-text")))]
async fn metrics(state: State<AppState>) -> Response {
    match state.indexer.lag(state.clock.now()).await {
        Ok(lag) => state.metrics.set_index_lag(lag),
        Err(err) => tracing::warn!(%err, "cannot read the search index's lag"),
    }
    crate::http::metrics::serve(State(state.metrics.clone())).await
}
