//! `partsdesk bench match`: 50-line inquiries (numbers in several spellings, cross numbers,
//! Chinese and English names, a vehicle) sent over HTTP against a generated catalog, timed end
//! to end (matching, drafting and storing the quote), with the matcher's index time per line
//! broken out in-process.

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::ActiveModelTrait;
use sea_orm::ActiveValue::Set;
use serde_json::{Value, json};

use super::catalog::{Prepared, Target, peak_rss_mib, prepare};
use super::generator::{GenPart, KINDS, VEHICLES};
use crate::catalog::numbers::normalize;
use crate::entities::{api_keys, customers};
use crate::ids::{ApiKeyId, CustomerId, TenantId};
use crate::matching::{self, LineQuery, VehicleHint};

#[derive(Debug, clap::Args)]
pub struct MatchBenchArgs {
    /// Parts in the dealer's catalog.
    #[arg(long, default_value_t = 1_000_000)]
    pub parts: usize,
    /// Inquiries to send.
    #[arg(long, default_value_t = 200)]
    pub inquiries: usize,
    /// Lines per inquiry (1-200).
    #[arg(long, default_value_t = 50)]
    pub lines: usize,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Benchmark on this PostgreSQL (a fresh schema, dropped afterwards) instead of SQLite.
    #[arg(long)]
    pub postgres: Option<String>,
}

/// One inquiry as a shop would write it: a vehicle and a mix of lines.
fn inquiry(parts: &[GenPart], lines: usize, rng: &mut StdRng) -> Value {
    let (make, model, from, to, _) = VEHICLES[rng.random_range(0..VEHICLES.len())];
    let year = rng.random_range(from..=to);
    let lines: Vec<Value> = (0..lines)
        .map(|i| {
            let p = &parts[rng.random_range(0..parts.len())];
            let quantity = rng.random_range(1..5);
            match i % 10 {
                0 => json!({ "text": p.article, "quantity": quantity }),
                1 => json!({ "text": normalize(&p.article).to_lowercase(), "quantity": quantity }),
                2 => json!({ "text": format!("{} x{quantity}", p.oe) }),
                3 => json!({ "part_number": p.article.replace(' ', "-"), "brand": p.brand, "quantity": quantity }),
                4 => {
                    let cross = p.cross.as_deref().and_then(|c| c.split_once(':')).map(|(_, n)| n);
                    json!({ "text": cross.unwrap_or(&p.oe), "quantity": quantity })
                }
                5..=7 => {
                    let (_, zh, _) = KINDS[rng.random_range(0..KINDS.len())];
                    json!({ "text": format!("{} {quantity}个", zh.replace(['(', ')'], "")) })
                }
                8 => {
                    let (_, _, en) = KINDS[rng.random_range(0..KINDS.len())];
                    json!({ "text": en.to_lowercase(), "quantity": quantity })
                }
                _ => json!({ "text": "方向盘套 真皮", "quantity": 1 }),
            }
        })
        .collect();
    json!({ "vehicle": { "make": make, "model": model, "year": year }, "lines": lines })
}

fn percentiles(samples: &mut [Duration]) -> (f64, f64) {
    samples.sort();
    let at = |q: f64| {
        let i = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1;
        samples[i].as_secs_f64() * 1e3
    };
    (at(0.5), at(0.99))
}

async fn shop_key(state: &crate::app::AppState, tenant: TenantId) -> anyhow::Result<String> {
    let now = state.clock.now();
    let customer = customers::ActiveModel {
        id: Set(CustomerId::generate()),
        tenant_id: Set(tenant),
        name: Set("Bench shop".into()),
        contact_name: Set(None),
        phone: Set(None),
        email: Set(None),
        address: Set(None),
        price_level_bp: Set(1_000),
        notes: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
    }
    .insert(&state.db)
    .await?;
    let secret = format!("{}{}", crate::api_keys::KEY_PREFIX, "b".repeat(64));
    api_keys::ActiveModel {
        id: Set(ApiKeyId::generate()),
        tenant_id: Set(tenant),
        customer_id: Set(customer.id),
        name: Set(Some("bench".into())),
        prefix: Set(secret[..12].to_owned()),
        secret_hash: Set(crate::api_keys::hash_secret(&secret)),
        created_by: Set(None),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
        callback_url: Set(None),
        callback_secret: Set(None),
    }
    .insert(&state.db)
    .await?;
    Ok(secret)
}

pub async fn run(args: MatchBenchArgs) -> anyhow::Result<()> {
    anyhow::ensure!((1..=200).contains(&args.lines), "--lines must be 1-200");
    let target = Target::open(args.postgres.as_deref(), None, false).await?;
    let result = bench(&args, &target).await;
    target.close().await?;
    result
}

async fn bench(args: &MatchBenchArgs, target: &Target) -> anyhow::Result<()> {
    println!(
        "partsdesk bench match: {} inquiries x {} lines against {} parts on {}, seed {}, {} cores",
        args.inquiries,
        args.lines,
        args.parts,
        target.backend(),
        args.seed,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let Prepared {
        state,
        tenant_ids,
        catalogs,
        ..
    } = prepare(target, 1, args.parts, args.seed, crate::bench::catalog::Indexing::On).await?;
    let tenant = tenant_ids[0];
    let parts = &catalogs[0];
    let key = shop_key(&state, tenant).await?;
    let mut rng = StdRng::seed_from_u64(args.seed ^ 0x1a9);
    let inquiries: Vec<Value> = (0..args.inquiries)
        .map(|_| inquiry(parts, args.lines, &mut rng))
        .collect();

    // The matcher's index work, one line at a time, in-process.
    let lexicon = state.lexicons.get(&state.db, tenant).await?;
    let mut per_line = Vec::new();
    let mut slowest: Vec<(Duration, String)> = Vec::new();
    let mut whole_match = Vec::new();
    let mut confidence = [0usize; 4];
    for body in &inquiries {
        let vehicle = VehicleHint {
            make: body["vehicle"]["make"].as_str().map(str::to_owned),
            model: body["vehicle"]["model"].as_str().map(str::to_owned),
            year: body["vehicle"]["year"].as_i64().and_then(|y| i32::try_from(y).ok()),
            from_line: Vec::new(),
        };
        let lines: Vec<LineQuery> = body["lines"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| LineQuery {
                text: l["text"].as_str().unwrap_or_default().to_owned(),
                part_number: l["part_number"].as_str().map(str::to_owned),
                brand: l["brand"].as_str().map(str::to_owned),
            })
            .collect();
        for line in &lines {
            let started = Instant::now();
            matching::search_only(
                state.search(),
                tenant,
                std::slice::from_ref(line),
                &vehicle,
                &lexicon.synonyms,
                &lexicon.vehicles,
            )?;
            let took = started.elapsed();
            per_line.push(took);
            slowest.push((
                took,
                format!("{} {}", line.text, line.part_number.as_deref().unwrap_or_default()),
            ));
        }
        let started = Instant::now();
        let matched = matching::match_lines(
            &state.db,
            state.indexer.index().clone(),
            tenant,
            lines,
            vehicle,
            &lexicon,
        )
        .await?;
        whole_match.push(started.elapsed());
        for m in matched {
            confidence[m.confidence as usize] += 1;
        }
    }

    // End to end over HTTP: match, draft and store, as a shop sees it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(crate::app::serve(listener, state.clone(), std::future::pending()));
    let client = reqwest::Client::new();
    let mut http = Vec::new();
    for (i, body) in inquiries.iter().enumerate() {
        let started = Instant::now();
        let resp = client
            .post(format!("{base}/v1/inquiries"))
            .bearer_auth(&key)
            .header("idempotency-key", format!("bench-{i}"))
            .json(body)
            .send()
            .await?;
        let status = resp.status();
        let text = resp.text().await?;
        anyhow::ensure!(status.as_u16() == 201, "inquiry failed: {status} {text}");
        http.push(started.elapsed());
    }

    let lines_total = (args.inquiries * args.lines) as f64;
    let (line_p50, line_p99) = percentiles(&mut per_line);
    let (match_p50, match_p99) = percentiles(&mut whole_match);
    let (http_p50, http_p99) = percentiles(&mut http);
    println!("\nlatency, ms (p50 / p99)");
    println!("  index search, one line             {line_p50:>9.3} / {line_p99:.3}");
    println!(
        "  matching, {}-line inquiry (index + database, in-process) {match_p50:>9.1} / {match_p99:.1}",
        args.lines
    );
    println!(
        "  POST /v1/inquiries, {}-line inquiry over HTTP (match + draft + store) {http_p50:>9.1} / {http_p99:.1}",
        args.lines
    );
    println!(
        "  lines by confidence: exact {:.0} %, high {:.0} %, low {:.0} %, none {:.0} %",
        confidence[3] as f64 * 100.0 / lines_total,
        confidence[2] as f64 * 100.0 / lines_total,
        confidence[1] as f64 * 100.0 / lines_total,
        confidence[0] as f64 * 100.0 / lines_total,
    );
    slowest.sort_by_key(|(took, _)| std::cmp::Reverse(*took));
    println!("  slowest lines (index search):");
    for (took, text) in slowest.iter().take(8) {
        println!("    {:>8.3} ms  {}", took.as_secs_f64() * 1e3, text.trim());
    }
    println!("  peak RSS {:.0} MiB", peak_rss_mib());
    Ok(())
}
