//! Notification endpoints: the dealer's channels (owner and admin) and the delivery log.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{
    ChannelList, ChannelRequest, ChannelResponse, FeedParams, NotificationList, NotificationListParams,
    NotificationResponse, Owner,
};
use crate::auth::{AdminStaff, AnyStaff};
use crate::error::Result;
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::ids::ChannelId;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_channels, create_channel))
        .routes(routes!(replace_channel, delete_channel))
        .routes(routes!(test_channel))
        .routes(routes!(list_notifications))
        .routes(routes!(notification_feed))
        .routes(routes!(list_my_channels, create_my_channel))
        .routes(routes!(replace_my_channel, delete_my_channel))
        .routes(routes!(test_my_channel))
        .routes(routes!(list_my_notifications))
}

const PERSONAL: &str = "A staff member's own channels: any signed-in staff member chooses which events reach them and \
where (their mailbox, their own bell, a robot of their own), as for the dealer's shared channels (same fields, \
validation, queue, quiet hours and cap). At most 5 each; nobody else lists or changes them (the dealer's log, \
`GET /v1/notifications/deliveries`, lists what they were sent, as it lists every message of the dealer's).";

#[utoipa::path(get, path = "/v1/me/notification-channels", tag = "notifications", summary = "List my notification channels",
    description = PERSONAL, security(("staff_token" = [])), responses((status = 200, body = ChannelList)))]
#[tracing::instrument(skip_all)]
async fn list_my_channels(State(state): State<AppState>, caller: AnyStaff) -> Result<axum::Json<ChannelList>> {
    let me = caller.actor();
    Ok(axum::Json(
        super::list(&state.db, Owner::person(me.tenant, me.user)).await?,
    ))
}

#[utoipa::path(post, path = "/v1/me/notification-channels", tag = "notifications", summary = "Add a notification channel of my own",
    description = PERSONAL, request_body = ChannelRequest,
    security(("staff_token" = [])), responses((status = 201, body = ChannelResponse),
        (status = 409, description = "You have 5 channels already (`limit_reached`)", body = crate::http::problem::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn create_my_channel(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiJson(body): ApiJson<ChannelRequest>,
) -> Result<(StatusCode, axum::Json<ChannelResponse>)> {
    let me = caller.actor();
    let allow_private = state.config.allow_private_webhooks;
    let channel = super::create(
        &state.db,
        Owner::person(me.tenant, me.user),
        body,
        allow_private,
        state.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(channel)))
}

#[utoipa::path(put, path = "/v1/me/notification-channels/{id}", tag = "notifications", summary = "Change a notification channel of my own",
    description = PERSONAL, params(("id" = ChannelId, Path, description = "Channel id")), request_body = ChannelRequest,
    security(("staff_token" = [])), responses((status = 200, body = ChannelResponse)))]
#[tracing::instrument(skip_all)]
async fn replace_my_channel(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiPath(id): ApiPath<ChannelId>,
    ApiJson(body): ApiJson<ChannelRequest>,
) -> Result<axum::Json<ChannelResponse>> {
    let me = caller.actor();
    let allow_private = state.config.allow_private_webhooks;
    Ok(axum::Json(
        super::replace(
            &state.db,
            Owner::person(me.tenant, me.user),
            id,
            body,
            allow_private,
            state.clock.now(),
        )
        .await?,
    ))
}

#[utoipa::path(delete, path = "/v1/me/notification-channels/{id}", tag = "notifications", summary = "Remove a notification channel of my own",
    params(("id" = ChannelId, Path, description = "Channel id")),
    security(("staff_token" = [])), responses((status = 204, description = "Removed")))]
#[tracing::instrument(skip_all)]
async fn delete_my_channel(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiPath(id): ApiPath<ChannelId>,
) -> Result<StatusCode> {
    let me = caller.actor();
    super::delete(&state.db, Owner::person(me.tenant, me.user), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/v1/me/notification-channels/{id}/test", tag = "notifications", summary = "Send a test message to a channel of my own",
    params(("id" = ChannelId, Path, description = "Channel id")),
    security(("staff_token" = [])), responses((status = 202, body = NotificationResponse)))]
#[tracing::instrument(skip_all)]
async fn test_my_channel(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiPath(id): ApiPath<ChannelId>,
) -> Result<(StatusCode, axum::Json<NotificationResponse>)> {
    let me = caller.actor();
    let queued = super::test(&state.db, Owner::person(me.tenant, me.user), id, state.clock.now()).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(queued)))
}

/// Newest first: what my own channels were sent.
#[utoipa::path(get, path = "/v1/me/notification-deliveries", tag = "notifications", summary = "List my notifications and their deliveries",
    params(NotificationListParams),
    security(("staff_token" = [])), responses((status = 200, body = NotificationList)))]
#[tracing::instrument(skip_all)]
async fn list_my_notifications(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiQuery(params): ApiQuery<NotificationListParams>,
) -> Result<axum::Json<NotificationList>> {
    let me = caller.actor();
    Ok(axum::Json(
        super::deliveries(&state.db, Owner::person(me.tenant, me.user), params).await?,
    ))
}

/// The console's bell: what the dealer's `console` channels delivered, newest first.
#[utoipa::path(get, path = "/v1/notifications/feed", tag = "notifications", summary = "The console's notification list",
    params(FeedParams),
    security(("staff_token" = [])), responses((status = 200, body = NotificationList)))]
#[tracing::instrument(skip_all)]
async fn notification_feed(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiQuery(params): ApiQuery<FeedParams>,
) -> Result<axum::Json<NotificationList>> {
    Ok(axum::Json(
        super::feed(&state.db, caller.tenant, caller.actor().user, params).await?,
    ))
}

const CHANNELS: &str = "Channels deliver to where staff work: a WeCom (企业微信) group robot (`wecom`, markdown \
message), a DingTalk robot (`dingtalk`, markdown, signed with its 加签 secret when given: `timestamp` and `sign` = \
base64 HMAC-SHA256 of `timestamp\\nsecret`), a Feishu bot (`feishu`, a card with a markdown element, signed with its \
secret when given: `timestamp` and `sign` = base64 HMAC-SHA256 keyed with `timestamp\\nsecret` over nothing), or \
e-mail over SMTP (`email`, TLS or STARTTLS), or the console's own list (`console`, the bell every staff member \
sees, `GET /v1/notifications/feed`). Events: `inquiry_waiting` (inquiries from shops still unanswered past \
the dealer's `response_target_minutes`, announced once each, several in one message), `call_list` (the day's \
replenishment call list, once a day from `digest_hour` in the dealer's time zone), `demand_spike` (a part asked for \
by `spike_shops` or more shops in a day with nothing to offer, once per part and day), `quote_accepted` (a quote \
accepted with a total of `accepted_value_min` or more) and `test`. Every message goes through a persisted queue: \
nothing is delivered in the channel's quiet hours (it waits for their end), at most `hourly_cap` messages an hour \
(the rest wait), and a failed delivery (an error answer, or a robot's non-zero `errcode`/`code`) is retried after \
5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h and 16 h, then given up (`failed`). Secrets and the SMTP \
password are write-only; robot addresses are shown with their access token hidden. At most 20 channels a dealer; \
texts in Chinese (`zh-CN`, default) or English (`en`) per channel.";

#[utoipa::path(get, path = "/v1/notifications/channels", tag = "notifications", summary = "List notification channels",
    security(("staff_token" = [])), responses((status = 200, body = ChannelList)))]
#[tracing::instrument(skip_all)]
async fn list_channels(State(state): State<AppState>, caller: AdminStaff) -> Result<axum::Json<ChannelList>> {
    Ok(axum::Json(super::list(&state.db, Owner::dealer(caller.tenant)).await?))
}

#[utoipa::path(post, path = "/v1/notifications/channels", tag = "notifications", summary = "Add a notification channel",
    description = CHANNELS, request_body = ChannelRequest,
    security(("staff_token" = [])), responses((status = 201, body = ChannelResponse),
        (status = 409, description = "The dealer has 20 channels already (`limit_reached`)", body = crate::http::problem::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn create_channel(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiJson(body): ApiJson<ChannelRequest>,
) -> Result<(StatusCode, axum::Json<ChannelResponse>)> {
    let allow_private = state.config.allow_private_webhooks;
    let channel = super::create(
        &state.db,
        Owner::dealer(caller.tenant),
        body,
        allow_private,
        state.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(channel)))
}

/// Everything is replaced, except that a robot address, secret or SMTP password left out is kept.
#[utoipa::path(put, path = "/v1/notifications/channels/{id}", tag = "notifications", summary = "Change a notification channel",
    description = CHANNELS, params(("id" = ChannelId, Path, description = "Channel id")), request_body = ChannelRequest,
    security(("staff_token" = [])), responses((status = 200, body = ChannelResponse)))]
#[tracing::instrument(skip_all)]
async fn replace_channel(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiPath(id): ApiPath<ChannelId>,
    ApiJson(body): ApiJson<ChannelRequest>,
) -> Result<axum::Json<ChannelResponse>> {
    let allow_private = state.config.allow_private_webhooks;
    Ok(axum::Json(
        super::replace(
            &state.db,
            Owner::dealer(caller.tenant),
            id,
            body,
            allow_private,
            state.clock.now(),
        )
        .await?,
    ))
}

/// Removes the channel with its queue and log.
#[utoipa::path(delete, path = "/v1/notifications/channels/{id}", tag = "notifications", summary = "Remove a notification channel",
    params(("id" = ChannelId, Path, description = "Channel id")),
    security(("staff_token" = [])), responses((status = 204, description = "Removed")))]
#[tracing::instrument(skip_all)]
async fn delete_channel(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiPath(id): ApiPath<ChannelId>,
) -> Result<StatusCode> {
    super::delete(&state.db, Owner::dealer(caller.tenant), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Queues a test message through the channel (delivered by the worker within seconds).
#[utoipa::path(post, path = "/v1/notifications/channels/{id}/test", tag = "notifications", summary = "Send a test message",
    params(("id" = ChannelId, Path, description = "Channel id")),
    security(("staff_token" = [])), responses((status = 202, body = NotificationResponse)))]
#[tracing::instrument(skip_all)]
async fn test_channel(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiPath(id): ApiPath<ChannelId>,
) -> Result<(StatusCode, axum::Json<NotificationResponse>)> {
    let queued = super::test(&state.db, Owner::dealer(caller.tenant), id, state.clock.now()).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(queued)))
}

/// Newest first: every notification with its state, attempts and last error.
#[utoipa::path(get, path = "/v1/notifications/deliveries", tag = "notifications", summary = "List notifications and their deliveries",
    params(NotificationListParams),
    security(("staff_token" = [])), responses((status = 200, body = NotificationList)))]
#[tracing::instrument(skip_all)]
async fn list_notifications(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiQuery(params): ApiQuery<NotificationListParams>,
) -> Result<axum::Json<NotificationList>> {
    Ok(axum::Json(
        super::deliveries(&state.db, Owner::dealer(caller.tenant), params).await?,
    ))
}
