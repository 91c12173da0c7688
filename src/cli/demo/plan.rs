//! The demo dealer's history, planned before any of it happens: who asks for what and when,
//! how long staff take to answer, what each shop decides, and the regular buyers whose
//! purchases the reminder engine will predict. Pure and seeded; `super` plays it through the
//! services.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use super::words;
use crate::bench::generator::{GenPart, VEHICLES};

/// What the plan is made for.
pub struct Settings {
    pub now: DateTime<Utc>,
    pub tz: Tz,
    pub days: u32,
    pub inquiries_per_day: f64,
    pub customers: usize,
    /// The dealer's reminder lead days: the last purchases are placed so that reminders fall
    /// due today.
    pub lead_days: i64,
    pub seed: u64,
}

/// What the shop does with a quote sent to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    /// Some lines, or fewer units.
    Partial,
    Reject(&'static str),
    /// No answer: the quote expires.
    Ignore,
}

pub struct InquiryPlan {
    pub at: DateTime<Utc>,
    pub customer: usize,
    /// A `CreateInquiryRequest` as JSON.
    pub request: Value,
    /// When staff send the quote; `None`: still waiting for them.
    pub send_at: Option<DateTime<Utc>>,
    /// From sending to the shop opening the quote.
    pub view_after: Duration,
    /// From opening the quote to deciding.
    pub decide_after: Duration,
    pub decision: Decision,
    /// The part (a catalog index) its first line asks for, bought every cycle.
    pub favourite: Option<usize>,
}

/// A shop that buys one part at a regular interval.
pub struct Favourite {
    pub customer: usize,
    pub part: usize,
    pub interval_days: i64,
    pub dates: Vec<NaiveDate>,
}

pub struct History {
    pub inquiries: Vec<InquiryPlan>,
    pub favourites: Vec<Favourite>,
    /// Why there are none, when there are none.
    pub no_favourites: Option<String>,
}

/// The instant of a local time on a day in the dealer's zone.
pub fn local(tz: Tz, day: NaiveDate, minutes_after_midnight: i64) -> DateTime<Utc> {
    let naive = day.and_time(NaiveTime::MIN) + Duration::minutes(minutes_after_midnight);
    tz.from_local_datetime(&naive)
        .earliest()
        .map_or_else(|| naive.and_utc(), |t| t.with_timezone(&Utc))
}

/// Between `low` and `high` minutes, most of them near the low end.
fn log_minutes(rng: &mut StdRng, low: f64, high: f64) -> Duration {
    let minutes = rng.random_range(low.ln()..high.ln()).exp();
    Duration::seconds((minutes * 60.0) as i64)
}

/// A time staff would be at work: evenings move to the next morning.
fn working(tz: Tz, at: DateTime<Utc>, rng: &mut StdRng) -> DateTime<Utc> {
    let local_time = at.with_timezone(&tz);
    let minute = i64::from(local_time.hour() * 60 + local_time.minute());
    let day = local_time.date_naive();
    if minute > 18 * 60 + 45 {
        local(tz, day + Duration::days(1), 8 * 60 + 20 + rng.random_range(0..70))
    } else if minute < 8 * 60 {
        local(tz, day, 8 * 60 + 5 + rng.random_range(0..55))
    } else {
        at
    }
}

/// Plans the history over `parts` (the generated catalog).
pub fn plan(settings: &Settings, parts: &[GenPart]) -> History {
    let mut rng = StdRng::seed_from_u64(settings.seed ^ 0x5eed_de30);
    let tz = settings.tz;
    let today = settings.now.with_timezone(&tz).date_naive();
    let days = i64::from(settings.days.max(1));
    let first_day = today - Duration::days(days - 1);

    let (favourites, no_favourites) = favourites(settings, parts, today, first_day, &mut rng);
    // Random inquiries never ask for a regular buyer's part or its equivalents: another
    // purchase of it would blur the rhythm the reminder engine is meant to find.
    let excluded = equivalents(parts, favourites.iter().map(|f| f.part));
    let usable: Vec<usize> = (0..parts.len()).filter(|i| !excluded.contains(i)).collect();
    let mut by_vehicle: Vec<Vec<usize>> = vec![Vec::new(); VEHICLES.len()];
    for &i in &usable {
        by_vehicle[parts[i].vehicle].push(i);
    }
    let popular: Vec<usize> = usable
        .choose_multiple(&mut rng, (usable.len() / 20).max(10))
        .copied()
        .collect();
    // Busier shops first; every fourth sends from its shop system.
    let weights: Vec<f64> = (0..settings.customers)
        .map(|i| 1.0 / (1.0 + 0.12 * i as f64) * rng.random_range(0.7..1.3))
        .collect();
    let mut job_cards = vec![0u32; settings.customers];

    let writer = Writer {
        parts,
        usable: &usable,
        by_vehicle: &by_vehicle,
        popular: &popular,
    };
    let mut inquiries = Vec::new();
    for d in 0..days {
        let day = first_day + Duration::days(d);
        let weekday = match day.weekday() {
            Weekday::Sat => 0.75,
            Weekday::Sun => 0.4,
            Weekday::Mon => 1.15,
            _ => 1.0,
        };
        // The business grows a little over the months.
        let trend = 0.8 + 0.35 * d as f64 / days as f64;
        let mean = settings.inquiries_per_day * weekday * trend;
        let count = (mean * rng.random_range(0.6..1.4)).round() as usize;
        for _ in 0..count {
            let minute = match rng.random_range(0..100) {
                0..=54 => rng.random_range(8 * 60..12 * 60),
                55..=94 => rng.random_range(13 * 60..18 * 60 + 30),
                _ => rng.random_range(18 * 60 + 30..21 * 60),
            };
            let at = local(tz, day, minute) + Duration::seconds(rng.random_range(0..60));
            if at >= settings.now {
                continue;
            }
            let customer = weighted(&weights, &mut rng);
            let request = writer.inquiry(customer, &mut job_cards, day, &mut rng);
            inquiries.push(answered(tz, at, customer, request, &mut rng));
        }
    }
    // A few in the last hours, whatever the time now, so the inbox has something waiting.
    let recent = inquiries
        .iter()
        .filter(|i| i.at > settings.now - Duration::hours(24))
        .count();
    for minutes in [17, 52, 155].into_iter().take(3usize.saturating_sub(recent)) {
        let at = settings.now - Duration::minutes(minutes);
        let customer = weighted(&weights, &mut rng);
        let request = writer.inquiry(customer, &mut job_cards, at.with_timezone(&tz).date_naive(), &mut rng);
        inquiries.push(answered(tz, at, customer, request, &mut rng));
    }
    for favourite in &favourites {
        for (n, date) in favourite.dates.iter().enumerate() {
            let at = local(tz, *date, 8 * 60 + 40 + rng.random_range(0..110));
            let part = &parts[favourite.part];
            // Regular quantities, a unit more or less now and then.
            let base = words::quantity(words::kind_of(part), &mut StdRng::seed_from_u64(favourite.part as u64)).max(2);
            let quantity = (base + [-1, 0, 0, 0, 1][(n * 7 + favourite.customer) % 5]).max(1);
            let mut lines = vec![words::favourite_line(part, quantity, &mut rng)];
            if rng.random_bool(0.3) {
                let other = writer.any_part(&mut rng);
                lines.push(words::line_for(&parts[other], None, false, &mut rng));
            }
            inquiries.push(InquiryPlan {
                at,
                customer: favourite.customer,
                request: json!({ "lines": lines }),
                send_at: Some(at + Duration::minutes(rng.random_range(8..35))),
                view_after: Duration::minutes(rng.random_range(5..30)),
                decide_after: Duration::minutes(rng.random_range(5..50)),
                decision: Decision::Accept,
                favourite: Some(favourite.part),
            });
        }
    }
    inquiries.sort_by_key(|i| i.at);
    // Staff have not got to the newest ones yet, nor to any whose answer would come later
    // than now.
    let total = inquiries.len();
    for (n, inquiry) in inquiries.iter_mut().enumerate() {
        let newest = n + 3 >= total && inquiry.favourite.is_none();
        if newest || inquiry.send_at.is_some_and(|s| s >= settings.now) {
            inquiry.send_at = None;
        }
    }
    History {
        inquiries,
        favourites,
        no_favourites,
    }
}

/// An inquiry with staff's answering time and the shop's decision drawn.
fn answered(tz: Tz, at: DateTime<Utc>, customer: usize, request: Value, rng: &mut StdRng) -> InquiryPlan {
    let delay = if rng.random_bool(0.85) {
        log_minutes(rng, 3.0, 150.0)
    } else {
        Duration::minutes(rng.random_range(150..360))
    };
    let decision = match rng.random_range(0..100) {
        0..=44 => Decision::Accept,
        45..=61 => Decision::Partial,
        62..=77 => Decision::Reject(words::REJECTIONS.choose(rng).copied().unwrap_or("客户不修了")),
        _ => Decision::Ignore,
    };
    InquiryPlan {
        at,
        customer,
        request,
        send_at: Some(working(tz, at + delay, rng)),
        view_after: log_minutes(rng, 2.0, 180.0),
        decide_after: log_minutes(rng, 3.0, 26.0 * 60.0),
        decision,
        favourite: None,
    }
}

fn weighted(weights: &[f64], rng: &mut StdRng) -> usize {
    let total: f64 = weights.iter().sum();
    let mut pick = rng.random_range(0.0..total.max(f64::MIN_POSITIVE));
    for (i, w) in weights.iter().enumerate() {
        if pick < *w {
            return i;
        }
        pick -= w;
    }
    weights.len().saturating_sub(1)
}

struct Writer<'a> {
    parts: &'a [GenPart],
    usable: &'a [usize],
    by_vehicle: &'a [Vec<usize>],
    popular: &'a [usize],
}

impl Writer<'_> {
    fn any_part(&self, rng: &mut StdRng) -> usize {
        if rng.random_bool(0.35) {
            *self.popular.choose(rng).unwrap_or(&0)
        } else {
            *self.usable.choose(rng).unwrap_or(&0)
        }
    }

    /// One repair job's inquiry: a car, a few parts for it, written the shop's way.
    fn inquiry(&self, customer: usize, job_cards: &mut [u32], day: NaiveDate, rng: &mut StdRng) -> Value {
        let car = rng.random_range(0..VEHICLES.len());
        let (_, model, from, to, _) = VEHICLES[car];
        let (make_zh, model_zh, _, _) = words::car(model);
        let structured = customer % 4 == 1 && rng.random_bool(0.6);
        let vehicle = match rng.random_range(0..100) {
            0..=24 => Some(json!({ "make": make_zh, "model": model_zh })),
            25..=34 => Some(json!({ "vin": words::vin(model, rng.random_range(from..=to), rng) })),
            _ => None,
        };
        let car_words = (vehicle.is_none() || rng.random_bool(0.3)).then_some(model_zh);
        let count = match rng.random_range(0..100) {
            0..=34 => 1,
            35..=59 => 2,
            60..=77 => 3,
            78..=87 => 4,
            88..=93 => 5,
            _ => rng.random_range(6..=8),
        };
        let mut chosen: Vec<usize> = Vec::new();
        let mut lines = Vec::new();
        for _ in 0..count {
            let fitting = &self.by_vehicle[car];
            let part = if rng.random_bool(0.7) && !fitting.is_empty() {
                *fitting.choose(rng).unwrap_or(&0)
            } else {
                self.any_part(rng)
            };
            if chosen.contains(&part) {
                continue;
            }
            chosen.push(part);
            lines.push(words::line_for(&self.parts[part], car_words, structured, rng));
        }
        if !structured && rng.random_bool(0.1) {
            lines.push(json!({ "text": words::UNMATCHED.choose(rng).copied().unwrap_or("玻璃水 2箱") }));
        }
        let mut request = json!({ "lines": lines });
        if let Some(vehicle) = vehicle {
            request["vehicle"] = vehicle;
        }
        match rng.random_range(0..100) {
            0..=34 => {
                job_cards[customer] += 1;
                request["reference"] = json!(format!("工单 {}-{:04}", day.year(), job_cards[customer]));
            }
            35..=49 => {
                const PLATE: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
                let tail: String = (0..5)
                    .map(|_| char::from(PLATE[rng.random_range(0..PLATE.len())]))
                    .collect();
                request["reference"] = json!(format!("浙A{tail} {model_zh}"));
            }
            _ => {}
        }
        request
    }
}

/// The parts and every part listed as equivalent to one of them (both directions).
fn equivalents(parts: &[GenPart], of: impl Iterator<Item = usize>) -> HashSet<usize> {
    let mut out: HashSet<usize> = HashSet::new();
    for i in of {
        out.insert(i);
        let part = &parts[i];
        let own = format!("{}:{}", part.brand, part.article);
        let listed = part.cross.as_deref().and_then(|c| c.split_once(':'));
        for (j, other) in parts.iter().enumerate() {
            if other.cross.as_deref() == Some(own.as_str())
                || listed.is_some_and(|(brand, article)| other.brand == brand && other.article == article)
            {
                out.insert(j);
            }
        }
    }
    out
}

/// Regular buyers: up to four shops, each buying one or two consumables every 10-20 days, the
/// last purchases placed so that their next one is expected within the lead days (so the
/// reminders are due today).
fn favourites(
    settings: &Settings,
    parts: &[GenPart],
    today: NaiveDate,
    first_day: NaiveDate,
    rng: &mut StdRng,
) -> (Vec<Favourite>, Option<String>) {
    let shops = match settings.customers {
        0 => 0,
        1..=3 => settings.customers,
        4..=7 => 3,
        _ => 4,
    };
    let days = i64::from(settings.days);
    let lead = settings.lead_days.max(0);
    // Three purchases at least (the engine's minimum), the last one an interval before today.
    let longest = (days - 1) / 3;
    if longest < 7 || shops == 0 {
        return (
            Vec::new(),
            Some(format!(
                "no regular buyers: {days} days of history hold no three purchases a week apart (use --days 22 or more)"
            )),
        );
    }
    const CONSUMABLES: &[usize] = &[0, 1, 3, 4, 5, 6, 7, 14];
    let mut candidates: Vec<usize> = (0..parts.len())
        .filter(|&i| parts[i].stock >= 10 && CONSUMABLES.contains(&words::kind_of(&parts[i])))
        .collect();
    if candidates.len() < 8 {
        candidates = (0..parts.len()).filter(|&i| parts[i].stock > 0).collect();
    }
    candidates.shuffle(rng);
    let mut taken: HashSet<usize> = HashSet::new();
    let mut out = Vec::new();
    for customer in 0..shops {
        let count = if customer == 0 || rng.random_bool(0.4) { 2 } else { 1 };
        for _ in 0..count {
            // Not a part listed as another favourite's equivalent, nor one with it listed.
            let blocked = equivalents(parts, taken.iter().copied());
            let Some(part) = candidates.iter().copied().find(|p| !blocked.contains(p)) else {
                break;
            };
            taken.insert(part);
            // Two of them fall due exactly today, the others within the lead days.
            let ahead = if out.len() < 2 {
                lead
            } else {
                rng.random_range(0..=lead)
            };
            let high = 20.min((days - 1 + ahead) / 3);
            let interval = rng.random_range(10.min(high)..=high);
            let last = today + Duration::days(ahead - interval);
            let purchases = (1 + (last - first_day).num_days() / interval).min(8);
            // Jitter in pairs (one gap longer, another as much shorter): the median gap, and
            // so the expected day, stays the interval.
            let mut gaps = vec![interval; usize::try_from(purchases - 1).unwrap_or(0)];
            let mut k = 0;
            while k + 1 < gaps.len() {
                if rng.random_bool(0.6) {
                    let j = rng.random_range(1..=2.min(interval / 4).max(1));
                    gaps[k] += j;
                    gaps[k + 1] -= j;
                }
                k += 2;
            }
            gaps.shuffle(rng);
            let mut dates = vec![last];
            for gap in gaps.iter().rev() {
                let earlier = *dates.last().unwrap_or(&last) - Duration::days(*gap);
                dates.push(earlier);
            }
            dates.reverse();
            out.push(Favourite {
                customer,
                part,
                interval_days: interval,
                dates,
            });
        }
    }
    (out, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reminders::predict::{self, Purchase};

    fn settings(days: u32, customers: usize) -> Settings {
        Settings {
            now: "2026-12-03T06:30:00Z".parse().expect("time"),
            tz: chrono_tz::Asia::Shanghai,
            days,
            inquiries_per_day: 8.0,
            customers,
            lead_days: 3,
            seed: 7,
        }
    }

    #[test]
    fn regular_buyers_fall_due_today() {
        for (days, customers) in [(120, 12), (40, 4), (25, 2)] {
            let s = settings(days, customers);
            let parts = crate::bench::generator::catalog(300, 7);
            let history = plan(&s, &parts);
            let today = s.now.with_timezone(&s.tz).date_naive();
            assert!(history.favourites.len() >= 2, "{days} days");
            let mut due_today = 0;
            for f in &history.favourites {
                assert!(f.dates[0] >= today - Duration::days(i64::from(days) - 1));
                let days: Vec<Purchase> = f
                    .dates
                    .iter()
                    .map(|d| Purchase {
                        date: *d,
                        at: local(s.tz, *d, 600),
                        quantity: 4,
                        order_id: crate::ids::OrderId::generate(),
                    })
                    .collect();
                let p = predict::predict(&days).expect("a regular history");
                assert_eq!(p.interval_days, f.interval_days);
                let remind_on = p.expected_on - Duration::days(3);
                assert!(remind_on <= today && today <= p.expected_on, "{:?}", f.dates);
                due_today += usize::from(remind_on == today);
            }
            assert!(due_today >= 2);
        }
    }

    #[test]
    fn the_newest_inquiries_wait_and_nothing_is_in_the_future() {
        let s = settings(40, 4);
        let parts = crate::bench::generator::catalog(300, 7);
        let history = plan(&s, &parts);
        assert!(history.inquiries.iter().all(|i| i.at < s.now));
        assert!(history.inquiries.iter().rev().take(3).all(|i| i.send_at.is_none()));
        assert!(history.inquiries.iter().filter_map(|i| i.send_at).all(|t| t < s.now));
        assert!(history.inquiries.windows(2).all(|w| w[0].at <= w[1].at));
    }
}
