//! Shop API key endpoints: staff issue and revoke keys; a shop reads itself and registers
//! its quote callback.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiKeyList, CallbackRequest, CallbackResponse, CreateApiKeyRequest, CreatedApiKey};
use crate::auth::{AdminStaff, Shop};
use crate::customers::CustomerResponse;
use crate::error::Result;
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath};
use crate::ids::{ApiKeyId, CustomerId};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_keys, create_key))
        .routes(routes!(revoke_key))
        .routes(routes!(shop_me))
        .routes(routes!(get_callback, set_callback, delete_callback))
}

const CALLBACK_DESCRIPTION: &str = "When the dealer sends a quote for one of the shop's inquiries, partsdesk POSTs \
`{\"type\": \"quote.sent\", \"timestamp\", \"data\": <the quote as GET /v1/shop/quotes/{id} shows it>}` to this URL, \
signed like the dealer's webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 \
over \"{id}.{timestamp}.{body}\">`, keyed with the base64-decoded part of `secret` after `whsec_`) and retried \
with backoff until a 2xx answer. Registering a URL issues a new secret. The callback belongs to the API key used \
here; revoking the key removes it.\n\nThe same URL receives every step of the shop's orders, with `data` naming \
`order_id` and `customer_id`: `order.picking`, `order.backorder_filled` (backordered units now reserved: `lines` \
with `order_line_id`, `quantity` and the `backorder_quantity` left), `order.dispatched` (`shipment_id`, `carrier` \
and `tracking_number` or `driver_name` and `driver_phone`, `promised_at`, the `lines` and units it carries, \
`still_reserved`, `still_backordered`), `order.delivered` (`shipment_ids`, `delivered_at`, `received_by`, \
`complete`) and `order.cancelled` (`reason`, `by`: `dealer` or `shop`, the units released per line). \
`GET /v1/shop/orders/{id}` shows the same steps as its `timeline`.";

/// The customer's active API keys (never their secrets).
#[utoipa::path(
    get,
    path = "/v1/customers/{id}/api-keys",
    tag = "shop keys",
    summary = "List a customer's API keys",
    params(("id" = CustomerId, Path, description = "Customer id")),
    security(("staff_token" = [])),
    responses((status = 200, body = ApiKeyList))
)]
#[tracing::instrument(skip_all)]
async fn list_keys(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiPath(id): ApiPath<CustomerId>,
) -> Result<axum::Json<ApiKeyList>> {
    Ok(axum::Json(super::list(&state.db, caller.tenant, id).await?))
}

/// Issue an API key for a customer's own system. The secret is in this response only.
#[utoipa::path(
    post,
    path = "/v1/customers/{id}/api-keys",
    tag = "shop keys",
    summary = "Issue an API key to a customer",
    params(("id" = CustomerId, Path, description = "Customer id")),
    request_body = CreateApiKeyRequest,
    security(("staff_token" = [])),
    responses((status = 201, body = CreatedApiKey))
)]
#[tracing::instrument(skip_all)]
async fn create_key(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiPath(id): ApiPath<CustomerId>,
    ApiJson(body): ApiJson<CreateApiKeyRequest>,
) -> Result<(StatusCode, axum::Json<CreatedApiKey>)> {
    let created = super::create(&state.db, caller.actor(), id, body, state.clock.now()).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// Revoke a key; calls with it fail from now on.
#[utoipa::path(
    delete,
    path = "/v1/customers/{id}/api-keys/{key_id}",
    tag = "shop keys",
    summary = "Revoke an API key",
    params(
        ("id" = CustomerId, Path, description = "Customer id"),
        ("key_id" = ApiKeyId, Path, description = "API key id"),
    ),
    security(("staff_token" = [])),
    responses((status = 204, description = "Revoked"))
)]
#[tracing::instrument(skip_all)]
async fn revoke_key(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiPath((customer_id, key_id)): ApiPath<(CustomerId, ApiKeyId)>,
) -> Result<StatusCode> {
    super::revoke(&state.db, caller.actor(), customer_id, key_id, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The calling shop's own customer record at its dealer.
#[utoipa::path(
    get,
    path = "/v1/shop/me",
    tag = "shop",
    summary = "Who am I (shop)",
    security(("shop_key" = []), ("shop_key_header" = [])),
    responses((status = 200, body = CustomerResponse))
)]
#[tracing::instrument(skip_all, fields(key_id = %shop.key_id))]
async fn shop_me(shop: Shop) -> axum::Json<CustomerResponse> {
    axum::Json(shop.customer.into())
}

/// The callback registered on the calling API key.
#[utoipa::path(get, path = "/v1/shop/callback", tag = "shop", summary = "Get the quote callback",
    description = CALLBACK_DESCRIPTION,
    security(("shop_key" = []), ("shop_key_header" = [])), responses((status = 200, body = CallbackResponse)))]
#[tracing::instrument(skip_all)]
async fn get_callback(State(state): State<AppState>, shop: Shop) -> Result<axum::Json<CallbackResponse>> {
    Ok(axum::Json(super::callback(&state.db, &shop).await?))
}

/// Register (or replace) the callback on the calling API key; a new secret is issued.
#[utoipa::path(put, path = "/v1/shop/callback", tag = "shop", summary = "Set the quote callback",
    description = CALLBACK_DESCRIPTION, request_body = CallbackRequest,
    security(("shop_key" = []), ("shop_key_header" = [])), responses((status = 200, body = CallbackResponse)))]
#[tracing::instrument(skip_all)]
async fn set_callback(
    State(state): State<AppState>,
    shop: Shop,
    ApiJson(body): ApiJson<CallbackRequest>,
) -> Result<axum::Json<CallbackResponse>> {
    let callback = super::set_callback(&state.db, &shop, body, state.config.allow_private_webhooks).await?;
    Ok(axum::Json(callback))
}

/// Stop callbacks on the calling API key.
#[utoipa::path(delete, path = "/v1/shop/callback", tag = "shop", summary = "Remove the quote callback",
    security(("shop_key" = []), ("shop_key_header" = [])), responses((status = 204, description = "Removed")))]
#[tracing::instrument(skip_all)]
async fn delete_callback(State(state): State<AppState>, shop: Shop) -> Result<StatusCode> {
    super::delete_callback(&state.db, &shop).await?;
    Ok(StatusCode::NO_CONTENT)
}
