//! Reminder endpoints: the list, the day's call list, and what staff did about each reminder.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::engine::{self, RunReport};
use super::service::{
    self, CallListParams, CallListResponse, ReminderList, ReminderListParams, ReminderResponse, SnoozeRequest,
};
use crate::auth::{AnyStaff, SalesStaff};
use crate::error::Result;
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::ids::ReminderId;
use crate::proactive::ProactiveReport;
use crate::quotes::{QuoteResponse, View, respond};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_reminders))
        .routes(routes!(call_list))
        .routes(routes!(snooze))
        .routes(routes!(mark_done))
        .routes(routes!(dismiss))
        .routes(routes!(run_now))
        .routes(routes!(quote_reminder))
}

const RULES: &str = "A reminder is raised for a customer and a part when the customer bought the part on at \
least 3 different days at a fairly regular interval: interval = the median gap between purchase days, quantity = \
the median quantity per purchase day, expected date = last purchase + interval, raised `reminder_lead_days` \
(default 3) before the expected date. A history whose gaps' median absolute deviation exceeds 35 % of the median \
gap is irregular and raises none. A purchase of the part, or of a part that interchanges with it or supersedes \
it, starts a new cycle; each cycle gets at most one reminder. A cycle whose expected date passed more than \
`reminder_window_days` ago raises none (the customer has most likely bought elsewhere). A reminder converts when \
the customer orders the part (or such an equivalent) within `reminder_window_days` (default 14) after it was \
raised.";

/// Newest first.
#[utoipa::path(get, path = "/v1/reminders", tag = "reminders", summary = "List reminders",
    description = RULES, params(ReminderListParams),
    security(("staff_token" = [])), responses((status = 200, body = ReminderList)))]
#[tracing::instrument(skip_all)]
async fn list_reminders(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiQuery(params): ApiQuery<ReminderListParams>,
) -> Result<axum::Json<ReminderList>> {
    Ok(axum::Json(
        service::list(&state.db, caller.tenant, params, state.clock.now()).await?,
    ))
}

/// Who to call today.
#[utoipa::path(get, path = "/v1/reminders/call-list", tag = "reminders", summary = "The day's call list",
    description = "Due reminders grouped by customer, one entry per customer with all its due parts, most valuable \
first (value = suggested quantity × the customer's price, summed). A customer contacted about reminders on \
`reminder_contacts_per_week` (default 2) or more of the last 7 days is held back, with the reason, so customers \
are not pestered; its reminders stay due.",
    params(CallListParams), security(("staff_token" = [])), responses((status = 200, body = CallListResponse)))]
#[tracing::instrument(skip_all)]
async fn call_list(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiQuery(params): ApiQuery<CallListParams>,
) -> Result<axum::Json<CallListResponse>> {
    Ok(axum::Json(
        service::call_list(&state.db, caller.tenant, params, state.clock.now()).await?,
    ))
}

#[utoipa::path(post, path = "/v1/reminders/{id}/snooze", tag = "reminders", summary = "Snooze a reminder",
    params(("id" = ReminderId, Path, description = "Reminder id")), request_body = SnoozeRequest,
    security(("staff_token" = [])), responses((status = 200, body = ReminderResponse),
        (status = 409, description = "The reminder is done, dismissed or converted already (`invalid_transition`, with `current_status`)", body = crate::http::problem::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn snooze(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<ReminderId>,
    ApiJson(body): ApiJson<SnoozeRequest>,
) -> Result<axum::Json<ReminderResponse>> {
    Ok(axum::Json(
        service::snooze(&state.db, caller.tenant, id, body, state.clock.now()).await?,
    ))
}

/// The customer was contacted about it (counts towards the weekly contact limit).
#[utoipa::path(post, path = "/v1/reminders/{id}/done", tag = "reminders", summary = "Mark a reminder done (contacted)",
    params(("id" = ReminderId, Path, description = "Reminder id")),
    security(("staff_token" = [])), responses((status = 200, body = ReminderResponse),
        (status = 409, description = "The reminder is done, dismissed or converted already (`invalid_transition`, with `current_status`)", body = crate::http::problem::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn mark_done(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<ReminderId>,
) -> Result<axum::Json<ReminderResponse>> {
    Ok(axum::Json(
        service::mark_done(&state.db, caller.actor(), id, state.clock.now()).await?,
    ))
}

#[utoipa::path(post, path = "/v1/reminders/{id}/dismiss", tag = "reminders", summary = "Dismiss a reminder",
    params(("id" = ReminderId, Path, description = "Reminder id")),
    security(("staff_token" = [])), responses((status = 200, body = ReminderResponse),
        (status = 409, description = "The reminder is done, dismissed or converted already (`invalid_transition`, with `current_status`)", body = crate::http::problem::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn dismiss(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<ReminderId>,
) -> Result<axum::Json<ReminderResponse>> {
    Ok(axum::Json(
        service::dismiss(&state.db, caller.tenant, id, state.clock.now()).await?,
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunResponse {
    #[serde(flatten)]
    pub reminders: RunReport,
    /// What the dealer's automatic proactive quotes did (`proactive_quote_days`; all zero when
    /// it is off).
    pub proactive_quotes: ProactiveReport,
}

/// Run the reminder scheduler for this dealer now (it also runs by itself in the server), then
/// its automatic proactive quotes. Idempotent: a cycle never gets two reminders, nor a reminder
/// two quotes.
#[utoipa::path(post, path = "/v1/reminders/run", tag = "reminders", summary = "Run reminders now",
    description = RULES,
    security(("staff_token" = [])), responses((status = 200, body = RunResponse)))]
#[tracing::instrument(skip_all)]
async fn run_now(State(state): State<AppState>, caller: SalesStaff) -> Result<axum::Json<RunResponse>> {
    let tenant = crate::tenants::find(&state.db, caller.tenant).await?;
    let now = state.clock.now();
    let reminders = engine::run_tenant(&state.db, &tenant, now).await?;
    let proactive_quotes = crate::proactive::send_due(&state.db, &tenant, now).await?;
    Ok(axum::Json(RunResponse {
        reminders,
        proactive_quotes,
    }))
}

const PROACTIVE: &str = "Drafts a quote for the reminder's part and suggested quantity at the customer's price, \
capped at the stock available as any quote (the rest backordered), with a note telling the shop why it comes. Staff \
review and send it as any quote (`POST /v1/quotes/{id}/send`); sending it counts as contacting the customer about \
the reminder (it becomes `done`). The shop gets it through its `quote.sent` callback and the shop API with \
`proactive: true` and the `reminder_id`; its inquiry has `origin: reminder` and is shown to the shop only once the \
quote is sent. An order accepting it converts the reminder. \
\n\nA reminder whose quote is still a draft, sent or accepted gets that quote back (200): a retry drafts nothing. \
After a rejected, expired or cancelled one, a new quote is drafted (201). With the dealer setting \
`proactive_quote_days`, the scheduler does all this by itself that many days before the expected purchase, sending \
the quote when stock covers it and the customer is within the weekly contact limit, and leaving it as a draft for \
staff otherwise.";

/// Quote a reminder to the shop before it asks.
#[utoipa::path(post, path = "/v1/reminders/{id}/quote", tag = "reminders", summary = "Draft a proactive quote",
    description = PROACTIVE,
    params(("id" = ReminderId, Path, description = "Reminder id")),
    security(("staff_token" = [])),
    responses(
        (status = 201, description = "Drafted", body = QuoteResponse),
        (status = 200, description = "The reminder's live quote, drafted before", body = QuoteResponse),
        (status = 409, description = "The reminder is dismissed or converted (`invalid_transition`, with `current_status`); its part is gone (`part_deleted`) or has no price (`no_price`); the customer is archived (`customer_archived`)", body = crate::http::problem::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn quote_reminder(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<ReminderId>,
) -> Result<(StatusCode, axum::Json<QuoteResponse>)> {
    let drafted = crate::proactive::draft_for_reminder(&state.db, caller.tenant, id, state.clock.now()).await?;
    let status = if drafted.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(respond(&drafted.quote, View::Staff))))
}
