//! Webhooks: dealers subscribe endpoints to events; shops register a callback on their API key.
//! Messages are written to a queue table in the same transaction as the change they announce
//! (so none is lost or sent for a change that rolled back), then delivered, signed, by a worker
//! that retries with exponential backoff.

pub mod delivery;
pub mod routes;
pub mod signing;
pub mod target;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use crate::db::TenantScoped;
use crate::entities::{DeliveryState, api_keys, webhook_deliveries, webhooks};
use crate::error::{Error, Result};
use crate::ids::{ApiKeyId, CustomerId, DeliveryId, TenantId, WebhookId};
use crate::pagination::{PageParams, finish_page};
use crate::validate::Validator;

/// Events a dealer can subscribe to.
pub const EVENT_TYPES: &[&str] = &[
    "inquiry.received",
    "quote.accepted",
    "quote.rejected",
    "reminder.due",
    "order.picking",
    "order.backorder_filled",
    "order.dispatched",
    "order.delivered",
    "order.cancelled",
    "order.rest_cancelled",
    "return.requested",
    "return.accepted",
    "return.rejected",
    "return.resolved",
];
/// The event a shop's callback receives.
pub const QUOTE_SENT: &str = "quote.sent";
pub const WEBHOOKS_PER_DEALER_MAX: u64 = 20;
pub const DESCRIPTION_MAX: usize = 200;

/// The JSON every delivery carries: `{type, timestamp, data}`.
pub fn envelope(event_type: &str, at: DateTime<Utc>, data: Value) -> String {
    json!({ "type": event_type, "timestamp": at, "data": data }).to_string()
}

fn new_delivery(
    tenant: TenantId,
    webhook: Option<WebhookId>,
    key: Option<ApiKeyId>,
    url: String,
    event_type: &str,
    body: String,
    now: DateTime<Utc>,
) -> webhook_deliveries::ActiveModel {
    webhook_deliveries::ActiveModel {
        id: Set(DeliveryId::generate()),
        tenant_id: Set(tenant),
        webhook_id: Set(webhook),
        api_key_id: Set(key),
        event_type: Set(event_type.to_owned()),
        url: Set(url),
        body: Set(body),
        state: Set(DeliveryState::Pending),
        attempts: Set(0),
        next_attempt_at: Set(Some(now)),
        last_attempt_at: Set(None),
        last_status: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        delivered_at: Set(None),
    }
}

/// Queues `event_type` for every endpoint of the dealer subscribed to it. Call inside the
/// transaction that makes the change.
pub async fn enqueue(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
    event_type: &str,
    data: Value,
    now: DateTime<Utc>,
) -> Result<usize> {
    let endpoints = webhooks::Entity::scoped(tenant).all(txn).await?;
    let body = envelope(event_type, now, data);
    let mut queued = 0;
    for endpoint in endpoints {
        let subscribed = endpoint
            .events
            .as_array()
            .is_some_and(|events| events.iter().any(|e| e.as_str() == Some(event_type)));
        if subscribed {
            new_delivery(
                tenant,
                Some(endpoint.id),
                None,
                endpoint.url,
                event_type,
                body.clone(),
                now,
            )
            .insert(txn)
            .await?;
            queued += 1;
        }
    }
    Ok(queued)
}

/// Queues `event_type` for the callbacks the customer's active API keys registered.
pub async fn enqueue_for_shop(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
    customer: CustomerId,
    event_type: &str,
    data: Value,
    now: DateTime<Utc>,
) -> Result<usize> {
    let keys = api_keys::Entity::scoped(tenant)
        .filter(api_keys::Column::CustomerId.eq(customer))
        .filter(api_keys::Column::RevokedAt.is_null())
        .filter(api_keys::Column::CallbackUrl.is_not_null())
        .all(txn)
        .await?;
    let body = envelope(event_type, now, data);
    let mut queued = 0;
    for key in keys {
        if let Some(url) = key.callback_url {
            new_delivery(tenant, None, Some(key.id), url, event_type, body.clone(), now)
                .insert(txn)
                .await?;
            queued += 1;
        }
    }
    Ok(queued)
}

/// Checks a URL a customer of the service chose, naming `field` on failure.
pub fn check_url(v: &mut Validator, field: &str, url: &str, allow_private: bool) -> String {
    match target::check(url, allow_private) {
        Ok(parsed) => parsed.to_string(),
        Err(err) => {
            let code = match err {
                target::TargetError::Private => "private_address",
                target::TargetError::TooLong => "too_long",
                _ => "invalid_url",
            };
            v.error(field, code, err.to_string());
            String::new()
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookResponse {
    pub id: WebhookId,
    pub url: String,
    pub events: Vec<String>,
    pub description: Option<String>,
    /// The signing secret (`whsec_…`); shown only when the endpoint is created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl WebhookResponse {
    fn from_model(w: webhooks::Model, with_secret: bool) -> Self {
        Self {
            id: w.id,
            url: w.url,
            events: serde_json::from_value(w.events).unwrap_or_default(),
            description: w.description,
            secret: with_secret.then_some(w.secret),
            created_at: w.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    pub items: Vec<WebhookResponse>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// An `https://` (or `http://`) URL on a public address, up to 2,000 characters.
    #[schema(example = "https://erp.shunda-parts.cn/hooks/partsdesk")]
    pub url: String,
    /// One or more of `inquiry.received`, `quote.accepted`, `quote.rejected`, `reminder.due`.
    pub events: Vec<String>,
    /// Up to 200 characters.
    pub description: Option<String>,
}

/// The dealer's endpoints (without their secrets), oldest first.
pub async fn list(db: &impl ConnectionTrait, tenant: TenantId) -> Result<WebhookList> {
    let items = webhooks::Entity::scoped(tenant)
        .order_by_asc(webhooks::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|w| WebhookResponse::from_model(w, false))
        .collect();
    Ok(WebhookList { items })
}

/// Adds an endpoint, at most [`WEBHOOKS_PER_DEALER_MAX`] per dealer; the response carries its
/// signing secret, this once.
pub async fn create(
    db: &DatabaseConnection,
    tenant: TenantId,
    body: CreateWebhookRequest,
    allow_private: bool,
    now: DateTime<Utc>,
) -> Result<WebhookResponse> {
    let mut v = Validator::default();
    let url = check_url(&mut v, "/url", &body.url, allow_private);
    let description = v.opt_text("/description", body.description.as_deref(), DESCRIPTION_MAX);
    if body.events.is_empty() {
        v.error("/events", "required", "subscribe to at least one event");
    }
    let mut events: Vec<String> = Vec::new();
    for (i, event) in body.events.iter().enumerate() {
        if !EVENT_TYPES.contains(&event.as_str()) {
            v.error(
                &format!("/events/{i}"),
                "unknown_event",
                format!("one of {}", EVENT_TYPES.join(", ")),
            );
        } else if !events.contains(event) {
            events.push(event.clone());
        }
    }
    v.finish()?;

    let txn = crate::db::begin_write(db).await?;
    let existing = webhooks::Entity::scoped(tenant).count(&txn).await?;
    if existing >= WEBHOOKS_PER_DEALER_MAX {
        return Err(Error::Conflict {
            code: "too_many_webhooks",
            detail: format!("a dealer has at most {WEBHOOKS_PER_DEALER_MAX} webhook endpoints"),
            field: None,
        });
    }
    let webhook = webhooks::ActiveModel {
        id: Set(WebhookId::generate()),
        tenant_id: Set(tenant),
        url: Set(url),
        events: Set(json!(events)),
        secret: Set(signing::generate_secret()),
        description: Set(description),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(WebhookResponse::from_model(webhook, true))
}

async fn find(db: &impl ConnectionTrait, tenant: TenantId, id: WebhookId) -> Result<webhooks::Model> {
    webhooks::Entity::scoped_by_id(tenant, id)
        .one(db)
        .await?
        .ok_or(Error::not_found("webhook"))
}

/// One endpoint (without its secret).
pub async fn get(db: &impl ConnectionTrait, tenant: TenantId, id: WebhookId) -> Result<WebhookResponse> {
    Ok(WebhookResponse::from_model(find(db, tenant, id).await?, false))
}

/// Removes the endpoint with its delivery log; queued messages are dropped.
pub async fn delete(db: &DatabaseConnection, tenant: TenantId, id: WebhookId) -> Result<()> {
    let txn = crate::db::begin_write(db).await?;
    webhooks::Entity::scoped_by_id(tenant, id)
        .one(&txn)
        .await?
        .ok_or(Error::not_found("webhook"))?;
    webhook_deliveries::Entity::scoped_delete(tenant)
        .filter(webhook_deliveries::Column::WebhookId.eq(id))
        .exec(&txn)
        .await?;
    webhooks::Entity::scoped_delete(tenant)
        .filter(webhooks::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryResponse {
    /// Also the `webhook-id` header of every attempt.
    pub id: DeliveryId,
    pub event_type: String,
    /// `pending`, `delivered` or `failed` (retries exhausted).
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// HTTP status of the last attempt, if the receiver answered.
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// The JSON body sent.
    pub payload: Value,
}

impl From<webhook_deliveries::Model> for DeliveryResponse {
    fn from(d: webhook_deliveries::Model) -> Self {
        Self {
            id: d.id,
            event_type: d.event_type,
            state: d.state.as_str().to_owned(),
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_attempt_at: d.last_attempt_at,
            last_status: d.last_status,
            last_error: d.last_error,
            created_at: d.created_at,
            delivered_at: d.delivered_at,
            payload: serde_json::from_str(&d.body).unwrap_or(Value::Null),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryList {
    pub items: Vec<DeliveryResponse>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveryListParams {
    /// Items per page, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only `pending`, `delivered` or `failed`.
    pub state: Option<String>,
}

/// An endpoint's deliveries, newest first.
pub async fn deliveries(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: WebhookId,
    params: DeliveryListParams,
) -> Result<DeliveryList> {
    find(db, tenant, id).await?;
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let limit = page.limit()?;
    let mut query = webhook_deliveries::Entity::scoped(tenant)
        .filter(webhook_deliveries::Column::WebhookId.eq(id))
        .order_by_desc(webhook_deliveries::Column::Id);
    if let Some(before) = page.cursor::<DeliveryId>()? {
        query = query.filter(webhook_deliveries::Column::Id.lt(before));
    }
    if let Some(wanted) = params.state.as_deref() {
        let wanted = DeliveryState::parse(wanted)
            .ok_or_else(|| Error::field("query.state", "invalid_value", "one of pending, delivered, failed"))?;
        query = query.filter(webhook_deliveries::Column::State.eq(wanted));
    }
    let rows = query.limit(limit + 1).all(db).await?;
    let (rows, next_cursor) = finish_page(rows, limit, |d| d.id);
    Ok(DeliveryList {
        items: rows.into_iter().map(Into::into).collect(),
        next_cursor,
    })
}
