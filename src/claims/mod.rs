//! Claims: a clerk says "I am answering this inquiry", so that two never answer the same one.
//! A claim lasts [`CLAIM_TTL`] from its last renewal (claiming again renews it), ends when its
//! holder (or an admin or the owner) releases it, and ends when the inquiry's quote is sent or
//! cancelled. A lapsed claim is no claim: anyone may take the inquiry over. Taking, renewing and
//! releasing are recorded as `inquiry_claimed` / `inquiry_released` events, which the live
//! stream carries to colleagues; a claim that lapses is not an event (its `expires_at` says when).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::auth::Actor;
use crate::db::TenantScoped;
use crate::entities::{QuoteStatus, Role, inquiries, inquiry_claims, users};
use crate::error::{Error, Result};
use crate::events::{EventKind, NewEvent};
use crate::ids::{InquiryId, TenantId, UserId};

/// How long a claim lasts after it was last taken or renewed.
pub const CLAIM_TTL: Duration = Duration::minutes(15);

/// Who is answering an inquiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ClaimResponse {
    pub user_id: UserId,
    /// The holder's display name.
    #[schema(example = "李明")]
    pub user_name: String,
    /// When the holder took the inquiry (renewals keep it).
    pub claimed_at: DateTime<Utc>,
    /// When the claim lapses unless renewed: 15 minutes after it was last taken or renewed.
    pub expires_at: DateTime<Utc>,
}

/// Why a claim ended, as the `inquiry_released` event's `reason` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// Its holder let it go.
    ByHolder,
    /// An admin or the owner took it off its holder.
    ByAdmin,
    QuoteSent,
    QuoteCancelled,
}

impl Release {
    fn as_str(self) -> &'static str {
        match self {
            Self::ByHolder => "released",
            Self::ByAdmin => "released_by_admin",
            Self::QuoteSent => "quote_sent",
            Self::QuoteCancelled => "quote_cancelled",
        }
    }
}

async fn names(db: &impl ConnectionTrait, tenant: TenantId, ids: Vec<UserId>) -> Result<HashMap<UserId, String>> {
    Ok(users::Entity::scoped(tenant)
        .filter(users::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// The live (not lapsed) claims on these inquiries of the dealer.
pub async fn live(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    inquiries: &[InquiryId],
    now: DateTime<Utc>,
) -> Result<HashMap<InquiryId, ClaimResponse>> {
    if inquiries.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = inquiry_claims::Entity::scoped(tenant)
        .filter(inquiry_claims::Column::InquiryId.is_in(inquiries.iter().copied()))
        .filter(inquiry_claims::Column::ExpiresAt.gt(now))
        .all(db)
        .await?;
    let names = names(db, tenant, rows.iter().map(|r| r.user_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let claim = ClaimResponse {
                user_id: r.user_id,
                user_name: names.get(&r.user_id).cloned().unwrap_or_default(),
                claimed_at: r.claimed_at,
                expires_at: r.expires_at,
            };
            (r.inquiry_id, claim)
        })
        .collect())
}

async fn claimable(db: &impl ConnectionTrait, tenant: TenantId, id: InquiryId) -> Result<inquiries::Model> {
    inquiries::Entity::scoped_by_id(tenant, id)
        .one(db)
        .await?
        .ok_or(Error::not_found("inquiry"))
}

/// Takes the inquiry for the actor, or renews the actor's claim. Only an inquiry whose quote is
/// still a draft can be claimed; one claimed by someone else (and not lapsed) is a 409
/// `already_claimed` naming the holder.
pub async fn claim(db: &DatabaseConnection, actor: Actor, id: InquiryId, now: DateTime<Utc>) -> Result<ClaimResponse> {
    let txn = crate::db::begin_write(db).await?;
    let inquiry = claimable(&txn, actor.tenant, id).await?;
    if inquiry.status != QuoteStatus::Draft {
        return Err(Error::WrongState {
            code: "not_claimable",
            detail: format!(
                "only an inquiry whose quote is a draft can be claimed; this one is {}",
                inquiry.status.as_str().replace('_', " ")
            ),
            current: inquiry.status.as_str().to_owned(),
        });
    }
    let expires_at = now + CLAIM_TTL;
    // Each step changes a row only in the state it expects, so of two clerks claiming at once
    // exactly one gets the inquiry, on either database.
    let renewed = inquiry_claims::Entity::scoped_update(actor.tenant)
        .col_expr(inquiry_claims::Column::ExpiresAt, Expr::value(expires_at))
        .filter(inquiry_claims::Column::InquiryId.eq(id))
        .filter(inquiry_claims::Column::UserId.eq(actor.user))
        .filter(inquiry_claims::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    let taken = renewed
        || inquiry_claims::Entity::scoped_update(actor.tenant)
            .col_expr(inquiry_claims::Column::UserId, Expr::value(actor.user))
            .col_expr(inquiry_claims::Column::ClaimedAt, Expr::value(now))
            .col_expr(inquiry_claims::Column::ExpiresAt, Expr::value(expires_at))
            .filter(inquiry_claims::Column::InquiryId.eq(id))
            .filter(inquiry_claims::Column::ExpiresAt.lte(now))
            .exec(&txn)
            .await?
            .rows_affected
            == 1
        || inquiry_claims::Entity::insert(inquiry_claims::ActiveModel {
            inquiry_id: Set(id),
            tenant_id: Set(actor.tenant),
            user_id: Set(actor.user),
            claimed_at: Set(now),
            expires_at: Set(expires_at),
        })
        .on_conflict(
            OnConflict::column(inquiry_claims::Column::InquiryId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?
            == 1;
    let held = live(&txn, actor.tenant, &[id], now)
        .await?
        .remove(&id)
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("claim on {id} vanished")))?;
    if !taken {
        return Err(Error::Conflict {
            code: "already_claimed",
            detail: format!(
                "{} ({}) is answering this inquiry; their claim lapses at {} unless renewed",
                held.user_name,
                held.user_id,
                held.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            field: None,
        });
    }
    crate::events::record(
        &txn,
        NewEvent {
            tenant: actor.tenant,
            customer: Some(inquiry.customer_id),
            kind: EventKind::InquiryClaimed,
            subject: id.to_string(),
            actor: Some(actor.user.to_string()),
            at: now,
            payload: json!({
                "inquiry_id": id,
                "user_id": held.user_id,
                "user_name": held.user_name,
                "claimed_at": held.claimed_at,
                "expires_at": held.expires_at,
                "renewed": renewed,
            }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(held)
}

/// Releases the claim on an inquiry: its holder may, and so may an admin or the owner. An
/// inquiry nobody holds is released already.
pub async fn release(db: &DatabaseConnection, actor: Actor, id: InquiryId, now: DateTime<Utc>) -> Result<()> {
    let txn = crate::db::begin_write(db).await?;
    let inquiry = claimable(&txn, actor.tenant, id).await?;
    let Some(held) = live(&txn, actor.tenant, &[id], now).await?.remove(&id) else {
        return Ok(());
    };
    let reason = if held.user_id == actor.user {
        Release::ByHolder
    } else if actor.role >= Role::Admin {
        Release::ByAdmin
    } else {
        return Err(Error::forbidden(format!(
            "{} ({}) is answering this inquiry: only they, an admin or the owner can release it",
            held.user_name, held.user_id
        )));
    };
    end(&txn, &inquiry, held, reason, Some(actor.user.to_string()), now).await?;
    txn.commit().await?;
    Ok(())
}

/// Ends any claim on the inquiry because its quote was sent or cancelled (inside that
/// transaction). A lapsed claim is only removed; a live one is also recorded as released.
pub async fn release_for_quote(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
    inquiry: InquiryId,
    reason: Release,
    actor: Option<String>,
    now: DateTime<Utc>,
) -> Result<()> {
    let held = live(txn, tenant, &[inquiry], now).await?.remove(&inquiry);
    let Some(held) = held else {
        inquiry_claims::Entity::scoped_delete(tenant)
            .filter(inquiry_claims::Column::InquiryId.eq(inquiry))
            .exec(txn)
            .await?;
        return Ok(());
    };
    let inquiry = claimable(txn, tenant, inquiry).await?;
    end(txn, &inquiry, held, reason, actor, now).await
}

async fn end(
    txn: &impl ConnectionTrait,
    inquiry: &inquiries::Model,
    held: ClaimResponse,
    reason: Release,
    actor: Option<String>,
    now: DateTime<Utc>,
) -> Result<()> {
    inquiry_claims::Entity::scoped_delete(inquiry.tenant_id)
        .filter(inquiry_claims::Column::InquiryId.eq(inquiry.id))
        .exec(txn)
        .await?;
    crate::events::record(
        txn,
        NewEvent {
            tenant: inquiry.tenant_id,
            customer: Some(inquiry.customer_id),
            kind: EventKind::InquiryReleased,
            subject: inquiry.id.to_string(),
            actor,
            at: now,
            payload: json!({
                "inquiry_id": inquiry.id,
                "user_id": held.user_id,
                "user_name": held.user_name,
                "reason": reason.as_str(),
            }),
        },
    )
    .await?;
    Ok(())
}
