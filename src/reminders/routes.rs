//! Reminder endpoints: the list, the day's call list, and what staff did about each reminder.

use axum::extract::State;
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

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_reminders))
        .routes(routes!(call_list))
        .routes(routes!(snooze))
        .routes(routes!(mark_done))
        .routes(routes!(dismiss))
        .routes(routes!(run_now))
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

/// Run the reminder scheduler for this dealer now (it also runs by itself in the server).
/// Idempotent: a cycle never gets two reminders.
#[utoipa::path(post, path = "/v1/reminders/run", tag = "reminders", summary = "Run reminders now",
    description = RULES,
    security(("staff_token" = [])), responses((status = 200, body = RunReport)))]
#[tracing::instrument(skip_all)]
async fn run_now(State(state): State<AppState>, caller: SalesStaff) -> Result<axum::Json<RunReport>> {
    let tenant = crate::tenants::find(&state.db, caller.tenant).await?;
    Ok(axum::Json(
        engine::run_tenant(&state.db, &tenant, state.clock.now()).await?,
    ))
}
