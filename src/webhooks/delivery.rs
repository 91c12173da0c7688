//! The delivery worker: takes due messages from the queue table, signs and posts them, and
//! schedules retries. Safe with several servers on one database: a message is claimed by a
//! conditional update before it is sent, so only one server sends each attempt.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::db::TenantScoped;
use crate::entities::{DeliveryState, api_keys, webhook_deliveries, webhooks};
use crate::error::Result;

use super::{signing, target};

/// Wait before retry n (after the n-th failed attempt); after the last, the message fails.
const BACKOFF_SECS: [i64; 10] = [5, 30, 120, 600, 1_800, 3_600, 7_200, 14_400, 28_800, 57_600];
/// How long a claimed message is reserved for the server that claimed it.
const LEASE_SECS: i64 = 60;
const BATCH: u64 = 50;
const CONCURRENCY: usize = 8;
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
const ERROR_MAX: usize = 500;

/// The next attempt after `attempts` failures, or `None` when it is time to give up.
pub fn next_attempt(attempts: i32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let index = usize::try_from(attempts).ok()?.checked_sub(1)?;
    BACKOFF_SECS
        .get(index)
        .map(|secs| now + chrono::Duration::seconds(*secs))
}

/// Delivers every message due now; returns how many attempts were made.
pub async fn deliver_due(
    db: &DatabaseConnection,
    client: &reqwest::Client,
    allow_private: bool,
    now: DateTime<Utc>,
) -> Result<usize> {
    #[expect(clippy::disallowed_methods, reason = "the delivery worker serves every dealer")]
    let due = webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::State.eq(DeliveryState::Pending))
        .filter(webhook_deliveries::Column::NextAttemptAt.lte(now))
        .order_by_asc(webhook_deliveries::Column::NextAttemptAt)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut claimed = Vec::new();
    for message in due {
        let lease = now + chrono::Duration::seconds(LEASE_SECS);
        let result = webhook_deliveries::Entity::scoped_update(message.tenant_id)
            .col_expr(webhook_deliveries::Column::NextAttemptAt, Expr::value(lease))
            .filter(webhook_deliveries::Column::Id.eq(message.id))
            .filter(webhook_deliveries::Column::State.eq(DeliveryState::Pending))
            .filter(webhook_deliveries::Column::NextAttemptAt.eq(message.next_attempt_at))
            .exec(db)
            .await?;
        if result.rows_affected == 1 {
            claimed.push(message);
        }
    }
    let count = claimed.len();
    futures_util::stream::iter(claimed)
        .for_each_concurrent(CONCURRENCY, |message| async move {
            if let Err(err) = attempt(db, client, allow_private, message, now).await {
                tracing::error!(error = ?err, "recording a webhook attempt failed");
            }
        })
        .await;
    Ok(count)
}

async fn secret_for(db: &DatabaseConnection, message: &webhook_deliveries::Model) -> Result<Option<String>> {
    Ok(if let Some(id) = message.webhook_id {
        webhooks::Entity::scoped_by_id(message.tenant_id, id)
            .one(db)
            .await?
            .map(|w| w.secret)
    } else if let Some(id) = message.api_key_id {
        api_keys::Entity::scoped_by_id(message.tenant_id, id)
            .filter(api_keys::Column::RevokedAt.is_null())
            .one(db)
            .await?
            .and_then(|k| k.callback_secret)
    } else {
        None
    })
}

async fn attempt(
    db: &DatabaseConnection,
    client: &reqwest::Client,
    allow_private: bool,
    message: webhook_deliveries::Model,
    now: DateTime<Utc>,
) -> Result<()> {
    let attempts = message.attempts + 1;
    let outcome: std::result::Result<u16, String> = match secret_for(db, &message).await? {
        None => Err("the endpoint was removed or its key revoked".to_owned()),
        Some(secret) => match target::check(&message.url, allow_private) {
            Err(err) => Err(err.to_string()),
            Ok(url) => {
                let id = message.id.to_string();
                let timestamp = now.timestamp();
                let signature = signing::sign(&secret, &id, timestamp, &message.body);
                client
                    .post(url)
                    .header("content-type", "application/json")
                    .header("webhook-id", &id)
                    .header("webhook-timestamp", timestamp.to_string())
                    .header("webhook-signature", signature)
                    .body(message.body.clone())
                    .send()
                    .await
                    .map(|resp| resp.status().as_u16())
                    .map_err(|err| {
                        // The chain says why (refused address, timeout, TLS) without the body.
                        let mut text = err.to_string();
                        let mut source = std::error::Error::source(&err);
                        while let Some(s) = source {
                            text.push_str(": ");
                            text.push_str(&s.to_string());
                            source = s.source();
                        }
                        text
                    })
            }
        },
    };
    let mut update = webhook_deliveries::Entity::scoped_update(message.tenant_id)
        .col_expr(webhook_deliveries::Column::Attempts, Expr::value(attempts))
        .col_expr(webhook_deliveries::Column::LastAttemptAt, Expr::value(now))
        .filter(webhook_deliveries::Column::Id.eq(message.id));
    match outcome {
        Ok(status) if (200..300).contains(&status) => {
            update = update
                .col_expr(webhook_deliveries::Column::State, Expr::value(DeliveryState::Delivered))
                .col_expr(webhook_deliveries::Column::LastStatus, Expr::value(i32::from(status)))
                .col_expr(
                    webhook_deliveries::Column::LastError,
                    Expr::value(Option::<String>::None),
                )
                .col_expr(webhook_deliveries::Column::DeliveredAt, Expr::value(now))
                .col_expr(
                    webhook_deliveries::Column::NextAttemptAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                );
        }
        other => {
            let (status, error) = match other {
                Ok(status) => (Some(i32::from(status)), format!("the receiver answered {status}")),
                Err(error) => (None, error.chars().take(ERROR_MAX).collect()),
            };
            let next = next_attempt(attempts, now);
            update = update
                .col_expr(
                    webhook_deliveries::Column::State,
                    Expr::value(if next.is_some() {
                        DeliveryState::Pending
                    } else {
                        DeliveryState::Failed
                    }),
                )
                .col_expr(webhook_deliveries::Column::LastStatus, Expr::value(status))
                .col_expr(webhook_deliveries::Column::LastError, Expr::value(error))
                .col_expr(webhook_deliveries::Column::NextAttemptAt, Expr::value(next));
        }
    }
    update.exec(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_then_gives_up() {
        let now = Utc::now();
        assert_eq!(next_attempt(1, now), Some(now + chrono::Duration::seconds(5)));
        assert_eq!(next_attempt(2, now), Some(now + chrono::Duration::seconds(30)));
        assert!(next_attempt(10, now).is_some());
        assert_eq!(next_attempt(11, now), None);
    }
}
