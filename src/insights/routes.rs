//! `GET /v1/insights/...`: what the dealer's history says to do next.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Report;
use super::demand::{self, DemandParams, DemandReport};
use super::pricing::{self, PricingParams, PricingReport};
use super::restock::{self, RestockParams, RestockReport};
use crate::auth::AnyStaff;
use crate::error::Result;
use crate::http::extract::ApiQuery;
use crate::http::{AppState, csv};
use crate::pagination::PageParams;

/// The page asked for; bad paging is refused before the work.
fn checked_page(limit: Option<u64>, cursor: Option<String>) -> Result<PageParams> {
    let page = PageParams { limit, cursor };
    page.limit()?;
    page.cursor::<usize>()?;
    Ok(page)
}

/// A page of the report as JSON, or all of it as CSV on `Accept: text/csv`.
fn respond(report: impl Report, headers: &HeaderMap, page: &PageParams) -> Result<Response> {
    if csv::wants_csv(headers) {
        let (body, file_name) = report.csv()?;
        return csv::attachment(body, &file_name);
    }
    Ok(axum::Json(report.page(page)?).into_response())
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(unmet_demand))
        .routes(routes!(pricing_signals))
        .routes(routes!(restock_forecast))
}

/// What shops asked for that the dealer could not supply, grouped by what was asked, with why
/// it was lost and what to do; `Accept: text/csv` returns every group as CSV.
#[utoipa::path(get, path = "/v1/insights/demand", tag = "insights", summary = "Unmet demand",
    description = demand::DEFINITIONS, params(DemandParams),
    security(("staff_token" = [])),
    responses((status = 200, description = "The groups, as JSON or (with `Accept: text/csv`) as CSV with every group",
        content((DemandReport = "application/json"), (String = "text/csv")))))]
#[tracing::instrument(skip_all)]
async fn unmet_demand(
    State(state): State<AppState>,
    caller: AnyStaff,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<DemandParams>,
) -> Result<Response> {
    let page = checked_page(params.limit, params.cursor.clone())?;
    let groups = demand::groups(&state.db, caller.tenant, &params, state.clock.now()).await?;
    respond(groups, &headers, &page)
}

/// How quotes fared per part or brand: purchase rate, why shops said no, the rate by price
/// level, and flags for a price review or more stock; `Accept: text/csv` returns every entry.
#[utoipa::path(get, path = "/v1/insights/pricing", tag = "insights", summary = "Lost quotes and price signals",
    description = pricing::DEFINITIONS, params(PricingParams),
    security(("staff_token" = [])),
    responses((status = 200, description = "The entries, as JSON or (with `Accept: text/csv`) as CSV with every entry",
        content((PricingReport = "application/json"), (String = "text/csv")))))]
#[tracing::instrument(skip_all)]
async fn pricing_signals(
    State(state): State<AppState>,
    caller: AnyStaff,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<PricingParams>,
) -> Result<Response> {
    let page = checked_page(params.limit, params.cursor.clone())?;
    let entries = pricing::entries(&state.db, caller.tenant, &params, state.clock.now()).await?;
    respond(entries, &headers, &page)
}

/// What customers are expected to buy in the next days per part, against the shelf: the
/// quantities to order from the supplier; `Accept: text/csv` returns every part.
#[utoipa::path(get, path = "/v1/insights/restock", tag = "insights", summary = "Restock forecast",
    description = restock::DEFINITIONS, params(RestockParams),
    security(("staff_token" = [])),
    responses((status = 200, description = "The parts, as JSON or (with `Accept: text/csv`) as CSV with every part",
        content((RestockReport = "application/json"), (String = "text/csv")))))]
#[tracing::instrument(skip_all)]
async fn restock_forecast(
    State(state): State<AppState>,
    caller: AnyStaff,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<RestockParams>,
) -> Result<Response> {
    let page = checked_page(params.limit, params.cursor.clone())?;
    let lines = restock::forecast(&state.db, caller.tenant, &params, state.clock.now()).await?;
    respond(lines, &headers, &page)
}
