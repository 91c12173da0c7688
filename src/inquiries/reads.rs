//! Unread marks: each staff member's own record of the inquiries they have opened.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::auth::Actor;
use crate::db::TenantScoped;
use crate::entities::inquiry_reads;
use crate::error::Result;
use crate::ids::InquiryId;

/// Marks the inquiry read for the actor (a second opening changes nothing).
pub async fn mark(db: &impl ConnectionTrait, actor: Actor, inquiry: InquiryId, now: DateTime<Utc>) -> Result<()> {
    inquiry_reads::Entity::insert(inquiry_reads::ActiveModel {
        tenant_id: Set(actor.tenant),
        user_id: Set(actor.user),
        inquiry_id: Set(inquiry),
        read_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            inquiry_reads::Column::TenantId,
            inquiry_reads::Column::UserId,
            inquiry_reads::Column::InquiryId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Which of these inquiries the actor has opened.
pub async fn read_among(db: &impl ConnectionTrait, actor: Actor, ids: &[InquiryId]) -> Result<HashSet<InquiryId>> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(inquiry_reads::Entity::scoped(actor.tenant)
        .filter(inquiry_reads::Column::UserId.eq(actor.user))
        .filter(inquiry_reads::Column::InquiryId.is_in(ids.iter().copied()))
        .select_only()
        .column(inquiry_reads::Column::InquiryId)
        .into_tuple::<InquiryId>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The inquiries the actor has opened, as a subquery for a list's `unread` filter.
pub fn read_by(actor: Actor) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(inquiry_reads::Column::InquiryId)
        .from(inquiry_reads::Entity)
        .and_where(inquiry_reads::Column::TenantId.eq(actor.tenant))
        .and_where(inquiry_reads::Column::UserId.eq(actor.user))
        .to_owned()
}
