//! Shop API keys: how a repair shop's own system talks to its dealer. The secret is shown
//! once at creation; only its SHA-256 is stored (the secret has 256 bits of entropy, so a
//! fast hash is enough and lets a key be found by its hash in one indexed lookup).

pub mod routes;

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::auth::{Actor, Shop};
use crate::customers::find_active;
use crate::db::TenantScoped;
use crate::entities::{api_keys, customers};
use crate::error::{Error, Result};
use crate::events::{EventKind, NewEvent};
use crate::ids::{ApiKeyId, CustomerId, TenantId};
use crate::validate::{NAME_MAX, Validator};

/// Every shop key starts with this, so a leaked key is recognisable (e.g. by secret scanners).
pub const KEY_PREFIX: &str = "psk_";
/// Characters of the key shown in listings.
const VISIBLE_CHARS: usize = 12;
/// `last_used_at` is refreshed at most this often, so that shop traffic does not turn every
/// read into a write.
const LAST_USED_GRANULARITY: Duration = Duration::minutes(1);

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
    /// Where the shop asked, with this key, to be told of quotes sent to it (`PUT
    /// /v1/shop/callback`); null when it polls instead. Its signing secret is the shop's alone.
    pub callback_url: Option<String>,
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
            callback_url: k.callback_url,
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
pub async fn list(db: &impl ConnectionTrait, tenant: TenantId, id: CustomerId) -> Result<ApiKeyList> {
    find_active(db, tenant, id).await?;
    let keys = api_keys::Entity::scoped(tenant)
        .filter(api_keys::Column::CustomerId.eq(id))
        .filter(api_keys::Column::RevokedAt.is_null())
        .order_by_asc(api_keys::Column::Id)
        .all(db)
        .await?;
    Ok(ApiKeyList {
        items: keys.into_iter().map(Into::into).collect(),
    })
}

/// Issues an API key for a customer's own system; the secret is returned this once.
pub async fn create(
    db: &DatabaseConnection,
    actor: Actor,
    id: CustomerId,
    body: CreateApiKeyRequest,
    now: DateTime<Utc>,
) -> Result<CreatedApiKey> {
    let mut v = Validator::default();
    let name = v.opt_text("/name", body.name.as_deref(), NAME_MAX);
    v.finish()?;

    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let secret = format!("{KEY_PREFIX}{}", hex::encode(raw));
    let txn = crate::db::begin_write(db).await?;
    find_active(&txn, actor.tenant, id).await?;
    let key = api_keys::ActiveModel {
        id: Set(ApiKeyId::generate()),
        tenant_id: Set(actor.tenant),
        customer_id: Set(id),
        name: Set(name),
        prefix: Set(secret[..VISIBLE_CHARS].to_owned()),
        secret_hash: Set(hash_secret(&secret)),
        created_by: Set(Some(actor.user)),
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
            tenant: actor.tenant,
            customer: Some(id),
            kind: EventKind::ApiKeyIssued,
            subject: key.id.to_string(),
            actor: Some(actor.user.to_string()),
            at: now,
            payload: json!({ "prefix": key.prefix }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(CreatedApiKey {
        key: key.into(),
        secret,
    })
}

/// Revokes a key of the customer; calls with it fail from now on.
pub async fn revoke(
    db: &DatabaseConnection,
    actor: Actor,
    customer_id: CustomerId,
    key_id: ApiKeyId,
    now: DateTime<Utc>,
) -> Result<()> {
    let txn = crate::db::begin_write(db).await?;
    let revoked = api_keys::Entity::scoped_update(actor.tenant)
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
            tenant: actor.tenant,
            customer: Some(customer_id),
            kind: EventKind::ApiKeyRevoked,
            subject: key_id.to_string(),
            actor: Some(actor.user.to_string()),
            at: now,
            payload: json!({}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
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

/// The callback registered on the shop's API key.
pub async fn callback(db: &impl ConnectionTrait, shop: &Shop) -> Result<CallbackResponse> {
    let key = api_keys::Entity::scoped_by_id(shop.tenant, shop.key_id)
        .one(db)
        .await?
        .ok_or(Error::not_found("api key"))?;
    Ok(CallbackResponse {
        url: key.callback_url,
        secret: key.callback_secret,
    })
}

/// Registers (or replaces) the callback on the shop's API key, with a new secret. With
/// `allow_private`, loopback and private addresses are accepted (development only).
pub async fn set_callback(
    db: &impl ConnectionTrait,
    shop: &Shop,
    body: CallbackRequest,
    allow_private: bool,
) -> Result<CallbackResponse> {
    let mut v = Validator::default();
    let url = crate::webhooks::check_url(&mut v, "/url", &body.url, allow_private);
    v.finish()?;
    let secret = crate::webhooks::signing::generate_secret();
    save_callback(db, shop, Some(url.clone()), Some(secret.clone())).await?;
    Ok(CallbackResponse {
        url: Some(url),
        secret: Some(secret),
    })
}

/// Stops callbacks on the shop's API key.
pub async fn delete_callback(db: &impl ConnectionTrait, shop: &Shop) -> Result<()> {
    save_callback(db, shop, None, None).await
}

async fn save_callback(
    db: &impl ConnectionTrait,
    shop: &Shop,
    url: Option<String>,
    secret: Option<String>,
) -> Result<()> {
    api_keys::Entity::scoped_update(shop.tenant)
        .filter(api_keys::Column::Id.eq(shop.key_id))
        .col_expr(api_keys::Column::CallbackUrl, Expr::value(url))
        .col_expr(api_keys::Column::CallbackSecret, Expr::value(secret))
        .exec(db)
        .await?;
    Ok(())
}
