//! Touchpoint metrics: how well the dealer answers its customers, per dealer and per customer,
//! over any period, bucketed in the dealer's time zone.

pub mod query;
pub mod report;
pub mod rollup;
pub mod routes;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::entities::returns::ReturnReason;
use crate::error::{Error, FieldError, Result};
use crate::money::format_price;
use rollup::Delta;

/// The definitions, exactly as computed.
pub const DEFINITIONS: &str = "Definitions, exactly as computed:\n\
* quote rate (报出率) = inquiry lines that received a price in a sent quote / inquiry lines received;\n\
* purchase rate (采购率) = quoted lines that were bought / quoted lines;\n\
* response time = time from inquiry received to quote sent (report p50 and p90, not the mean);\n\
* auto-match rate = lines whose best match was confident enough to quote without a human change;\n\
* order to dispatch = order placed to its first shipment; order to delivery = order placed to the last of its \
shipments received, for orders received in full (p50 and p90);\n\
* on-time rate = shipments received by their promised time / shipments received that carried one;\n\
* fill rate = units received by the shop / (units ordered - units the shop cancelled);\n\
* backorder rate = units the shelf could not cover when the order was placed / units ordered;\n\
* return rate = units in returns the shop opened (whatever became of them) / units received, also per reason;\n\
* return resolution time = return opened to resolved by refund, credit note or replacement (p50 and p90);\n\
* proactive quotes: quotes the dealer drafted from a replenishment reminder and sent unasked; accepted = the \
shop accepted all or part of one; value = the total of those orders. Their inquiries and lines are not counted \
as inquiries, inquiry lines, quoted or bought lines, nor in the response time, since no shop asked.\n\n\
A period boundary is in the dealer's time zone. Inquiries, their lines, quote and purchase rates, response times \
and auto-match rates count in the period the inquiry was received (a line quoted or bought later still counts \
there); orders, order value and everything that happens to an order later (its dispatch, delivery, \
cancellation by the shop, returns and their resolution) in the period the order was placed; replacements sent \
for returns are not orders here; reminders in the period they were raised \
(converted: those of them an order followed within the window, or whose proactive quote was accepted); \
proactive quotes, their acceptance and value in the period they were drafted. \"Confident enough\" means the matcher's \
confidence was `exact` or `high` and staff did not change the line before sending. Percentiles are nearest-rank. \
A rate whose denominator is zero is `null`, never a division error.";

/// Longest period, and most buckets in one response.
pub const PERIOD_DAYS_MAX: i64 = 731;
pub const BUCKETS_MAX: usize = 400;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    #[default]
    Day,
    Week,
    Month,
}

/// A period of whole days in the dealer's time zone, `to` included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The period of equal length just before this one.
    pub fn previous(&self) -> Self {
        let days = self.days();
        Self {
            from: self.from - Duration::days(days),
            to: self.from - Duration::days(1),
        }
    }

    /// Default: the 30 days ending today.
    pub fn parse(from: Option<NaiveDate>, to: Option<NaiveDate>, today: NaiveDate) -> Result<Self> {
        let to = checked_day("query.to", to.unwrap_or(today))?;
        let from = checked_day("query.from", from.unwrap_or(to - Duration::days(29)))?;
        let mut errors = Vec::new();
        if from > to {
            errors.push(FieldError::new("query.from", "out_of_range", "`from` is after `to`"));
        } else if (to - from).num_days() + 1 > PERIOD_DAYS_MAX {
            errors.push(FieldError::new(
                "query.from",
                "out_of_range",
                format!("a period of at most {PERIOD_DAYS_MAX} days"),
            ));
        }
        if errors.is_empty() {
            Ok(Self { from, to })
        } else {
            Err(Error::Validation(errors))
        }
    }

    /// Buckets aligned to the calendar (weeks start on Monday), clipped to the period.
    pub fn buckets(&self, interval: Interval) -> Vec<(NaiveDate, NaiveDate)> {
        let mut out = Vec::new();
        let mut start = self.from;
        while start <= self.to {
            let next = match interval {
                Interval::Day => start + Duration::days(1),
                Interval::Week => start + Duration::days(7 - i64::from(start.weekday().num_days_from_monday())),
                Interval::Month => {
                    let (y, m) = if start.month() == 12 {
                        (start.year() + 1, 1)
                    } else {
                        (start.year(), start.month() + 1)
                    };
                    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(start + Duration::days(31))
                }
            };
            let end = next.min(self.to + Duration::days(1));
            out.push((start, end - Duration::days(1)));
            start = end;
        }
        out
    }
}

/// Days a query may name: far enough from chrono's limits that period arithmetic (the
/// previous period, bucket ends) cannot overflow.
pub const YEARS: std::ops::RangeInclusive<i32> = 1970..=9999;

/// `day`, or a 422 on `field` when it is outside [`YEARS`].
pub fn checked_day(field: &str, day: NaiveDate) -> Result<NaiveDate> {
    if YEARS.contains(&day.year()) {
        Ok(day)
    } else {
        Err(Error::field(
            field,
            "out_of_range",
            format!("a day in the years {} to {}", YEARS.start(), YEARS.end()),
        ))
    }
}

/// Midnight at the start of `day` in the dealer's zone, as an instant. On a day that starts in
/// a DST gap, the first instant that exists.
pub fn start_of(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    crate::clock::start_of_day(day, tz)
}

fn rate(numerator: i64, denominator: i64) -> Option<f64> {
    (denominator > 0).then(|| (numerator as f64 / denominator as f64 * 10_000.0).round() / 10_000.0)
}

/// Nearest-rank p50 and p90 of sorted values: the smallest value with at least half (nine
/// tenths) of the values at or below it.
pub fn percentiles(sorted: &[i64]) -> Option<(i64, i64)> {
    let rank =
        |numerator: usize, denominator: usize| sorted[(sorted.len() * numerator).div_ceil(denominator).max(1) - 1];
    (!sorted.is_empty()).then(|| (rank(1, 2), rank(9, 10)))
}

fn seconds(ms: Option<(i64, i64)>) -> (Option<f64>, Option<f64>) {
    (
        ms.map(|(p50, _)| p50 as f64 / 1000.0),
        ms.map(|(_, p90)| p90 as f64 / 1000.0),
    )
}

/// One figure per return reason.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, ToSchema)]
pub struct ByReason<T> {
    pub wrong_part: T,
    pub wrong_fitment: T,
    pub defective: T,
    pub damaged_in_transit: T,
    pub not_needed: T,
    pub other: T,
}

impl<T> ByReason<T> {
    fn from_fn(mut f: impl FnMut(ReturnReason) -> T) -> Self {
        Self {
            wrong_part: f(ReturnReason::WrongPart),
            wrong_fitment: f(ReturnReason::WrongFitment),
            defective: f(ReturnReason::Defective),
            damaged_in_transit: f(ReturnReason::DamagedInTransit),
            not_needed: f(ReturnReason::NotNeeded),
            other: f(ReturnReason::Other),
        }
    }

    pub fn get(&self, reason: ReturnReason) -> &T {
        match reason {
            ReturnReason::WrongPart => &self.wrong_part,
            ReturnReason::WrongFitment => &self.wrong_fitment,
            ReturnReason::Defective => &self.defective,
            ReturnReason::DamagedInTransit => &self.damaged_in_transit,
            ReturnReason::NotNeeded => &self.not_needed,
            ReturnReason::Other => &self.other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Figures {
    pub inquiries: i64,
    pub inquiry_lines: i64,
    /// Inquiry lines that received a price in a sent quote.
    pub quoted_lines: i64,
    /// Quoted lines that were bought.
    pub bought_lines: i64,
    /// Quoted lines whose best match was confident enough to quote without a human change.
    pub auto_matched_lines: i64,
    /// 报出率: quoted lines / inquiry lines; `null` without inquiry lines.
    pub quote_rate: Option<f64>,
    /// 采购率: bought lines / quoted lines; `null` without quoted lines.
    pub purchase_rate: Option<f64>,
    /// Auto-matched lines / inquiry lines; `null` without inquiry lines.
    pub auto_match_rate: Option<f64>,
    /// Inquiry received to quote sent, seconds, median.
    pub response_time_p50_seconds: Option<f64>,
    /// Inquiry received to quote sent, seconds, 90th percentile.
    pub response_time_p90_seconds: Option<f64>,
    /// Orders placed (replacements for returns are not orders here).
    pub orders: i64,
    /// Total of the orders, exact decimal.
    pub order_value: String,
    pub reminders_raised: i64,
    pub reminders_converted: i64,
    /// Converted / raised; `null` when none were raised.
    pub reminder_conversion_rate: Option<f64>,
    /// Units in the orders placed.
    pub units_ordered: i64,
    /// Of those, units the shelf could not cover when the order was placed.
    pub units_backordered: i64,
    /// Units backordered / units ordered.
    pub backorder_rate: Option<f64>,
    /// Units the shop cancelled before dispatch.
    pub units_cancelled_by_shop: i64,
    /// Units received by the shop.
    pub units_delivered: i64,
    /// Units delivered / (units ordered - units cancelled by the shop).
    pub fill_rate: Option<f64>,
    /// Orders with at least one shipment.
    pub orders_dispatched: i64,
    /// Order placed to its first shipment, seconds, median.
    pub order_to_dispatch_p50_seconds: Option<f64>,
    pub order_to_dispatch_p90_seconds: Option<f64>,
    /// Orders received in full.
    pub orders_delivered: i64,
    /// Order placed to its last shipment received, seconds, median, of orders received in full.
    pub order_to_delivery_p50_seconds: Option<f64>,
    pub order_to_delivery_p90_seconds: Option<f64>,
    /// Shipments received that carried a promised time.
    pub shipments_promised: i64,
    /// Of those, received by the promised time.
    pub shipments_on_time: i64,
    /// Shipments on time / shipments promised.
    pub on_time_rate: Option<f64>,
    /// Returns opened (whatever became of them).
    pub returns: i64,
    /// Units in those returns.
    pub returned_units: i64,
    /// Returned units / units delivered.
    pub return_rate: Option<f64>,
    pub returned_units_by_reason: ByReason<i64>,
    /// Returned units for the reason / units delivered.
    pub return_rate_by_reason: ByReason<Option<f64>>,
    /// Returns resolved (refund, credit note or replacement).
    pub returns_resolved: i64,
    /// Return opened to resolved, seconds, median.
    pub return_resolution_p50_seconds: Option<f64>,
    pub return_resolution_p90_seconds: Option<f64>,
    /// Proactive quotes (drafted from replenishment reminders) sent.
    pub proactive_quotes_sent: i64,
    /// Of those, accepted in whole or in part.
    pub proactive_quotes_accepted: i64,
    /// Accepted / sent; `null` when none were sent.
    pub proactive_acceptance_rate: Option<f64>,
    /// Total of the orders that accepted them, exact decimal.
    pub proactive_value: String,
}

impl From<Delta> for Figures {
    /// From summed rollups whose times are sorted ([`Delta::sort_times`]).
    fn from(c: Delta) -> Self {
        let (response_p50, response_p90) = seconds(percentiles(&c.response_ms));
        let (dispatch_p50, dispatch_p90) = seconds(percentiles(&c.dispatch_ms));
        let (delivery_p50, delivery_p90) = seconds(percentiles(&c.delivery_ms));
        let (resolution_p50, resolution_p90) = seconds(percentiles(&c.resolution_ms));
        let returned_units: i64 = ReturnReason::ALL.iter().map(|r| c.returned(*r)).sum();
        Self {
            inquiries: c.inquiries,
            inquiry_lines: c.lines,
            quoted_lines: c.quoted,
            bought_lines: c.bought,
            auto_matched_lines: c.auto_matched,
            quote_rate: rate(c.quoted, c.lines),
            purchase_rate: rate(c.bought, c.quoted),
            auto_match_rate: rate(c.auto_matched, c.lines),
            response_time_p50_seconds: response_p50,
            response_time_p90_seconds: response_p90,
            orders: c.orders,
            order_value: format_price(c.order_value_minor),
            reminders_raised: c.reminders_raised,
            reminders_converted: c.reminders_converted,
            reminder_conversion_rate: rate(c.reminders_converted, c.reminders_raised),
            units_ordered: c.units_ordered,
            units_backordered: c.units_backordered,
            backorder_rate: rate(c.units_backordered, c.units_ordered),
            units_cancelled_by_shop: c.units_shop_cancelled,
            units_delivered: c.units_delivered,
            fill_rate: rate(c.units_delivered, c.units_ordered - c.units_shop_cancelled),
            orders_dispatched: c.orders_dispatched,
            order_to_dispatch_p50_seconds: dispatch_p50,
            order_to_dispatch_p90_seconds: dispatch_p90,
            orders_delivered: c.orders_delivered,
            order_to_delivery_p50_seconds: delivery_p50,
            order_to_delivery_p90_seconds: delivery_p90,
            shipments_promised: c.shipments_promised,
            shipments_on_time: c.shipments_on_time,
            on_time_rate: rate(c.shipments_on_time, c.shipments_promised),
            returns: c.returns_opened,
            returned_units,
            return_rate: rate(returned_units, c.units_delivered),
            returned_units_by_reason: ByReason::from_fn(|r| c.returned(r)),
            return_rate_by_reason: ByReason::from_fn(|r| rate(c.returned(r), c.units_delivered)),
            returns_resolved: c.returns_resolved,
            return_resolution_p50_seconds: resolution_p50,
            return_resolution_p90_seconds: resolution_p90,
            proactive_quotes_sent: c.proactive_sent,
            proactive_quotes_accepted: c.proactive_accepted,
            proactive_acceptance_rate: rate(c.proactive_accepted, c.proactive_sent),
            proactive_value: format_price(c.proactive_value_minor),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn buckets_follow_the_calendar_and_clip_to_the_period() {
        let period = Period {
            from: day(2026, 10, 28),
            to: day(2026, 11, 10),
        };
        let weeks = period.buckets(Interval::Week);
        assert_eq!(weeks.first(), Some(&(day(2026, 10, 28), day(2026, 11, 1))));
        assert_eq!(weeks.last(), Some(&(day(2026, 11, 9), day(2026, 11, 10))));
        let months = period.buckets(Interval::Month);
        assert_eq!(
            months,
            vec![
                (day(2026, 10, 28), day(2026, 10, 31)),
                (day(2026, 11, 1), day(2026, 11, 10))
            ]
        );
        assert_eq!(period.buckets(Interval::Day).len(), 14);
        assert_eq!(
            period.previous(),
            Period {
                from: day(2026, 10, 14),
                to: day(2026, 10, 27)
            }
        );
    }

    #[test]
    fn days_start_at_local_midnight() {
        let shanghai: Tz = "Asia/Shanghai".parse().expect("tz");
        assert_eq!(
            start_of(day(2026, 11, 22), shanghai).to_rfc3339(),
            "2026-11-21T16:00:00+00:00"
        );
    }

    #[test]
    fn empty_periods_have_null_rates() {
        let f = Figures::from(Delta::default());
        assert_eq!(
            (f.quote_rate, f.purchase_rate, f.response_time_p50_seconds),
            (None, None, None)
        );
        assert_eq!(f.order_value, "0.00");
        assert_eq!(rate(1, 3), Some(0.3333));
    }

    #[test]
    fn days_far_from_today_are_refused_before_any_arithmetic() {
        let today = day(2026, 11, 22);
        let min = NaiveDate::MIN;
        assert!(Period::parse(None, Some(min), today).is_err());
        assert!(Period::parse(Some(min), None, today).is_err());
        assert!(Period::parse(Some(NaiveDate::MAX), Some(NaiveDate::MAX), today).is_err());
    }
}
