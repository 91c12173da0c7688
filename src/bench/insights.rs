//! `partsdesk bench insights`: the insights on the metrics bench's year of one dealer's
//! touchpoints (2,000 customers, about 1,000,000 events): each insight's latency over 30 and
//! 365 days, and how close the restock forecast of a past window came to what was then bought,
//! beside a naive forecast (each part's sales of the window before, repeated).

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use chrono::{Duration, NaiveDate};

use super::catalog::{Target, peak_rss_mib};
use super::metrics::{MetricsBenchArgs, history, p50_p99};
use crate::clock::{Clock, SystemClock};
use crate::ids::PartId;
use crate::insights::demand::{self, DemandParams};
use crate::insights::pricing::{self, PricingGroup, PricingParams};
use crate::insights::restock::{self, RestockParams, Window};

pub async fn run(args: MetricsBenchArgs) -> anyhow::Result<()> {
    let target = Target::open(args.postgres.as_deref(), args.keep.as_deref(), true).await?;
    let result = bench(&args, &target).await;
    target.close().await?;
    result
}

/// Units bought per part in `[from, from + days)`, as the forecast counts purchases.
async fn bought(
    db: &sea_orm::DatabaseConnection,
    tenant: &crate::entities::tenants::Model,
    from: NaiveDate,
    days: i64,
) -> anyhow::Result<HashMap<PartId, i64>> {
    let tz = tenant.tz();
    let end = crate::metrics::start_of(from + Duration::days(days), tz);
    let start = crate::metrics::start_of(from, tz);
    let mut out: HashMap<PartId, i64> = HashMap::new();
    for line in crate::reminders::engine::history(db, tenant, Some(end)).await? {
        if line.purchase.at >= start {
            *out.entry(line.part).or_default() += line.purchase.quantity;
        }
    }
    Ok(out)
}

/// Mean absolute error per part over every part forecast or bought, and the parts counted.
fn mean_absolute_error(forecast: &HashMap<PartId, i64>, actual: &HashMap<PartId, i64>) -> (f64, usize) {
    let parts: HashSet<&PartId> = forecast.keys().chain(actual.keys()).collect();
    let total: i64 = parts
        .iter()
        .map(|p| (forecast.get(*p).copied().unwrap_or(0) - actual.get(*p).copied().unwrap_or(0)).abs())
        .sum();
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    let mae = if parts.is_empty() {
        0.0
    } else {
        total as f64 / parts.len() as f64
    };
    (mae, parts.len())
}

async fn bench(args: &MetricsBenchArgs, target: &Target) -> anyhow::Result<()> {
    println!(
        "partsdesk bench insights: {} customers, ~{} events, ~{} order lines over a year on {}, seed {}",
        args.customers,
        args.events,
        args.order_lines,
        target.backend(),
        args.seed
    );
    let db = target.connect().await?;
    crate::db::migrate(&db).await?;
    let now = SystemClock.now();
    let tenant = history(&db, args, target, now).await?;
    let today = tenant.today(now);

    // The baseline: every day read from the history itself, as before the rollups (and as a
    // day the derivation has not caught up with is read).
    {
        use sea_orm::ConnectionTrait;
        db.execute_unprepared("UPDATE insight_marks SET derived = NULL").await?;
    }
    crate::insights::rollup::mark_missing(&db, now).await?;
    println!(
        "\nlatency from the history alone, ms (p50 / p99 over {} runs)",
        args.runs
    );
    demand_and_pricing(&db, &tenant, args.runs, now).await?;

    let started = Instant::now();
    let mut derived = crate::insights::rollup::Derived::default();
    loop {
        let round = crate::insights::rollup::derive_due(&db, now, 1_000).await?;
        if round.spans() == 0 {
            break;
        }
        derived.days += round.days;
        derived.weeks += round.weeks;
        derived.months += round.months;
    }
    let rows: i64 = {
        use crate::db::TenantScoped;
        use sea_orm::PaginatorTrait;
        let rollups = crate::entities::insight_rollups::Entity::scoped(tenant.id);
        i64::try_from(rollups.count(&db).await?).unwrap_or(i64::MAX)
    };
    println!(
        "\nrollups derived: {} days, {} weeks and {} months, {rows} rows, in {:.1} s (the last two days stay live)",
        derived.days,
        derived.weeks,
        derived.months,
        started.elapsed().as_secs_f64()
    );
    println!("\nlatency with the rollups, ms (p50 / p99 over {} runs)", args.runs);
    demand_and_pricing(&db, &tenant, args.runs, now).await?;

    let started = Instant::now();
    crate::insights::purchases::rebuild_missing(&db).await?;
    println!(
        "\npurchases by day derived from the order lines in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // The baseline: the expected purchases from every order line, as before purchase_days.
    let window = Window { from: today, days: 14 };
    let mut from_lines = Vec::with_capacity(args.runs);
    let mut from_days = Vec::with_capacity(args.runs);
    let (mut by_lines, mut by_days) = (HashMap::new(), HashMap::new());
    for _ in 0..args.runs {
        let started = Instant::now();
        let before = crate::metrics::start_of(today, tenant.tz());
        let lines = crate::reminders::engine::history(&db, &tenant, Some(before)).await?;
        let pairs = crate::insights::purchases::by_pair(lines).into_iter().collect();
        by_lines = restock::expected_of(&db, &tenant, window, pairs).await?.total();
        from_lines.push(started.elapsed());
        let started = Instant::now();
        by_days = restock::expected(&db, &tenant, window).await?.total();
        from_days.push(started.elapsed());
    }
    println!(
        "\nrestock: expected purchases of the next 14 days, ms (p50 / p99 over {} runs)",
        args.runs
    );
    report_latency("from every order line", from_lines, by_lines.len());
    report_latency("from the purchases by day", from_days, by_days.len());
    println!(
        "  the same forecast: {}",
        if by_lines == by_days { "yes" } else { "NO" }
    );

    println!("\nrestock forecast, ms (p50 / p99 over {} runs)", args.runs);
    for days in [14, 90] {
        let params = RestockParams {
            days: Some(days),
            ..RestockParams::default()
        };
        let mut samples = Vec::with_capacity(args.runs);
        let mut size = 0;
        for _ in 0..args.runs {
            let started = Instant::now();
            size = restock::forecast(&db, tenant.id, &params, now).await?.len();
            samples.push(started.elapsed());
        }
        report_latency(&format!("restock forecast, next {days} days"), samples, size);
    }

    // The forecast of the 14 days that began 28 days ago, from the history before them,
    // against what was then bought; the naive forecast repeats the 14 days before.
    println!("\nrestock forecast against what was bought (14-day windows; mean absolute error, units per part)");
    for back in [28, 56, 84] {
        let window = Window {
            from: today - Duration::days(back),
            days: 14,
        };
        let expected = restock::expected(&db, &tenant, window).await?;
        let forecast = expected.total();
        let regular: i64 = expected.regular.values().flatten().map(|b| b.quantity).sum();
        let actual = bought(&db, &tenant, window.from, window.days).await?;
        let naive = bought(&db, &tenant, window.from - Duration::days(window.days), window.days).await?;
        let (mae, parts) = mean_absolute_error(&forecast, &actual);
        let (naive_mae, naive_parts) = mean_absolute_error(&naive, &actual);
        let units: i64 = actual.values().sum();
        let predicted: i64 = forecast.values().sum();
        println!(
            "  from {}: forecast {mae:.2} over {parts} parts ({predicted} units forecast, {regular} of them from regular customers; {units} bought); naive {naive_mae:.2} over {naive_parts} parts",
            window.from
        );
    }
    println!("peak RSS {:.0} MiB", peak_rss_mib());
    Ok(())
}

fn report_latency(name: &str, samples: Vec<std::time::Duration>, size: usize) {
    let (p50, p99) = p50_p99(samples);
    println!("  {name:<36} {p50:>9.1} / {p99:<9.1} ({size} entries)");
}

/// Unmet demand and pricing over the last 30 and 365 days, timed.
async fn demand_and_pricing(
    db: &sea_orm::DatabaseConnection,
    tenant: &crate::entities::tenants::Model,
    runs: usize,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let today = tenant.today(now);
    let from = |days: i64| Some(today - Duration::days(days - 1));
    for days in [30, 365] {
        let params = DemandParams {
            from: from(days),
            ..DemandParams::default()
        };
        let mut samples = Vec::with_capacity(runs);
        let mut size = 0;
        for _ in 0..runs {
            let started = Instant::now();
            size = demand::groups(db, tenant.id, &params, now).await?.entries.len();
            samples.push(started.elapsed());
        }
        report_latency(&format!("unmet demand, {days} days"), samples, size);
    }
    for (group, label) in [(PricingGroup::Part, "per part"), (PricingGroup::Brand, "per brand")] {
        for days in [30, 365] {
            let params = PricingParams {
                from: from(days),
                group: Some(group),
                ..PricingParams::default()
            };
            let mut samples = Vec::with_capacity(runs);
            let mut size = 0;
            for _ in 0..runs {
                let started = Instant::now();
                size = pricing::entries(db, tenant.id, &params, now).await?.len();
                samples.push(started.elapsed());
            }
            report_latency(&format!("pricing {label}, {days} days"), samples, size);
        }
    }
    Ok(())
}
