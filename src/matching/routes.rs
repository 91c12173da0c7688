//! The dealer's match memory: `GET /v1/match-memory`, `DELETE /v1/match-memory/{id}`, and
//! marking a candidate of an inquiry line wrong (`POST /v1/inquiries/{id}/lines/{line_id}/mismatch`).

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::memory::{self, MemoryEntry, MemoryList, MemoryListParams, MismatchRequest};
use crate::auth::{AnyStaff, SalesStaff};
use crate::error::Result;
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::ids::{InquiryId, InquiryLineId, MatchMemoryId};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_match_memory))
        .routes(routes!(forget_match_memory))
        .routes(routes!(mark_mismatch))
}

const MEMORY_DESCRIPTION: &str = "What the matcher learned from the dealer's people, per line written a given way \
(its numbers, words with the dealer's synonyms, brand asked, and vehicle make and model). `confirmed`: staff \
re-pointed such a line to the part and sent the quote; the part comes first for such lines, and once confirmed \
twice (more often than any other part) it is quoted without review. `mismatch`: the part was returned as \
`wrong_part` / `wrong_fitment` or marked wrong by staff; it comes last, is never proposed, and the candidate says \
why in `demoted_reason`. Another dealer's memory never touches this one's matches.";

/// The dealer's match memory, newest first.
#[utoipa::path(get, path = "/v1/match-memory", tag = "inquiries", summary = "List the match memory",
    description = MEMORY_DESCRIPTION, params(MemoryListParams),
    security(("staff_token" = [])), responses((status = 200, body = MemoryList)))]
#[tracing::instrument(skip_all)]
async fn list_match_memory(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiQuery(params): ApiQuery<MemoryListParams>,
) -> Result<axum::Json<MemoryList>> {
    Ok(axum::Json(memory::list(&state.db, caller.tenant, &params).await?))
}

/// Forget one entry: the matcher no longer prefers (or demotes) that part for such lines.
#[utoipa::path(delete, path = "/v1/match-memory/{id}", tag = "inquiries", summary = "Forget a match memory entry",
    params(("id" = MatchMemoryId, Path, description = "Match memory entry id")),
    security(("staff_token" = [])), responses((status = 204, description = "Forgotten")))]
#[tracing::instrument(skip_all)]
async fn forget_match_memory(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<MatchMemoryId>,
) -> Result<StatusCode> {
    memory::forget(&state.db, caller.tenant, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mark a part wrong for an inquiry line: lines written the same way (same vehicle) get it
/// last and never proposed, with `demoted_reason`; this line's candidates say so at once.
#[utoipa::path(post, path = "/v1/inquiries/{id}/lines/{line_id}/mismatch", tag = "inquiries",
    summary = "Mark a candidate wrong", description = MEMORY_DESCRIPTION,
    params(("id" = InquiryId, Path, description = "Inquiry id"), ("line_id" = InquiryLineId, Path, description = "Inquiry line id")),
    request_body = MismatchRequest,
    security(("staff_token" = [])), responses((status = 200, body = MemoryEntry)))]
#[tracing::instrument(skip_all)]
async fn mark_mismatch(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath((inquiry, line)): ApiPath<(InquiryId, InquiryLineId)>,
    ApiJson(body): ApiJson<MismatchRequest>,
) -> Result<axum::Json<MemoryEntry>> {
    let lexicon = state.lexicons.get(&state.db, caller.tenant).await?;
    Ok(axum::Json(
        memory::mark_wrong(
            &state.db,
            &lexicon,
            caller.tenant,
            inquiry,
            line,
            body,
            state.clock.now(),
        )
        .await?,
    ))
}
