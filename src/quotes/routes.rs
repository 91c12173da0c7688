//! Quote endpoints: staff review, edit, send and cancel; shops read, accept and reject.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::decisions::{self, AcceptRequest, RejectRequest};
use super::list::{QuoteList, QuoteListParams};
use super::review::{self, UpdateQuoteRequest};
use super::{QuoteResponse, View, load, respond};
use crate::auth::{AnyStaff, SalesStaff, Shop};
use crate::error::Result;
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::ids::QuoteId;
use crate::orders::OrderResponse;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_quotes))
        .routes(routes!(get_quote, update_quote))
        .routes(routes!(send_quote))
        .routes(routes!(cancel_quote))
        .routes(routes!(shop_get_quote))
        .routes(routes!(accept_quote))
        .routes(routes!(reject_quote))
}

const TRANSITIONS: &str = "States: `draft` -> `sent` -> `accepted` | `partially_accepted` | `rejected` | `expired`; \
`draft` or `sent` -> `cancelled`. A request the current state does not allow is 409 `invalid_transition` with \
`current_status` in the body.";

/// The dealer's quotes, newest first, one line each.
#[utoipa::path(get, path = "/v1/quotes", tag = "quotes", summary = "List quotes",
    description = "Filters combine: `status`, `customer_id`, `from`/`to` (when the quote was made, which is when \
its inquiry arrived: days in the dealer's time zone, or RFC 3339 instants). A bad value is 422 naming the query field.",
    params(QuoteListParams), security(("staff_token" = [])), responses((status = 200, body = QuoteList)))]
#[tracing::instrument(skip_all)]
async fn list_quotes(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiQuery(params): ApiQuery<QuoteListParams>,
) -> Result<axum::Json<QuoteList>> {
    Ok(axum::Json(super::list::list(&state.db, caller.tenant, params).await?))
}

#[utoipa::path(get, path = "/v1/quotes/{id}", tag = "quotes", summary = "Get a quote",
    description = TRANSITIONS, params(("id" = QuoteId, Path, description = "Quote id")),
    security(("staff_token" = [])), responses((status = 200, body = QuoteResponse)))]
#[tracing::instrument(skip_all)]
async fn get_quote(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiPath(id): ApiPath<QuoteId>,
) -> Result<axum::Json<QuoteResponse>> {
    let full = load(&state.db, caller.tenant, id).await?;
    Ok(axum::Json(respond(&full, View::Staff)))
}

/// Review a draft: pick another candidate or part, set a price or quantity, mark a line
/// unavailable, add notes. Only drafts can be edited.
#[utoipa::path(patch, path = "/v1/quotes/{id}", tag = "quotes", summary = "Edit a draft quote",
    description = TRANSITIONS, params(("id" = QuoteId, Path, description = "Quote id")),
    request_body = UpdateQuoteRequest,
    security(("staff_token" = [])), responses((status = 200, body = QuoteResponse),
        (status = 409, description = "The quote is no longer a draft (`invalid_transition`, with `current_status`)", body = crate::http::problem::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn update_quote(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<QuoteId>,
    ApiJson(body): ApiJson<UpdateQuoteRequest>,
) -> Result<axum::Json<QuoteResponse>> {
    let full = review::edit(&state.db, caller.actor(), id, body, state.clock.now()).await?;
    Ok(axum::Json(respond(&full, View::Staff)))
}

/// Send the quote to the shop: it becomes visible to the shop and valid for the dealer's
/// validity period (`quote_validity_hours`, default 72); the shop's callback is notified.
#[utoipa::path(post, path = "/v1/quotes/{id}/send", tag = "quotes", summary = "Send a quote",
    description = TRANSITIONS, params(("id" = QuoteId, Path, description = "Quote id")),
    security(("staff_token" = [])), responses((status = 200, body = QuoteResponse),
        (status = 409, description = "The quote is not a draft (`invalid_transition`, with `current_status`)", body = crate::http::problem::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn send_quote(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<QuoteId>,
) -> Result<axum::Json<QuoteResponse>> {
    let full = review::send(&state.db, caller.actor(), id, state.clock.now()).await?;
    Ok(axum::Json(respond(&full, View::Staff)))
}

/// Withdraw a draft or sent quote.
#[utoipa::path(post, path = "/v1/quotes/{id}/cancel", tag = "quotes", summary = "Cancel a quote",
    description = TRANSITIONS, params(("id" = QuoteId, Path, description = "Quote id")),
    security(("staff_token" = [])), responses((status = 200, body = QuoteResponse),
        (status = 409, description = "The quote is neither a draft nor sent (`invalid_transition`, with `current_status`)", body = crate::http::problem::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn cancel_quote(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<QuoteId>,
) -> Result<axum::Json<QuoteResponse>> {
    let full = review::cancel(&state.db, caller.actor(), id, state.clock.now()).await?;
    Ok(axum::Json(respond(&full, View::Staff)))
}

/// The first read by the shop is recorded (`quote_viewed`); an expired quote shows as expired.
#[utoipa::path(get, path = "/v1/shop/quotes/{id}", tag = "shop", summary = "Get a quote sent to the shop",
    description = TRANSITIONS, params(("id" = QuoteId, Path, description = "Quote id")),
    security(("shop_key" = []), ("shop_key_header" = [])), responses((status = 200, body = QuoteResponse)))]
#[tracing::instrument(skip_all)]
async fn shop_get_quote(
    State(state): State<AppState>,
    shop: Shop,
    ApiPath(id): ApiPath<QuoteId>,
) -> Result<axum::Json<QuoteResponse>> {
    let full = decisions::view(&state.db, &shop, id, state.clock.now()).await?;
    Ok(axum::Json(respond(&full, View::Shop)))
}

/// Accept all or part of a sent quote: the bought lines become an order. Accepting a quote that
/// is already accepted returns its order (200), however often or concurrently it is retried:
/// a quote has at most one order. After `valid_until` the answer is 409 `quote_expired`.
#[utoipa::path(post, path = "/v1/shop/quotes/{id}/accept", tag = "shop", summary = "Accept a quote",
    description = TRANSITIONS, params(("id" = QuoteId, Path, description = "Quote id")),
    request_body = AcceptRequest,
    security(("shop_key" = []), ("shop_key_header" = [])),
    responses((status = 201, body = OrderResponse), (status = 200, body = OrderResponse, description = "Already accepted: the existing order"),
        (status = 409, description = "Rejected, cancelled or not sent (`invalid_transition`), past `valid_until` (`quote_expired`), or nothing offered (`nothing_offered`); `current_status` in the body", body = crate::http::problem::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn accept_quote(
    State(state): State<AppState>,
    shop: Shop,
    ApiPath(id): ApiPath<QuoteId>,
    ApiJson(body): ApiJson<AcceptRequest>,
) -> Result<(StatusCode, axum::Json<OrderResponse>)> {
    let accepted = decisions::accept(&state.db, &shop, id, body, state.clock.now()).await?;
    let status = if accepted.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(accepted.order)))
}

#[utoipa::path(post, path = "/v1/shop/quotes/{id}/reject", tag = "shop", summary = "Reject a quote",
    description = TRANSITIONS, params(("id" = QuoteId, Path, description = "Quote id")),
    request_body = RejectRequest,
    security(("shop_key" = []), ("shop_key_header" = [])), responses((status = 200, body = QuoteResponse),
        (status = 409, description = "Already accepted, cancelled or not sent (`invalid_transition`), or past `valid_until` (`quote_expired`); `current_status` in the body", body = crate::http::problem::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn reject_quote(
    State(state): State<AppState>,
    shop: Shop,
    ApiPath(id): ApiPath<QuoteId>,
    ApiJson(body): ApiJson<RejectRequest>,
) -> Result<axum::Json<QuoteResponse>> {
    let full = decisions::reject(&state.db, &shop, id, body, state.clock.now()).await?;
    Ok(axum::Json(respond(&full, View::Shop)))
}
