//! Background work of `serve`: expiring quotes past their validity, delivering due webhooks,
//! forgetting old idempotency keys and ended browser sessions, the reminder scheduler and the
//! proactive quotes it leads to; the notification scans (every minute) and their delivery; the
//! insight rollups of the days that are over.
//! Each step is safe to run on several servers at once.

use crate::http::AppState;

/// How often the notification scans look for waiting inquiries, the call list's hour and demand
/// spikes: often enough for a 15-minute response target, rarely enough not to query every
/// dealer with a channel every second. Delivery of what they queue runs every worker round.
const NOTIFICATION_SCAN_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

/// One round of every background task, the slow ones included.
pub async fn run_once(state: &AppState) {
    run_scans(state).await;
    run_frequent(state).await;
    run_slow(state).await;
}

async fn run_scans(state: &AppState) {
    if let Err(err) = crate::notifications::triggers::run_due(&state.db, state.clock.now()).await {
        tracing::error!(error = ?err, "queueing notifications failed");
    }
}

/// Reminders, and forgetting idempotency keys: nothing here is urgent to the second.
async fn run_slow(state: &AppState) {
    match crate::reminders::engine::run(&state.db, None, state.clock.now()).await {
        Ok(report) => tracing::info!(?report, "reminder run"),
        Err(err) => tracing::error!(error = ?err, "the reminder run failed"),
    }
    match crate::proactive::send_due_all(&state.db, state.clock.now()).await {
        Ok(report) => tracing::info!(?report, "proactive quotes"),
        Err(err) => tracing::error!(error = ?err, "the proactive quote run failed"),
    }
    if let Err(err) = crate::idempotency::purge_expired(&state.db, state.clock.now()).await {
        tracing::error!(error = ?err, "purging idempotency keys failed");
    }
    if let Err(err) = crate::auth::browser::purge_ended(&state.db, state.clock.now()).await {
        tracing::error!(error = ?err, "purging ended browser sessions failed");
    }
    if let Err(err) = crate::auth::throttle::purge_expired(&state.db, state.clock.now()).await {
        tracing::error!(error = ?err, "purging old failed logins failed");
    }
}

async fn run_frequent(state: &AppState) {
    if let Err(err) = crate::quotes::expire_due(&state.db, state.clock.now()).await {
        tracing::error!(error = ?err, "expiring quotes failed");
    }
    let spans = crate::insights::rollup::SPANS_PER_ROUND;
    match crate::insights::rollup::derive_due(&state.db, state.clock.now(), spans).await {
        Ok(derived) if derived.spans() > 0 => tracing::debug!(?derived, "insight rollups derived"),
        Ok(_) => {}
        Err(err) => tracing::error!(error = ?err, "deriving insight rollups failed"),
    }
    if let Err(err) = crate::webhooks::delivery::deliver_due(
        &state.db,
        &state.webhook_client,
        state.config.allow_private_webhooks,
        state.clock.now(),
    )
    .await
    {
        tracing::error!(error = ?err, "delivering webhooks failed");
    }
    if let Err(err) =
        crate::notifications::worker::deliver_due(&state.db, &state.webhook_client, state.clock.now()).await
    {
        tracing::error!(error = ?err, "delivering notifications failed");
    }
}

/// Every `worker_interval` (when configured) expires quotes and delivers webhooks; every
/// `reminder_interval`, runs reminders and forgets old idempotency keys; for the life of the
/// process.
pub fn spawn(state: AppState) {
    let Some(interval) = state.config.worker_interval else {
        return;
    };
    let reminder_interval = state.config.reminder_interval;
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_slow: Option<std::time::Instant> = None;
        let mut last_scan: Option<std::time::Instant> = None;
        loop {
            ticker.tick().await;
            if last_scan.is_none_or(|at| at.elapsed() >= NOTIFICATION_SCAN_INTERVAL) {
                last_scan = Some(std::time::Instant::now());
                run_scans(&state).await;
            }
            run_frequent(&state).await;
            if last_slow.is_none_or(|at| at.elapsed() >= reminder_interval) {
                last_slow = Some(std::time::Instant::now());
                run_slow(&state).await;
            }
        }
    });
}
