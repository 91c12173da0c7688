//! Failed-login throttling: after too many failures for one email (or from one address)
//! within a window, logins are refused with 429 and `Retry-After` until the window passes.
//!
//! Failures are rows in the database, so every server behind a load balancer counts the same
//! ones: five wrong passwords lock an email whichever servers they reached.

use chrono::{DateTime, Duration, Utc};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entities::login_failures;
use crate::error::Result;

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub max_failures: usize,
    pub window: Duration,
}

pub const PER_EMAIL: Policy = Policy {
    max_failures: 5,
    window: Duration::minutes(15),
};
pub const PER_ADDRESS: Policy = Policy {
    max_failures: 50,
    window: Duration::minutes(15),
};

/// Failures older than every policy's window count for nothing and are purged.
const LONGEST_WINDOW: Duration = Duration::minutes(15);

/// `Ok(Err(seconds))` when `key` is locked out at `now`: `max_failures` failures within the
/// window, the lock lasting until the oldest of them leaves it.
pub async fn check(
    db: &impl ConnectionTrait,
    key: &str,
    policy: Policy,
    now: DateTime<Utc>,
) -> Result<std::result::Result<(), u64>> {
    #[expect(clippy::disallowed_methods, reason = "a login's failures belong to no dealer yet")]
    let recent: Vec<DateTime<Utc>> = login_failures::Entity::find()
        .select_only()
        .column(login_failures::Column::FailedAt)
        .filter(login_failures::Column::ThrottleKey.eq(key))
        .filter(login_failures::Column::FailedAt.gt(now - policy.window))
        .order_by_desc(login_failures::Column::FailedAt)
        .limit(u64::try_from(policy.max_failures).unwrap_or(u64::MAX))
        .into_tuple()
        .all(db)
        .await?;
    if recent.len() < policy.max_failures {
        return Ok(Ok(()));
    }
    // Of the latest `max_failures`, the oldest decides when fewer remain in the window.
    let oldest = recent.last().copied().unwrap_or(now);
    let wait = (oldest + policy.window - now).num_seconds().max(1);
    Ok(Err(u64::try_from(wait).unwrap_or(1)))
}

pub async fn record_failure(db: &impl ConnectionTrait, key: &str, now: DateTime<Utc>) -> Result<()> {
    login_failures::Entity::insert(login_failures::ActiveModel {
        id: NotSet,
        throttle_key: Set(key.to_owned()),
        failed_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Forgets `key`'s failures (a successful login).
pub async fn reset(db: &impl ConnectionTrait, key: &str) -> Result<()> {
    #[expect(clippy::disallowed_methods, reason = "a login's failures belong to no dealer")]
    login_failures::Entity::delete_many()
        .filter(login_failures::Column::ThrottleKey.eq(key))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes failures past every window; returns how many.
pub async fn purge_expired(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    #[expect(clippy::disallowed_methods, reason = "old failures of every dealer's staff alike")]
    let done = login_failures::Entity::delete_many()
        .filter(login_failures::Column::FailedAt.lte(now - LONGEST_WINDOW))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn locks_after_the_limit_and_unlocks_after_the_window() {
        let world = crate::testing::World::new().await;
        let db = &world.db;
        let t0 = crate::clock::Clock::now(&world.clock);
        for i in 0..PER_EMAIL.max_failures {
            assert_eq!(
                check(db, "a@x", PER_EMAIL, t0).await.expect("check"),
                Ok(()),
                "attempt {i}"
            );
            record_failure(db, "a@x", t0).await.expect("record");
        }
        let wait = check(db, "a@x", PER_EMAIL, t0)
            .await
            .expect("check")
            .expect_err("locked");
        assert_eq!(wait, 15 * 60);
        assert_eq!(check(db, "b@x", PER_EMAIL, t0).await.expect("check"), Ok(()));
        let later = t0 + Duration::minutes(15);
        assert_eq!(check(db, "a@x", PER_EMAIL, later).await.expect("check"), Ok(()));
        assert_eq!(purge_expired(db, later).await.expect("purge"), 5);
        record_failure(db, "a@x", t0).await.expect("record");
        reset(db, "a@x").await.expect("reset");
        assert_eq!(check(db, "a@x", PER_EMAIL, t0).await.expect("check"), Ok(()));
    }
}
