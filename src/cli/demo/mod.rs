//! `partsdesk demo`: a dealer with a catalog, customers and months of history, made through the
//! same services the API calls (sign-up, the import job, inquiries, staff review, the shops'
//! decisions, the reminder engine), each given the moment it happened. The history is planned
//! first ([`plan`]), then played in time order.

mod plan;
mod words;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Duration, SubsecRound, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use sea_orm::{ColumnTrait, DatabaseConnection, PaginatorTrait, QueryFilter, QuerySelect};
use search_index::SearchIndex;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::auth::{Actor, Shop};
use crate::bench::generator;
use crate::catalog::import::{self, Job, Mode};
use crate::catalog::lexicon::{Lexicon, Lexicons};
use crate::clock::{Clock, ManualClock};
use crate::config::Config;
use crate::db::TenantScoped;
use crate::entities::{
    LineStatus, QuoteStatus, ReminderStatus, inquiries, inquiry_lines, orders, parts, quotes, reminders, tenants,
};
use crate::error::Error;
use crate::ids::{PartId, QuoteId, QuoteLineId};
use crate::matching::Candidate;
use crate::quotes::{FullQuote, decisions, review};
use crate::reminders::engine::RunReport;
use crate::search::indexer::Indexer;
use plan::{Decision, InquiryPlan};

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// The owner's email, which is also their login; it must not have an account yet.
    #[arg(long)]
    pub email: String,
    /// The owner's password, 10-128 characters.
    #[arg(long)]
    pub password: String,
    #[arg(long, default_value = "演示汽配（杭州）")]
    pub dealer_name: String,
    /// Repair shops, each with an API key.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u16).range(1..=500))]
    pub customers: u16,
    /// Catalog size.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(50..=1_000_000))]
    pub parts: u32,
    /// Days of history, ending now.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u32).range(1..=730))]
    pub days: u32,
    /// Average inquiries a working day (fewer at weekends, a few more as the months go by).
    #[arg(long, default_value_t = 8.0)]
    pub inquiries_per_day: f64,
    /// The same seed makes the same catalog, shops and history (relative to now).
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

/// Reads a request body written as JSON, as the HTTP edge would.
fn body<T: DeserializeOwned>(json: Value) -> anyhow::Result<T> {
    serde_json::from_value(json).context("building a request body")
}

/// A service's refusal, readable on a terminal.
fn failed(what: &str, err: Error) -> anyhow::Error {
    match err {
        Error::Validation(fields) => {
            let fields: Vec<String> = fields.iter().map(|f| format!("{} {}", f.field, f.message)).collect();
            anyhow::anyhow!("{what}: {}", fields.join("; "))
        }
        other => anyhow::anyhow!("{what}: {other}"),
    }
}

/// What happens next in the history, in time order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    /// The morning reminder run.
    Reminders,
    /// Staff work through the reminders raised earlier.
    FollowUp,
    Receive(usize),
    Send(usize),
    View(usize),
    Decide(usize),
    Expire(usize),
    /// Staff send an order (an index into `orders`) with the dealer's driver.
    Dispatch(usize),
    /// The shop receives it.
    Deliver(usize),
}

struct DemoShop {
    shop: Shop,
    secret: String,
}

/// The dealer being built, and the services' shared inputs.
struct Demo {
    db: DatabaseConnection,
    indexer: Arc<Indexer>,
    lexicon: Lexicon,
    tenant: tenants::Model,
    owner: Actor,
    shops: Vec<DemoShop>,
    now: DateTime<Utc>,
    rng: StdRng,
    queue: BinaryHeap<Reverse<(DateTime<Utc>, u64, Step)>>,
    queued: u64,
    quotes: Vec<Option<QuoteId>>,
    /// Drafts as received, until staff review them.
    drafts: BTreeMap<usize, FullQuote>,
    /// What each sent quote offers: its offered lines and the units quoted on each.
    offered: BTreeMap<usize, Vec<(QuoteLineId, i32)>>,
    valid_until: Vec<Option<DateTime<Utc>>>,
    favourite_ids: BTreeMap<usize, PartId>,
    handled_reminders: HashSet<crate::ids::ReminderId>,
    reminder_runs: RunReport,
    /// Orders placed, for their dispatch and delivery.
    orders: Vec<crate::ids::OrderId>,
}

pub async fn run(config: &Config, db: DatabaseConnection, args: DemoArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.inquiries_per_day.is_finite() && (0.0..=500.0).contains(&args.inquiries_per_day),
        "--inquiries-per-day must be between 0 and 500"
    );
    let started = Instant::now();
    let now = Utc::now().trunc_subsecs(0);
    let index_dir = config.index_dir();
    let index = SearchIndex::open(&index_dir).with_context(|| {
        format!(
            "opening the search index in {} (stop `partsdesk serve` on this data directory first: one process writes it)",
            index_dir.display()
        )
    })?;
    let indexer = Indexer::new(db.clone(), Arc::new(index));
    // What an earlier run or server left unindexed, first.
    indexer.drain().await.context("bringing the search index up to date")?;

    let tz: chrono_tz::Tz = crate::tenants::DEFAULT_TIME_ZONE
        .parse()
        .unwrap_or(chrono_tz::Asia::Shanghai);
    let today = now.with_timezone(&tz).date_naive();
    let first_day = today - Duration::days(i64::from(args.days) - 1);
    let signed_up = plan::local(tz, first_day - Duration::days(3), 9 * 60 + 30);
    let (tenant, owner) = crate::tenants::signup(
        &db,
        body(json!({
            "dealer_name": args.dealer_name,
            "email": args.email,
            "password": args.password,
            "name": "陈店长",
        }))?,
        signed_up,
    )
    .await
    .map_err(|err| match err {
        Error::Conflict { code: "email_taken", .. } => anyhow::anyhow!(
            "{} already has an account (an email is one login across all dealers): choose another --email or another --data-dir",
            args.email
        ),
        other => failed("signing up the dealer", other),
    })?;
    let owner = Actor {
        tenant: tenant.id,
        user: owner.id,
        role: owner.role,
    };
    eprintln!("dealer {} ({}) signed up", tenant.name, tenant.slug);

    // The catalog, through the import job, then into the index.
    let catalog = generator::catalog(args.parts as usize, args.seed);
    let imported_at = signed_up + Duration::hours(2);
    let imported = import_catalog(config, &db, &indexer, &tenant, owner, &catalog, imported_at).await?;

    let mut rng = StdRng::seed_from_u64(args.seed);
    let profiles = words::shops(usize::from(args.customers), &mut rng);
    let mut shops = Vec::with_capacity(profiles.len());
    for (i, profile) in profiles.iter().enumerate() {
        let at = plan::local(tz, first_day - Duration::days(1), 10 * 60) + Duration::minutes(7 * i as i64);
        let customer = crate::customers::create(
            &db,
            owner,
            body(json!({
                "name": profile.name,
                "contact_name": profile.contact_name,
                "phone": profile.phone,
                "address": profile.address,
                "price_level": profile.price_level,
                "notes": profile.notes,
            }))?,
            at,
        )
        .await
        .map_err(|e| failed("adding a customer", e))?;
        let key = crate::api_keys::create(
            &db,
            owner,
            customer.id,
            body(json!({ "name": if i % 4 == 1 { "门店管理系统" } else { "询价小程序" } }))?,
            at + Duration::minutes(2),
        )
        .await
        .map_err(|e| failed("issuing an API key", e))?;
        shops.push(DemoShop {
            shop: Shop {
                tenant: tenant.id,
                key_id: key.key.id,
                customer,
            },
            secret: key.secret,
        });
    }

    let history = plan::plan(
        &plan::Settings {
            now,
            tz,
            days: args.days,
            inquiries_per_day: args.inquiries_per_day,
            customers: shops.len(),
            lead_days: i64::from(tenant.reminder_lead_days),
            seed: args.seed,
        },
        &catalog,
    );
    let mut favourite_ids = BTreeMap::new();
    for favourite in &history.favourites {
        let sku = &catalog[favourite.part].sku;
        let part = parts::Entity::scoped(tenant.id)
            .filter(parts::Column::Sku.eq(sku.as_str()))
            .one(&db)
            .await?
            .with_context(|| format!("part {sku} was not imported"))?;
        favourite_ids.insert(favourite.part, part.id);
    }
    let lexicon = Lexicons::default()
        .get(&db, tenant.id)
        .await
        .map_err(|e| failed("reading the dealer's vocabulary", e))?;
    let count = history.inquiries.len();
    let mut demo = Demo {
        db: db.clone(),
        indexer: Arc::clone(&indexer),
        lexicon,
        tenant,
        owner,
        shops,
        now,
        rng: StdRng::seed_from_u64(args.seed ^ 0xdec1_de00),
        queue: BinaryHeap::new(),
        queued: 0,
        quotes: vec![None; count],
        drafts: BTreeMap::new(),
        offered: BTreeMap::new(),
        valid_until: vec![None; count],
        favourite_ids,
        handled_reminders: HashSet::new(),
        reminder_runs: RunReport::default(),
        orders: Vec::new(),
    };
    for (i, inquiry) in history.inquiries.iter().enumerate() {
        demo.at(inquiry.at, Step::Receive(i));
    }
    for d in 0..i64::from(args.days) {
        let day = first_day + Duration::days(d);
        // Today's run is the last thing the command does.
        if day < today {
            demo.at(plan::local(tz, day, 7 * 60 + 30), Step::Reminders);
        }
        // Contacts stay out of the last week, whose weekly contact limit would hold customers
        // back from today's call list.
        let follow_up = plan::local(tz, day, 10 * 60 + 15);
        if follow_up < now - Duration::days(7) {
            demo.at(follow_up, Step::FollowUp);
        }
    }

    let bar = ProgressBar::new(count as u64);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} inquiries  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    while let Some(Reverse((at, _, step))) = demo.queue.pop() {
        if let Step::Receive(_) = step {
            bar.inc(1);
            bar.set_message(at.with_timezone(&tz).format("%Y-%m-%d").to_string());
        }
        demo.play(&history.inquiries, at, step).await?;
    }
    bar.finish_and_clear();
    let today_run = crate::reminders::engine::run_tenant(&demo.db, &demo.tenant, now)
        .await
        .map_err(|e| failed("running the reminders", e))?;
    demo.indexer.drain().await.context("indexing")?;

    summary(&demo, &imported, &history, today_run, &args.email, started).await
}

/// Writes the generated catalog to a file and imports it as `partsdesk import` does; every
/// part is searchable when this returns.
async fn import_catalog(
    config: &Config,
    db: &DatabaseConnection,
    indexer: &Arc<Indexer>,
    tenant: &tenants::Model,
    owner: Actor,
    catalog: &[generator::GenPart],
    at: DateTime<Utc>,
) -> anyhow::Result<crate::entities::catalog_imports::Model> {
    let path = config.data_dir.join(format!("demo-catalog-{}.csv", std::process::id()));
    generator::write_csv(catalog, &path).with_context(|| format!("writing {}", path.display()))?;
    let file = path.clone();
    let inspected =
        tokio::task::spawn_blocking(move || import::inspect(&file, crate::catalog::rows::Format::Csv, None))
            .await?
            .context("reading the generated catalog")?;
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(at));
    let job_row = import::create_job(db, tenant.id, Some(owner.user), &inspected, Mode::Upsert, at)
        .await
        .map_err(|e| failed("creating the import", e))?;
    let job = Job {
        db: db.clone(),
        // Indexed below, all at once.
        indexer: None,
        clock,
        id: job_row.id,
        tenant: tenant.id,
        path: path.clone(),
        format: inspected.format,
        encoding: inspected.encoding,
        mode: Mode::Upsert,
        currency: tenant.currency.clone(),
        progress: Arc::default(),
        delete_file: true,
    };
    let started = Instant::now();
    let done = job.run().await.map_err(|e| failed("importing the catalog", e))?;
    if let Some(failure) = &done.failure {
        anyhow::bail!("the catalog import failed: {failure}");
    }
    let indexed = indexer.drain().await.context("indexing the catalog")?;
    eprintln!(
        "catalog: {} parts imported and {indexed} changes indexed in {:.1} s",
        done.inserted,
        started.elapsed().as_secs_f64()
    );
    Ok(done)
}

impl Demo {
    fn at(&mut self, at: DateTime<Utc>, step: Step) {
        self.queued += 1;
        self.queue.push(Reverse((at, self.queued, step)));
    }

    async fn play(&mut self, plans: &[InquiryPlan], at: DateTime<Utc>, step: Step) -> anyhow::Result<()> {
        match step {
            Step::Reminders => {
                let report = crate::reminders::engine::run_tenant(&self.db, &self.tenant, at)
                    .await
                    .map_err(|e| failed("running the reminders", e))?;
                self.reminder_runs += report;
            }
            Step::FollowUp => self.follow_up(at).await?,
            Step::Receive(i) => self.receive(&plans[i], i, at).await?,
            Step::Send(i) => self.send(&plans[i], i, at).await?,
            Step::View(i) => self.view(&plans[i], i, at).await?,
            Step::Decide(i) => self.decide(&plans[i], i, at).await?,
            Step::Dispatch(k) => self.dispatch(k, at).await?,
            Step::Deliver(k) => self.deliver(k, at).await?,
            Step::Expire(i) => {
                let id = self.quote(i)?;
                let txn = crate::db::begin_write(&self.db).await?;
                let quote = quotes::Entity::scoped_by_id(self.tenant.id, id)
                    .one(&txn)
                    .await?
                    .context("the quote is gone")?;
                crate::quotes::expire_if_due(&txn, &quote, at)
                    .await
                    .map_err(|e| failed("expiring a quote", e))?;
                txn.commit().await?;
            }
        }
        Ok(())
    }

    fn quote(&self, i: usize) -> anyhow::Result<QuoteId> {
        self.quotes[i].context("the inquiry has no quote")
    }

    /// The shop sends its inquiry; it is matched and drafted as it arrives.
    async fn receive(&mut self, plan: &InquiryPlan, i: usize, at: DateTime<Utc>) -> anyhow::Result<()> {
        let shop = &self.shops[plan.customer].shop;
        let request: crate::inquiries::CreateInquiryRequest = body(plan.request.clone())?;
        let key = crate::idempotency::Request::new(Some(format!("demo-{i}").as_bytes()), &request)
            .map_err(|e| failed("an inquiry's idempotency key", e))?;
        let input = crate::inquiries::validate(&request, at, &self.lexicon.vehicles)
            .map_err(|e| failed(&format!("inquiry {}", plan.request), e))?;

        let received = crate::inquiries::receive(&self.db, self.indexer.index(), &self.lexicon, shop, key, input, at)
            .await
            .map_err(|e| failed("receiving an inquiry", e))?;
        let response: crate::inquiries::ShopInquiryResponse =
            serde_json::from_str(&received.stored.body).context("reading the inquiry's response")?;
        let full = crate::quotes::load_for_inquiry(&self.db, self.tenant.id, response.id)
            .await
            .map_err(|e| failed("loading a draft", e))?;
        self.quotes[i] = Some(full.quote.id);
        if let Some(send_at) = plan.send_at {
            self.drafts.insert(i, full);
            self.at(send_at, Step::Send(i));
        }
        Ok(())
    }

    /// Staff review the draft (another candidate where the match was unsure, a line marked
    /// unavailable, a special price, a note) and send it; a draft with nothing to offer is
    /// sometimes cancelled instead.
    async fn send(&mut self, plan: &InquiryPlan, i: usize, at: DateTime<Utc>) -> anyhow::Result<()> {
        let id = self.quote(i)?;
        let full = self.drafts.remove(&i).context("the draft is gone")?;
        let favourite = plan.favourite.and_then(|p| self.favourite_ids.get(&p).copied());
        let full = match self.review(&full, favourite) {
            Some(edit) => review::edit(&self.db, self.owner, id, body(edit)?, at - Duration::seconds(90))
                .await
                .map_err(|e| failed("editing a draft", e))?,
            None => full,
        };
        if full.offered().count() == 0 && self.rng.random_bool(0.5) {
            review::cancel(&self.db, self.owner, id, at)
                .await
                .map_err(|e| failed("cancelling a draft", e))?;
            return Ok(());
        }
        let sent = review::send(&self.db, self.owner, id, at)
            .await
            .map_err(|e| failed("sending a quote", e))?;
        let valid_until = sent.quote.valid_until.unwrap_or(at);
        self.valid_until[i] = Some(valid_until);
        let offered = sent
            .offered()
            .map(|l| {
                let quoted = sent.option(l.id, 0).map_or(1, |o| o.quantity + o.backorder_quantity);
                (l.id, quoted)
            })
            .collect();
        self.offered.insert(i, offered);
        let expiry = valid_until + Duration::seconds(30);
        if expiry < self.now {
            self.at(expiry, Step::Expire(i));
        }
        let view_at = at + plan.view_after;
        let decide_at = view_at + plan.decide_after;
        let before = valid_until.min(self.now);
        // Shop systems take the quote from its webhook; a shop that will not answer often
        // does not open it either.
        let opens = plan.customer % 4 != 1 && (plan.decision != Decision::Ignore || self.rng.random_bool(0.5));
        if opens && view_at < before {
            self.at(view_at, Step::View(i));
        }
        if plan.decision != Decision::Ignore && decide_at < before {
            self.at(decide_at, Step::Decide(i));
        }
        Ok(())
    }

    /// What a clerk changes in a draft before sending it, as an `UpdateQuoteRequest`.
    fn review(&mut self, full: &FullQuote, favourite: Option<PartId>) -> Option<Value> {
        let rng = &mut self.rng;
        let mut lines = Vec::new();
        for line in &full.lines {
            let proposal = full.option(line.id, 0);
            // The regular buyer's part, whatever the matcher proposed.
            if line.position == 0
                && let Some(part) = favourite
            {
                if proposal.is_none_or(|o| o.part_id != part) {
                    lines.push(json!({ "id": line.id, "options": [{ "part_id": part }] }));
                }
                continue;
            }
            match line.status {
                LineStatus::NoOffer if rng.random_bool(0.35) => {
                    lines.push(json!({ "id": line.id, "unavailable": true, "note": "暂时无货" }));
                }
                LineStatus::Offered if !line.confidence.is_confident() && rng.random_bool(0.4) => {
                    // The clerk checks the candidates and settles on one.
                    let candidates: Vec<Candidate> = full
                        .asked
                        .get(&line.inquiry_line_id)
                        .and_then(|l| serde_json::from_value(l.candidates.clone()).ok())
                        .unwrap_or_default();
                    let priced: Vec<&Candidate> = candidates.iter().filter(|c| c.list_price_minor.is_some()).collect();
                    if let Some(choice) = priced.iter().take(3).collect::<Vec<_>>().choose(rng) {
                        lines.push(json!({ "id": line.id, "options": [{ "part_id": choice.part_id }] }));
                    } else {
                        lines.push(json!({ "id": line.id, "unavailable": true }));
                    }
                }
                LineStatus::Offered if rng.random_bool(0.06) => {
                    if let Some(option) = proposal {
                        let price = option.unit_price_minor * 95 / 100;
                        lines.push(json!({
                            "id": line.id,
                            "options": [{ "part_id": option.part_id, "unit_price": crate::money::format_price(price) }],
                            "note": "特价",
                        }));
                    }
                }
                _ => {}
            }
        }
        let note = rng
            .random_bool(0.08)
            .then(|| words::QUOTE_NOTES.choose(rng).copied())
            .flatten();
        if lines.is_empty() && note.is_none() {
            return None;
        }
        let mut edit = json!({ "lines": lines });
        if let Some(note) = note {
            edit["note"] = json!(note);
        }
        Some(edit)
    }

    /// The shop opens the quote (the first read is recorded).
    async fn view(&mut self, plan: &InquiryPlan, i: usize, at: DateTime<Utc>) -> anyhow::Result<()> {
        let id = self.quote(i)?;
        let shop = &self.shops[plan.customer].shop;
        decisions::view(&self.db, shop, id, at)
            .await
            .map_err(|e| failed("viewing a quote", e))?;
        Ok(())
    }

    /// The shop accepts all of the quote or part of it (which makes the order), or rejects it.
    async fn decide(&mut self, plan: &InquiryPlan, i: usize, at: DateTime<Utc>) -> anyhow::Result<()> {
        let id = self.quote(i)?;
        let offered = self.offered.remove(&i).unwrap_or_default();
        let shop = &self.shops[plan.customer].shop;
        let decision = if offered.is_empty() {
            Decision::Reject("都没货")
        } else {
            plan.decision
        };
        let accept = match decision {
            Decision::Ignore => return Ok(()),
            Decision::Reject(reason) => {
                decisions::reject(&self.db, shop, id, body(json!({ "reason": reason }))?, at)
                    .await
                    .map_err(|e| failed("rejecting a quote", e))?;
                return Ok(());
            }
            Decision::Accept => json!({}),
            Decision::Partial if offered.len() >= 2 => {
                let mut lines: Vec<Value> = offered.iter().map(|(line, _)| json!({ "line_id": line })).collect();
                lines.shuffle(&mut self.rng);
                lines.truncate(self.rng.random_range(1..offered.len()));
                json!({ "lines": lines })
            }
            Decision::Partial => match offered[0] {
                (line, quoted) if quoted >= 2 => {
                    json!({ "lines": [{ "line_id": line, "quantity": self.rng.random_range(1..quoted) }] })
                }
                _ => json!({}),
            },
        };
        let accepted = decisions::accept(&self.db, shop, id, body(accept)?, at)
            .await
            .map_err(|e| failed("accepting a quote", e))?;
        // Most orders leave within the working day; some wait for tomorrow.
        let dispatch_at = at + Duration::minutes(self.rng.random_range(20..20 * 60));
        if dispatch_at < self.now {
            self.orders.push(accepted.order.id);
            self.at(dispatch_at, Step::Dispatch(self.orders.len() - 1));
        }
        Ok(())
    }

    fn order_scope(&self) -> crate::orders::lifecycle::Scope {
        crate::orders::lifecycle::Scope {
            tenant: self.tenant.id,
            customer: None,
        }
    }

    /// What is on the shelf leaves with the dealer's driver, promised within hours; what is
    /// backordered waits.
    async fn dispatch(&mut self, k: usize, at: DateTime<Utc>) -> anyhow::Result<()> {
        use crate::orders::lifecycle::{By, Carriage, Dispatch, dispatch};
        let id = self.orders[k];
        let request = Dispatch {
            lines: None,
            carriage: Carriage::Driver {
                name: Some("小周".into()),
                phone: "138 0571 2266".into(),
            },
            promised_at: Some(at + Duration::hours(self.rng.random_range(2..8))),
        };
        match dispatch(
            &self.db,
            self.order_scope(),
            By::Staff(self.owner.user),
            id,
            request,
            None,
            at,
        )
        .await
        {
            Ok(_) => {}
            // All of it backordered: nothing leaves.
            Err(Error::WrongState {
                code: "nothing_to_dispatch",
                ..
            }) => return Ok(()),
            Err(e) => return Err(failed("dispatching an order", e)),
        }
        // Usually before the promise, sometimes after it.
        let deliver_at = at + Duration::minutes(self.rng.random_range(40..9 * 60));
        if deliver_at < self.now {
            self.at(deliver_at, Step::Deliver(k));
        }
        Ok(())
    }

    async fn deliver(&mut self, k: usize, at: DateTime<Utc>) -> anyhow::Result<()> {
        use crate::orders::lifecycle::{By, DeliverRequest, deliver};
        let request = DeliverRequest {
            shipment_id: None,
            delivered_at: None,
            received_by: "店员".into(),
        };
        deliver(
            &self.db,
            self.order_scope(),
            By::Staff(self.owner.user),
            self.orders[k],
            request,
            at,
        )
        .await
        .map_err(|e| failed("recording a delivery", e))?;
        Ok(())
    }

    /// Reminders raised earlier are called about, snoozed or dismissed (some wait a day).
    async fn follow_up(&mut self, at: DateTime<Utc>) -> anyhow::Result<()> {
        let due = reminders::Entity::scoped(self.tenant.id)
            .filter(reminders::Column::Status.eq(ReminderStatus::Due))
            .filter(reminders::Column::RaisedAt.lt(at - Duration::hours(12)))
            .all(&self.db)
            .await?;
        for reminder in due {
            if self.handled_reminders.contains(&reminder.id) {
                continue;
            }
            let roll = self.rng.random_range(0..100);
            match roll {
                0..=54 => {
                    self.handled_reminders.insert(reminder.id);
                    crate::reminders::service::mark_done(&self.db, self.owner, reminder.id, at)
                        .await
                        .map_err(|e| failed("marking a reminder done", e))?;
                }
                55..=64 => {
                    let until = self.tenant.today(at) + Duration::days(self.rng.random_range(2..5));
                    crate::reminders::service::snooze(
                        &self.db,
                        self.tenant.id,
                        reminder.id,
                        body(json!({ "until": until }))?,
                        at,
                    )
                    .await
                    .map_err(|e| failed("snoozing a reminder", e))?;
                }
                65..=79 => {
                    self.handled_reminders.insert(reminder.id);
                    crate::reminders::service::dismiss(&self.db, self.tenant.id, reminder.id, at)
                        .await
                        .map_err(|e| failed("dismissing a reminder", e))?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Counts of a column's values for the dealer.
async fn by_status<E>(
    db: &DatabaseConnection,
    tenant: crate::ids::TenantId,
    column: E::Column,
) -> anyhow::Result<BTreeMap<String, i64>>
where
    E: TenantScoped,
{
    let rows: Vec<(String, i64)> = E::scoped(tenant)
        .select_only()
        .column(column)
        .column_as(column.count(), "n")
        .group_by(column)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// `¥1,234,567.80`
fn yuan(minor: i64) -> String {
    let plain = crate::money::format_price(minor);
    let (whole, cents) = plain.split_once('.').unwrap_or((&plain, "00"));
    let mut grouped = String::new();
    for (n, c) in whole.chars().enumerate() {
        if n > 0 && (whole.len() - n) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("¥{grouped}.{cents}")
}

async fn summary(
    demo: &Demo,
    imported: &crate::entities::catalog_imports::Model,
    history: &plan::History,
    today_run: RunReport,
    email: &str,
    started: Instant,
) -> anyhow::Result<()> {
    let db = &demo.db;
    let tenant = demo.tenant.id;
    let inquiry_count = inquiries::Entity::scoped(tenant).count(db).await?;
    let line_count = inquiry_lines::Entity::scoped(tenant).count(db).await?;
    let quote_states = by_status::<quotes::Entity>(db, tenant, quotes::Column::Status).await?;
    let order_count = orders::Entity::scoped(tenant).count(db).await?;
    // Summed here: PostgreSQL sums a bigint column as numeric.
    let order_value: i64 = orders::Entity::scoped(tenant)
        .select_only()
        .column(orders::Column::TotalMinor)
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .sum();
    let reminder_states = by_status::<reminders::Entity>(db, tenant, reminders::Column::Status).await?;
    let call_list = crate::reminders::service::call_list(db, tenant, Default::default(), demo.now)
        .await
        .map_err(|e| failed("building today's call list", e))?;
    let waiting = quote_states.get(QuoteStatus::Draft.as_str()).copied().unwrap_or(0);

    let states = |counts: &BTreeMap<String, i64>, order: &[&str]| -> String {
        order
            .iter()
            .map(|s| format!("{} {}", s.replace('_', " "), counts.get(*s).copied().unwrap_or(0)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "Demo dealer {} (slug {}) ready in {:.1} s",
        demo.tenant.name,
        demo.tenant.slug,
        started.elapsed().as_secs_f64()
    );
    println!("  parts       {} imported ({})", imported.inserted, imported.id);
    println!("  customers   {}, each with an API key", demo.shops.len());
    println!("  inquiries   {inquiry_count} with {line_count} lines; {waiting} waiting for a quote");
    println!(
        "  quotes      {}",
        states(
            &quote_states,
            &[
                "draft",
                "sent",
                "accepted",
                "partially_accepted",
                "rejected",
                "expired",
                "cancelled"
            ]
        )
    );
    println!("  orders      {order_count}, {}", yuan(order_value));
    println!(
        "  reminders   {} raised over the history ({} converted by the next order), {} by today's run; now {}",
        demo.reminder_runs.raised,
        reminder_states
            .get(ReminderStatus::Converted.as_str())
            .copied()
            .unwrap_or(0),
        today_run.raised,
        states(&reminder_states, &["due", "snoozed", "done", "dismissed", "converted"])
    );
    println!(
        "  call list   {} customers to call today about {} parts",
        call_list.call.len(),
        call_list.call.iter().map(|c| c.reminders.len()).sum::<usize>()
    );
    match &history.no_favourites {
        Some(why) => println!("  note        {why}"),
        None => println!(
            "  regulars    {} shops buy {} parts every {} days",
            history
                .favourites
                .iter()
                .map(|f| f.customer)
                .collect::<HashSet<_>>()
                .len(),
            history.favourites.len(),
            {
                let mut intervals: Vec<i64> = history.favourites.iter().map(|f| f.interval_days).collect();
                intervals.sort_unstable();
                intervals.dedup();
                intervals.iter().map(i64::to_string).collect::<Vec<_>>().join("/")
            }
        ),
    }
    println!();
    println!(
        "Log in as {email} with the password given (owner of {}).",
        demo.tenant.name
    );
    println!("Shop API keys (shown only now):");
    for shop in &demo.shops {
        println!("  {}  {}", shop.secret, shop.shop.customer.name);
    }
    Ok(())
}
