//! Shop API keys: how a repair shop's own system talks to its dealer. The secret is shown
//! once at creation; only its SHA-256 is stored (the secret has 256 bits of entropy, so a
//! fast hash is enough and lets a key be found by its hash in one indexed lookup).

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{AdminStaff, Shop};
use crate::customers::{CustomerResponse, find_active};
use crate::db::TenantScoped;
use crate::entities::{api_keys, customers};
use crate::error::{Error, Result};
use crate::events::{EventKind, NewEvent};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath};
use crate::ids::{ApiKeyId, CustomerId};
use crate::validate::{NAME_MAX, Validator};

/// Every shop key starts with this, so a leaked key is recognisable (e.g. by secret scanners).
pub const KEY_PREFIX: &str = "psk_";
/// Characters of the key shown in listings.
const VISIBLE_CHARS: usize = 12;
/// `last_used_at` is refreshed at most this often, so that shop traffic does not turn every
/// read into a write.
const LAST_USED_GRANULARITY: Duration = Duration::minutes(1);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_keys, create_key))
        .routes(routes!(revoke_key))
        .routes(routes!(shop_me))
        .routes(routes!(get_callback, set_callback, delete_callback))
}

pub(crate) fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The active key with this secret and its customer, if both are active.
pub async fn authenticate(
    db: &DatabaseConnection,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<(api_keys::Model, customers::Model)>> {
    if !secret.starts_with(KEY_PREFIX) || secret.len() > 128 {
        return Ok(None);
    }
    #[expect(
        clippy::disallowed_methods,
        reason = "the key is how the caller's dealer is found in the first place"
    )]
    let found = api_keys::Entity::find()
        .filter(api_keys::Column::SecretHash.eq(hash_secret(secret)))
        .filter(api_keys::Column::RevokedAt.is_null())
        .one(db)
        .await?;
    let Some(key) = found else { return Ok(None) };
    // Archiving a customer revokes its keys in the same transaction; this check is for
    // keys issued by older versions or edited by hand.
    let customer = customers::Entity::scoped_by_id(key.tenant_id, key.customer_id)
        .filter(customers::Column::DeletedAt.is_null())
        .one(db)
        .await?;
    let Some(customer) = customer else {
        return Ok(None);
    };
    if key.last_used_at.is_none_or(|t| t + LAST_USED_GRANULARITY <= now) {
        api_keys::Entity::scoped_update(key.tenant_id)
            .filter(api_keys::Column::Id.eq(key.id))
            .col_expr(api_keys::Column::LastUsedAt, Expr::value(now))
            .exec(db)
            .await?;
    }
    Ok(Some((key, customer)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyResponse {
    pub id: ApiKeyId,
    pub customer_id: CustomerId,
    pub name: Option<String>,
    /// The first characters of the key, to tell keys apart.
    #[schema(example = "psk_3f9a1c7e")]
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<api_keys::Model> for ApiKeyResponse {
    fn from(k: api_keys::Model) -> Self {
        Self {
            id: k.id,
            customer_id: k.customer_id,
            name: k.name,
            prefix: k.prefix,
            created_at: k.created_at,
            last_used_at: k.last_used_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKeyResponse,
    /// The whole key. It is shown only in this response; store it now.
    pub secret: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyList {
    pub items: Vec<ApiKeyResponse>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    /// A label, e.g. the shop system it is for; up to 200 characters.
    pub name: Option<String>,
}

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
    find_active(&state.db, caller.tenant, id).await?;
    let keys = api_keys::Entity::scoped(caller.tenant)
        .filter(api_keys::Column::CustomerId.eq(id))
        .filter(api_keys::Column::RevokedAt.is_null())
        .order_by_asc(api_keys::Column::Id)
        .all(&state.db)
        .await?;
    Ok(axum::Json(ApiKeyList {
        items: keys.into_iter().map(Into::into).collect(),
    }))
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
    let mut v = Validator::default();
    let name = v.opt_text("/name", body.name.as_deref(), NAME_MAX);
    v.finish()?;

    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let secret = format!("{KEY_PREFIX}{}", hex::encode(raw));
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await?;
    find_active(&txn, caller.tenant, id).await?;
    let key = api_keys::ActiveModel {
        id: Set(ApiKeyId::generate()),
        tenant_id: Set(caller.tenant),
        customer_id: Set(id),
        name: Set(name),
        prefix: Set(secret[..VISIBLE_CHARS].to_owned()),
        secret_hash: Set(hash_secret(&secret)),
        created_by: Set(Some(caller.user_id)),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
        callback_url: Set(None),
        callback_secret: Set(None),
    }
    .insert(&txn)
    .await?;
    crate::events::record(
        &txn,
        NewEvent {
            tenant: caller.tenant,
            customer: Some(id),
            kind: EventKind::ApiKeyIssued,
            subject: key.id.to_string(),
            actor: Some(caller.user_id.to_string()),
            at: now,
            payload: json!({ "prefix": key.prefix }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(CreatedApiKey {
            key: key.into(),
            secret,
        }),
    ))
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
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await?;
    let revoked = api_keys::Entity::scoped_update(caller.tenant)
        .filter(api_keys::Column::Id.eq(key_id))
        .filter(api_keys::Column::CustomerId.eq(customer_id))
        .filter(api_keys::Column::RevokedAt.is_null())
        .col_expr(api_keys::Column::RevokedAt, Expr::value(now))
        .exec(&txn)
        .await?;
    if revoked.rows_affected == 0 {
        return Err(Error::not_found("api key"));
    }
    crate::events::record(
        &txn,
        NewEvent {
            tenant: caller.tenant,
            customer: Some(customer_id),
            kind: EventKind::ApiKeyRevoked,
            subject: key_id.to_string(),
            actor: Some(caller.user_id.to_string()),
            at: now,
            payload: json!({}),
        },
    )
    .await?;
    txn.commit().await?;
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

#[derive(Debug, Serialize, ToSchema)]
pub struct CallbackResponse {
    /// Where sent quotes are pushed; `null` when none is registered.
    pub url: Option<String>,
    /// `whsec_…`: verify each callback's `webhook-signature` with it (Standard Webhooks).
    pub secret: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallbackRequest {
    /// An `https://` (or `http://`) URL on a public address, up to 2,000 characters.
    #[schema(example = "https://erp.laowang-auto.cn/partsdesk/quotes")]
    pub url: String,
}

const CALLBACK_DESCRIPTION: &str = "When the dealer sends a quote for one of the shop's inquiries, partsdesk POSTs \
`{\"type\": \"quote.sent\", \"timestamp\", \"data\": <the quote as GET /v1/shop/quotes/{id} shows it>}` to this URL, \
signed like the dealer's webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 \
over \"{id}.{timestamp}.{body}\">`, keyed with the base64-decoded part of `secret` after `whsec_`) and retried \
with backoff until a 2xx answer. Registering a URL issues a new secret. The callback belongs to the API key used \
here; revoking the key removes it.";

/// The callback registered on the calling API key.
#[utoipa::path(get, path = "/v1/shop/callback", tag = "shop", summary = "Get the quote callback",
    description = CALLBACK_DESCRIPTION,
    security(("shop_key" = []), ("shop_key_header" = [])), responses((status = 200, body = CallbackResponse)))]
#[tracing::instrument(skip_all)]
async fn get_callback(State(state): State<AppState>, shop: Shop) -> Result<axum::Json<CallbackResponse>> {
    let key = api_keys::Entity::scoped_by_id(shop.tenant, shop.key_id)
        .one(&state.db)
        .await?
        .ok_or(Error::not_found("api key"))?;
    Ok(axum::Json(CallbackResponse {
        url: key.callback_url,
        secret: key.callback_secret,
    }))
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
    let mut v = Validator::default();
    let url = crate::webhooks::check_url(&mut v, "/url", &body.url, state.config.allow_private_webhooks);
    v.finish()?;
    let secret = crate::webhooks::signing::generate_secret();
    save_callback(&state, &shop, Some(url.clone()), Some(secret.clone())).await?;
    Ok(axum::Json(CallbackResponse {
        url: Some(url),
        secret: Some(secret),
    }))
}

/// Stop callbacks on the calling API key.
#[utoipa::path(delete, path = "/v1/shop/callback", tag = "shop", summary = "Remove the quote callback",
    security(("shop_key" = []), ("shop_key_header" = [])), responses((status = 204, description = "Removed")))]
#[tracing::instrument(skip_all)]
async fn delete_callback(State(state): State<AppState>, shop: Shop) -> Result<StatusCode> {
    save_callback(&state, &shop, None, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn save_callback(state: &AppState, shop: &Shop, url: Option<String>, secret: Option<String>) -> Result<()> {
    api_keys::Entity::scoped_update(shop.tenant)
        .filter(api_keys::Column::Id.eq(shop.key_id))
        .col_expr(api_keys::Column::CallbackUrl, Expr::value(url))
        .col_expr(api_keys::Column::CallbackSecret, Expr::value(secret))
        .exec(&state.db)
        .await?;
    Ok(())
}
