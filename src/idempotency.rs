//! `Idempotency-Key`: shops retry on bad networks, so a create request carries a key, and a
//! retry with the same key and body gets the first response back instead of a second
//! resource. The record is written in the same transaction as the resource, so there is never
//! one without the other; a unique index settles concurrent duplicates.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, QueryFilter};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::TenantScoped;
use crate::entities::idempotency_keys;
use crate::error::{Error, Result};
use crate::ids::{CustomerId, IdempotencyRecordId, TenantId};

pub const HEADER: &str = "idempotency-key";
pub const KEY_MAX: usize = 255;
/// How long a key is remembered.
pub const RETENTION: Duration = Duration::hours(24);

/// A validated key and the fingerprint of the request it came with.
pub struct Request {
    pub key: String,
    pub hash: String,
}

impl Request {
    /// From the required header's value; the fingerprint is over the parsed request, so
    /// formatting differences (spacing, key order) between a request and its retry do not
    /// matter.
    pub fn new(header: Option<&[u8]>, request: &impl Serialize) -> Result<Self> {
        let field = format!("header.{HEADER}");
        let key = header
            .ok_or_else(|| {
                Error::field(
                    field.clone(),
                    "required",
                    "send an Idempotency-Key header (a UUID, say) and the same one on every retry",
                )
            })
            .map(|value| std::str::from_utf8(value).ok().map(str::trim))?
            .filter(|k| !k.is_empty() && k.len() <= KEY_MAX && k.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| Error::field(field, "invalid_format", format!("1-{KEY_MAX} visible ASCII characters")))?
            .to_owned();
        let body = serde_json::to_vec(request).map_err(anyhow::Error::from)?;
        Ok(Self {
            key,
            hash: hex::encode(Sha256::digest(&body)),
        })
    }
}

/// A response recorded for a key.
pub struct Stored {
    pub status: u16,
    pub body: String,
}

/// The stored response for this key, if it is still remembered. A different request under the
/// same key is an error: the client has a bug, and guessing which request it meant would be
/// worse.
pub async fn find(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    customer: CustomerId,
    request: &Request,
    now: DateTime<Utc>,
) -> Result<Option<Stored>> {
    let Some(record) = idempotency_keys::Entity::scoped(tenant)
        .filter(idempotency_keys::Column::CustomerId.eq(customer))
        .filter(idempotency_keys::Column::Key.eq(&request.key))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if record.created_at + RETENTION <= now {
        return Ok(None);
    }
    if record.request_hash != request.hash {
        return Err(Error::Validation(vec![crate::error::FieldError::new(
            format!("header.{HEADER}"),
            "idempotency_key_reused",
            "this Idempotency-Key was used for a different request in the last 24 hours; use a new key",
        )]));
    }
    Ok(Some(Stored {
        status: u16::try_from(record.status).unwrap_or(200),
        body: record.response,
    }))
}

/// Records the response inside the transaction that creates the resource; call it first, so a
/// concurrent duplicate fails fast. `false`: a request with the same key committed first (the
/// transaction must then be abandoned). An expired record under the same key is replaced.
pub async fn store(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
    customer: CustomerId,
    request: &Request,
    response: &Stored,
    now: DateTime<Utc>,
) -> Result<bool> {
    idempotency_keys::Entity::scoped_delete(tenant)
        .filter(idempotency_keys::Column::CustomerId.eq(customer))
        .filter(idempotency_keys::Column::Key.eq(&request.key))
        .filter(idempotency_keys::Column::CreatedAt.lte(now - RETENTION))
        .exec(txn)
        .await?;
    let inserted = idempotency_keys::ActiveModel {
        id: Set(IdempotencyRecordId::generate()),
        tenant_id: Set(tenant),
        customer_id: Set(customer),
        key: Set(request.key.clone()),
        request_hash: Set(request.hash.clone()),
        status: Set(i32::from(response.status)),
        response: Set(response.body.clone()),
        created_at: Set(now),
    }
    .insert(txn)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(err) if is_duplicate(&err) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// Whether a database error is the unique index on (tenant, customer, key): a concurrent
/// request with the same key committed first.
pub fn is_duplicate(err: &sea_orm::DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(message))
            if message.contains("ux_idempotency_keys_scope") || message.contains("idempotency_keys.")
    )
}

/// Forgets keys older than the retention period (housekeeping, all dealers).
pub async fn purge_expired(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    use sea_orm::EntityTrait;
    #[expect(clippy::disallowed_methods, reason = "housekeeping across every dealer")]
    Ok(idempotency_keys::Entity::delete_many()
        .filter(idempotency_keys::Column::CreatedAt.lte(now - RETENTION))
        .exec(db)
        .await?
        .rows_affected)
}
