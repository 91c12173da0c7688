//! `GET /v1/catalog/export`.

use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::AnyStaff;
use crate::http::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export))
}

/// The whole catalog as CSV, in the columns `POST /v1/catalog/imports` reads.
#[utoipa::path(get, path = "/v1/catalog/export", tag = "catalog", summary = "Export the catalog as CSV",
    security(("staff_token" = [])),
    responses((status = 200, description = "UTF-8 CSV with a header row", content_type = "text/csv", body = String)))]
#[tracing::instrument(skip_all)]
async fn export(State(state): State<AppState>, caller: AnyStaff) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"catalog.csv\""),
        ],
        Body::from_stream(crate::catalog::export::csv_chunks(state.db.clone(), caller.tenant)),
    )
        .into_response()
}
