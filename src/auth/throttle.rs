//! Failed-login throttling: after too many failures for one email (or from one address)
//! within a window, logins are refused with 429 and `Retry-After` until the window passes.
//!
//! State is per process: behind several servers each one counts on its own, which still
//! bounds guessing to (servers × limit) per window.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

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

/// Entries beyond this trigger a sweep of expired ones, bounding memory under attack.
const SWEEP_THRESHOLD: usize = 10_000;

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

impl LoginThrottle {
    /// `Err(seconds)` when `key` is locked out at `now`.
    pub fn check(&self, key: &str, policy: Policy, now: DateTime<Utc>) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let Some(times) = map.get_mut(key) else {
            return Ok(());
        };
        while times.front().is_some_and(|t| *t + policy.window <= now) {
            times.pop_front();
        }
        if times.len() >= policy.max_failures {
            let oldest = times.front().copied().unwrap_or(now);
            let wait = (oldest + policy.window - now).num_seconds().max(1);
            return Err(u64::try_from(wait).unwrap_or(1));
        }
        Ok(())
    }

    pub fn record_failure(&self, key: &str, policy: Policy, now: DateTime<Utc>) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > SWEEP_THRESHOLD {
            map.retain(|_, times| times.back().is_some_and(|t| *t + policy.window > now));
        }
        let times = map.entry(key.to_owned()).or_default();
        times.push_back(now);
        while times.len() > policy.max_failures {
            times.pop_front();
        }
    }

    pub fn reset(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_limit_and_unlocks_after_the_window() {
        let throttle = LoginThrottle::default();
        let t0 = Utc::now();
        for i in 0..PER_EMAIL.max_failures {
            assert!(throttle.check("a@x", PER_EMAIL, t0).is_ok(), "attempt {i}");
            throttle.record_failure("a@x", PER_EMAIL, t0);
        }
        let wait = throttle.check("a@x", PER_EMAIL, t0).expect_err("locked");
        assert_eq!(wait, 15 * 60);
        assert!(throttle.check("b@x", PER_EMAIL, t0).is_ok());
        assert!(throttle.check("a@x", PER_EMAIL, t0 + Duration::minutes(15)).is_ok());
        throttle.reset("a@x");
        assert!(throttle.check("a@x", PER_EMAIL, t0).is_ok());
    }
}
