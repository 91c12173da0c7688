//! Prometheus metrics: request counts and latency histograms by route and status.
//! The registry lives in the application state (not a global), so each test app has its own.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::search::indexer::IndexLag;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

fn latency_histogram() -> Histogram {
    // 0.25 ms .. ~8 s
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

pub struct HttpMetrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram, fn() -> Histogram>,
    index_pending: Gauge,
    index_lag: Gauge<f64, AtomicU64>,
}

impl Default for HttpMetrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("partsdesk");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RequestLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        registry.register("http_requests", "HTTP requests handled", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "Time to produce the response head",
            latency.clone(),
        );
        let index_pending = Gauge::default();
        let index_lag = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "index_pending_changes",
            "Catalog changes committed and not yet searchable on this server",
            index_pending.clone(),
        );
        registry.register(
            "index_lag_seconds",
            "Age of the oldest catalog change not yet searchable on this server",
            index_lag.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            index_pending,
            index_lag,
        }
    }
}

impl HttpMetrics {
    fn observe(&self, labels: RequestLabels, seconds: f64) {
        self.requests.get_or_create(&labels).inc();
        self.latency.get_or_create(&labels).observe(seconds);
    }

    /// The index's lag as read for a scrape.
    pub fn set_index_lag(&self, lag: IndexLag) {
        self.index_pending
            .set(i64::try_from(lag.pending_changes).unwrap_or(i64::MAX));
        self.index_lag.set(lag.lag_seconds);
    }

    pub fn render(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

/// Route-level middleware: the route template (`/v1/customers/{id}`) is the label, never
/// the concrete path, so label cardinality stays bounded.
pub async fn record(State(metrics): State<Arc<HttpMetrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(request).await;
    metrics.observe(
        RequestLabels {
            method,
            route,
            status: response.status().as_u16(),
        },
        started.elapsed().as_secs_f64(),
    );
    response
}

pub async fn serve(State(metrics): State<Arc<HttpMetrics>>) -> Response {
    match metrics.render() {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
            )],
            text,
        )
            .into_response(),
        Err(err) => crate::error::Error::Internal(anyhow::anyhow!("encoding metrics: {err}")).into_response(),
    }
}
