//! Matching an inquiry line to catalog parts: which parts, how sure, and why.
//!
//! Order of candidates: exact part-number matches (own number, OE, interchange, supersession),
//! then partial numbers, then name matches that fit the vehicle, then name matches alone. A
//! vehicle ranks and labels name matches; it never hides a number match.

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter};
use search_index::vehicles::Vocabulary;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::catalog::lexicon::Lexicon;
use crate::catalog::numbers;
use crate::db::TenantScoped;
pub use crate::entities::Confidence;
use crate::entities::{fitments, parts};
use crate::error::Result;
use crate::ids::{PartId, TenantId};
use crate::money::format_price;

/// Candidates kept per line.
pub const CANDIDATES_PER_LINE: usize = 5;

/// What the engine saw for one candidate, stored with the line so the dealer reviews exactly
/// that.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Candidate {
    pub part_id: PartId,
    pub sku: String,
    pub name: String,
    pub brand: Option<String>,
    pub score: f32,
    pub confidence: Confidence,
    /// `sku`, `article`, `oe`, `interchange`, `supersedes`, `superseded_by`, `name`,
    /// `category`, `description` or `fitment`; `confirmed` for a part the search did not find
    /// but the dealer's staff confirmed for lines written this way; `staff` for one staff chose.
    pub matched_on: String,
    /// The number or words that matched.
    pub matched_value: String,
    /// `exact`, `prefix`, `typo` or `text`.
    pub precision: String,
    /// Whether the part lists the inquiry's vehicle; absent when no vehicle was given or the
    /// part lists no fitment.
    pub fits_vehicle: Option<bool>,
    /// Why it was offered, for people.
    #[schema(example = "OE 04465-02061 matches BOSCH 前刹车片 (BP-0986424735)")]
    pub reason: String,
    /// List price at matching time, exact decimal.
    pub list_price: Option<String>,
    #[serde(skip)]
    pub list_price_minor: Option<i64>,
    /// Units available to sell: stock less what accepted orders hold (`available` on the part).
    pub stock: i64,
    pub in_stock: bool,
    /// How many times the dealer's staff re-pointed a line written this way (same words,
    /// numbers and vehicle) to this part and sent it; such a part comes first. `null`: never.
    pub confirmed_count: Option<i32>,
    /// Why this part was put last and is never proposed: a confirmed mismatch for lines
    /// written this way (`returned as wrong_part on 2026-12-01`, `marked wrong_fitment by
    /// staff on 2026-12-03`). `null`: not demoted.
    #[schema(example = "returned as wrong_part on 2026-12-01")]
    pub demoted_reason: Option<String>,
}

impl Candidate {
    /// The part as it is now, matched by nothing yet (`low`, no reason): the caller says how.
    pub fn of_part(part: &parts::Model, fits_vehicle: Option<bool>) -> Self {
        Self {
            part_id: part.id,
            sku: part.sku.clone(),
            name: part.name.clone(),
            brand: part.brand.clone(),
            score: 0.0,
            confidence: Confidence::Low,
            matched_on: String::new(),
            matched_value: String::new(),
            precision: String::new(),
            fits_vehicle,
            reason: String::new(),
            list_price: part.price_minor.map(format_price),
            list_price_minor: part.price_minor,
            stock: part.available(),
            in_stock: part.available() > 0,
            confirmed_count: None,
            demoted_reason: None,
        }
    }
}

/// The vehicle an inquiry names, as the matcher uses it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VehicleHint {
    pub make: Option<String>,
    pub model: Option<String>,
    pub year: Option<i32>,
    /// The words of the line that named it, when the line did (`卡罗拉`).
    pub from_line: Vec<String>,
}

impl VehicleHint {
    fn is_empty(&self) -> bool {
        self.make.is_none() && self.model.is_none() && self.year.is_none()
    }

    fn describe(&self) -> String {
        let vehicle = [self.make.clone(), self.model.clone(), self.year.map(|y| y.to_string())]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        if self.from_line.is_empty() {
            vehicle
        } else {
            format!("{vehicle} (from \"{}\")", self.from_line.join(" "))
        }
    }

    /// The vehicle one line asks for: one its own words name (`卡罗拉前刹车片`) wins over the
    /// inquiry's, keeping the inquiry's year when the make agrees.
    fn for_line(&self, recognized: &search_index::vehicles::Recognized, vocabulary: &Vocabulary) -> Self {
        if recognized.is_empty() {
            return self.clone();
        }
        let same_make = self
            .make
            .as_deref()
            .is_some_and(|m| Some(vocabulary.make(m)) == recognized.make);
        Self {
            make: recognized.make.clone(),
            model: recognized
                .model
                .clone()
                .or_else(|| self.model.clone().filter(|_| same_make)),
            year: recognized.year.or(self.year.filter(|_| same_make)),
            from_line: recognized.words.clone(),
        }
    }
}

/// What a line asks for, read once: the words and numbers to search and the line's vehicle.
struct Asked {
    /// Without the quantity.
    text: String,
    /// Without the quantity and the vehicle words.
    name: String,
    vehicle: VehicleHint,
    /// The quantity and unit this reading took from the end of a number (`09864247353个`);
    /// `None` for the line as written.
    glued: Option<(i64, String)>,
    /// The reading [`word_reading`] prefers: the one to take when no reading names an exact
    /// number (`camry6个`, `rav43pcs`).
    by_words: bool,
}

/// The line as the memory keys it when no catalog is at hand: as written, or without a
/// quantity glued to a word (`camry6个`).
fn read_line(line: &LineQuery, inquiry_vehicle: &VehicleHint, vocabulary: &Vocabulary) -> Asked {
    let parsed = line::parse(&line.text);
    match word_reading(&parsed.glued, vocabulary).map(|i| &parsed.glued[i]) {
        Some(g) => read_text(
            g.text.clone(),
            Some((g.quantity, g.unit.clone())),
            true,
            inquiry_vehicle,
            vocabulary,
        ),
        None => read_text(parsed.text, None, false, inquiry_vehicle, vocabulary),
    }
}

/// The ways to read a line: as written first, then with the last digits of a number written
/// against its unit as the quantity ([`line::ParsedLine::glued`]). [`search_readings`] chooses.
fn readings(line: &LineQuery, inquiry_vehicle: &VehicleHint, vocabulary: &Vocabulary) -> Vec<Asked> {
    let parsed = line::parse(&line.text);
    let preferred = word_reading(&parsed.glued, vocabulary);
    let mut out = vec![read_text(parsed.text, None, false, inquiry_vehicle, vocabulary)];
    out.extend(parsed.glued.into_iter().enumerate().map(|(i, g)| {
        read_text(
            g.text,
            Some((g.quantity, g.unit)),
            preferred == Some(i),
            inquiry_vehicle,
            vocabulary,
        )
    }));
    out
}

fn read_text(
    text: String,
    glued: Option<(i64, String)>,
    by_words: bool,
    inquiry_vehicle: &VehicleHint,
    vocabulary: &Vocabulary,
) -> Asked {
    // Even a line that reads as one number may be a vehicle and a short word (`RAV4 jl`): the
    // whole text is still looked up as a number first; the vehicle serves the name search.
    let recognized = vocabulary.recognize(&text);
    let name = name_query(&recognized.rest);
    // A line that is only a vehicle (`卡罗拉`) is searched as written.
    let (name, recognized) = if recognized.is_empty() || name.is_empty() {
        (name_query(&text), search_index::vehicles::Recognized::default())
    } else {
        (name, recognized)
    };
    Asked {
        vehicle: inquiry_vehicle.for_line(&recognized, vocabulary),
        text,
        name,
        glued,
        by_words,
    }
}

/// One line as the matcher needs it.
#[derive(Debug, Clone)]
pub struct LineQuery {
    pub text: String,
    pub part_number: Option<String>,
    pub brand: Option<String>,
}

#[derive(Debug, Clone)]
pub struct LineMatch {
    pub confidence: Confidence,
    pub candidates: Vec<Candidate>,
    /// The line as the match memory knows it, to be stored with the line.
    pub key: memory::MemoryKey,
    /// The quantity and unit read from the last digits of a number written against its unit
    /// (`09864247353个`: 3 个), when the catalog has the number without them and not as
    /// written. The line's quantity unless the shop gave one.
    pub glued: Option<(i64, String)>,
}

pub mod line;
pub mod memory;
pub mod routes;

/// Whether the whole text is one number written with spaces (`04E 115 561 H`, `W 712/75`):
/// every word has a digit or is a one- or two-letter group.
fn is_one_number(text: &str) -> bool {
    numbers::looks_like_number(text)
        && text
            .split_whitespace()
            .all(|w| w.chars().any(|c| c.is_ascii_digit()) || w.chars().count() <= 2)
}

/// The numbers worth searching as part numbers: the line's `part_number`, the whole text if it
/// reads as one number, and otherwise each word with digits long enough to be a number.
fn number_queries(line: &LineQuery, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(number) = &line.part_number {
        out.push(number.clone());
    }
    // As search does: the whole text as one number, whatever its words (`bkr 6e 001`); a
    // short code (`BP-1`) matches exactly or not at all.
    if is_one_number(text) || numbers::looks_like_number(text) || numbers::looks_like_code(text) {
        out.push(text.to_owned());
    }
    if !is_one_number(text) {
        out.extend(numbers::runs(text));
        out.extend(
            text.split_whitespace()
                .filter(|w| numbers::looks_like_number(w) && numbers::normalize(w).len() >= 5)
                .map(str::to_owned),
        );
    }
    let mut seen = HashSet::new();
    out.retain(|n| !numbers::normalize(n).is_empty() && seen.insert(numbers::normalize(n)));
    out
}

/// The words of the text that are not numbers: what the name search gets.
fn name_query(text: &str) -> String {
    if is_one_number(text) {
        return String::new();
    }
    let mut words = text.to_owned();
    for run in numbers::runs(text) {
        words = words.replacen(&run, " ", 1);
    }
    words
        .split_whitespace()
        .filter(|w| !(numbers::looks_like_number(w) && numbers::normalize(w).len() >= 5))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A found part before the database has supplied its current price, stock and fitment.
struct Found {
    part_id: PartId,
    score: f32,
    kind: String,
    value: String,
    precision: &'static str,
    /// What the line asked, for the reason text.
    asked: String,
}

/// No filters: a line's candidates may be of any brand, category or vehicle.
fn base_query<'a>(
    tenant: &'a str,
    text: &'a str,
    synonyms: &'a search_index::Synonyms,
) -> search_index::SearchQuery<'a> {
    search_index::SearchQuery {
        tenant,
        text,
        synonyms,
        limit: CANDIDATES_PER_LINE,
        // The matcher keeps the best few; counting and faceting every hit would cost more.
        counting: search_index::Counting::TopOnly,
        // A shop names the part it wants; words that only appear in a description or a
        // fitment note are not a match worth quoting.
        names_only: true,
        ..Default::default()
    }
}

/// Searches the index for each line, spread over the available cores (an inquiry's lines are
/// independent). CPU-bound: run it off the async workers.
fn search_lines(
    index: &search_index::SearchIndex,
    tenant: TenantId,
    lines: &[(LineQuery, Vec<Asked>)],
    synonyms: &search_index::Synonyms,
) -> Result<Vec<(usize, Vec<Found>)>> {
    let tenant_key = tenant.to_string();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = lines.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = lines
            .chunks(chunk)
            .map(|part| {
                let tenant_key = &tenant_key;
                scope.spawn(move || {
                    part.iter()
                        .map(|(line, read)| search_readings(index, tenant_key, line, read, synonyms))
                        .collect::<Result<Vec<_>>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(lines.len());
        for worker in workers {
            let found = worker
                .join()
                .map_err(|_| anyhow::anyhow!("a matching thread panicked"))??;
            all.extend(found);
        }
        Ok(all)
    })
}

/// Searches the line as written and, when that finds no part by its exact number, the
/// readings that take a number's last digits as the quantity: the first of those whose number
/// the catalog has exactly is the line. Which reading was taken (an index into `readings`,
/// the first being the line as written) and what it found.
fn search_readings(
    index: &search_index::SearchIndex,
    tenant_key: &str,
    line: &LineQuery,
    readings: &[Asked],
    synonyms: &search_index::Synonyms,
) -> Result<(usize, Vec<Found>)> {
    let exact = |found: &[Found]| found.iter().any(|f| f.precision == "exact");
    let Some((written, others)) = readings.split_first() else {
        return Ok((0, Vec::new()));
    };
    let found = search_line(index, tenant_key, line, written, synonyms)?;
    if exact(&found) {
        return Ok((0, found));
    }
    for (i, reading) in others.iter().enumerate() {
        let other = search_line(index, tenant_key, line, reading, synonyms)?;
        if exact(&other) {
            return Ok((i + 1, other));
        }
    }
    // No number after all: a quantity glued to a vehicle (`rav43pcs`) or a word (`camry6个`)
    // is a quantity.
    if let Some(i) = others.iter().position(|r| r.by_words) {
        return Ok((i + 1, search_line(index, tenant_key, line, &others[i], synonyms)?));
    }
    Ok((0, found))
}

/// Of the readings that take a quantity from a word's last digits, the one to search by name
/// when no number matched: the one ending in a vehicle word (`rav4` 3 pcs, not `rav` 43), else
/// the one ending in a word of letters (`camry` 6 个).
pub fn word_reading(glued: &[line::Glued], vocabulary: &Vocabulary) -> Option<usize> {
    glued
        .iter()
        .position(|g| ends_in_vehicle(&g.text, &vocabulary.recognize(&g.text)))
        .or_else(|| glued.iter().position(|g| g.follows_word))
}

/// Whether the last word of `text` is a vehicle word.
fn ends_in_vehicle(text: &str, recognized: &search_index::vehicles::Recognized) -> bool {
    text.split_whitespace()
        .next_back()
        .is_some_and(|last| recognized.words.iter().any(|w| w.eq_ignore_ascii_case(last)))
}

fn search_line(
    index: &search_index::SearchIndex,
    tenant_key: &str,
    line: &LineQuery,
    asked: &Asked,
    synonyms: &search_index::Synonyms,
) -> Result<Vec<Found>> {
    let (text, vehicle) = (&asked.text, &asked.vehicle);
    let mut found: Vec<Found> = Vec::new();
    let mut seen = HashSet::new();
    let mut keep = |hits: Vec<search_index::Hit>, asked: &str, found: &mut Vec<Found>| {
        for hit in hits {
            let Ok(part_id) = hit.part_id.parse() else { continue };
            if seen.insert(part_id) {
                found.push(Found {
                    part_id,
                    score: hit.score,
                    kind: kind_str(hit.matched_on.kind),
                    value: hit.matched_on.value,
                    precision: hit.matched_on.precision,
                    asked: asked.to_owned(),
                });
            }
        }
    };
    for number in number_queries(line, text) {
        let normalized = numbers::normalize(&number);
        let hits = index
            .search_numbers(&base_query(tenant_key, &number, synonyms), &normalized)
            .map_err(anyhow::Error::from)?
            .hits;
        keep(hits, &number, &mut found);
    }
    let words = asked.name.clone();
    if found.len() >= CANDIDATES_PER_LINE || words.is_empty() {
        return Ok(found);
    }
    // The vehicle narrows name matches first (a catalog holds thousands of "brake pads"; the
    // ones for this car are what the shop wants), then names alone fill the rest.
    if let Some(make) = vehicle.make.as_deref() {
        let query = search_index::SearchQuery {
            make: Some(make),
            model: vehicle.model.as_deref(),
            year: vehicle.year,
            ..base_query(tenant_key, &words, synonyms)
        };
        let hits = index.search(&query).map_err(anyhow::Error::from)?.hits;
        keep(hits, &words, &mut found);
    }
    if found.len() < CANDIDATES_PER_LINE {
        let query = search_index::SearchQuery {
            // Room for parts the database drops (inactive since indexing).
            limit: CANDIDATES_PER_LINE * 2,
            vehicle: vehicle.make.as_ref().map(|make| search_index::Vehicle {
                make: make.clone(),
                model: vehicle.model.clone(),
                year: vehicle.year,
            }),
            vehicle_words: &vehicle.from_line,
            ..base_query(tenant_key, &words, synonyms)
        };
        let hits = index.search(&query).map_err(anyhow::Error::from)?.hits;
        keep(hits, &words, &mut found);
    }
    Ok(found)
}

/// The index work alone, without the database (for the benchmark): candidates found.
pub fn search_only(
    index: &search_index::SearchIndex,
    tenant: TenantId,
    lines: &[LineQuery],
    vehicle: &VehicleHint,
    synonyms: &search_index::Synonyms,
    vocabulary: &Vocabulary,
) -> Result<usize> {
    let lines: Vec<(LineQuery, Vec<Asked>)> = lines
        .iter()
        .map(|l| (l.clone(), readings(l, vehicle, vocabulary)))
        .collect();
    Ok(search_lines(index, tenant, &lines, synonyms)?
        .iter()
        .map(|(_, found)| found.len())
        .sum())
}

fn kind_str(kind: search_index::MatchKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Whether any of the part's fitments covers the vehicle, by make, model family and year;
/// `None` when the part lists none. A genuine part whose brand is a maker (丰田) counts as
/// listing that make.
fn fits(
    vehicle: &VehicleHint,
    part: &parts::Model,
    part_fitments: &[fitments::Model],
    vocabulary: &Vocabulary,
) -> Option<bool> {
    let make = vehicle.make.as_deref().map(|m| vocabulary.make(m));
    if vehicle.is_empty() {
        return None;
    }
    if part_fitments.is_empty() {
        let brand_make = part.brand.as_deref().and_then(|b| vocabulary.known_make(b));
        return match (brand_make, &make) {
            (Some(brand), Some(make)) if vehicle.model.is_none() => Some(brand == make),
            (Some(brand), Some(make)) if brand != make => Some(false),
            _ => None,
        };
    }
    let model = vehicle
        .model
        .as_deref()
        .map(|m| vocabulary.model_key(make.as_deref().unwrap_or_default(), m));
    Some(part_fitments.iter().any(|f| {
        let fitted_make = vocabulary.make(&f.make);
        make.as_ref().is_none_or(|m| fitted_make == *m)
            && model.as_ref().is_none_or(|m| {
                f.model
                    .as_deref()
                    .is_none_or(|fm| vocabulary.model_keys(&fitted_make, fm).contains(m))
            })
            && vehicle
                .year
                .is_none_or(|y| f.year_from.is_none_or(|from| from <= y) && f.year_to.is_none_or(|to| y <= to))
    }))
}

fn label(kind: &str) -> &'static str {
    match kind {
        "sku" => "SKU",
        "article" => "article number",
        "oe" => "OE",
        "interchange" => "number",
        "supersedes" | "superseded_by" => "number",
        "name" => "name",
        "category" => "category",
        "description" => "description",
        "pinyin" => "name read as pinyin",
        _ => "fitment",
    }
}

fn judge(
    found: &Found,
    part: &parts::Model,
    line: &LineQuery,
    fit: Option<bool>,
    vehicle: &VehicleHint,
    number_hits: usize,
) -> (Confidence, String) {
    let who = format!(
        "{} {} ({})",
        part.brand.as_deref().unwrap_or_default(),
        part.name,
        part.sku
    )
    .trim()
    .to_owned();
    let brand_differs = line.brand.as_deref().is_some_and(|asked| {
        part.brand
            .as_deref()
            .is_none_or(|b| numbers::normalize(b) != numbers::normalize(asked))
    });
    let value = &found.value;
    if found.precision != "text" {
        let mut reason = match found.kind.as_str() {
            "interchange" => format!("{} matches {who} by interchange ({value})", found.asked),
            "supersedes" => format!("{} is superseded by {who}", found.asked),
            "superseded_by" => format!("{} supersedes {who} ({value})", found.asked),
            kind => format!("{} {value} matches {who}", label(kind)),
        };
        let mut confidence = match (found.precision, found.kind.as_str()) {
            ("exact", "interchange") => Confidence::High,
            ("exact", _) => Confidence::Exact,
            ("prefix", _) if number_hits == 1 => Confidence::High,
            _ => Confidence::Low,
        };
        match found.precision {
            "prefix" => reason.push_str(&format!(" (starts with {})", found.asked)),
            "typo" => reason.push_str(&format!(" (one character off {})", found.asked)),
            _ => {}
        }
        if brand_differs {
            confidence = confidence.min(Confidence::High);
            reason.push_str(&format!(
                "; brand {} asked for",
                line.brand.as_deref().unwrap_or_default()
            ));
        }
        return (confidence, reason);
    }
    let mut reason = format!("{} {}", label(&found.kind), found.asked);
    // Initials read several names alike (`scp`: 刹车片, 刹车盘): never more than a suggestion.
    let by_reading = found.kind == "pinyin";
    let confidence = match fit {
        _ if by_reading => {
            if fit == Some(true) {
                reason.push_str(&format!(" + fits {}", vehicle.describe()));
            }
            Confidence::Low
        }
        Some(true) => {
            reason.push_str(&format!(" + fits {}", vehicle.describe()));
            Confidence::High
        }
        Some(false) => {
            reason.push_str(&format!("; not listed for {}", vehicle.describe()));
            Confidence::Low
        }
        None if !vehicle.is_empty() => {
            reason.push_str("; lists no vehicle");
            Confidence::Low
        }
        None => Confidence::Low,
    };
    (confidence, reason)
}

/// Matches every line of an inquiry against one dealer's catalog. The index finds and ranks;
/// the database supplies current price, stock and fitment (and drops anything not the
/// dealer's or no longer active).
pub async fn match_lines(
    db: &impl ConnectionTrait,
    index: std::sync::Arc<search_index::SearchIndex>,
    tenant: TenantId,
    lines: Vec<LineQuery>,
    vehicle: VehicleHint,
    lexicon: &Lexicon,
) -> Result<Vec<LineMatch>> {
    let vocabulary = &*lexicon.vehicles;
    let synonyms = std::sync::Arc::clone(&lexicon.synonyms);
    let lines: Vec<(LineQuery, Vec<Asked>)> = lines
        .into_iter()
        .map(|l| {
            let read = readings(&l, &vehicle, vocabulary);
            (l, read)
        })
        .collect();
    let (lines, found) = tokio::task::spawn_blocking(move || {
        let found = search_lines(&index, tenant, &lines, &synonyms);
        (lines, found)
    })
    .await
    .map_err(anyhow::Error::from)?;
    // Each line as the reading the catalog chose.
    let (lines, found): (Vec<(LineQuery, Asked)>, Vec<Vec<Found>>) = lines
        .into_iter()
        .zip(found?)
        .map(|((line, read), (chosen, found))| {
            let asked = read.into_iter().nth(chosen).expect("a chosen reading");
            ((line, asked), found)
        })
        .unzip();

    let canonical = memory::Canonical::new(&lexicon.synonyms);
    let keys: Vec<memory::MemoryKey> = lines
        .iter()
        .map(|(line, asked)| memory::key_of_asked(line, asked, vocabulary, &canonical))
        .collect();
    let remembered = memory::recall(db, tenant, &keys).await?;

    let ids: Vec<PartId> = found
        .iter()
        .flatten()
        .map(|f| f.part_id)
        .chain(remembered.values().flatten().map(|m| m.part_id))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut catalog: HashMap<PartId, parts::Model> = HashMap::new();
    let mut part_fitments: HashMap<PartId, Vec<fitments::Model>> = HashMap::new();
    // Bounded batches keep the IN lists well under every database's parameter limit.
    for chunk in ids.chunks(500) {
        for part in parts::Entity::scoped(tenant)
            .filter(parts::Column::Id.is_in(chunk.to_vec()))
            .filter(parts::Column::Active.eq(true))
            .all(db)
            .await?
        {
            catalog.insert(part.id, part);
        }
        if lines.iter().any(|(_, asked)| !asked.vehicle.is_empty()) {
            for f in fitments::Entity::scoped(tenant)
                .filter(fitments::Column::PartId.is_in(chunk.to_vec()))
                .all(db)
                .await?
            {
                part_fitments.entry(f.part_id).or_default().push(f);
            }
        }
    }

    Ok(lines
        .iter()
        .zip(found)
        .zip(keys)
        .map(|(((line, asked), found), key)| {
            let vehicle = &asked.vehicle;
            let number_hits = found.iter().filter(|f| f.precision != "text").count();
            let mut candidates: Vec<Candidate> = found
                .iter()
                .filter_map(|f| {
                    let part = catalog.get(&f.part_id)?;
                    let fitted = part_fitments.get(&f.part_id).map_or(&[][..], Vec::as_slice);
                    let fit = fits(vehicle, part, fitted, vocabulary);
                    let (confidence, reason) = judge(f, part, line, fit, vehicle, number_hits);
                    Some(Candidate {
                        score: f.score,
                        confidence,
                        matched_on: f.kind.clone(),
                        matched_value: f.value.clone(),
                        precision: f.precision.to_owned(),
                        reason,
                        ..Candidate::of_part(part, fit)
                    })
                })
                .collect();
            // Number matches keep the index's order; among name matches those that fit the
            // vehicle come first. A stable sort on (class, fit) keeps the score order within.
            candidates.sort_by_key(|c| {
                let class = match c.precision.as_str() {
                    "exact" => 0,
                    "prefix" => 1,
                    "typo" => 2,
                    _ => 3,
                };
                let fit_rank = match c.fits_vehicle {
                    Some(true) => 0,
                    None => 1,
                    Some(false) => 2,
                };
                let brand_rank = u8::from(line.brand.as_deref().is_some_and(|asked| {
                    c.brand
                        .as_deref()
                        .is_none_or(|b| numbers::normalize(b) != numbers::normalize(asked))
                }));
                (class, brand_rank, if class == 3 { fit_rank } else { 0 })
            });
            let remembered = remembered.get(&key).map_or(&[][..], Vec::as_slice);
            let candidates = memory::apply(
                candidates,
                remembered,
                |id| {
                    let part = catalog.get(&id)?;
                    let fitted = part_fitments.get(&id).map_or(&[][..], Vec::as_slice);
                    Some(Candidate {
                        matched_on: "confirmed".to_owned(),
                        matched_value: asked.text.clone(),
                        precision: "exact".to_owned(),
                        ..Candidate::of_part(part, fits(vehicle, part, fitted, vocabulary))
                    })
                },
                CANDIDATES_PER_LINE,
            );
            LineMatch {
                confidence: candidates.first().map_or(Confidence::None, |c| c.confidence),
                candidates,
                key,
                glued: asked.glued.clone(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_words_are_told_apart() {
        let line = LineQuery {
            text: String::new(),
            part_number: None,
            brand: None,
        };
        assert_eq!(number_queries(&line, "04E 115 561 H"), vec!["04E 115 561 H"]);
        // The whole text too, as search reads it: a number spaced in groups of letters counts.
        assert_eq!(
            number_queries(&line, "front pads 04465-02061"),
            vec!["front pads 04465-02061", "04465-02061"]
        );
        assert_eq!(number_queries(&line, "bkr 6e 001"), vec!["bkr 6e 001", "6e 001"]);
        assert_eq!(number_queries(&line, "bp-1"), vec!["bp-1"]);
        assert_eq!(number_queries(&line, "机油滤清器 06H 115 403"), vec!["06H 115 403"]);
        assert_eq!(name_query("front pads 04465-02061"), "front pads");
        assert!(number_queries(&line, "前刹车片").is_empty());
        assert_eq!(name_query("前刹车片"), "前刹车片");
        assert_eq!(number_queries(&line, "W 712/75"), vec!["W 712/75"]);
        assert_eq!(name_query("W 712/75"), "");
    }
}
