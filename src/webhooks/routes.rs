//! Webhook endpoints: the dealer's subscriptions and their delivery logs.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{CreateWebhookRequest, DeliveryList, DeliveryListParams, WebhookList, WebhookResponse};
use crate::auth::AdminStaff;
use crate::error::Result;
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::ids::WebhookId;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(get_webhook, delete_webhook))
        .routes(routes!(list_deliveries))
}

const WEBHOOK_DESCRIPTION: &str = "Deliveries are `POST`s of `{\"type\", \"timestamp\", \"data\"}` signed in the \
Standard Webhooks style: headers `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature: \
v1,<base64 HMAC-SHA256 over \"{webhook-id}.{webhook-timestamp}.{body}\" keyed with the base64-decoded part of the \
secret after `whsec_`>`. Any 2xx answer within 10 s counts as delivered; anything else is retried after 5 s, 30 s, \
2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h and 16 h, then given up (`failed`). The queue is stored in the database: \
a restart loses no delivery. Loopback, private and link-local addresses are refused, at registration and at every \
connection.";

#[utoipa::path(get, path = "/v1/webhooks", tag = "webhooks", summary = "List webhook endpoints",
    security(("staff_token" = [])), responses((status = 200, body = WebhookList)))]
#[tracing::instrument(skip_all)]
async fn list_webhooks(State(state): State<AppState>, caller: AdminStaff) -> Result<axum::Json<WebhookList>> {
    Ok(axum::Json(super::list(&state.db, caller.tenant).await?))
}

#[utoipa::path(post, path = "/v1/webhooks", tag = "webhooks", summary = "Add a webhook endpoint",
    description = WEBHOOK_DESCRIPTION, request_body = CreateWebhookRequest,
    security(("staff_token" = [])), responses((status = 201, body = WebhookResponse),
        (status = 409, description = "The dealer has 20 endpoints already (`too_many_webhooks`)", body = crate::http::problem::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn create_webhook(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiJson(body): ApiJson<CreateWebhookRequest>,
) -> Result<(StatusCode, axum::Json<WebhookResponse>)> {
    let allow_private = state.config.allow_private_webhooks;
    let webhook = super::create(&state.db, caller.tenant, body, allow_private, state.clock.now()).await?;
    Ok((StatusCode::CREATED, axum::Json(webhook)))
}

#[utoipa::path(get, path = "/v1/webhooks/{id}", tag = "webhooks", summary = "Get a webhook endpoint",
    params(("id" = WebhookId, Path, description = "Webhook id")),
    security(("staff_token" = [])), responses((status = 200, body = WebhookResponse)))]
#[tracing::instrument(skip_all)]
async fn get_webhook(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiPath(id): ApiPath<WebhookId>,
) -> Result<axum::Json<WebhookResponse>> {
    Ok(axum::Json(super::get(&state.db, caller.tenant, id).await?))
}

/// Removes the endpoint with its delivery log; queued messages are dropped.
#[utoipa::path(delete, path = "/v1/webhooks/{id}", tag = "webhooks", summary = "Remove a webhook endpoint",
    params(("id" = WebhookId, Path, description = "Webhook id")),
    security(("staff_token" = [])), responses((status = 204, description = "Removed")))]
#[tracing::instrument(skip_all)]
async fn delete_webhook(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiPath(id): ApiPath<WebhookId>,
) -> Result<StatusCode> {
    super::delete(&state.db, caller.tenant, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Newest first.
#[utoipa::path(get, path = "/v1/webhooks/{id}/deliveries", tag = "webhooks", summary = "List deliveries",
    params(("id" = WebhookId, Path, description = "Webhook id"), DeliveryListParams),
    security(("staff_token" = [])), responses((status = 200, body = DeliveryList)))]
#[tracing::instrument(skip_all)]
async fn list_deliveries(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiPath(id): ApiPath<WebhookId>,
    ApiQuery(params): ApiQuery<DeliveryListParams>,
) -> Result<axum::Json<DeliveryList>> {
    Ok(axum::Json(
        super::deliveries(&state.db, caller.tenant, id, params).await?,
    ))
}
