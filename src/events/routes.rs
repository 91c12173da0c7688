//! The live stream: `GET /v1/stream`, the dealer's events as server-sent events.

use std::convert::Infallible;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::stream::{self, KEEP_ALIVE, StreamEvent};
use crate::auth::AnyStaff;
use crate::error::Result;
use crate::http::AppState;
use crate::http::extract::ApiQuery;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(follow_stream))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StreamParams {
    /// Resume after this event (for clients that cannot send the `Last-Event-ID` header; the
    /// header wins when both are sent).
    pub last_event_id: Option<String>,
}

const DESCRIPTION: &str = "The dealer's events as they are committed, by any server on the database, as \
`text/event-stream`: each message is `id: <event id>`, `event: <kind>` and `data: <JSON>` (the `StreamEvent` \
schema: `id`, `kind`, `subject_id`, `customer_id`, `actor`, `occurred_at`, `payload`). Kinds include \
`inquiry_received`, `quote_drafted`, `quote_updated`, `quote_sent`, `quote_viewed`, `quote_accepted`, \
`quote_rejected`, `quote_expired`, `quote_cancelled`, `order_created`, `inquiry_claimed`, `inquiry_released`, \
`import_finished`, `customer_created`, `customer_updated`, `customer_archived`, `api_key_issued`, \
`api_key_revoked`, `reminder_raised` and `reminder_converted`.\n\n\
A new event arrives within about half a second. Reconnect with `Last-Event-ID` (as `EventSource` does by \
itself) to get exactly the events missed meanwhile, in order; an id that is not one of the dealer's streamed \
events starts the stream from now. An idle stream carries a comment line every 15 seconds. At most 32 streams \
per dealer are open on one server: one more is 429 `rate_limited` with `Retry-After`.";

/// Follow the dealer's events live (server-sent events).
#[utoipa::path(get, path = "/v1/stream", tag = "stream", summary = "Follow the dealer's events",
    description = DESCRIPTION,
    params(StreamParams,
        ("Last-Event-ID" = Option<String>, Header, description = "The `id` of the last event received: the stream resumes after it")),
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "An endless `text/event-stream`; each message's data is a `StreamEvent`",
            content_type = "text/event-stream", body = StreamEvent),
        (status = 429, description = "Too many open streams for the dealer (`rate_limited`)", body = crate::http::problem::Problem,
            content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
#[tracing::instrument(skip_all)]
async fn follow_stream(
    State(state): State<AppState>,
    caller: AnyStaff,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<StreamParams>,
) -> Result<Response> {
    let slot = state.streams.admit(caller.tenant)?;
    let last = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .or(params.last_event_id.as_deref());
    let cursor = stream::start(&state.db, caller.tenant, last).await?;
    let events = stream::follow(state.db.clone(), caller.tenant, cursor, slot).map(|event| {
        let data = serde_json::to_string(&event).unwrap_or_default();
        Ok::<_, Infallible>(Event::default().id(event.id.to_string()).event(event.kind).data(data))
    });
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"))
        .into_response();
    // Proxies that buffer responses (nginx) would hold the events back.
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}
