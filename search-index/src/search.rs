//! Queries. A text that looks like a part number is searched as a number first (exact, then
//! interchange and supersession links, then prefix, then one typo); otherwise, or when no
//! number matches, as a name, with synonyms expanded and vehicle fitment as filter or boost.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::ranked::{Ranked, top_hits, top_hits_above};
use crate::readings;
use crate::synonyms::Synonyms;
use crate::term_counts::{SPLIT_MIN_DOCS, count_matches, count_up_to};
use crate::{
    IndexError, NumberEntry, NumberKind, Result, SearchIndex, analyzer, keyword, number_term, tenant_numbers,
    tenant_scoped, vehicles, zero_score_term,
};

/// Most candidates a number search considers before ranking.
const NUMBER_CANDIDATES: usize = 1_000;
/// Supersession links followed from the searched number.
const MAX_CHAIN: usize = 5;

/// Scores of number matches sit far above any name score, so an exact number always wins.
mod score {
    pub const OWN: f32 = 10_000.0;
    pub const SUCCESSOR: f32 = 9_500.0;
    pub const LISTED_SUPERSEDES: f32 = 9_000.0;
    pub const INTERCHANGE: f32 = 8_000.0;
    pub const SUPERSEDED_BY: f32 = 7_000.0;
    pub const PREFIX: f32 = 1_000.0;
    pub const TYPO: f32 = 100.0;
    /// Added per fitment level the hinted vehicle matches (make, model, year).
    pub const VEHICLE: f32 = 25.0;
}

#[derive(Debug, Clone, Default)]
pub struct Vehicle {
    pub make: String,
    pub model: Option<String>,
    pub year: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct SearchQuery<'a> {
    pub tenant: &'a str,
    pub text: &'a str,
    /// The normalized key, when the text looks like a part number.
    pub number: Option<&'a str>,
    pub brand: Option<&'a str>,
    pub category: Option<&'a str>,
    pub make: Option<&'a str>,
    pub model: Option<&'a str>,
    pub year: Option<i32>,
    /// A fitment hint (e.g. from a VIN): ranks fitting parts higher, hides nothing.
    pub vehicle: Option<Vehicle>,
    pub in_stock: Option<bool>,
    /// Groups of words that mean the same (`["机滤", "机油滤清器", "机油格"]`).
    pub synonyms: &'a Synonyms,
    /// Vehicle words taken out of the text (they became `vehicle`): they still add score
    /// where a part's name or fitment text has them, and are never required.
    pub vehicle_words: &'a [String],
    pub limit: usize,
    pub offset: usize,
    /// How much of a name search's matches is counted for the total and the facets.
    pub counting: Counting,
    /// Match words in part names only, not in categories, descriptions or fitment text: what
    /// the inquiry matcher wants (a shop names the part), and several times cheaper on common
    /// words.
    pub names_only: bool,
}

impl Default for SearchQuery<'_> {
    fn default() -> Self {
        static NO_SYNONYMS: std::sync::LazyLock<Synonyms> = std::sync::LazyLock::new(Synonyms::default);
        Self {
            tenant: "",
            text: "",
            number: None,
            brand: None,
            category: None,
            make: None,
            model: None,
            year: None,
            vehicle: None,
            in_stock: None,
            synonyms: &NO_SYNONYMS,
            vehicle_words: &[],
            limit: 0,
            offset: 0,
            counting: Counting::default(),
            names_only: false,
        }
    }
}

/// Totals are exact up to this many matches, and facets count as many.
pub const TOTAL_LIMIT: usize = 10_000;

/// How much of a name search's matches is counted. Ranking stops early (it skips what cannot
/// make the page); counting cannot, and on a large catalog a common word matches a fifth of
/// it, so counting everything costs many times the ranking.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Counting {
    /// The best hits alone: no total, facets or highlights (the inquiry matcher).
    TopOnly,
    /// The total exact up to [`TOTAL_LIMIT`] matches, beyond that a lower bound; facets over
    /// the same matches: all of them when fewer match, else the first [`TOTAL_LIMIT`] in the
    /// index's order, which is a random key per part, so a uniform sample of the matches.
    /// (Facets over the best [`TOTAL_LIMIT`] hits were measured too: ranking that many costs
    /// as much as counting every match, so they saved nothing.)
    #[default]
    Bounded,
    /// Total and facets over every match, however many.
    Exact,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    Sku,
    Article,
    Oe,
    Interchange,
    Supersedes,
    SupersededBy,
    Name,
    Category,
    Description,
    /// The name's pinyin reading (initials or in full).
    Pinyin,
    Fitment,
    Filter,
}

impl From<NumberKind> for MatchKind {
    fn from(kind: NumberKind) -> Self {
        match kind {
            NumberKind::Sku => Self::Sku,
            NumberKind::Article => Self::Article,
            NumberKind::Oe => Self::Oe,
            NumberKind::Interchange => Self::Interchange,
            NumberKind::Supersedes => Self::Supersedes,
            NumberKind::SupersededBy => Self::SupersededBy,
        }
    }
}

/// Why a part was offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchedOn {
    pub kind: MatchKind,
    /// The number or words that matched.
    pub value: String,
    /// `exact`, `prefix`, `typo` (one character off) or `text`.
    pub precision: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub part_id: String,
    pub score: f32,
    pub matched_on: MatchedOn,
    /// The name with matched words in `<b>…</b>`, for name matches.
    pub highlight: Option<String>,
    /// The part's [`crate::PartDoc::display`] as indexed.
    #[serde(skip)]
    pub display: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Facets {
    pub brand: Vec<(String, u64)>,
    pub category: Vec<(String, u64)>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchResults {
    pub total: usize,
    /// More than `total` match (see [`Counting::Bounded`]).
    pub total_is_lower_bound: bool,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// The facets count every match, not only [`TOTAL_LIMIT`] of them.
    pub facets_complete: bool,
}

struct Candidate {
    score: f32,
    matched_on: MatchedOn,
    brand: Option<String>,
    category: Option<String>,
    display: Option<String>,
}

/// Keep the best-scoring reason for each part.
fn offer(out: &mut HashMap<String, Candidate>, part: &StoredPart, score: f32, matched_on: MatchedOn) {
    if out.get(&part.part_id).is_none_or(|c| c.score < score) {
        out.insert(
            part.part_id.clone(),
            Candidate {
                score,
                matched_on,
                brand: part.brand.clone(),
                category: part.category.clone(),
                display: part.display.clone(),
            },
        );
    }
}

fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    ra.is_empty() && rb.is_empty()
        || ra.get(1..) == rb.get(1..)
        || ra.get(1..) == Some(rb)
        || Some(ra) == rb.get(1..)
        || (ra.len() >= 2 && rb.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
}

impl SearchIndex {
    pub fn search(&self, q: &SearchQuery<'_>) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        if let Some(key) = q.number.filter(|k| !k.is_empty()) {
            let candidates = self.number_candidates(&searcher, q, key)?;
            if !candidates.is_empty() {
                return Ok(rank(candidates, q));
            }
        }
        self.text_search(&searcher, q)
    }

    /// The number search alone, without falling back to names when no number matches (for
    /// callers that search the words separately).
    pub fn search_numbers(&self, q: &SearchQuery<'_>, key: &str) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        Ok(rank(self.number_candidates(&searcher, q, key)?, q))
    }

    /// The query's filters as required clauses that score nothing.
    fn filters(&self, q: &SearchQuery<'_>) -> Vec<Clause> {
        let f = &self.fields;
        let term = |field, text: String| -> Clause {
            let tq = TermQuery::new(Term::from_field_text(field, &text), IndexRecordOption::Basic);
            (Occur::Must, Box::new(ConstScoreQuery::new(Box::new(tq), 0.0)))
        };
        let mut out = Vec::new();
        if let Some(brand) = q.brand {
            out.push(term(f.brand, keyword(brand)));
        }
        if let Some(category) = q.category {
            out.push(term(f.category, category.to_owned()));
        }
        for fit in fitment_filter(q.make, q.model, q.year) {
            out.push((Occur::Must, zero_score_term(Term::from_field_text(f.fit, &fit))));
        }
        if let Some(in_stock) = q.in_stock {
            let tq = TermQuery::new(
                Term::from_field_u64(f.in_stock, u64::from(in_stock)),
                IndexRecordOption::Basic,
            );
            out.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(tq), 0.0))));
        }
        out
    }

    /// `clauses` with the query's filters, scoped to its tenant.
    fn scoped(&self, q: &SearchQuery<'_>, mut clauses: Vec<Clause>) -> BooleanQuery {
        clauses.extend(self.filters(q));
        tenant_scoped(&self.fields, q.tenant, clauses)
    }

    fn stored(&self, searcher: &Searcher, address: DocAddress) -> Result<StoredPart> {
        let doc: TantivyDocument = searcher.doc(address)?;
        Ok(self.read_stored(&doc))
    }

    fn read_stored(&self, doc: &TantivyDocument) -> StoredPart {
        let text = |field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_owned);
        StoredPart {
            part_id: text(self.fields.part_id).unwrap_or_default(),
            numbers: text(self.fields.numbers_json)
                .and_then(|j| serde_json::from_str(&j).ok())
                .unwrap_or_default(),
            brand: text(self.fields.brand),
            category: text(self.fields.category),
            name: text(self.fields.name).unwrap_or_default(),
            display: text(self.fields.display),
        }
    }

    fn collect(&self, searcher: &Searcher, q: &SearchQuery<'_>, query: Box<dyn Query>) -> Result<Vec<StoredPart>> {
        self.candidates(searcher, &self.scoped(q, vec![(Occur::Must, query)]))
    }

    /// The query's tenant's parts with any of `numbers` (normalized) in `field`, a number
    /// field, scoped by its terms (see [`tenant_numbers`]).
    fn numbered<'n>(
        &self,
        searcher: &Searcher,
        q: &SearchQuery<'_>,
        field: tantivy::schema::Field,
        numbers: impl Iterator<Item = &'n str>,
    ) -> Result<Vec<StoredPart>> {
        let mut clauses: Vec<Clause> = vec![(Occur::Must, tenant_numbers(q.tenant, field, numbers))];
        clauses.extend(self.filters(q));
        self.candidates(searcher, &BooleanQuery::new(clauses))
    }

    /// The best [`NUMBER_CANDIDATES`] parts `query` finds, as stored.
    fn candidates(&self, searcher: &Searcher, query: &dyn Query) -> Result<Vec<StoredPart>> {
        let found = searcher.search(query, &TopDocs::with_limit(NUMBER_CANDIDATES).order_by_score())?;
        found
            .into_iter()
            .map(|(_, address)| self.stored(searcher, address))
            .collect()
    }

    fn number_candidates(
        &self,
        searcher: &Searcher,
        q: &SearchQuery<'_>,
        key: &str,
    ) -> Result<HashMap<String, Candidate>> {
        let f = &self.fields;
        let mut out: HashMap<String, Candidate> = HashMap::new();
        let exact = |kind: MatchKind, value: &str| MatchedOn {
            kind,
            value: value.to_owned(),
            precision: "exact",
        };

        let direct = self.numbered(searcher, q, f.num, [key].into_iter())?;
        let mut interchange_of_hits = HashSet::new();
        let mut successors = HashSet::new();
        for part in &direct {
            let Some(entry) = part.numbers.iter().find(|n| n.normalized == key) else {
                continue;
            };
            let score = match entry.kind {
                k if k.is_own() => score::OWN,
                NumberKind::Supersedes => score::LISTED_SUPERSEDES,
                NumberKind::Interchange => score::INTERCHANGE,
                _ => score::SUPERSEDED_BY,
            };
            offer(&mut out, part, score, exact(entry.kind.into(), &entry.raw));
            for n in &part.numbers {
                if entry.kind.is_own() && n.kind == NumberKind::Interchange {
                    interchange_of_hits.insert(n.normalized.clone());
                }
                if n.kind == NumberKind::SupersededBy {
                    successors.insert(n.normalized.clone());
                }
            }
        }

        // Interchange works both ways: the parts that the matched part lists as equivalents.
        if !interchange_of_hits.is_empty() {
            for part in self.numbered(searcher, q, f.num_own, interchange_of_hits.iter().map(String::as_str))? {
                offer(&mut out, &part, score::INTERCHANGE, exact(MatchKind::Interchange, key));
            }
        }

        // Follow the supersession chain to the newest numbers the dealer carries.
        let mut seen = HashSet::new();
        for depth in 0..MAX_CHAIN {
            successors.retain(|n| seen.insert(n.clone()));
            if successors.is_empty() {
                break;
            }
            let found = self.numbered(searcher, q, f.num_own, successors.iter().map(String::as_str))?;
            successors = HashSet::new();
            for part in &found {
                offer(
                    &mut out,
                    part,
                    score::SUCCESSOR - depth as f32,
                    exact(MatchKind::Supersedes, key),
                );
                successors.extend(
                    part.numbers
                        .iter()
                        .filter(|n| n.kind == NumberKind::SupersededBy)
                        .map(|n| n.normalized.clone()),
                );
            }
        }
        if !out.is_empty() {
            return Ok(out);
        }

        // A partial number: prefix for 5+ characters, then one typo for 7+.
        if key.len() >= 5 {
            let prefix = FuzzyTermQuery::new_prefix(Term::from_field_text(f.num, &number_term(q.tenant, key)), 0, true);
            for part in self.collect(searcher, q, Box::new(prefix))? {
                if let Some(entry) = part.numbers.iter().find(|n| n.normalized.starts_with(key)) {
                    let matched = MatchedOn {
                        kind: entry.kind.into(),
                        value: entry.raw.clone(),
                        precision: "prefix",
                    };
                    offer(
                        &mut out,
                        &part,
                        score::PREFIX - (entry.normalized.len() - key.len()) as f32,
                        matched,
                    );
                }
            }
        }
        if out.is_empty() && key.len() >= 7 {
            let typo = FuzzyTermQuery::new(Term::from_field_text(f.num, &number_term(q.tenant, key)), 1, true);
            for part in self.collect(searcher, q, Box::new(typo))? {
                if let Some(entry) = part.numbers.iter().find(|n| within_one_edit(&n.normalized, key)) {
                    let matched = MatchedOn {
                        kind: entry.kind.into(),
                        value: entry.raw.clone(),
                        precision: "typo",
                    };
                    offer(&mut out, &part, score::TYPO, matched);
                }
            }
        }
        Ok(out)
    }

    fn analyze(&self, text: &str) -> Result<Vec<String>> {
        Ok(self.query_terms(text)?.into_iter().map(|(t, _)| t).collect())
    }

    /// Terms of a query, each with whether it counts towards the words that must match: a
    /// single Chinese character inside a longer run only adds score, or `机滤` would match
    /// everything with `机` and `滤` in it.
    pub(crate) fn query_terms(&self, text: &str) -> Result<Vec<(String, bool)>> {
        let mut analyzer = self
            .index
            .tokenizers()
            .get(analyzer::TEXT)
            .ok_or_else(|| IndexError::Query("text analyzer missing".into()))?;
        let mut stream = analyzer.token_stream(text);
        let mut tokens: Vec<(String, usize, usize)> = Vec::new();
        while let Some(token) = stream.next() {
            tokens.push((token.text.clone(), token.offset_from, token.offset_to));
        }
        let mut terms: Vec<(String, bool)> = Vec::new();
        for (text, from, to) in &tokens {
            let single_cjk = text.chars().count() == 1 && text.chars().all(analyzer::is_cjk);
            let inside_bigram = tokens
                .iter()
                .any(|(_, f, t)| (f, t) != (from, to) && f <= from && to <= t);
            let required = !(single_cjk && inside_bigram);
            match terms.iter_mut().find(|(t, _)| t == text) {
                Some(existing) => existing.1 |= required,
                None => terms.push((text.clone(), required)),
            }
        }
        Ok(terms)
    }

    /// The text and its synonym variants (`机滤 2个` -> `机油滤清器 2个`, ...). Only the
    /// longest words of a group found in the text are replaced: in `空调滤清器`, `空调滤` is part
    /// of `空调滤清器`, and replacing it would make nonsense (`空调格清器`) that costs a search.
    /// The text and its synonym variants; each says whether it came from reading the text as
    /// pinyin.
    fn variants(text: &str, synonyms: &Synonyms) -> Vec<(String, bool)> {
        let mut variants = vec![text.to_owned()];
        let lower = text.to_lowercase();
        for found in synonyms.found_in(&lower) {
            let (group, words) = (found.group, &found.words);
            let longest = words.iter().filter(|w| {
                !words
                    .iter()
                    .any(|other| other.lowered.len() > w.lowered.len() && other.lowered.contains(w.lowered))
            });
            for word in longest {
                for other in group.iter().filter(|o| *o != word.term) {
                    let mut variant = String::with_capacity(lower.len() + other.len());
                    let mut at = 0;
                    for &(start, end) in &word.spans {
                        variant.push_str(&lower[at..start]);
                        variant.push_str(other);
                        at = end;
                    }
                    variant.push_str(&lower[at..]);
                    if !variants.contains(&variant) && variants.len() < 16 {
                        variants.push(variant);
                    }
                }
            }
        }
        let typed = variants.len();
        // Pinyin for a trade word (`jl` for 机滤): its group's words, as if typed; with a
        // position read before it (`qianshachepan`: 前 + 刹车盘), each word after it.
        if let Some(token) = readings::query_token(text) {
            for group in synonyms.groups() {
                let position = if group.iter().any(|t| readings::spells(&token, t)) {
                    Some("")
                } else {
                    group.iter().find_map(|t| readings::position_before(&token, t))
                };
                let Some(position) = position else { continue };
                for term in group {
                    let variant = format!("{position}{term}");
                    if !variants.contains(&variant) && variants.len() < 16 {
                        variants.push(variant);
                    }
                }
            }
        }
        variants.into_iter().enumerate().map(|(i, v)| (v, i >= typed)).collect()
    }

    /// The text and each synonym variant, analyzed.
    fn plan(&self, text: &str, synonyms: &Synonyms, vehicle_words: &[String]) -> Result<Vec<Variant>> {
        let mut vehicle_terms = Vec::new();
        for word in vehicle_words {
            vehicle_terms.extend(self.analyze(word)?);
        }
        let mut out = Vec::new();
        for (variant, by_reading) in Self::variants(text, synonyms) {
            let terms = self.query_terms(&variant)?;
            if terms.is_empty() {
                continue;
            }
            let required: Vec<String> = terms.iter().filter(|(_, r)| *r).map(|(t, _)| t.clone()).collect();
            let mut optional: Vec<String> = terms.iter().filter(|(_, r)| !*r).map(|(t, _)| t.clone()).collect();
            optional.extend(vehicle_terms.iter().filter(|t| !required.contains(t)).cloned());
            out.push(Variant {
                required,
                optional,
                text: variant,
                by_reading,
            });
        }
        Ok(out)
    }

    /// Which parts match: for some variant, most of its words (in any text field). Counted
    /// without scoring, one posting list per word.
    /// Names read as a query of Latin letters: the whole reading (a stretch of the name read
    /// so, worth most), or most of its pairs of characters (see [`readings::query_pairs`]).
    fn reading_query(&self, token: &str) -> Box<dyn Query> {
        let field = self.fields.name_pinyin;
        let term = |t: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, t),
                IndexRecordOption::Basic,
            ))
        };
        let pairs = readings::query_pairs(token).iter().map(|p| term(p)).collect();
        Box::new(BooleanQuery::new(vec![
            (Occur::Should, Box::new(BoostQuery::new(term(token), 2.0))),
            (Occur::Should, most_of(pairs)),
        ]))
    }

    fn match_query(&self, variants: &[Variant], pinyin: Option<&dyn Query>) -> Box<dyn Query> {
        let f = self.fields.text_all;
        let per_variant = variants
            .iter()
            .map(|v| {
                let words = v
                    .required
                    .iter()
                    .map(|t| -> Box<dyn Query> {
                        Box::new(TermQuery::new(Term::from_field_text(f, t), IndexRecordOption::Basic))
                    })
                    .collect();
                (Occur::Should, most_of(words))
            })
            .chain(pinyin.map(|reading| (Occur::Should, reading.box_clone())))
            .collect();
        Box::new(BooleanQuery::new(per_variant))
    }

    /// The parts with every word of a variant in their name, best first. Made only of
    /// required terms (the tenant included), so tantivy ranks it with block-max pruning and
    /// stops early instead of scoring every part named "filter".
    fn whole_name_hits(
        &self,
        searcher: &Searcher,
        q: &SearchQuery<'_>,
        variants: &[Variant],
        want: usize,
    ) -> Result<HashMap<DocAddress, Ranked>> {
        let f = &self.fields;
        let hint = q.vehicle.as_ref().map(|v| {
            let terms = vehicle_terms(v);
            let levels = terms.len() as f32;
            let most_specific = terms.into_iter().last().unwrap_or_default();
            (Term::from_field_text(f.fit, &most_specific), levels)
        });
        // Each pass is one variant's words, with the hinted vehicle required or not; a part's
        // score is its best pass's. The passes likely to score highest (the vehicle's, then
        // the words as written) go first, so that a later pass only has to find what beats
        // the `want` best so far, and block-max pruning skips the rest.
        let mut passes: Vec<NamePass<'_>> = Vec::new();
        for with_hint in [true, false] {
            for (i, v) in variants.iter().enumerate().filter(|(_, v)| !v.required.is_empty()) {
                // The words as written weigh more than a synonym's: `机油滤清器` asked finds the
                // part named so before the one named `oil filter`.
                let weight = if i == 0 { 1.0 } else { SYNONYM_WEIGHT };
                match (&hint, with_hint) {
                    (Some((term, levels)), true) => {
                        passes.push((v, weight, Some((term.clone(), score::VEHICLE * levels))))
                    }
                    (_, false) => passes.push((v, weight, None)),
                    (None, true) => {}
                }
            }
        }
        let mut best: HashMap<DocAddress, Ranked> = HashMap::new();
        for (v, weight, fit) in passes {
            let bonus = fit.as_ref().map_or(0.0, |(_, bonus)| *bonus);
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = v
                .required
                .iter()
                .map(|t| -> (Occur, Box<dyn Query>) {
                    let term = Term::from_field_text(f.name, t);
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                    )
                })
                .collect();
            if let Some((fit, _)) = fit {
                clauses.push((Occur::Must, zero_score_term(fit)));
            }
            let query = self.scoped(q, clauses);
            // On the scale of the broad query, where the name weighs three times.
            let scale = NAME_BOOST * weight;
            let floor = match wanted_score(&best, want) {
                Some(needed) => {
                    let raw = (needed - bonus) / scale;
                    // A little lower: a hit that only ties may still win on its key, and
                    // rounding must not lose it.
                    raw - raw.abs() * 1e-4 - 1e-6
                }
                None => f32::NEG_INFINITY,
            };
            for hit in top_hits_above(searcher, &self.order_keys, &query, want, floor)? {
                let score = hit.score * scale + bonus;
                let entry = best.entry(hit.address).or_insert(Ranked { score, ..hit });
                entry.score = entry.score.max(score);
            }
        }
        Ok(best)
    }

    /// Every match ranked: most of the words of a variant, in the name (weighted most),
    /// category, description or fitment text; single Chinese characters and a vehicle hint
    /// add score. Scores every matching part, so it runs only when whole-name matches do
    /// not fill the page.
    fn broad_query(&self, q: &SearchQuery<'_>, variants: &[Variant]) -> Box<dyn Query> {
        let f = &self.fields;
        let fields: &[(tantivy::schema::Field, f32)] = if q.names_only {
            &[(f.name, 3.0)]
        } else {
            &[
                (f.name, 3.0),
                (f.category_text, 1.5),
                (f.description, 1.0),
                (f.fit_text, 1.0),
            ]
        };
        let clause = |t: &String| -> Box<dyn Query> {
            let per_field = fields
                .iter()
                .map(|&(field, boost)| -> (Occur, Box<dyn Query>) {
                    let tq = TermQuery::new(Term::from_field_text(field, t), IndexRecordOption::WithFreqs);
                    (Occur::Should, Box::new(BoostQuery::new(Box::new(tq), boost)))
                })
                .collect();
            Box::new(BooleanQuery::new(per_field))
        };
        let per_variant = variants
            .iter()
            .map(|v| -> (Occur, Box<dyn Query>) {
                let mut scored: Vec<(Occur, Box<dyn Query>)> =
                    vec![(Occur::Must, most_of(v.required.iter().map(clause).collect()))];
                scored.extend(v.optional.iter().map(|t| (Occur::Should, clause(t))));
                (Occur::Should, Box::new(BooleanQuery::new(scored)))
            })
            .collect();
        Box::new(BooleanQuery::new(per_variant))
    }

    /// Score for parts fitting the hinted vehicle: strong enough to put them first among name
    /// matches (a name score rarely passes 50), far below any number match.
    fn vehicle_hint(&self, q: &SearchQuery<'_>) -> Vec<Clause> {
        let fit = self.fields.fit;
        q.vehicle
            .iter()
            .flat_map(vehicle_terms)
            .map(|term| -> Clause {
                let tq = TermQuery::new(Term::from_field_text(fit, &term), IndexRecordOption::Basic);
                (
                    Occur::Should,
                    Box::new(ConstScoreQuery::new(Box::new(tq), score::VEHICLE)),
                )
            })
            .collect()
    }

    fn text_search(&self, searcher: &Searcher, q: &SearchQuery<'_>) -> Result<SearchResults> {
        let f = &self.fields;
        let variants: Vec<Variant> = self
            .plan(q.text, q.synonyms, q.vehicle_words)?
            .into_iter()
            .filter(|v| !v.required.is_empty())
            .collect();
        let want = q.offset + q.limit.max(1);
        let reading = readings::query_token(q.text);
        let pinyin = reading.as_deref().map(|t| self.reading_query(t));
        let matching = || -> BooleanQuery {
            let matching: Box<dyn Query> = if variants.is_empty() {
                Box::new(tantivy::query::AllQuery)
            } else {
                self.match_query(&variants, pinyin.as_deref())
            };
            self.scoped(q, vec![(Occur::Must, matching)])
        };
        let (counted, over_limit) = match q.counting {
            Counting::TopOnly => (None, false),
            Counting::Exact => {
                let query = matching();
                let counted = count_matches(searcher, &query, &self.counting, self.counting_ways, SPLIT_MIN_DOCS)?;
                (Some(counted), false)
            }
            Counting::Bounded => {
                let (counted, more) = count_up_to(searcher, &matching(), TOTAL_LIMIT)?;
                (Some(counted), more)
            }
        };
        // Hits found by the name's reading alone.
        let mut read_only: HashSet<DocAddress> = HashSet::new();

        let mut ranked: Vec<Ranked> = Vec::new();
        if !variants.is_empty() {
            ranked = self
                .whole_name_hits(searcher, q, &variants, want)?
                .into_values()
                .collect();
            ranked.sort_by(Ranked::best_first);
        }
        let broad: Box<dyn Query> = if variants.is_empty() {
            Box::new(tantivy::query::AllQuery)
        } else {
            self.broad_query(q, &variants)
        };
        if ranked.len() < want {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, broad.box_clone())];
            clauses.extend(self.vehicle_hint(q));
            let query = self.scoped(q, clauses);
            let seen: HashSet<DocAddress> = ranked.iter().map(|r| r.address).collect();
            // Best first already, by score and then order key.
            let rest = top_hits(searcher, &self.order_keys, &query, want)?;
            ranked.extend(rest.into_iter().filter(|r| !seen.contains(&r.address)));
        }
        // Names by pinyin, below every match on the words themselves.
        if let Some(reading) = pinyin.as_ref().filter(|_| ranked.len() < want) {
            let mut clauses: Vec<Clause> = vec![(Occur::Must, reading.box_clone())];
            clauses.extend(self.vehicle_hint(q));
            let query = self.scoped(q, clauses);
            let seen: HashSet<DocAddress> = ranked.iter().map(|r| r.address).collect();
            let by_reading = top_hits(searcher, &self.order_keys, &query, want)?;
            let by_reading: Vec<Ranked> = by_reading.into_iter().filter(|r| !seen.contains(&r.address)).collect();
            read_only.extend(by_reading.iter().map(|r| r.address));
            ranked.extend(by_reading);
        }
        let top: Vec<(f32, DocAddress)> = ranked
            .into_iter()
            .skip(q.offset)
            .take(q.limit.max(1))
            .map(|r| (r.score, r.address))
            .collect();
        let (total, facets) = match counted {
            Some(counted) => (counted.total, Some((counted.brands, counted.categories))),
            None => (q.offset + top.len(), None),
        };
        let snippets = if q.counting == Counting::TopOnly {
            None
        } else {
            Some(SnippetGenerator::create(searcher, &*broad, f.name)?)
        };

        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let part = self.read_stored(&doc);
            let name_tokens: HashSet<String> = self.analyze(&part.name)?.into_iter().collect();
            let best = variants.iter().max_by_key(|v| {
                v.required
                    .iter()
                    .chain(&v.optional)
                    .filter(|t| name_tokens.contains(*t))
                    .count()
            });
            let matched_on = match best {
                Some(v) if v.by_reading && v.required.iter().chain(&v.optional).any(|t| name_tokens.contains(t)) => {
                    MatchedOn {
                        kind: MatchKind::Pinyin,
                        value: v.text.clone(),
                        precision: "text",
                    }
                }
                _ if read_only.contains(&address) => MatchedOn {
                    kind: MatchKind::Pinyin,
                    value: reading.clone().unwrap_or_default(),
                    precision: "text",
                },
                Some(v) if v.required.iter().chain(&v.optional).any(|t| name_tokens.contains(t)) => MatchedOn {
                    kind: MatchKind::Name,
                    value: v.text.clone(),
                    precision: "text",
                },
                Some(_) => MatchedOn {
                    kind: if q.category.is_none() && part.category.is_some() {
                        MatchKind::Category
                    } else {
                        MatchKind::Description
                    },
                    value: q.text.to_owned(),
                    precision: "text",
                },
                None => MatchedOn {
                    kind: if q.make.is_some() || q.year.is_some() {
                        MatchKind::Fitment
                    } else {
                        MatchKind::Filter
                    },
                    value: String::new(),
                    precision: "exact",
                },
            };
            let highlight = snippets.as_ref().and_then(|snippets| {
                let snippet = snippets.snippet_from_doc(&doc);
                (!snippet.highlighted().is_empty()).then(|| snippet.to_html())
            });
            hits.push(Hit {
                part_id: part.part_id,
                score,
                matched_on,
                highlight,
                display: part.display,
            });
        }
        let facet_list = |counts: HashMap<String, u64>| {
            let mut list: Vec<(String, u64)> = counts.into_iter().collect();
            list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            list
        };
        Ok(SearchResults {
            total,
            total_is_lower_bound: over_limit,
            hits,
            facets: facets.map_or_else(Facets::default, |(brands, categories)| Facets {
                brand: facet_list(brands),
                category: facet_list(categories),
            }),
            facets_complete: q.counting != Counting::TopOnly && !over_limit,
        })
    }
}

type Clause = (Occur, Box<dyn Query>);

/// One search for a whole name: the variant, its weight, and the vehicle term it requires
/// with the score that adds.
type NamePass<'a> = (&'a Variant, f32, Option<(Term, f32)>);

/// The score a hit must reach to be among the `want` best found so far, once that many are.
fn wanted_score(found: &HashMap<DocAddress, Ranked>, want: usize) -> Option<f32> {
    if want == 0 || found.len() < want {
        return None;
    }
    let mut scores: Vec<f32> = found.values().map(|r| r.score).collect();
    let (_, nth, _) = scores.select_nth_unstable_by(want - 1, |a, b| b.total_cmp(a));
    Some(*nth)
}

/// How much more a word in the name weighs than one in the description.
const NAME_BOOST: f32 = 3.0;

/// A match on a synonym variant, against one on the words as written.
const SYNONYM_WEIGHT: f32 = 0.8;

/// The fitment terms a make/model/year filter requires: one term where the make is known
/// (given, or implied by the model), else the model and the year apart.
pub(crate) fn fitment_filter(make: Option<&str>, model: Option<&str>, year: Option<i32>) -> Vec<String> {
    let vocabulary = vehicles::vocabulary();
    let make = make
        .map(|m| vocabulary.make(m))
        .or_else(|| model.and_then(|m| vocabulary.make_of_model(m)).map(str::to_owned));
    let model = model.map(|m| vocabulary.model_key(make.as_deref().unwrap_or_default(), m));
    match (make, model, year) {
        (Some(make), Some(model), Some(year)) => vec![format!("mmy:{make}|{model}|{year}")],
        (Some(make), Some(model), None) => vec![format!("mm:{make}|{model}")],
        (Some(make), None, Some(year)) => vec![format!("my:{make}|{year}")],
        (Some(make), None, None) => vec![format!("m:{make}")],
        (None, Some(model), year) => [Some(format!("o:{model}")), year.map(|y| format!("y:{y}"))]
            .into_iter()
            .flatten()
            .collect(),
        (None, None, Some(year)) => vec![format!("y:{year}")],
        (None, None, None) => Vec::new(),
    }
}

/// Fitment terms a vehicle hint boosts, least specific first.
fn vehicle_terms(v: &Vehicle) -> Vec<String> {
    let vocabulary = vehicles::vocabulary();
    let make = vocabulary.make(&v.make);
    let mut terms = vec![format!("m:{make}")];
    if let Some(model) = v.model.as_deref().map(|m| vocabulary.model_key(&make, m)) {
        terms.push(format!("mm:{make}|{model}"));
        if let Some(year) = v.year {
            terms.push(format!("mmy:{make}|{model}|{year}"));
        }
    } else if let Some(year) = v.year {
        terms.push(format!("my:{make}|{year}"));
    }
    terms
}

/// Unions of intersections past this many are left to tantivy's minimum-match scorer.
const MAX_COMBINATIONS: usize = 10;

/// Most, not all, of `clauses` must match (`前刹车片` still finds `刹车片(前)`): three in
/// five, rounded up. Small cases become an intersection, or a union of a few intersections,
/// which tantivy walks several times faster than its general minimum-match scorer.
fn most_of(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    let n = clauses.len();
    let min = (n * 3).div_ceil(5).max(1);
    if min == n {
        return Box::new(BooleanQuery::new(
            clauses.into_iter().map(|c| (Occur::Must, c)).collect(),
        ));
    }
    if min == 1 {
        return Box::new(BooleanQuery::new(
            clauses.into_iter().map(|c| (Occur::Should, c)).collect(),
        ));
    }
    let subsets = combinations(n, min);
    if subsets.len() > MAX_COMBINATIONS {
        let should = clauses.into_iter().map(|c| (Occur::Should, c)).collect();
        return Box::new(BooleanQuery::with_minimum_required_clauses(should, min));
    }
    let union = subsets
        .into_iter()
        .map(|subset| -> (Occur, Box<dyn Query>) {
            let all = subset
                .into_iter()
                .map(|i| (Occur::Must, clauses[i].box_clone()))
                .collect();
            (Occur::Should, Box::new(BooleanQuery::new(all)))
        })
        .collect();
    Box::new(BooleanQuery::new(union))
}

/// The `k`-element subsets of `0..n`, in order.
pub(crate) fn combinations(n: usize, k: usize) -> Vec<Vec<usize>> {
    fn extend(start: usize, n: usize, k: usize, current: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if current.len() == k {
            out.push(current.clone());
            return;
        }
        for i in start..n {
            if out.len() > MAX_COMBINATIONS {
                return;
            }
            current.push(i);
            extend(i + 1, n, k, current, out);
            current.pop();
        }
    }
    let mut out = Vec::new();
    extend(0, n, k, &mut Vec::with_capacity(k), &mut out);
    out
}

/// One spelling of the query (the text itself or a synonym variant), analyzed.
struct Variant {
    text: String,
    /// A synonym group's word found by the query's pinyin, not typed.
    by_reading: bool,
    /// Words of which most must match.
    required: Vec<String>,
    /// Single Chinese characters inside longer runs: they only add score.
    optional: Vec<String>,
}

struct StoredPart {
    part_id: String,
    numbers: Vec<NumberEntry>,
    brand: Option<String>,
    category: Option<String>,
    name: String,
    display: Option<String>,
}

fn rank(candidates: HashMap<String, Candidate>, q: &SearchQuery<'_>) -> SearchResults {
    let mut facets: [HashMap<String, u64>; 2] = Default::default();
    for c in candidates.values() {
        if let Some(b) = &c.brand {
            *facets[0].entry(b.clone()).or_default() += 1;
        }
        if let Some(cat) = &c.category {
            *facets[1].entry(cat.clone()).or_default() += 1;
        }
    }
    let mut all: Vec<(String, Candidate)> = candidates.into_iter().collect();
    all.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then_with(|| a.0.cmp(&b.0)));
    let total = all.len();
    let hits = all
        .into_iter()
        .skip(q.offset)
        .take(q.limit.max(1))
        .map(|(part_id, c)| Hit {
            part_id,
            score: c.score,
            matched_on: c.matched_on,
            highlight: None,
            display: c.display,
        })
        .collect();
    let to_list = |m: HashMap<String, u64>| {
        let mut list: Vec<(String, u64)> = m.into_iter().collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        list
    };
    let [brand, category] = facets;
    SearchResults {
        total,
        total_is_lower_bound: false,
        hits,
        facets: Facets {
            brand: to_list(brand),
            category: to_list(category),
        },
        facets_complete: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit() {
        assert!(within_one_edit("0986424735", "0986424735"));
        assert!(within_one_edit("0986424735", "0986424736"));
        assert!(within_one_edit("0986424735", "098642735"));
        assert!(within_one_edit("0986424735", "09864247350"));
        assert!(within_one_edit("0986424735", "0986427435"));
        assert!(!within_one_edit("0986424735", "0986427453"));
        assert!(!within_one_edit("0986424735", "1986424736"));
    }
}

#[cfg(test)]
mod variant_tests {
    use super::SearchIndex;
    use crate::synonyms::Synonyms;

    fn variants(text: &str, synonyms: &[Vec<String>]) -> Vec<String> {
        SearchIndex::variants(text, &Synonyms::new(synonyms.to_vec()))
            .into_iter()
            .map(|(v, _)| v)
            .collect()
    }

    #[test]
    fn only_the_longest_synonym_in_the_text_is_replaced() {
        let group = vec![vec!["空调滤".to_owned(), "空调滤清器".to_owned(), "空调格".to_owned()]];
        assert_eq!(
            variants("空调滤清器 2个", &group),
            ["空调滤清器 2个", "空调滤 2个", "空调格 2个"]
        );
        assert_eq!(variants("空调滤", &group), ["空调滤", "空调滤清器", "空调格"]);
    }

    #[test]
    fn latin_synonyms_replace_whole_words_with_their_plural() {
        let group = vec![vec!["刹车片".to_owned(), "brake pad".to_owned()]];
        assert_eq!(variants("Brake Pads x2", &group), ["Brake Pads x2", "刹车片 x2"]);
        assert_eq!(variants("rear brake pad", &group), ["rear brake pad", "rear 刹车片"]);
        // Not a word of its own here.
        assert_eq!(variants("brake padding", &group), ["brake padding"]);
        assert_eq!(variants("xbrake pad", &group), ["xbrake pad"]);
        assert_eq!(variants("前刹车片", &group), ["前刹车片", "前brake pad"]);
        assert_eq!(
            variants("the brake pad's wear", &group),
            ["the brake pad's wear", "the 刹车片 wear"]
        );
        let words = vec![vec!["a a".to_owned(), "b".to_owned()]];
        assert_eq!(variants("ba a a", &words), ["ba a a", "ba b"]);
    }

    #[test]
    fn pinyin_finds_the_group_of_the_word_it_reads() {
        let groups = vec![
            vec!["机滤".to_owned(), "机油滤清器".to_owned(), "oil filter".to_owned()],
            vec!["空滤".to_owned(), "空气滤清器".to_owned()],
        ];
        assert_eq!(
            SearchIndex::variants("jl", &Synonyms::new(groups.clone())),
            [
                ("jl".to_owned(), false),
                ("机滤".to_owned(), true),
                ("机油滤清器".to_owned(), true),
                ("oil filter".to_owned(), true)
            ]
        );
        assert_eq!(
            variants("kongqilvqingqi", &groups),
            ["kongqilvqingqi", "空滤", "空气滤清器"]
        );
        assert_eq!(variants("filter", &groups), ["filter"]);
    }
}
