//! Background work of `serve`: expiring quotes past their validity, delivering due webhooks and
//! forgetting old idempotency keys.
//! Each step is safe to run on several servers at once.

use crate::app::AppState;

/// One round of every background task.
pub async fn run_once(state: &AppState) {
    if let Err(err) = crate::quotes::expire_due(state).await {
        tracing::error!(error = ?err, "expiring quotes failed");
    }
    if let Err(err) = crate::webhooks::delivery::deliver_due(state).await {
        tracing::error!(error = ?err, "delivering webhooks failed");
    }
    if let Err(err) = crate::idempotency::purge_expired(&state.db, state.clock.now()).await {
        tracing::error!(error = ?err, "purging idempotency keys failed");
    }
}

/// Runs [`run_once`] every `worker_interval` (when configured) for the life of the process.
pub fn spawn(state: AppState) {
    let Some(interval) = state.config.worker_interval else {
        return;
    };
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            run_once(&state).await;
        }
    });
}
