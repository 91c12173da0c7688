//! When will a customer need a part again? Pure rules on a purchase history, no I/O.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::OrderId;

/// Purchases needed before anything is predicted.
pub const MIN_PURCHASES: usize = 3;
/// A history is irregular, and predicts nothing, when the gaps' median absolute deviation is
/// more than this share of the median gap (gaps of 28, 30 and 33 days are regular; 10, 30 and
/// 60 are not).
pub const MAX_DISPERSION: f64 = 0.35;

/// One purchase day of the part by the customer (several orders on one day count once, their
/// quantities summed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Purchase {
    /// The day in the dealer's time zone.
    pub date: NaiveDate,
    #[serde(skip)]
    pub at: DateTime<Utc>,
    pub quantity: i64,
    pub order_id: OrderId,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prediction {
    /// Median days between purchases.
    pub interval_days: i64,
    /// Median quantity per purchase.
    pub quantity: i64,
    pub expected_on: NaiveDate,
    /// The last purchase: the cycle the prediction belongs to.
    pub last: Purchase,
}

/// Median of sorted-or-not integers; the lower middle for an even count (a whole number of
/// days or units, never a fraction).
fn median(values: &mut [i64]) -> i64 {
    values.sort_unstable();
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2
    }
}

/// Merges same-day purchases; the input is in any order.
pub fn by_day(mut purchases: Vec<Purchase>) -> Vec<Purchase> {
    purchases.sort_by_key(|p| p.at);
    let mut days: Vec<Purchase> = Vec::new();
    for p in purchases {
        match days.last_mut() {
            Some(last) if last.date == p.date => {
                last.quantity += p.quantity;
                last.at = p.at;
                last.order_id = p.order_id;
            }
            _ => days.push(p),
        }
    }
    days
}

/// The next purchase, from at least three purchase days at a fairly regular interval.
pub fn predict(days: &[Purchase]) -> Option<Prediction> {
    if days.len() < MIN_PURCHASES {
        return None;
    }
    let mut gaps: Vec<i64> = days.windows(2).map(|w| (w[1].date - w[0].date).num_days()).collect();
    let interval = median(&mut gaps.clone());
    if interval < 1 {
        return None;
    }
    let mut deviations: Vec<i64> = gaps.iter_mut().map(|g| (*g - interval).abs()).collect();
    let dispersion = median(&mut deviations) as f64 / interval as f64;
    if dispersion > MAX_DISPERSION {
        return None;
    }
    let mut quantities: Vec<i64> = days.iter().map(|p| p.quantity).collect();
    let last = days.last()?.clone();
    Some(Prediction {
        interval_days: interval,
        quantity: median(&mut quantities).max(1),
        expected_on: last.date + Duration::days(interval),
        last,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(days: &[(i32, u32, u32, i64)]) -> Vec<Purchase> {
        days.iter()
            .map(|(y, m, d, q)| {
                let date = NaiveDate::from_ymd_opt(*y, *m, *d).expect("date");
                Purchase {
                    date,
                    at: date.and_hms_opt(2, 0, 0).expect("time").and_utc(),
                    quantity: *q,
                    order_id: OrderId::generate(),
                }
            })
            .collect()
    }

    #[test]
    fn a_regular_history_predicts_the_median_gap_and_quantity() {
        let days = by_day(history(&[
            (2026, 7, 1, 4),
            (2026, 7, 29, 6),
            (2026, 8, 29, 4),
            (2026, 9, 28, 5),
        ]));
        let p = predict(&days).expect("regular");
        assert_eq!(p.interval_days, 30, "gaps 28, 31, 30");
        assert_eq!(p.quantity, 4, "quantities 4, 4, 5, 6: lower middle pair averaged");
        assert_eq!(p.expected_on, NaiveDate::from_ymd_opt(2026, 10, 28).expect("date"));
    }

    #[test]
    fn too_few_or_irregular_histories_predict_nothing() {
        assert!(predict(&by_day(history(&[(2026, 7, 1, 1), (2026, 8, 1, 1)]))).is_none());
        let erratic = history(&[(2026, 1, 1, 1), (2026, 1, 11, 1), (2026, 2, 10, 1), (2026, 4, 11, 1)]);
        assert!(predict(&by_day(erratic)).is_none(), "gaps 10, 30, 60");
    }

    #[test]
    fn same_day_orders_count_once() {
        let days = by_day(history(&[
            (2026, 7, 1, 2),
            (2026, 7, 1, 3),
            (2026, 7, 15, 5),
            (2026, 7, 29, 5),
        ]));
        assert_eq!(days.len(), 3);
        assert_eq!(days[0].quantity, 5);
        assert_eq!(predict(&days).map(|p| p.interval_days), Some(14));
    }
}
