//! `partsdesk bench metrics`: a dealer with 2,000 customers, a year of touchpoints (about
//! 1,000,000 events, 200,000 order lines, their shipments and returns), then the metrics
//! queries' latency and a full reminder run's duration.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveModelTrait, DatabaseConnection};
use serde_json::json;

use super::catalog::{Target, peak_rss_mib};
use crate::clock::{Clock, SystemClock};
use crate::db::insert_chunked;
use crate::entities::returns::{Handover, Resolution, ReturnReason, ReturnStatus};
use crate::entities::{
    Confidence, InquiryOrigin, LineStatus, QuoteStatus, RejectionCode, customers, events, inquiries, inquiry_lines,
    order_lines, order_shipments, orders, parts, quote_lines, quote_options, quotes, return_lines, returns, tenants,
};
use crate::ids::{
    CustomerId, EventId, InquiryId, InquiryLineId, OrderId, OrderLineId, PartId, QuoteId, QuoteLineId, QuoteOptionId,
    ReturnId, ShipmentId, TenantId,
};
use crate::metrics::query::{self, Group, Scope};

#[derive(Debug, clap::Args)]
pub struct MetricsBenchArgs {
    #[arg(long, default_value_t = 2_000)]
    pub customers: usize,
    /// Touchpoint events to generate (inquiries, quotes, views, acceptances, orders).
    #[arg(long, default_value_t = 1_000_000)]
    pub events: usize,
    /// Order lines to aim for.
    #[arg(long, default_value_t = 200_000)]
    pub order_lines: usize,
    /// Timed repetitions of each query.
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Benchmark on this PostgreSQL (a fresh schema, dropped afterwards) instead of SQLite.
    #[arg(long)]
    pub postgres: Option<String>,
    /// Keep the SQLite database in this (empty) directory, to inspect or serve it after.
    #[arg(long)]
    pub keep: Option<std::path::PathBuf>,
}

const PARTS: usize = 2_000;
const FAVOURITES: usize = 6;
const DAYS: i64 = 365;

pub(super) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub(super) fn p50_p99(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let at = |q: f64| ms(samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1]);
    (at(0.5), at(0.99))
}

pub(super) struct Generated {
    pub tenant: tenants::Model,
    pub events: usize,
    pub order_lines: usize,
    pub inquiries: usize,
}

/// A year of one dealer's touchpoints, written straight to the tables in bulk.
pub(super) async fn generate(
    db: &DatabaseConnection,
    args: &MetricsBenchArgs,
    now: DateTime<Utc>,
) -> anyhow::Result<Generated> {
    let mut rng = StdRng::seed_from_u64(args.seed);
    let tenant = crate::tenants::new_tenant(
        "bench-metrics".into(),
        "Bench dealer".into(),
        crate::tenants::DEFAULT_TIME_ZONE.into(),
        crate::tenants::DEFAULT_CURRENCY.into(),
        now,
    )
    .insert(db)
    .await?;
    let t = tenant.id;
    let start = now - chrono::Duration::days(DAYS);

    let part_rows: Vec<parts::Model> = (0..PARTS)
        .map(|i| parts::Model {
            id: PartId::generate(),
            tenant_id: t,
            sku: format!("BM-{i:05}"),
            brand: Some("BOSCH".into()),
            name: format!("机油滤清器 {i}"),
            description: None,
            category: Some("滤清器".into()),
            unit: None,
            price_minor: Some(rng.random_range(1_000..50_000)),
            currency: "CNY".into(),
            stock: rng.random_range(0..100),
            reserved: 0,
            active: true,
            attributes: json!({}),
            content_hash: String::new(),
            created_at: start,
            updated_at: start,
        })
        .collect();
    let part_ids: Vec<PartId> = part_rows.iter().map(|p| p.id).collect();
    insert_chunked(db, part_rows.into_iter().map(parts::ActiveModel::from).collect()).await?;

    let customer_rows: Vec<customers::Model> = (0..args.customers)
        .map(|i| customers::Model {
            id: CustomerId::generate(),
            tenant_id: t,
            name: format!("汽修厂 {i:04}"),
            contact_name: None,
            phone: None,
            email: None,
            address: None,
            price_level_bp: rng.random_range(0..2_000),
            notes: None,
            created_at: start,
            updated_at: start,
            deleted_at: None,
        })
        .collect();
    let customer_ids: Vec<CustomerId> = customer_rows.iter().map(|c| c.id).collect();
    insert_chunked(
        db,
        customer_rows.into_iter().map(customers::ActiveModel::from).collect(),
    )
    .await?;
    // Each shop keeps buying the same few parts.
    let favourites: Vec<Vec<PartId>> = customer_ids
        .iter()
        .map(|_| (0..FAVOURITES).map(|_| part_ids[rng.random_range(0..PARTS)]).collect())
        .collect();

    // About 4.4 events per inquiry; an accepted quote buys about 1.9 lines, and 9 in 10
    // quotes are sent.
    let total_inquiries = (args.events as f64 / 4.4) as usize;
    let accept_share = (args.order_lines as f64 / (total_inquiries as f64 * 0.9 * 1.87)).min(0.95);
    let per_customer = total_inquiries.div_ceil(args.customers);
    let mut generated = Generated {
        tenant,
        events: 0,
        order_lines: 0,
        inquiries: 0,
    };
    let mut batch = Batch::default();
    for (c, customer) in customer_ids.iter().enumerate() {
        let step = DAYS * 86_400 / per_customer as i64;
        for k in 0..per_customer {
            let received = start + chrono::Duration::seconds(step * k as i64 + rng.random_range(0..(step / 4).max(1)));
            if received >= now {
                break;
            }
            batch.inquiry(&mut rng, t, *customer, &favourites[c], k, received, accept_share, now);
        }
        if batch.rows() > 50_000 {
            generated.add(&batch);
            batch.flush(db).await?;
        }
    }
    generated.add(&batch);
    batch.flush(db).await?;
    Ok(generated)
}

impl Generated {
    fn add(&mut self, batch: &Batch) {
        self.events += batch.events.len();
        self.order_lines += batch.order_lines.len();
        self.inquiries += batch.inquiries.len();
    }
}

#[derive(Default)]
struct Batch {
    inquiries: Vec<inquiries::Model>,
    inquiry_lines: Vec<inquiry_lines::Model>,
    quotes: Vec<quotes::Model>,
    quote_lines: Vec<quote_lines::Model>,
    quote_options: Vec<quote_options::Model>,
    orders: Vec<orders::Model>,
    order_lines: Vec<order_lines::Model>,
    shipments: Vec<order_shipments::Model>,
    returns: Vec<returns::Model>,
    return_lines: Vec<return_lines::Model>,
    events: Vec<events::Model>,
}

impl Batch {
    fn rows(&self) -> usize {
        self.inquiries.len()
            + self.inquiry_lines.len()
            + self.quote_lines.len()
            + self.quote_options.len()
            + self.events.len()
    }

    fn event(&mut self, t: TenantId, customer: CustomerId, kind: &str, subject: String, at: DateTime<Utc>) {
        self.events.push(events::Model {
            id: EventId::generate(),
            tenant_id: t,
            customer_id: Some(customer),
            kind: kind.to_owned(),
            subject_id: subject,
            actor: None,
            occurred_at: at,
            payload: json!({}),
            // History: never streamed.
            stream_seq: Some(0),
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn inquiry(
        &mut self,
        rng: &mut StdRng,
        t: TenantId,
        customer: CustomerId,
        favourites: &[PartId],
        k: usize,
        received: DateTime<Utc>,
        accept_share: f64,
        now: DateTime<Utc>,
    ) {
        let inquiry = InquiryId::generate();
        let quote = QuoteId::generate();
        let lines = rng.random_range(1..=5);
        let sent = rng.random_bool(0.9);
        let response = chrono::Duration::seconds(rng.random_range(20..7_200));
        let sent_at = (sent && received + response < now).then_some(received + response);
        let accepted = sent_at.is_some() && rng.random_bool(accept_share);
        // Of the quotes not bought, two in five are rejected, mostly with a reason code.
        let rejection = (sent_at.is_some() && !accepted && rng.random_bool(0.4)).then(|| {
            const CODES: [RejectionCode; 6] = [
                RejectionCode::Price,
                RejectionCode::Availability,
                RejectionCode::Delivery,
                RejectionCode::FoundElsewhere,
                RejectionCode::NoLongerNeeded,
                RejectionCode::Other,
            ];
            let code = rng.random_bool(0.8).then(|| CODES[rng.random_range(0..CODES.len())]);
            let words = rng
                .random_bool(0.5)
                .then(|| ["价格太高", "别家有货", "等不及了", "车主不修了"][rng.random_range(0..4)]);
            (code, words.map(str::to_owned))
        });
        let status = match (sent_at, accepted) {
            (None, _) => QuoteStatus::Draft,
            (Some(_), true) => QuoteStatus::Accepted,
            (Some(_), false) if rejection.is_some() => QuoteStatus::Rejected,
            (Some(_), false) => QuoteStatus::Expired,
        };
        let decided_at = match status {
            QuoteStatus::Accepted | QuoteStatus::Rejected => sent_at.map(|s| s + chrono::Duration::minutes(30)),
            _ => None,
        };
        self.inquiries.push(inquiries::Model {
            id: inquiry,
            tenant_id: t,
            customer_id: customer,
            api_key_id: None,
            reference: None,
            vehicle: None,
            warnings: json!([]),
            status,
            line_count: lines,
            origin: InquiryOrigin::Shop,
            received_at: received,
            overdue_notified_at: None,
            updated_at: received,
        });
        self.quotes.push(quotes::Model {
            id: quote,
            tenant_id: t,
            inquiry_id: inquiry,
            customer_id: customer,
            status,
            currency: "CNY".into(),
            note: None,
            auto_sent: false,
            valid_until: sent_at.map(|s| s + chrono::Duration::hours(72)),
            sent_at,
            sent_by: sent_at.map(|_| "auto".into()),
            response_ms: sent_at.map(|s| (s - received).num_milliseconds()),
            viewed_at: None,
            decided_at,
            rejection_reason: rejection.as_ref().and_then(|r| r.1.clone()),
            rejection_code: rejection.as_ref().and_then(|r| r.0),
            reminder_id: None,
            created_at: received,
            updated_at: received,
        });
        self.event(t, customer, "inquiry_received", inquiry.to_string(), received);
        self.event(t, customer, "quote_drafted", quote.to_string(), received);
        let order = OrderId::generate();
        let mut total = 0;
        let mut bought = 0;
        for position in 0..lines {
            let line = InquiryLineId::generate();
            let quote_line = QuoteLineId::generate();
            let offered = rng.random_bool(0.85);
            let confidence = [Confidence::Exact, Confidence::High, Confidence::Low][rng.random_range(0..3)];
            self.inquiry_lines.push(inquiry_lines::Model {
                id: line,
                tenant_id: t,
                inquiry_id: inquiry,
                position,
                // What shops ask for: a few hundred different wordings.
                text: format!("机滤 {}", rng.random_range(0..300)),
                part_number: None,
                brand: None,
                quantity: 2,
                unit: None,
                split_from: None,
                note: None,
                confidence,
                candidates: json!([]),
                line_key: None,
                vehicle_key: None,
            });
            let buy = accepted && offered && (position == 0 || rng.random_bool(0.6));
            // Rotating through the favourites gives each a regular rhythm.
            let part = favourites[(k + position as usize) % favourites.len()];
            let price = rng.random_range(1_000..50_000i64);
            if offered {
                // One in twenty proposals had nothing on the shelf.
                let on_shelf = if rng.random_bool(0.05) { 0 } else { 2 };
                self.quote_options.push(quote_options::Model {
                    id: QuoteOptionId::generate(),
                    tenant_id: t,
                    quote_id: quote,
                    quote_line_id: quote_line,
                    rank: 0,
                    part_id: part,
                    sku: String::new(),
                    name: String::new(),
                    brand: None,
                    list_price_minor: price,
                    unit_price_minor: price,
                    quantity: on_shelf,
                    backorder_quantity: 2 - on_shelf,
                    stock: i64::from(on_shelf),
                    reason: None,
                });
            }
            self.quote_lines.push(quote_lines::Model {
                id: quote_line,
                tenant_id: t,
                quote_id: quote,
                inquiry_line_id: line,
                position,
                requested_quantity: 2,
                status: if offered {
                    LineStatus::Offered
                } else {
                    LineStatus::NoOffer
                },
                confidence,
                note: None,
                changed_by_staff: rng.random_bool(0.1),
                customer_id: customer,
                received_at: received,
                sent: sent_at.is_some(),
                bought: buy,
                proactive: false,
            });
            if buy {
                let quantity = rng.random_range(1..6);
                total += price * i64::from(quantity);
                bought += 1;
                self.order_lines.push(order_lines::Model {
                    id: OrderLineId::generate(),
                    tenant_id: t,
                    order_id: order,
                    customer_id: customer,
                    quote_line_id: quote_line,
                    part_id: part,
                    sku: String::new(),
                    name: String::new(),
                    brand: None,
                    quantity,
                    backorder_quantity: 0,
                    // One line in ten was short when ordered and filled later.
                    backordered_quantity: if rng.random_bool(0.1) { 1 } else { 0 },
                    // History: everything went out and arrived.
                    reserved_quantity: 0,
                    dispatched_quantity: quantity,
                    delivered_quantity: quantity,
                    cancelled_quantity: 0,
                    unit_price_minor: price,
                    line_total_minor: price * i64::from(quantity),
                    ordered_at: sent_at.unwrap_or(received) + chrono::Duration::minutes(30),
                });
            }
        }
        if let Some(sent_at) = sent_at {
            self.event(t, customer, "quote_sent", quote.to_string(), sent_at);
            if rng.random_bool(0.7) {
                self.event(t, customer, "quote_viewed", quote.to_string(), sent_at);
            }
            if bought > 0 {
                let at = sent_at + chrono::Duration::minutes(30);
                self.orders.push(orders::Model {
                    id: order,
                    tenant_id: t,
                    customer_id: customer,
                    quote_id: quote,
                    inquiry_id: inquiry,
                    api_key_id: None,
                    currency: "CNY".into(),
                    total_minor: total,
                    line_count: bought,
                    created_at: at,
                    status: crate::entities::OrderStatus::Delivered,
                    picking_at: None,
                    cancelled_at: None,
                    cancel_reason: None,
                    cancelled_by: None,
                    return_id: None,
                });
                self.event(t, customer, "quote_accepted", quote.to_string(), at);
                self.event(t, customer, "order_created", order.to_string(), at);
                self.delivery(rng, t, customer, order, at, now);
            }
        }
    }

    /// The order's way to the shop: one shipment, dispatched within two days, mostly promised
    /// and mostly on time; one order in thirty returned in part, most returns resolved.
    fn delivery(
        &mut self,
        rng: &mut StdRng,
        t: TenantId,
        customer: CustomerId,
        order: OrderId,
        placed: DateTime<Utc>,
        now: DateTime<Utc>,
    ) {
        let dispatched = placed + chrono::Duration::minutes(rng.random_range(10..2_880));
        let delivered = dispatched + chrono::Duration::minutes(rng.random_range(30..1_800));
        let promised = rng
            .random_bool(0.8)
            .then(|| dispatched + chrono::Duration::minutes(rng.random_range(120..1_440)));
        let shipment = ShipmentId::generate();
        self.shipments.push(order_shipments::Model {
            id: shipment,
            tenant_id: t,
            order_id: order,
            customer_id: customer,
            carrier: Some("顺丰".into()),
            tracking_number: Some(format!("SF{}", rng.random_range(1_000_000_000u64..9_999_999_999))),
            driver_name: None,
            driver_phone: None,
            promised_at: promised,
            dispatched_at: dispatched,
            dispatched_by: None,
            delivered_at: (delivered < now).then_some(delivered),
            received_by: (delivered < now).then(|| "王师傅".into()),
        });
        if delivered >= now {
            // Still on its way.
            if let Some(placed) = self.orders.last_mut() {
                placed.status = crate::entities::OrderStatus::Dispatched;
            }
            for line in self.order_lines.iter_mut().rev().take_while(|l| l.order_id == order) {
                line.delivered_quantity = 0;
            }
            return;
        }
        let Some(line) = self.order_lines.last().filter(|l| l.order_id == order) else {
            return;
        };
        if !rng.random_bool(1.0 / 30.0) {
            return;
        }
        let requested = delivered + chrono::Duration::hours(rng.random_range(2..120));
        let resolved = requested + chrono::Duration::minutes(rng.random_range(30..4_320));
        let resolved = (rng.random_bool(0.8) && resolved < now).then_some(resolved);
        let id = ReturnId::generate();
        self.return_lines.push(return_lines::Model {
            return_id: id,
            order_line_id: line.id,
            tenant_id: t,
            order_id: order,
            part_id: line.part_id,
            sku: line.sku.clone(),
            name: line.name.clone(),
            quantity: 1,
            unit_price_minor: line.unit_price_minor,
        });
        self.returns.push(returns::Model {
            id,
            tenant_id: t,
            customer_id: customer,
            order_id: order,
            api_key_id: None,
            reason: ReturnReason::ALL[rng.random_range(0..ReturnReason::ALL.len())],
            note: None,
            photo_urls: json!([]),
            status: if resolved.is_some() {
                ReturnStatus::Resolved
            } else {
                ReturnStatus::Requested
            },
            requested_at: requested,
            accepted_at: resolved.map(|_| requested),
            handover: resolved.map(|_| Handover::DropOff),
            accept_note: None,
            rejected_at: None,
            reject_reason: None,
            resolved_at: resolved,
            resolution: resolved.map(|_| Resolution::CreditNote),
            amount_minor: resolved.map(|_| line.unit_price_minor),
            replacement_order_id: None,
            restocked: false,
            decided_by: None,
        });
    }

    async fn flush(&mut self, db: &DatabaseConnection) -> anyhow::Result<()> {
        let txn = crate::db::begin_write(db).await?;
        insert_chunked(
            &txn,
            self.inquiries
                .drain(..)
                .map(Into::into)
                .collect::<Vec<inquiries::ActiveModel>>(),
        )
        .await?;
        insert_chunked(
            &txn,
            self.inquiry_lines
                .drain(..)
                .map(Into::into)
                .collect::<Vec<inquiry_lines::ActiveModel>>(),
        )
        .await?;
        insert_chunked(
            &txn,
            self.quotes
                .drain(..)
                .map(Into::into)
                .collect::<Vec<quotes::ActiveModel>>(),
        )
        .await?;
        insert_chunked(
            &txn,
            self.quote_lines
                .drain(..)
                .map(Into::into)
                .collect::<Vec<quote_lines::ActiveModel>>(),
        )
        .await?;
        insert_chunked(
            &txn,
            self.quote_options
                .drain(..)
                .map(Into::into)
                .collect::<Vec<quote_options::ActiveModel>>(),
        )
        .await?;
        insert_chunked(
            &txn,
            self.orders
                .drain(..)
                .map(Into::into)
                .collect::<Vec<orders::ActiveModel>>(),
        )
        .await?;
        insert_chunked(
            &txn,
            self.order_lines
                .drain(..)
                .map(Into::into)
                .collect::<Vec<order_lines::ActiveModel>>(),
        )
        .await?;
        insert_chunked(
            &txn,
            self.shipments
                .drain(..)
                .map(Into::into)
                .collect::<Vec<order_shipments::ActiveModel>>(),
        )
        .await?;
        insert_chunked(
            &txn,
            self.returns
                .drain(..)
                .map(Into::into)
                .collect::<Vec<returns::ActiveModel>>(),
        )
        .await?;
        insert_chunked(
            &txn,
            self.return_lines
                .drain(..)
                .map(Into::into)
                .collect::<Vec<return_lines::ActiveModel>>(),
        )
        .await?;
        insert_chunked(
            &txn,
            self.events
                .drain(..)
                .map(Into::into)
                .collect::<Vec<events::ActiveModel>>(),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}

/// The kept directory's history, or a newly generated one.
pub(super) async fn history(
    db: &DatabaseConnection,
    args: &MetricsBenchArgs,
    target: &Target,
    now: DateTime<Utc>,
) -> anyhow::Result<tenants::Model> {
    Ok(if target.reused {
        // A kept directory's history, generated by an earlier run with the same arguments.
        let tenant = crate::tenants::all(db)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| anyhow::anyhow!("the kept database holds no dealer"))?;
        println!("reusing the kept history of {}", tenant.slug);
        tenant
    } else {
        let started = Instant::now();
        let generated = generate(db, args, now).await?;
        println!(
            "generated {} inquiries, {} events, {} order lines in {:.1} s",
            generated.inquiries,
            generated.events,
            generated.order_lines,
            started.elapsed().as_secs_f64()
        );
        generated.tenant
    })
}

pub async fn run(args: MetricsBenchArgs) -> anyhow::Result<()> {
    let target = Target::open(args.postgres.as_deref(), args.keep.as_deref(), true).await?;
    let result = bench(&args, &target).await;
    target.close().await?;
    result
}

async fn bench(args: &MetricsBenchArgs, target: &Target) -> anyhow::Result<()> {
    println!(
        "partsdesk bench metrics: {} customers, ~{} events, ~{} order lines over {DAYS} days on {}, seed {}",
        args.customers,
        args.events,
        args.order_lines,
        target.backend(),
        args.seed
    );
    let db = target.connect().await?;
    crate::db::migrate(&db).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let now = clock.now();
    let tenant = history(&db, args, target, now).await?;
    // The generator writes the history directly, as an import of old data would: the
    // rollups are derived from it the way `partsdesk rebuild-metrics` does.
    let started = Instant::now();
    let rebuilt = crate::metrics::rollup::rebuild(&db, &tenant).await?;
    println!(
        "rollups rebuilt: {} rows in {:.1} s",
        rebuilt.rows,
        started.elapsed().as_secs_f64()
    );
    let today = tenant.today(now);
    let period = |days: i64| crate::metrics::Period {
        from: today - chrono::Duration::days(days - 1),
        to: today,
    };
    let scope = |p: crate::metrics::Period| Scope {
        tenant: tenant.id,
        customer: None,
        period: p,
    };

    println!("\nlatency, ms (p50 / p99 over {} runs)", args.runs);
    let cases: Vec<(&str, crate::metrics::Period, Option<crate::metrics::Interval>)> = vec![
        (
            "summary, 30 days by day",
            period(30),
            Some(crate::metrics::Interval::Day),
        ),
        (
            "summary, 365 days by month",
            period(365),
            Some(crate::metrics::Interval::Month),
        ),
        (
            "summary, 365 days by week",
            period(365),
            Some(crate::metrics::Interval::Week),
        ),
        (
            "summary, 365 days by day",
            period(365),
            Some(crate::metrics::Interval::Day),
        ),
        ("per-customer table, 30 days", period(30), None),
        ("per-customer table, 365 days", period(365), None),
    ];
    for (name, p, interval) in cases {
        let mut samples = Vec::with_capacity(args.runs);
        for _ in 0..args.runs {
            let started = Instant::now();
            match interval {
                Some(interval) => {
                    query::series(&db, &scope(p), &p.buckets(interval)).await?;
                }
                None => {
                    query::counts(&db, &scope(p), &Group::Customer).await?;
                }
            }
            samples.push(started.elapsed());
        }
        let (p50, p99) = p50_p99(samples);
        println!("  {name:<34} {p50:>9.1} / {p99:.1}");
    }

    let started = Instant::now();
    let report = crate::reminders::engine::run_tenant(&db, &tenant, now).await?;
    println!(
        "\nreminder run: {:.2} s (raised {}, reopened {}, converted {})",
        started.elapsed().as_secs_f64(),
        report.raised,
        report.reopened,
        report.converted
    );
    let started = Instant::now();
    let again = crate::reminders::engine::run_tenant(&db, &tenant, now).await?;
    println!(
        "second run (nothing new): {:.2} s (raised {})",
        started.elapsed().as_secs_f64(),
        again.raised
    );
    println!("peak RSS {:.0} MiB", peak_rss_mib());
    Ok(())
}
