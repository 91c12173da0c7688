//! The notification worker: takes due messages from the queue, holds them through the channel's
//! quiet hours and hourly cap, delivers them and schedules retries. Safe with several servers
//! on one database: a message is claimed by a conditional update before it is sent.

use chrono::{DateTime, Duration, Timelike, Utc};
use futures_util::StreamExt;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::QuietHours;
use crate::db::TenantScoped;
use crate::entities::{DeliveryState, notification_channels, notification_deliveries};
use crate::error::Result;

const LEASE_SECS: i64 = 120;
const BATCH: u64 = 50;
const CONCURRENCY: usize = 4;
const ERROR_MAX: usize = 500;

/// What became of one due message.
enum Step {
    /// Wait until then without spending an attempt (quiet hours, the hourly cap).
    Hold(DateTime<Utc>),
    Send(Box<notification_channels::Model>),
    /// The channel was disabled or removed.
    Drop(&'static str),
}

/// The end of the quiet hours that hold `now`, if they do.
fn quiet_until(quiet: QuietHours, tz: chrono_tz::Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let local = now.with_timezone(&tz);
    if !quiet.contains(i32::try_from(local.hour()).unwrap_or(0)) {
        return None;
    }
    // Step to the hour the quiet ends (at most a day ahead), in the dealer's zone.
    let mut at = local.with_minute(0)?.with_second(0)?.with_nanosecond(0)?;
    for _ in 0..25 {
        at += Duration::hours(1);
        if !quiet.contains(i32::try_from(at.hour()).unwrap_or(0)) {
            return Some(at.with_timezone(&Utc));
        }
    }
    None
}

async fn step(
    db: &DatabaseConnection,
    channel: Option<notification_channels::Model>,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<Step> {
    let Some(channel) = channel.filter(|c| c.enabled) else {
        return Ok(Step::Drop("the channel is disabled"));
    };
    if let (Some(start), Some(end)) = (channel.quiet_start, channel.quiet_end)
        && let Some(until) = quiet_until(QuietHours { start, end }, tz, now)
    {
        return Ok(Step::Hold(until));
    }
    let hour_ago = now - Duration::hours(1);
    let recent = notification_deliveries::Entity::scoped(channel.tenant_id)
        .filter(notification_deliveries::Column::ChannelId.eq(channel.id))
        .filter(notification_deliveries::Column::State.eq(DeliveryState::Delivered))
        .filter(notification_deliveries::Column::DeliveredAt.gt(hour_ago));
    if recent.clone().count(db).await? >= u64::try_from(channel.hourly_cap).unwrap_or(0) {
        let oldest: Option<DateTime<Utc>> = recent
            .select_only()
            .column(notification_deliveries::Column::DeliveredAt)
            .order_by_asc(notification_deliveries::Column::DeliveredAt)
            .into_tuple::<Option<DateTime<Utc>>>()
            .one(db)
            .await?
            .flatten();
        return Ok(Step::Hold(oldest.unwrap_or(now) + Duration::hours(1)));
    }
    Ok(Step::Send(Box::new(channel)))
}

/// Delivers every message due now; returns how many attempts were made.
pub async fn deliver_due(db: &DatabaseConnection, client: &reqwest::Client, now: DateTime<Utc>) -> Result<usize> {
    #[expect(clippy::disallowed_methods, reason = "the notification worker serves every dealer")]
    let due = notification_deliveries::Entity::find()
        .filter(notification_deliveries::Column::State.eq(DeliveryState::Pending))
        .filter(notification_deliveries::Column::NextAttemptAt.lte(now))
        .order_by_asc(notification_deliveries::Column::NextAttemptAt)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut claimed = Vec::new();
    for message in due {
        let lease = now + Duration::seconds(LEASE_SECS);
        let result = notification_deliveries::Entity::scoped_update(message.tenant_id)
            .col_expr(notification_deliveries::Column::NextAttemptAt, Expr::value(lease))
            .filter(notification_deliveries::Column::Id.eq(message.id))
            .filter(notification_deliveries::Column::State.eq(DeliveryState::Pending))
            .filter(notification_deliveries::Column::NextAttemptAt.eq(message.next_attempt_at))
            .exec(db)
            .await?;
        if result.rows_affected == 1 {
            claimed.push(message);
        }
    }
    // One at a time per channel would be kinder to the cap; messages of one round rarely share one.
    let mut attempts = 0;
    let results: Vec<Result<bool>> = futures_util::stream::iter(claimed)
        .map(|message| async move { attempt(db, client, message, now).await })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    for result in results {
        match result {
            Ok(sent) => attempts += usize::from(sent),
            Err(err) => tracing::error!(error = ?err, "recording a notification attempt failed"),
        }
    }
    Ok(attempts)
}

/// Returns whether a delivery was attempted.
async fn attempt(
    db: &DatabaseConnection,
    client: &reqwest::Client,
    message: notification_deliveries::Model,
    now: DateTime<Utc>,
) -> Result<bool> {
    let tenant = crate::tenants::find(db, message.tenant_id).await?;
    let channel = notification_channels::Entity::scoped_by_id(message.tenant_id, message.channel_id)
        .one(db)
        .await?;
    let update = notification_deliveries::Entity::scoped_update(message.tenant_id)
        .filter(notification_deliveries::Column::Id.eq(message.id));
    match step(db, channel, tenant.tz(), now).await? {
        Step::Hold(until) => {
            update
                .col_expr(notification_deliveries::Column::NextAttemptAt, Expr::value(until))
                .exec(db)
                .await?;
            Ok(false)
        }
        Step::Drop(reason) => {
            update
                .col_expr(
                    notification_deliveries::Column::State,
                    Expr::value(DeliveryState::Failed),
                )
                .col_expr(
                    notification_deliveries::Column::NextAttemptAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .col_expr(notification_deliveries::Column::LastError, Expr::value(reason))
                .exec(db)
                .await?;
            Ok(false)
        }
        Step::Send(channel) => {
            let outcome = super::send::deliver(client, &channel, &message.title, &message.body, now).await;
            let attempts = message.attempts + 1;
            let update = update
                .col_expr(notification_deliveries::Column::Attempts, Expr::value(attempts))
                .col_expr(notification_deliveries::Column::LastAttemptAt, Expr::value(now));
            let update = match outcome {
                Ok(()) => update
                    .col_expr(
                        notification_deliveries::Column::State,
                        Expr::value(DeliveryState::Delivered),
                    )
                    .col_expr(notification_deliveries::Column::DeliveredAt, Expr::value(now))
                    .col_expr(
                        notification_deliveries::Column::NextAttemptAt,
                        Expr::value(Option::<DateTime<Utc>>::None),
                    )
                    .col_expr(
                        notification_deliveries::Column::LastError,
                        Expr::value(Option::<String>::None),
                    ),
                Err(error) => {
                    let next = crate::webhooks::delivery::next_attempt(attempts, now);
                    let state = if next.is_some() {
                        DeliveryState::Pending
                    } else {
                        DeliveryState::Failed
                    };
                    let error: String = error.chars().take(ERROR_MAX).collect();
                    update
                        .col_expr(notification_deliveries::Column::State, Expr::value(state))
                        .col_expr(notification_deliveries::Column::NextAttemptAt, Expr::value(next))
                        .col_expr(notification_deliveries::Column::LastError, Expr::value(error))
                }
            };
            update.exec(db).await?;
            Ok(true)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hours_wrap_midnight_and_end_on_the_hour_in_the_dealers_zone() {
        let night = QuietHours { start: 22, end: 8 };
        assert!(night.contains(23) && night.contains(0) && night.contains(7));
        assert!(!night.contains(8) && !night.contains(21));
        let tz = chrono_tz::Asia::Shanghai;
        // 23:30 in Shanghai is 15:30 UTC; the quiet ends at 08:00 Shanghai = 00:00 UTC.
        let now = DateTime::parse_from_rfc3339("2026-12-07T15:30:00Z")
            .expect("t")
            .with_timezone(&Utc);
        let until = quiet_until(night, tz, now).expect("quiet");
        assert_eq!(until.to_rfc3339(), "2026-12-08T00:00:00+00:00");
        let noon = DateTime::parse_from_rfc3339("2026-12-07T04:00:00Z")
            .expect("t")
            .with_timezone(&Utc);
        assert_eq!(quiet_until(night, tz, noon), None);
    }
}
