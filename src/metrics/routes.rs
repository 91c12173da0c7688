//! `GET /v1/metrics/...`: the dealer's summary, the per-customer table (JSON or CSV) and one
//! customer's figures against the previous period.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::DEFINITIONS;
use super::report::{self, CustomerMetrics, CustomerTable, CustomerTableParams, SummaryParams, SummaryResponse};
use crate::auth::AnyStaff;
use crate::error::Result;
use crate::http::extract::{ApiPath, ApiQuery};
use crate::http::{AppState, csv};
use crate::ids::CustomerId;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(summary))
        .routes(routes!(customer_table))
        .routes(routes!(customer_detail))
}

/// The dealer's figures for a period, with a time series.
#[utoipa::path(get, path = "/v1/metrics/summary", tag = "metrics", summary = "Dealer metrics",
    description = DEFINITIONS, params(SummaryParams),
    security(("staff_token" = [])), responses((status = 200, body = SummaryResponse)))]
#[tracing::instrument(skip_all)]
async fn summary(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiQuery(params): ApiQuery<SummaryParams>,
) -> Result<axum::Json<SummaryResponse>> {
    Ok(axum::Json(
        report::summary(&state.db, caller.tenant, params, state.clock.now()).await?,
    ))
}

/// One row per customer (archived customers included when they had activity in the period),
/// sortable by any figure; `Accept: text/csv` returns every row as CSV.
#[utoipa::path(get, path = "/v1/metrics/customers", tag = "metrics", summary = "Metrics per customer",
    description = DEFINITIONS, params(CustomerTableParams),
    security(("staff_token" = [])),
    responses((status = 200, description = "The table, as JSON or (with `Accept: text/csv`) as CSV with every row",
        content((CustomerTable = "application/json"), (String = "text/csv")))))]
#[tracing::instrument(skip_all)]
async fn customer_table(
    State(state): State<AppState>,
    caller: AnyStaff,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<CustomerTableParams>,
) -> Result<Response> {
    let page = crate::pagination::PageParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
    };
    let limit = usize::try_from(page.limit()?).unwrap_or(usize::MAX);
    let offset: usize = page.cursor::<usize>()?.unwrap_or(0);
    let table = report::customer_rows(&state.db, caller.tenant, &params, state.clock.now()).await?;
    if csv::wants_csv(&headers) {
        let (body, file_name) = table.csv()?;
        return csv::attachment(body, &file_name);
    }
    Ok(axum::Json(table.page(offset, limit)).into_response())
}

/// One customer's figures, time series, and trend against the previous period of equal length.
#[utoipa::path(get, path = "/v1/metrics/customers/{id}", tag = "metrics", summary = "One customer's metrics",
    description = DEFINITIONS,
    params(("id" = CustomerId, Path, description = "Customer id"), SummaryParams),
    security(("staff_token" = [])), responses((status = 200, body = CustomerMetrics)))]
#[tracing::instrument(skip_all)]
async fn customer_detail(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiPath(id): ApiPath<CustomerId>,
    ApiQuery(params): ApiQuery<SummaryParams>,
) -> Result<axum::Json<CustomerMetrics>> {
    let now = state.clock.now();
    Ok(axum::Json(
        report::customer_detail(&state.db, caller.tenant, id, params, now).await?,
    ))
}
