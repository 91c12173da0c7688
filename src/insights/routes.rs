//! `GET /v1/insights/...`: what the dealer's history says to do next.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::demand::{self, DEFINITIONS, DemandParams, DemandReport};
use crate::auth::AnyStaff;
use crate::error::Result;
use crate::http::extract::ApiQuery;
use crate::http::{AppState, csv};
use crate::pagination::PageParams;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(unmet_demand))
}

/// What shops asked for that the dealer could not supply, grouped by what was asked, with why
/// it was lost and what to do; `Accept: text/csv` returns every group as CSV.
#[utoipa::path(get, path = "/v1/insights/demand", tag = "insights", summary = "Unmet demand",
    description = DEFINITIONS, params(DemandParams),
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
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
    };
    // Bad paging is refused before the work.
    page.limit()?;
    page.cursor::<usize>()?;
    let groups = demand::groups(&state.db, caller.tenant, &params, state.clock.now()).await?;
    if csv::wants_csv(&headers) {
        let (body, file_name) = groups.csv()?;
        return csv::attachment(body, &file_name);
    }
    Ok(axum::Json(groups.page(&page)?).into_response())
}
