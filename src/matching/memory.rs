//! A dealer's match memory: what its people confirmed, remembered for the next time a line is
//! written the same way.
//!
//! - **Confirmed pairing.** Staff re-pointed a line to another part and sent the quote: for
//!   lines written that way (the same words and numbers, for the same vehicle), that part
//!   comes first next time, with the count of confirmations. Sending that remembered part
//!   again (from a staff send, not `auto_send`) counts once more. A line sent as the matcher
//!   alone proposed it is not recorded: most such sends are a busy clerk agreeing with the
//!   machine (or no person at all, with `auto_send`), and counting them would only make the
//!   matcher surer of what it already thought, mistakes included (a wrong one is caught by a
//!   return, as a mismatch). A person choosing otherwise is the evidence worth keeping.
//! - **Confirmed mismatch.** A `wrong_part` / `wrong_fitment` return, or staff marking a
//!   candidate wrong: that part goes below every other candidate of lines written that way,
//!   at `low` confidence at most, is never proposed, and says why (`demoted_reason`).
//!
//! One verdict per dealer, line key, vehicle and part: the latest word wins (a part returned
//! as wrong after being confirmed is a mismatch; re-pointed to again after that, it is
//! confirmed once more, counting from one).
//!
//! The key is the line as the matcher reads it: quantity and number prefixes out
//! ([`super::line::parse`]), vehicle words out; numbers normalized as catalog numbers are
//! (`04465-02061` = `04465 02061`); words lower-cased, half-width, with the dealer's synonyms
//! read as the first word of their group (`刹车皮` = `刹车片`), without punctuation or spaces
//! between Chinese; the brand asked for, if any. The vehicle key is the make and model family
//! (`TOYOTA/COROLLA`), without the year: a part confirmed for a 2018 Corolla is a fair first
//! guess for a 2019 one, while a line without a vehicle never borrows one's memory, nor the
//! other way round.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use search_index::vehicles::Vocabulary;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Asked, Candidate, Confidence, LineQuery, VehicleHint, is_one_number, read_line};
use crate::catalog::lexicon::Lexicon;
use crate::catalog::numbers;
use crate::db::TenantScoped;
pub use crate::entities::match_memory::{MemorySource, MismatchReason, Verdict};
use crate::entities::{inquiries, inquiry_lines, match_memory, parts};
use crate::error::{Error, Result};
use crate::ids::{InquiryId, InquiryLineId, MatchMemoryId, PartId, TenantId};
use crate::pagination::{PageParams, finish_page};
use crate::validate::Validator;

/// Confirmations that make a remembered part confident enough to quote without a person.
pub const CONFIDENT_AFTER: i32 = 2;
/// Demoted candidates kept after the others, so the workbench can say why they are last.
pub const DEMOTED_KEPT: usize = 2;
pub const NOTE_MAX: usize = 500;

/// A line as the memory knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct MemoryKey {
    /// Normalized numbers, words and brand; empty when the line has nothing to remember by.
    pub line: String,
    /// `MAKE/MODEL` (family), `MAKE`, or empty.
    pub vehicle: String,
}

impl MemoryKey {
    pub fn is_empty(&self) -> bool {
        self.line.is_empty()
    }

    /// The vehicle for people: `TOYOTA COROLLA`.
    fn vehicle_text(&self) -> Option<String> {
        Some(self.vehicle.replace('/', " ").trim().to_owned()).filter(|v| !v.is_empty())
    }
}

/// The dealer's synonyms as a reader of keys needs them: each word of a group stands for the
/// group's first word, longest word first.
pub(super) struct Canonical {
    /// By first character: (word, the group's first word), longest first.
    words: HashMap<char, Vec<(Vec<char>, String)>>,
}

impl Canonical {
    pub(super) fn new(synonyms: &search_index::Synonyms) -> Self {
        let mut words: HashMap<char, Vec<(Vec<char>, String)>> = HashMap::new();
        for group in synonyms.groups() {
            let Some(first) = group.first().map(|w| singulars(&fold(w))) else {
                continue;
            };
            for word in group {
                let chars: Vec<char> = singulars(&fold(word)).chars().collect();
                if let Some(&c) = chars.first() {
                    words.entry(c).or_default().push((chars, first.clone()));
                }
            }
        }
        for list in words.values_mut() {
            list.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        }
        Self { words }
    }

    /// Lower-cased, half-width, synonyms replaced (leftmost, longest), then only letters and
    /// digits: words apart by one space, except between Chinese characters; English plurals
    /// read as singular.
    pub(super) fn words(&self, text: &str) -> String {
        let chars: Vec<char> = singulars(&fold(text)).chars().collect();
        let mut replaced = String::with_capacity(text.len());
        let mut i = 0;
        while i < chars.len() {
            let found = self.words.get(&chars[i]).and_then(|list| {
                list.iter().find(|(word, _)| {
                    let end = i + word.len();
                    chars.get(i..end) == Some(&word[..])
                        && (!word.first().is_some_and(char::is_ascii_alphanumeric)
                            || i == 0
                            || !chars[i - 1].is_ascii_alphanumeric())
                        && (!word.last().is_some_and(char::is_ascii_alphanumeric)
                            || chars.get(end).is_none_or(|c| !c.is_ascii_alphanumeric()))
                })
            });
            match found {
                Some((word, canonical)) => {
                    replaced.push(' ');
                    replaced.push_str(canonical);
                    replaced.push(' ');
                    i += word.len();
                }
                None => {
                    replaced.push(chars[i]);
                    i += 1;
                }
            }
        }
        let mut out = String::new();
        let mut last_cjk = false;
        for token in replaced.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()) {
            let cjk = !token.chars().any(|c| c.is_ascii_alphanumeric());
            if !(out.is_empty() || (cjk && last_cjk)) {
                out.push(' ');
            }
            out.push_str(token);
            last_cjk = cjk;
        }
        out
    }
}

fn fold(text: &str) -> String {
    text.chars()
        .map(numbers::to_half_width)
        .flat_map(char::to_lowercase)
        .collect()
}

fn singulars(text: &str) -> String {
    text.split_whitespace().map(singular).collect::<Vec<_>>().join(" ")
}

/// `pads` -> `pad`, `plugs` -> `plug`; `glass`, `abs` stay.
fn singular(token: &str) -> &str {
    match token.strip_suffix('s') {
        Some(stem) if stem.len() >= 3 && stem.is_ascii() && !stem.ends_with('s') => stem,
        _ => token,
    }
}

/// The key of a line the matcher has read.
pub(super) fn key_of_asked(
    line: &LineQuery,
    asked: &Asked,
    vocabulary: &Vocabulary,
    canonical: &Canonical,
) -> MemoryKey {
    let text = &asked.text;
    let mut numbers_in: Vec<String> = Vec::new();
    if let Some(number) = &line.part_number {
        numbers_in.push(numbers::normalize(number));
    }
    if is_one_number(text) || numbers::looks_like_code(text) {
        numbers_in.push(numbers::normalize(text));
    } else {
        numbers_in.extend(numbers::runs(text).iter().map(|r| numbers::normalize(r)));
        numbers_in.extend(
            text.split_whitespace()
                .filter(|w| numbers::looks_like_number(w))
                .map(numbers::normalize)
                .filter(|n| n.len() >= 5),
        );
    }
    numbers_in.retain(|n| !n.is_empty());
    numbers_in.sort();
    numbers_in.dedup();
    let words = canonical.words(&asked.name);
    let brand = line.brand.as_deref().map(numbers::normalize).unwrap_or_default();
    let line_key = if numbers_in.is_empty() && words.is_empty() {
        String::new()
    } else {
        format!("{}|{words}|{brand}", numbers_in.join(" "))
    };
    MemoryKey {
        line: line_key,
        vehicle: vehicle_key(&asked.vehicle, vocabulary),
    }
}

fn vehicle_key(vehicle: &VehicleHint, vocabulary: &Vocabulary) -> String {
    let make = vehicle.make.as_deref().map(|m| vocabulary.make(m)).unwrap_or_default();
    match vehicle.model.as_deref() {
        Some(model) => format!("{make}/{}", vocabulary.model_key(&make, model)),
        None => make,
    }
}

/// The key of a line written `text` (with its `part_number` and `brand`) for `vehicle`, read
/// as the matcher reads it with the dealer's words.
pub fn key_of(line: &LineQuery, vehicle: &VehicleHint, lexicon: &Lexicon) -> MemoryKey {
    let asked = read_line(line, vehicle, &lexicon.vehicles);
    key_of_asked(line, &asked, &lexicon.vehicles, &Canonical::new(&lexicon.synonyms))
}

/// The dealer's verdicts on the given lines, by key.
pub(super) async fn recall(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    keys: &[MemoryKey],
) -> Result<HashMap<MemoryKey, Vec<match_memory::Model>>> {
    let mut lines: Vec<&str> = keys.iter().filter(|k| !k.is_empty()).map(|k| k.line.as_str()).collect();
    lines.sort_unstable();
    lines.dedup();
    let mut out: HashMap<MemoryKey, Vec<match_memory::Model>> = HashMap::new();
    for chunk in lines.chunks(500) {
        for row in match_memory::Entity::scoped(tenant)
            .filter(match_memory::Column::LineKey.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            let key = MemoryKey {
                line: row.line_key.clone(),
                vehicle: row.vehicle_key.clone(),
            };
            out.entry(key).or_default().push(row);
        }
    }
    out.retain(|key, _| keys.contains(key));
    Ok(out)
}

/// Why a part was put last, for people: `returned as wrong_part on 2026-12-01`.
pub fn demoted_reason(entry: &match_memory::Model) -> String {
    let reason = entry.reason.map_or("wrong", MismatchReason::as_str);
    let day = entry.updated_at.format("%Y-%m-%d");
    match entry.source {
        MemorySource::Return => format!("returned as {reason} on {day}"),
        _ => format!("marked {reason} by staff on {day}"),
    }
}

/// Puts what the dealer confirmed for the line first and what it found wrong last. `part`
/// makes a candidate of a confirmed part the search did not find (`None`: no longer an active
/// part). Pure: the ranking rules in one place.
///
/// - A confirmed part comes first (most confirmations first, then the latest), with
///   `confirmed_count` and the reason saying so. Confirmed twice or more, and more often than
///   any other part for the line, it is at least `high`: two people (or one, twice) chose it
///   over what the matcher said, so it is quoted without asking again. Confirmed once it keeps
///   its own confidence (`low` when the search did not find it): shown first, checked once more.
/// - A mismatched part goes after all others, at `low` at most, with `demoted_reason`.
pub(super) fn apply(
    candidates: Vec<Candidate>,
    memory: &[match_memory::Model],
    part: impl Fn(PartId) -> Option<Candidate>,
    limit: usize,
) -> Vec<Candidate> {
    if memory.is_empty() {
        let mut candidates = candidates;
        candidates.truncate(limit);
        return candidates;
    }
    let mut confirmed: Vec<&match_memory::Model> = memory.iter().filter(|m| m.verdict == Verdict::Confirmed).collect();
    confirmed.sort_by(|a, b| b.count.cmp(&a.count).then(b.updated_at.cmp(&a.updated_at)));
    let mismatched: HashMap<PartId, &match_memory::Model> = memory
        .iter()
        .filter(|m| m.verdict == Verdict::Mismatch)
        .map(|m| (m.part_id, m))
        .collect();

    let mut rest = candidates;
    let mut first: Vec<Candidate> = Vec::new();
    for (rank, entry) in confirmed.iter().enumerate() {
        let found = rest.iter().position(|c| c.part_id == entry.part_id);
        let mut candidate = match found {
            Some(at) => rest.remove(at),
            None => match part(entry.part_id) {
                Some(c) => c,
                None => continue,
            },
        };
        let runner_up = confirmed.get(rank + 1).map_or(0, |m| m.count);
        if rank == 0 && entry.count >= CONFIDENT_AFTER && entry.count > runner_up {
            candidate.confidence = candidate.confidence.max(Confidence::High);
        }
        let said = format!(
            "confirmed by staff for \"{}\" ({}×, last {})",
            entry.line_text,
            entry.count,
            entry.updated_at.format("%Y-%m-%d")
        );
        candidate.reason = if candidate.reason.is_empty() {
            said
        } else {
            format!("{said}; {}", candidate.reason)
        };
        candidate.confirmed_count = Some(entry.count);
        first.push(candidate);
    }
    let (mut demoted, kept): (Vec<Candidate>, Vec<Candidate>) =
        rest.into_iter().partition(|c| mismatched.contains_key(&c.part_id));
    for candidate in &mut demoted {
        if let Some(entry) = mismatched.get(&candidate.part_id) {
            candidate.confidence = candidate.confidence.min(Confidence::Low);
            candidate.demoted_reason = Some(demoted_reason(entry));
        }
    }
    first.extend(kept);
    first.truncate(limit);
    demoted.truncate(DEMOTED_KEPT);
    first.extend(demoted);
    first
}

/// A re-pointed line of a sent quote.
#[derive(Debug, Clone)]
pub struct Confirmation {
    pub key: MemoryKey,
    pub part_id: PartId,
    pub line_text: String,
    pub inquiry_line_id: Option<InquiryLineId>,
}

/// Records what the dealer's staff sent for a line after re-pointing it (see the module
/// documentation for why unchanged lines are not recorded).
pub async fn confirm(db: &impl ConnectionTrait, tenant: TenantId, c: &Confirmation, now: DateTime<Utc>) -> Result<()> {
    if c.key.is_empty() {
        return Ok(());
    }
    remember(
        db,
        tenant,
        &c.key,
        c.part_id,
        Said {
            verdict: Verdict::Confirmed,
            reason: None,
            source: MemorySource::SentQuote,
            note: None,
            line_text: &c.line_text,
            inquiry_line_id: c.inquiry_line_id,
        },
        now,
    )
    .await
    .map(|_| ())
}

struct Said<'a> {
    verdict: Verdict,
    reason: Option<MismatchReason>,
    source: MemorySource,
    note: Option<String>,
    line_text: &'a str,
    inquiry_line_id: Option<InquiryLineId>,
}

/// Inserts the verdict, or updates the one kept for that key and part: the same verdict
/// counts once more, another replaces it (counting from one).
async fn remember(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    key: &MemoryKey,
    part: PartId,
    said: Said<'_>,
    now: DateTime<Utc>,
) -> Result<match_memory::Model> {
    use match_memory::Column as C;
    let inserted = match_memory::Entity::insert(match_memory::ActiveModel {
        id: Set(MatchMemoryId::generate()),
        tenant_id: Set(tenant),
        line_key: Set(key.line.clone()),
        vehicle_key: Set(key.vehicle.clone()),
        part_id: Set(part),
        verdict: Set(said.verdict),
        count: Set(1),
        reason: Set(said.reason),
        source: Set(said.source),
        note: Set(said.note.clone()),
        line_text: Set(said.line_text.to_owned()),
        vehicle: Set(key.vehicle_text()),
        inquiry_line_id: Set(said.inquiry_line_id),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([C::TenantId, C::LineKey, C::VehicleKey, C::PartId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let find = || {
        match_memory::Entity::scoped(tenant)
            .filter(C::LineKey.eq(key.line.as_str()))
            .filter(C::VehicleKey.eq(key.vehicle.as_str()))
            .filter(C::PartId.eq(part))
    };
    if inserted == 0 {
        use sea_orm::sea_query::ExprTrait;
        let count: Expr = Expr::case(
            Expr::col(C::Verdict).eq(Expr::val(said.verdict.as_str())),
            Expr::col(C::Count).add(Expr::val(1)),
        )
        .finally(Expr::val(1))
        .into();
        let update = match_memory::Entity::scoped_update(tenant)
            .col_expr(C::Count, count)
            .col_expr(C::Verdict, Expr::value(said.verdict.as_str()))
            .col_expr(C::Reason, Expr::value(said.reason.map(MismatchReason::as_str)))
            .col_expr(C::Source, Expr::value(said.source.as_str()))
            .col_expr(C::Note, Expr::value(said.note))
            .col_expr(C::LineText, Expr::value(said.line_text))
            .col_expr(C::InquiryLineId, Expr::value(said.inquiry_line_id))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .filter(C::LineKey.eq(key.line.as_str()))
            .filter(C::VehicleKey.eq(key.vehicle.as_str()))
            .filter(C::PartId.eq(part));
        update.exec(db).await?;
    }
    find()
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("match memory row vanished")))
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Mismatch => "mismatch",
        }
    }
}

impl MemorySource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SentQuote => "sent_quote",
            Self::Staff => "staff",
            Self::Return => "return",
        }
    }
}

/// The line a mismatch is about: one the dealer received, or one written out (read with the
/// dealer's words as the matcher would).
#[derive(Debug, Clone)]
pub enum MismatchOf {
    Line(InquiryLineId),
    Text { line: LineQuery, vehicle: VehicleHint },
}

/// A confirmed mismatch: `part` was wrong for the line. Called by returns (`wrong_part`,
/// `wrong_fitment`, source [`MemorySource::Return`]) and by staff from the workbench. When the
/// line is a received one, its stored candidates say so at once too.
#[expect(
    clippy::too_many_arguments,
    reason = "what a mismatch is: the line, the part, why, who, when"
)]
pub async fn record_mismatch(
    db: &impl ConnectionTrait,
    lexicon: &Lexicon,
    tenant: TenantId,
    of: MismatchOf,
    part: PartId,
    reason: MismatchReason,
    source: MemorySource,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<MemoryEntry> {
    let part_row = parts::Entity::scoped_by_id(tenant, part)
        .one(db)
        .await?
        .ok_or_else(|| Error::field("/part_id", "unknown_part", "not a part of the catalog"))?;
    let (key, text, line_row) = match of {
        MismatchOf::Line(id) => {
            let line = inquiry_lines::Entity::scoped_by_id(tenant, id)
                .one(db)
                .await?
                .ok_or(Error::not_found("inquiry line"))?;
            let key = match (&line.line_key, &line.vehicle_key) {
                (Some(l), v) => MemoryKey {
                    line: l.clone(),
                    vehicle: v.clone().unwrap_or_default(),
                },
                // Matched before the memory existed: read it now as it would be read.
                (None, _) => {
                    let inquiry = inquiries::Entity::scoped_by_id(tenant, line.inquiry_id)
                        .one(db)
                        .await?
                        .ok_or(Error::not_found("inquiry"))?;
                    key_of(&query_of(&line), &hint_of(inquiry.vehicle.as_ref()), lexicon)
                }
            };
            (key, line.text.clone(), Some(line))
        }
        MismatchOf::Text { line, vehicle } => {
            let key = key_of(&line, &vehicle, lexicon);
            (key, line.text, None)
        }
    };
    if key.is_empty() {
        return Err(Error::field(
            "/text",
            "nothing_to_remember",
            "the line has no words or numbers to remember it by",
        ));
    }
    let entry = remember(
        db,
        tenant,
        &key,
        part,
        Said {
            verdict: Verdict::Mismatch,
            reason: Some(reason),
            source,
            note,
            line_text: &text,
            inquiry_line_id: line_row.as_ref().map(|l| l.id),
        },
        now,
    )
    .await?;
    if let Some(line) = line_row {
        flag_candidate(db, tenant, &line, &entry).await?;
    }
    Ok(MemoryEntry::from_row(entry, Some(&part_row)))
}

/// Staff marking a candidate wrong.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MismatchRequest {
    /// The part that is wrong for the line (usually one of its candidates).
    pub part_id: PartId,
    /// `wrong_part` (default) or `wrong_fitment`.
    pub reason: Option<MismatchReason>,
    /// Up to 500 characters.
    pub note: Option<String>,
}

/// Staff mark `body.part_id` wrong for a line of one of the dealer's inquiries.
pub async fn mark_wrong(
    db: &impl ConnectionTrait,
    lexicon: &Lexicon,
    tenant: TenantId,
    inquiry: InquiryId,
    line: InquiryLineId,
    body: MismatchRequest,
    now: DateTime<Utc>,
) -> Result<MemoryEntry> {
    let mut v = Validator::default();
    let note = v.opt_text("/note", body.note.as_deref(), NOTE_MAX);
    v.finish()?;
    let belongs = inquiry_lines::Entity::scoped_by_id(tenant, line)
        .filter(inquiry_lines::Column::InquiryId.eq(inquiry))
        .one(db)
        .await?
        .is_some();
    if !belongs {
        return Err(Error::not_found("inquiry line"));
    }
    record_mismatch(
        db,
        lexicon,
        tenant,
        MismatchOf::Line(line),
        body.part_id,
        body.reason.unwrap_or(MismatchReason::WrongPart),
        MemorySource::Staff,
        note,
        now,
    )
    .await
}

/// The line's stored candidates, with this part moved last and saying why.
async fn flag_candidate(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    line: &inquiry_lines::Model,
    entry: &match_memory::Model,
) -> Result<()> {
    let Ok(mut candidates) = serde_json::from_value::<Vec<Candidate>>(line.candidates.clone()) else {
        return Ok(());
    };
    let Some(at) = candidates.iter().position(|c| c.part_id == entry.part_id) else {
        return Ok(());
    };
    let mut flagged = candidates.remove(at);
    flagged.confidence = flagged.confidence.min(Confidence::Low);
    flagged.demoted_reason = Some(demoted_reason(entry));
    candidates.push(flagged);
    inquiry_lines::Entity::scoped_update(tenant)
        .col_expr(
            inquiry_lines::Column::Candidates,
            Expr::value(serde_json::to_value(&candidates).map_err(anyhow::Error::from)?),
        )
        .filter(inquiry_lines::Column::Id.eq(line.id))
        .exec(db)
        .await?;
    Ok(())
}

fn query_of(line: &inquiry_lines::Model) -> LineQuery {
    LineQuery {
        text: line.text.clone(),
        part_number: line.part_number.clone(),
        brand: line.brand.clone(),
    }
}

/// The vehicle as an inquiry stores it (`{"make", "model", "year", ...}`).
fn hint_of(vehicle: Option<&serde_json::Value>) -> VehicleHint {
    let field = |name: &str| {
        vehicle
            .and_then(|v| v.get(name))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    VehicleHint {
        make: field("make"),
        model: field("model"),
        year: vehicle
            .and_then(|v| v.get("year"))
            .and_then(serde_json::Value::as_i64)
            .and_then(|y| i32::try_from(y).ok()),
        from_line: Vec::new(),
    }
}

/// One remembered verdict, as staff see it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MemoryEntry {
    pub id: MatchMemoryId,
    /// The line as last written (`卡罗拉前刹车片 x2`).
    pub line_text: String,
    /// The normalized line it applies to: numbers, words and brand asked for.
    pub line_key: String,
    /// The vehicle (make and model family) it applies to; `null`: lines naming no vehicle.
    pub vehicle: Option<String>,
    pub part_id: PartId,
    /// The part's SKU, name and brand now; `null` if the part is gone.
    pub sku: Option<String>,
    pub name: Option<String>,
    pub brand: Option<String>,
    /// `confirmed`: put first (confident when confirmed twice or more); `mismatch`: put last.
    pub verdict: Verdict,
    /// Times this verdict was given since it was last different.
    pub count: i32,
    /// For a mismatch: `wrong_part` or `wrong_fitment`.
    pub reason: Option<MismatchReason>,
    /// `sent_quote`, `staff` or `return`.
    pub source: MemorySource,
    pub note: Option<String>,
    /// The inquiry line that last gave this verdict.
    pub inquiry_line_id: Option<InquiryLineId>,
    pub created_at: DateTime<Utc>,
    /// When it was last given.
    pub updated_at: DateTime<Utc>,
}

impl MemoryEntry {
    fn from_row(row: match_memory::Model, part: Option<&parts::Model>) -> Self {
        Self {
            id: row.id,
            line_text: row.line_text,
            line_key: row.line_key,
            vehicle: row.vehicle,
            part_id: row.part_id,
            sku: part.map(|p| p.sku.clone()),
            name: part.map(|p| p.name.clone()),
            brand: part.and_then(|p| p.brand.clone()),
            verdict: row.verdict,
            count: row.count,
            reason: row.reason,
            source: row.source,
            note: row.note,
            inquiry_line_id: row.inquiry_line_id,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MemoryListParams {
    /// Items per page, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only `confirmed` or only `mismatch` entries.
    pub verdict: Option<String>,
    /// Only entries about this part (`prt_...`).
    pub part_id: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MemoryList {
    pub items: Vec<MemoryEntry>,
    pub next_cursor: Option<String>,
}

/// The dealer's memory, newest entry first.
pub async fn list(db: &impl ConnectionTrait, tenant: TenantId, params: &MemoryListParams) -> Result<MemoryList> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
    };
    let limit = page.limit()?;
    let mut query = match_memory::Entity::scoped(tenant).order_by_desc(match_memory::Column::Id);
    if let Some(cursor) = page.cursor::<MatchMemoryId>()? {
        query = query.filter(match_memory::Column::Id.lt(cursor));
    }
    if let Some(verdict) = params.verdict.as_deref() {
        let verdict = [Verdict::Confirmed, Verdict::Mismatch]
            .into_iter()
            .find(|v| v.as_str() == verdict)
            .ok_or_else(|| Error::field("query.verdict", "invalid_value", "`confirmed` or `mismatch`"))?;
        query = query.filter(match_memory::Column::Verdict.eq(verdict.as_str()));
    }
    if let Some(part) = params.part_id.as_deref() {
        let part: PartId = part
            .parse()
            .map_err(|_| Error::field("query.part_id", "invalid_id", "a part id (`prt_...`)"))?;
        query = query.filter(match_memory::Column::PartId.eq(part));
    }
    let rows = query.limit(limit + 1).all(db).await?;
    let (rows, next_cursor) = finish_page(rows, limit, |r| r.id);
    let ids: Vec<PartId> = rows.iter().map(|r| r.part_id).collect();
    let catalog: HashMap<PartId, parts::Model> = parts::Entity::scoped(tenant)
        .filter(parts::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(MemoryList {
        items: rows
            .into_iter()
            .map(|r| {
                let part = catalog.get(&r.part_id);
                MemoryEntry::from_row(r, part)
            })
            .collect(),
        next_cursor,
    })
}

/// Forgets one entry: the matcher no longer prefers (or demotes) that part for that line.
pub async fn forget(db: &impl ConnectionTrait, tenant: TenantId, id: MatchMemoryId) -> Result<()> {
    let deleted = match_memory::Entity::scoped_delete(tenant)
        .filter(match_memory::Column::Id.eq(id))
        .exec(db)
        .await?
        .rows_affected;
    if deleted == 0 {
        return Err(Error::not_found("match memory entry"));
    }
    Ok(())
}

/// Entries of a dealer (for tests and the benchmark).
pub async fn count(db: &impl ConnectionTrait, tenant: TenantId) -> Result<u64> {
    Ok(match_memory::Entity::scoped(tenant).count(db).await?)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::TimeZone;

    use super::*;

    fn lexicon() -> Lexicon {
        Lexicon {
            synonyms: Arc::new(search_index::Synonyms::new(crate::catalog::synonyms::default_groups())),
            vehicles: search_index::vehicles::shared_vocabulary(),
        }
    }

    fn key(text: &str, vehicle: &VehicleHint) -> MemoryKey {
        let line = LineQuery {
            text: text.to_owned(),
            part_number: None,
            brand: None,
        };
        key_of(&line, vehicle, &lexicon())
    }

    fn corolla() -> VehicleHint {
        VehicleHint {
            make: Some("Toyota".into()),
            model: Some("Corolla".into()),
            year: Some(2006),
            from_line: Vec::new(),
        }
    }

    #[test]
    fn a_line_written_another_way_has_the_same_key() {
        let none = VehicleHint::default();
        let base = key("刹车片 x2", &none);
        assert!(!base.is_empty());
        assert_eq!(base.vehicle, "");
        for variant in [
            "刹车片",
            "刹车片２个",
            "刹车片 两套",
            " 刹车片*4",
            "刹车皮 x2",
            "制动片 4片",
        ] {
            assert_eq!(key(variant, &none), base, "{variant}");
        }
        assert_ne!(key("刹车盘", &none), base);
        // Numbers in any spelling; prefixes and quantities out.
        let number = key("04465-02061", &none);
        for variant in [
            "04465 02061",
            "0446502061 x2",
            "OE 04465-02061",
            "０４４６５－０２０６１",
        ] {
            assert_eq!(key(variant, &none), number, "{variant}");
        }
        // English: case, plurals and synonyms.
        assert_eq!(key("Brake Pads x4", &none), key("brake pad", &none));
        assert_eq!(key("brake pads", &none), base, "the group's first word stands for it");
    }

    #[test]
    fn the_vehicle_is_part_of_the_key_without_its_year() {
        let given = key("前刹车片", &corolla());
        assert_eq!(given.vehicle, "TOYOTA/COROLLA");
        // Named in the line itself, in Chinese: the same vehicle, the same words.
        let named = key("卡罗拉前刹车片", &VehicleHint::default());
        assert_eq!(named, given);
        let other_year = key(
            "前刹车片",
            &VehicleHint {
                year: Some(2008),
                ..corolla()
            },
        );
        assert_eq!(other_year, given);
        assert_ne!(key("前刹车片", &VehicleHint::default()), given);
        // The brand asked for is part of it.
        let line = LineQuery {
            text: "前刹车片".into(),
            part_number: None,
            brand: Some("TRW".into()),
        };
        assert_ne!(key_of(&line, &corolla(), &lexicon()), given);
    }

    fn candidate(sku: &str, confidence: Confidence) -> Candidate {
        Candidate {
            part_id: PartId::generate(),
            sku: sku.into(),
            name: "刹车片".into(),
            brand: None,
            score: 1.0,
            confidence,
            matched_on: "name".into(),
            matched_value: "刹车片".into(),
            precision: "text".into(),
            fits_vehicle: None,
            reason: "name 刹车片".into(),
            list_price: None,
            list_price_minor: Some(100),
            stock: 1,
            in_stock: true,
            confirmed_count: None,
            demoted_reason: None,
        }
    }

    fn said(part: PartId, verdict: Verdict, count: i32) -> match_memory::Model {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).single().expect("time");
        match_memory::Model {
            id: MatchMemoryId::generate(),
            tenant_id: TenantId::generate(),
            line_key: "|刹车片|".into(),
            vehicle_key: String::new(),
            part_id: part,
            verdict,
            count,
            reason: (verdict == Verdict::Mismatch).then_some(MismatchReason::WrongPart),
            source: if verdict == Verdict::Mismatch {
                MemorySource::Return
            } else {
                MemorySource::SentQuote
            },
            note: None,
            line_text: "刹车片 x2".into(),
            vehicle: None,
            inquiry_line_id: None,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn confirmed_parts_come_first_and_twice_is_confident() {
        let found = vec![
            candidate("A", Confidence::Low),
            candidate("B", Confidence::Low),
            candidate("C", Confidence::Low),
        ];
        let (b, c) = (found[1].part_id, found[2].part_id);
        let once = apply(found.clone(), &[said(c, Verdict::Confirmed, 1)], |_| None, 5);
        assert_eq!(once.iter().map(|c| c.sku.as_str()).collect::<Vec<_>>(), ["C", "A", "B"]);
        assert_eq!(once[0].confidence, Confidence::Low, "once: shown first, checked again");
        assert_eq!(once[0].confirmed_count, Some(1));
        assert!(
            once[0]
                .reason
                .starts_with("confirmed by staff for \"刹车片 x2\" (1×, last 2026-12-01); name")
        );

        let twice = apply(found.clone(), &[said(c, Verdict::Confirmed, 2)], |_| None, 5);
        assert_eq!(twice[0].sku, "C");
        assert_eq!(twice[0].confidence, Confidence::High);
        // Two parts confirmed as often: both first, neither quoted unseen.
        let tied = apply(
            found.clone(),
            &[said(c, Verdict::Confirmed, 2), said(b, Verdict::Confirmed, 2)],
            |_| None,
            5,
        );
        assert!(tied[..2].iter().all(|c| c.confidence == Confidence::Low));
        // A confirmed part the search did not find is added (if still an active part).
        let elsewhere = PartId::generate();
        let added = apply(
            found.clone(),
            &[said(elsewhere, Verdict::Confirmed, 3)],
            |id| {
                let mut c = candidate("Z", Confidence::Low);
                c.part_id = id;
                Some(c)
            },
            3,
        );
        assert_eq!(
            added.iter().map(|c| c.sku.as_str()).collect::<Vec<_>>(),
            ["Z", "A", "B"]
        );
        assert_eq!(added[0].confidence, Confidence::High);
        let gone = apply(found, &[said(elsewhere, Verdict::Confirmed, 3)], |_| None, 5);
        assert_eq!(gone.len(), 3);
    }

    #[test]
    fn a_mismatched_part_goes_last_at_low_and_says_why() {
        let found = vec![
            candidate("A", Confidence::Exact),
            candidate("B", Confidence::High),
            candidate("C", Confidence::Low),
        ];
        let a = found[0].part_id;
        let ranked = apply(found, &[said(a, Verdict::Mismatch, 1)], |_| None, 2);
        assert_eq!(
            ranked.iter().map(|c| c.sku.as_str()).collect::<Vec<_>>(),
            ["B", "C", "A"]
        );
        assert_eq!(ranked[2].confidence, Confidence::Low);
        assert_eq!(
            ranked[2].demoted_reason.as_deref(),
            Some("returned as wrong_part on 2026-12-01")
        );
        assert!(ranked[..2].iter().all(|c| c.demoted_reason.is_none()));
    }
}
