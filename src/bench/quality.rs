//! `partsdesk bench quality`: how often search and the inquiry matcher put the right part
//! first, on a seeded catalog written the ways real ones are (genuine parts under the maker's
//! Chinese or English name with EPC names and OE numbers; aftermarket parts with English names,
//! brand article numbers and TecDoc-style fitments; short dealer codes; distractors of the same
//! kinds for other vehicles), asked the ways shops ask. Prints hit@1 and any@5 per kind of
//! query for both paths, the precision of `exact` and `high`, and the share auto-quotable.
//! With `--memory`, then what the dealer's match memory does to those lines ([`memory`]).

mod memory;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use super::catalog::{Indexing, Target, bench_state, import_file};
use crate::entities::Confidence;
use crate::matching::{LineQuery, VehicleHint};
use crate::search::SearchParams;

#[derive(Debug, clap::Args)]
pub struct QualityBenchArgs {
    /// Distractor parts (same kinds, other vehicles) beside the catalog the queries ask for.
    #[arg(long, default_value_t = 20_000)]
    pub distractors: usize,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Benchmark on this PostgreSQL (a fresh schema, dropped afterwards) instead of SQLite.
    #[arg(long)]
    pub postgres: Option<String>,
    /// Print each search whose best hit is wrong: its kind, the text and what came first.
    #[arg(long)]
    pub show_misses: bool,
    /// Then play a seeded history of staff corrections and returns through review and send,
    /// and print the auto-match rate, hit@1 and wrong auto-quotes before and after the memory.
    #[arg(long)]
    pub memory: bool,
}

/// (make, Chinese make, models: (TecDoc-style model, Chinese model, family, from, to))
type Make = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, &'static str, i32, i32)],
);

const MAKES: &[Make] = &[
    (
        "TOYOTA",
        "丰田",
        &[
            ("COROLLA Saloon (_E12_)", "卡罗拉", "COROLLA", 2003, 2008),
            ("CAMRY (_V5_)", "凯美瑞", "CAMRY", 2012, 2017),
            ("RAV 4 III (_A3_)", "RAV4", "RAV4", 2006, 2012),
        ],
    ),
    (
        "VOLKSWAGEN",
        "大众",
        &[
            ("GOLF VII (5G1, BQ1, BE1, BE2)", "高尔夫", "GOLF", 2013, 2020),
            ("SAGITAR", "速腾", "SAGITAR", 2012, 2018),
            ("LAVIDA", "朗逸", "LAVIDA", 2013, 2019),
            ("PASSAT B7 (362)", "帕萨特", "PASSAT", 2011, 2015),
        ],
    ),
    (
        "HONDA",
        "本田",
        &[
            ("CIVIC IX (FB)", "思域", "CIVIC", 2012, 2015),
            ("ACCORD IX (CR)", "雅阁", "ACCORD", 2013, 2017),
            ("CR-V IV (RM_)", "CR-V", "CR-V", 2012, 2016),
        ],
    ),
    (
        "NISSAN",
        "日产",
        &[
            ("SYLPHY (B17)", "轩逸", "SYLPHY", 2012, 2019),
            ("X-TRAIL (T32_)", "奇骏", "X-TRAIL", 2014, 2020),
            ("TEANA (L33)", "天籁", "TEANA", 2013, 2018),
        ],
    ),
    (
        "BUICK",
        "别克",
        &[
            ("EXCELLE GT", "英朗", "EXCELLE", 2015, 2020),
            ("REGAL", "君威", "REGAL", 2009, 2016),
            ("LACROSSE", "君越", "LACROSSE", 2016, 2020),
        ],
    ),
    (
        "HYUNDAI",
        "现代",
        &[
            ("ELANTRA (MD, UD)", "伊兰特", "ELANTRA", 2011, 2016),
            ("TUCSON (TL)", "途胜", "TUCSON", 2015, 2020),
        ],
    ),
];

/// Vehicles only distractors fit.
const OTHER_VEHICLES: &[(&str, &str, i32, i32)] = &[
    ("KIA", "SPORTAGE IV (QL, QLE)", 2015, 2022),
    ("FORD", "FOCUS III", 2010, 2018),
    ("MAZDA", "6 Saloon (GJ, GL)", 2012, 2020),
    ("CHEVROLET", "CRUZE (J300)", 2009, 2016),
    ("SKODA", "OCTAVIA III (5E3)", 2012, 2020),
];

/// (EPC Chinese name, trade names shops type, English aftermarket name, query words in English)
const KINDS: &[(&str, &[&str], &str, &str)] = &[
    (
        "机油滤清器",
        &["机油格", "机滤", "机油滤芯"],
        "Oil Filter",
        "oil filter",
    ),
    (
        "空气滤清器",
        &["空气格", "空滤", "空气滤芯"],
        "Air Filter",
        "air filter",
    ),
    (
        "空调滤清器",
        &["空调格", "空调滤芯"],
        "Filter, interior air",
        "cabin filter",
    ),
    (
        "汽油滤清器",
        &["汽油格", "汽滤", "燃油滤清器"],
        "Fuel filter",
        "fuel filter",
    ),
    (
        "前刹车片",
        &["前刹车皮", "前制动片"],
        "Brake Pad Set, disc brake, front axle",
        "front brake pads",
    ),
    (
        "后刹车片",
        &["后刹车皮", "后制动片"],
        "Brake Pad Set, disc brake, rear axle",
        "rear brake pads",
    ),
    (
        "前制动盘",
        &["前刹车盘", "前刹车碟"],
        "Brake Disc, front axle",
        "front brake disc",
    ),
    ("火花塞", &["火嘴"], "Spark Plug", "spark plug"),
    ("点火线圈", &["高压包"], "Ignition Coil", "ignition coil"),
    (
        "前减震器",
        &["前减", "前避震"],
        "Shock Absorber, front axle",
        "front shock absorber",
    ),
    ("水箱", &["散热器"], "Radiator, engine cooling", "radiator"),
    ("节温器", &["调温器"], "Thermostat, coolant", "thermostat"),
    ("正时皮带", &["正时带"], "Timing Belt", "timing belt"),
    ("雨刮片", &["雨刷片", "雨刮"], "Wiper Blade", "wiper blade"),
    ("蓄电池", &["电瓶"], "Starter Battery", "battery"),
    (
        "变速箱油",
        &["波箱油"],
        "Automatic Transmission Fluid",
        "transmission fluid",
    ),
];

const AFTERMARKET: &[&str] = &["BOSCH", "MANN-FILTER", "MAHLE", "NGK", "TRW", "FEBI", "DENSO", "VALEO"];

struct Part {
    sku: String,
    name: String,
    brand: String,
    article: Option<String>,
    oe: Option<String>,
    fitment: Vec<String>,
    price: u32,
    stock: u32,
}

/// The brand's own number in its usual format, unique per brand: `i` spread over six digits.
fn article(brand: &str, i: usize) -> String {
    let u = format!("{:06}", (i * 7_919 + 13) % 1_000_000);
    match brand {
        "BOSCH" => format!("0 986 {} {}", &u[..3], &u[3..]),
        "MANN-FILTER" => format!("W {}/{}", &u[..4], &u[4..]),
        "MAHLE" => format!("OC {u}"),
        "NGK" => format!("BKR{}E-{}", &u[..2], &u[2..]),
        "TRW" => format!("GDB{u}"),
        "FEBI" => u,
        "DENSO" => format!("DXE-{u}"),
        _ => format!("5{}-{}", &u[..3], &u[3..]),
    }
}

fn oe(make: &str, i: usize) -> String {
    let u = format!("{:08}", i * 7919 + 104_729);
    match make {
        "TOYOTA" => format!("{}-{}", &u[..5], &u[3..8]),
        "VOLKSWAGEN" => format!("0{} {} {} {}", &u[..2], &u[2..5], &u[5..8], ["A", "B", "C", "H"][i % 4]),
        "HONDA" => format!("{}-R{}-{}", &u[..5], &u[5..7], &u[2..5]),
        "NISSAN" => format!("{}-{}", &u[..5], &u[3..8]),
        "BUICK" => u[..8].to_owned(),
        _ => format!("{}-{}", &u[..5], &u[5..8]),
    }
}

/// The catalog, and for each part its index: (kind, make, model) -> skus.
struct Catalog {
    parts: Vec<Part>,
    genuine: HashMap<(usize, usize), usize>,
    aftermarket: HashMap<(usize, usize, usize), usize>,
}

fn catalog(distractors: usize, rng: &mut StdRng) -> Catalog {
    let mut parts = Vec::new();
    let mut genuine = HashMap::new();
    let mut aftermarket = HashMap::new();
    for (m, (make, make_zh, models)) in MAKES.iter().enumerate() {
        for (k, (epc, _, _, _)) in KINDS.iter().enumerate() {
            // Genuine: the maker's name as brand, in Chinese or English as the source had it;
            // fitment in the same language.
            let chinese = rng.random_bool(0.5);
            let fitment = models
                .iter()
                .map(|(model, model_zh, _, from, to)| {
                    if chinese {
                        format!("{make_zh}|{model_zh}|{from}-{to}")
                    } else {
                        format!("{make}|{model}|{from}-{to}")
                    }
                })
                .collect();
            genuine.insert((k, m), parts.len());
            parts.push(Part {
                sku: format!("G{}", parts.len()),
                name: (*epc).to_owned(),
                brand: if chinese {
                    (*make_zh).to_owned()
                } else {
                    (*make).to_owned()
                },
                article: None,
                oe: Some(oe(make, parts.len())),
                fitment,
                price: rng.random_range(2_000..90_000),
                stock: rng.random_range(0..30),
            });
            for (v, (model, _, _, from, to)) in models.iter().enumerate() {
                let brand = AFTERMARKET[(k + v + m) % AFTERMARKET.len()];
                aftermarket.insert((k, m, v), parts.len());
                let i = parts.len();
                parts.push(Part {
                    // Short dealer codes, as small dealers number their shelves.
                    sku: format!("{}-{}", &brand[..2], i),
                    name: KINDS[k].2.to_owned(),
                    brand: brand.to_owned(),
                    article: Some(article(brand, i)),
                    oe: Some(oe(make, i + 50_000)),
                    fitment: vec![format!("{make}|{model}|{from}-{to}")],
                    price: rng.random_range(1_000..50_000),
                    stock: rng.random_range(0..30),
                });
            }
        }
    }
    for i in 0..distractors {
        let k = rng.random_range(0..KINDS.len());
        let (make, model, from, to) = OTHER_VEHICLES[rng.random_range(0..OTHER_VEHICLES.len())];
        let brand = AFTERMARKET[rng.random_range(0..AFTERMARKET.len())];
        let chinese = rng.random_bool(0.3);
        let n = parts.len() + 100_000 + i;
        parts.push(Part {
            sku: format!("D{n}"),
            name: if chinese {
                KINDS[k].0.to_owned()
            } else {
                KINDS[k].2.to_owned()
            },
            brand: brand.to_owned(),
            article: Some(article(brand, n)),
            oe: Some(oe(make, n)),
            fitment: vec![format!("{make}|{model}|{from}-{to}")],
            price: rng.random_range(1_000..50_000),
            stock: rng.random_range(0..30),
        });
    }
    Catalog {
        parts,
        genuine,
        aftermarket,
    }
}

fn write_csv(parts: &[Part], path: &std::path::Path) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record([
        "sku",
        "name",
        "brand",
        "price",
        "stock",
        "article_number",
        "oe_numbers",
        "fitment",
    ])?;
    for p in parts {
        w.write_record([
            p.sku.as_str(),
            &p.name,
            &p.brand,
            &format!("{}.{:02}", p.price / 100, p.price % 100),
            &p.stock.to_string(),
            p.article.as_deref().unwrap_or_default(),
            p.oe.as_deref().unwrap_or_default(),
            &p.fitment.join(";"),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// One question and the parts that answer it.
struct Probe {
    kind: &'static str,
    text: String,
    /// As `make`/`model` filters in search, as the inquiry's vehicle in inquiries.
    vehicle: Option<(String, String)>,
    right: HashSet<String>,
}

/// Number spellings: lower case and no spaces, or spaced differently.
fn respell(number: &str, rng: &mut StdRng) -> String {
    let plain: String = number.chars().filter(char::is_ascii_alphanumeric).collect();
    if rng.random_bool(0.5) {
        plain.to_lowercase()
    } else {
        plain
            .chars()
            .enumerate()
            .flat_map(|(i, c)| (i > 0 && i % 3 == 0).then_some(' ').into_iter().chain([c]))
            .collect::<String>()
            .to_lowercase()
    }
}

fn typo(number: &str, rng: &mut StdRng) -> String {
    let mut chars: Vec<char> = number.chars().filter(char::is_ascii_alphanumeric).collect();
    let at = rng.random_range(1..chars.len() - 1);
    match rng.random_range(0..3) {
        0 => chars[at] = if chars[at] == '7' { '8' } else { '7' },
        1 => {
            chars.remove(at);
        }
        _ => chars.swap(at, at + 1),
    }
    chars.into_iter().collect()
}

fn probes(c: &Catalog, rng: &mut StdRng) -> Vec<Probe> {
    let mut out = Vec::new();
    let numbers: HashSet<String> = c
        .parts
        .iter()
        .flat_map(|p| [p.article.as_deref(), p.oe.as_deref()])
        .flatten()
        .map(crate::catalog::numbers::normalize)
        .collect();
    let sku = |i: usize| c.parts[i].sku.clone();
    let one = |i: usize| HashSet::from([c.parts[i].sku.clone()]);
    // In a fixed order, so that a seed always asks the same questions.
    let mut aftermarket: Vec<(&(usize, usize, usize), &usize)> = c.aftermarket.iter().collect();
    aftermarket.sort();
    for (&(k, m, v), &i) in aftermarket {
        let part = &c.parts[i];
        let (make, make_zh, models) = MAKES[m];
        let (_, model_zh, family, from, to) = models[v];
        let (epc, trade, _, words_en) = KINDS[k];
        let genuine = c.genuine[&(k, m)];
        let both = HashSet::from([sku(i), sku(genuine)]);
        let article = part.article.clone().unwrap_or_default();
        let q = rng.random_range(2..5);
        out.push(Probe {
            kind: "article as written",
            text: article.clone(),
            vehicle: None,
            right: one(i),
        });
        out.push(Probe {
            kind: "article respelled",
            text: respell(&article, rng),
            vehicle: None,
            right: one(i),
        });
        if article.chars().filter(char::is_ascii_alphanumeric).count() >= 8 {
            // A typo that spells another part's number is not a typo the engine can see.
            let typed = typo(&article, rng);
            if !numbers.contains(&crate::catalog::numbers::normalize(&typed)) {
                out.push(Probe {
                    kind: "article, one typo",
                    text: typed,
                    vehicle: None,
                    right: one(i),
                });
            }
        }
        out.push(Probe {
            kind: "short dealer code",
            text: if rng.random_bool(0.5) {
                part.sku.clone()
            } else {
                part.sku.replace('-', "").to_lowercase()
            },
            vehicle: None,
            right: one(i),
        });
        out.push(Probe {
            kind: "name + vehicle, Chinese words",
            text: if rng.random_bool(0.5) {
                format!("{model_zh} {epc}")
            } else {
                format!("{epc} {model_zh} {}", rng.random_range(from..=to))
            },
            vehicle: None,
            right: both.clone(),
        });
        out.push(Probe {
            kind: "name + vehicle, English words",
            text: format!("{words_en} {} {}", make.to_lowercase(), family.to_lowercase()),
            vehicle: None,
            right: both.clone(),
        });
        out.push(Probe {
            kind: "name + vehicle as filters",
            text: if rng.random_bool(0.5) {
                epc.to_owned()
            } else {
                words_en.to_owned()
            },
            vehicle: Some((make.to_owned(), family.to_owned())),
            right: both.clone(),
        });
        out.push(Probe {
            kind: "trade wording + vehicle",
            text: format!("{model_zh}{}", trade.choose(rng).copied().unwrap_or(epc)),
            vehicle: None,
            right: both.clone(),
        });
        // As counter staff type in Chinese ERPs: the initials or the whole reading of a name.
        let word = trade.iter().copied().chain([epc]).collect::<Vec<_>>();
        if let Some((initials, full)) = word.choose(rng).and_then(|w| search_index::readings::read(w)) {
            let typed = if rng.random_bool(0.5) { initials } else { full };
            // Initials two kinds share (`qscp`: 前刹车片 and 前刹车盘) cannot tell them apart:
            // the other kind's parts for the vehicle are as right.
            let right = kinds_read_as(&typed)
                .into_iter()
                .filter(|other| *other != k)
                .filter_map(|other| {
                    let part = c.aftermarket.get(&(other, m, v))?;
                    Some([sku(*part), sku(*c.genuine.get(&(other, m))?)])
                })
                .flatten()
                .chain(both.iter().cloned())
                .collect();
            out.push(Probe {
                kind: "pinyin + vehicle",
                text: format!("{model_zh} {typed}"),
                vehicle: None,
                right,
            });
        }
        out.push(Probe {
            kind: "quantity glued to the words",
            text: match rng.random_range(0..3) {
                0 => format!("{model_zh}{epc}{q}个"),
                1 => format!("{epc}x{q} {model_zh}"),
                _ => format!("{model_zh} {epc} *{q}"),
            },
            vehicle: None,
            right: both.clone(),
        });
        out.push(Probe {
            kind: "quantity glued to English words",
            text: format!("{words_en} {} {}{q}pcs", make.to_lowercase(), family.to_lowercase()),
            vehicle: None,
            right: both.clone(),
        });
        if v == 0 {
            let right: HashSet<String> = (0..models.len())
                .map(|v| sku(c.aftermarket[&(k, m, v)]))
                .chain([sku(genuine)])
                .collect();
            out.push(Probe {
                kind: "Chinese make + name",
                text: format!("{make_zh} {epc}"),
                vehicle: None,
                right,
            });
            let oe = c.parts[genuine].oe.clone().unwrap_or_default();
            out.push(Probe {
                kind: "OE number inside words",
                text: match rng.random_range(0..3) {
                    0 => format!("{epc} {oe}"),
                    1 => format!("{} 两个", oe.replace([' ', '-'], "")),
                    _ => format!("OE {oe} {q}个"),
                },
                vehicle: None,
                right: one(genuine),
            });
            out.push(Probe {
                kind: "OE number as written",
                text: oe,
                vehicle: None,
                right: one(genuine),
            });
        }
    }
    out.sort_by(|a, b| a.kind.cmp(b.kind).then(a.text.cmp(&b.text)));
    out
}

/// The kinds (indexes into [`KINDS`]) with a name whose initials or full reading is `typed`.
fn kinds_read_as(typed: &str) -> Vec<usize> {
    KINDS
        .iter()
        .enumerate()
        .filter(|(_, (epc, trade, _, _))| {
            trade.iter().chain([epc]).any(|word| {
                search_index::readings::read(word).is_some_and(|(initials, full)| initials == typed || full == typed)
            })
        })
        .map(|(k, _)| k)
        .collect()
}

#[derive(Default)]
struct Score {
    n: usize,
    top: usize,
    any5: usize,
}

impl Score {
    fn add(&mut self, ranked: &[String], right: &HashSet<String>) {
        self.n += 1;
        self.top += usize::from(ranked.first().is_some_and(|s| right.contains(s)));
        self.any5 += usize::from(ranked.iter().take(5).any(|s| right.contains(s)));
    }

    fn rate(n: usize, of: usize) -> f64 {
        n as f64 / of.max(1) as f64
    }
}

pub async fn run(args: QualityBenchArgs) -> anyhow::Result<()> {
    let target = Target::open(args.postgres.as_deref(), None, false).await?;
    let result = bench(&args, &target).await;
    target.close().await?;
    result
}

async fn bench(args: &QualityBenchArgs, target: &Target) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(args.seed);
    let catalog = catalog(args.distractors, &mut rng);
    let probes = probes(&catalog, &mut rng);
    println!(
        "partsdesk bench quality: {} parts ({} distractors), {} queries, seed {}, {}",
        catalog.parts.len(),
        args.distractors,
        probes.len(),
        args.seed,
        target.backend()
    );
    let db = target.connect().await?;
    crate::app::prepare_database(&db).await?;
    let (state, clock) = bench_state(target, &db, Indexing::On)?;
    // Signed up as a dealer is, so that its owner can review and send quotes (`--memory`).
    let (tenant, owner) = crate::tenants::signup(
        &db,
        serde_json::from_value(serde_json::json!({
            "dealer_name": "Quality bench dealer",
            "slug": "quality",
            "email": "owner@quality-bench.example",
            "password": "quality-bench-owner",
        }))?,
        clock.now(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("signing up the bench dealer: {e}"))?;
    let file = target.dir.join("quality.csv");
    write_csv(&catalog.parts, &file)?;
    import_file(&state, &clock, tenant.id, &file).await?;
    let lexicon = state.lexicons.get(&db, tenant.id).await?;

    let mut search: BTreeMap<&str, Score> = BTreeMap::new();
    for probe in &probes {
        let params = SearchParams {
            q: Some(probe.text.clone()),
            make: probe.vehicle.as_ref().map(|(make, _)| make.clone()),
            model: probe.vehicle.as_ref().map(|(_, model)| model.clone()),
            limit: Some(5),
            ..SearchParams::default()
        };
        let found = crate::search::run(
            &db,
            &state.indexer,
            &state.lexicons,
            tenant.id,
            &params,
            None,
            clock.now(),
        )
        .await
        .map_err(|e| anyhow::anyhow!("search {:?}: {e}", probe.text))?;
        if args.show_misses && !found.hits.first().is_some_and(|h| probe.right.contains(&h.part.sku)) {
            let first = found.hits.first().map(|h| format!("{} {}", h.part.sku, h.part.name));
            println!(
                "  miss  {:<30} {:<32} first: {}",
                probe.kind,
                probe.text,
                first.unwrap_or_default()
            );
        }
        let ranked: Vec<String> = found.hits.into_iter().map(|h| h.part.sku).collect();
        search.entry(probe.kind).or_default().add(&ranked, &probe.right);
    }

    let mut inquiry: BTreeMap<&str, Score> = BTreeMap::new();
    // (lines, right first) per confidence
    let mut by_confidence: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut auto = 0usize;
    for probe in &probes {
        let vehicle = VehicleHint {
            make: probe.vehicle.as_ref().map(|(make, _)| make.clone()),
            model: probe.vehicle.as_ref().map(|(_, model)| model.clone()),
            ..VehicleHint::default()
        };
        let line = LineQuery {
            text: probe.text.clone(),
            part_number: None,
            brand: None,
        };
        let matched = crate::matching::match_lines(
            &db,
            Arc::clone(state.indexer.index()),
            tenant.id,
            vec![line],
            vehicle,
            &lexicon,
        )
        .await
        .map_err(|e| anyhow::anyhow!("match {:?}: {e}", probe.text))?;
        let Some(line) = matched.into_iter().next() else {
            continue;
        };
        let ranked: Vec<String> = line.candidates.iter().map(|c| c.sku.clone()).collect();
        if args.show_misses && !ranked.first().is_some_and(|s| probe.right.contains(s)) {
            println!(
                "  inquiry miss  {:<30} {:<32} first: {}",
                probe.kind,
                probe.text,
                line.candidates
                    .first()
                    .map(|c| format!("{} {}", c.sku, c.name))
                    .unwrap_or_default()
            );
        }
        inquiry.entry(probe.kind).or_default().add(&ranked, &probe.right);
        let right = ranked.first().is_some_and(|s| probe.right.contains(s));
        let label = match line.confidence {
            Confidence::Exact => "exact",
            Confidence::High => "high",
            Confidence::Low => "low",
            Confidence::None => "none",
        };
        let entry = by_confidence.entry(label).or_default();
        entry.0 += 1;
        entry.1 += usize::from(right);
        auto += usize::from(line.confidence.is_confident());
    }

    println!("\nhit@1 / any@5 by kind of query");
    println!("  {:<34} {:>5}   {:>13}   {:>13}", "kind", "n", "search", "inquiry");
    let (mut all_s, mut all_i) = (Score::default(), Score::default());
    for (kind, s) in &search {
        let i = inquiry.get(kind).map_or((0, 0, 0), |i| (i.n, i.top, i.any5));
        println!(
            "  {:<34} {:>5}   {:.3} / {:.3}   {:.3} / {:.3}",
            kind,
            s.n,
            Score::rate(s.top, s.n),
            Score::rate(s.any5, s.n),
            Score::rate(i.1, i.0),
            Score::rate(i.2, i.0)
        );
        all_s.n += s.n;
        all_s.top += s.top;
        all_s.any5 += s.any5;
        all_i.n += i.0;
        all_i.top += i.1;
        all_i.any5 += i.2;
    }
    println!(
        "  {:<34} {:>5}   {:.3} / {:.3}   {:.3} / {:.3}",
        "all",
        all_s.n,
        Score::rate(all_s.top, all_s.n),
        Score::rate(all_s.any5, all_s.n),
        Score::rate(all_i.top, all_i.n),
        Score::rate(all_i.any5, all_i.n)
    );
    println!("\ninquiry lines by confidence: lines, precision (best candidate right)");
    for (label, (n, right)) in &by_confidence {
        println!("  {label:<6} {n:>5}   {:.3}", Score::rate(*right, *n));
    }
    println!(
        "  auto-quotable (exact or high): {:.3} of {} lines",
        Score::rate(auto, all_i.n),
        all_i.n
    );
    if args.memory {
        let owner = crate::auth::Actor {
            tenant: tenant.id,
            user: owner.id,
            role: owner.role,
        };
        memory::bench(
            &memory::Dealer {
                state: &state,
                clock: &clock,
                owner,
                lexicon: &lexicon,
                seed: args.seed,
            },
            &probes,
        )
        .await?;
    }
    Ok(())
}
