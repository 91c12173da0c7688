//! The catalog search index: one tantivy index shared by every tenant, one writer, and the
//! tenant filter added in exactly one function ([`tenant_scoped`]) that every query passes
//! through. The index is a projection of the database: [`SearchIndex::apply`] records the
//! id of the last change it applied in the commit itself, so a restart catches up from there
//! and a rebuild from scratch gives the same documents.

mod analyzer;
pub mod baseline;
mod merge;
mod ranked;
pub mod readings;
mod search;
mod synonyms;
mod term_counts;
pub mod vehicles;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

pub use search::{Counting, Facets, Hit, MatchKind, MatchedOn, SearchQuery, SearchResults, TOTAL_LIMIT, Vehicle};
pub use synonyms::Synonyms;

/// Memory for the single index writer, shared by all tenants.
const WRITER_MEMORY_BYTES: usize = 64 * 1024 * 1024;
/// One indexing thread keeps up with the fastest import (about 25,000 parts/s, where tantivy
/// indexes some 100,000 documents/s per thread) and leaves the other cores to the database
/// writer; each extra thread also adds a segment per commit for merges to rewrite. On 2 cores,
/// alternating runs: 200k parts 28,453 / 28,429 rows/s against 25,147 / 25,953 with two
/// threads, 1M 24,337 / 24,473 against 23,752 / 22,738 (`partsdesk bench catalog --parts N`).
const WRITER_THREADS: usize = 1;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("search index I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("search index query: {0}")]
    Query(String),
}

pub type Result<T, E = IndexError> = std::result::Result<T, E>;

/// How a number relates to the part that carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberKind {
    /// The dealer's own code.
    Sku,
    /// The part brand's own number.
    Article,
    /// The vehicle maker's number.
    Oe,
    /// An equivalent part of another brand.
    Interchange,
    /// An older number this part replaces.
    Supersedes,
    /// A newer number that replaces this part.
    SupersededBy,
}

impl NumberKind {
    fn is_own(self) -> bool {
        matches!(self, Self::Sku | Self::Article | Self::Oe)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberEntry {
    pub kind: NumberKind,
    /// Uppercase ASCII letters and digits only.
    pub normalized: String,
    /// As the catalog wrote it, for display.
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FitmentEntry {
    pub make: String,
    pub model: Option<String>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    pub engine: Option<String>,
}

/// Everything search needs to know about one part.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PartDoc {
    pub tenant: String,
    pub part_id: String,
    pub brand: Option<String>,
    pub category: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub numbers: Vec<NumberEntry>,
    pub fitments: Vec<FitmentEntry>,
    pub in_stock: bool,
    /// What a hit shows, stored as given and returned with the hit ([`Hit::display`]), so a
    /// search needs no second read elsewhere. Opaque to the index.
    pub display: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Change {
    Upsert(PartDoc),
    /// A part the index cannot hold yet (its first change, or a rebuild after a clear):
    /// added without first deleting it, which spares looking its key up in every segment.
    Add(PartDoc),
    Delete {
        tenant: String,
        part_id: String,
    },
}

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    key: Field,
    tenant: Field,
    part_id: Field,
    /// Name, category, description and fitment words in one field: which parts match is
    /// decided here, one posting list per word, and counted without scoring.
    text_all: Field,
    num: Field,
    num_own: Field,
    numbers_json: Field,
    display: Field,
    name: Field,
    /// The name's pinyin readings (see [`readings`]).
    name_pinyin: Field,
    description: Field,
    category_text: Field,
    fit_text: Field,
    brand: Field,
    category: Field,
    fit: Field,
    in_stock: Field,
    /// Breaks ties between equal scores (see [`ranked`]).
    order: Field,
}

fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Frequencies for BM25, no positions: no query asks where in a text a word stands.
    let text = |stored: bool| {
        let options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer::TEXT)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        if stored { options.set_stored() } else { options }
    };
    let keyword = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer::KEYWORD)
            .set_index_option(IndexRecordOption::Basic),
    );
    // Filter terms read with frequencies: a term query on them is a plain term scorer, so a
    // query of filters and required words stays a pure term intersection, which tantivy
    // ranks with block-max pruning (see [`zero_score_term`]).
    let filter = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer::KEYWORD)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        // Only ever deleted by; part_id is only ever read back from a hit.
        key: b.add_text_field("key", STRING),
        tenant: b.add_text_field("tenant", filter.clone()),
        part_id: b.add_text_field("part_id", STORED),
        text_all: b.add_text_field(
            "text_all",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer::TEXT)
                    .set_index_option(IndexRecordOption::Basic)
                    .set_fieldnorms(false),
            ),
        ),
        num: b.add_text_field("num", keyword.clone()),
        num_own: b.add_text_field("num_own", keyword),
        numbers_json: b.add_text_field("numbers", STORED),
        display: b.add_text_field("display", STORED),
        name: b.add_text_field("name", text(true)),
        name_pinyin: b.add_text_field("name_pinyin", STRING),
        description: b.add_text_field("description", text(false)),
        category_text: b.add_text_field("category_text", text(false)),
        fit_text: b.add_text_field("fit_text", text(false)),
        // Fast as well: facet counts read them per matching document.
        brand: b.add_text_field("brand", STRING | STORED | FAST),
        category: b.add_text_field("category", STRING | STORED | FAST),
        fit: b.add_text_field("fit", filter),
        in_stock: b.add_u64_field("in_stock", INDEXED | FAST),
        order: b.add_u64_field(ranked::ORDER_FIELD, FAST),
    };
    (b.build(), fields)
}

/// Filter value for a brand or make: case and spacing do not matter.
pub fn keyword(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase()
}

/// Fitment terms: make, make+model, with and without year, so that each filter is one term.
/// Built by appending rather than `format!`: a part has some twenty of them, and formatting
/// them was half the instructions of building its document (`valgrind --tool=callgrind
/// partsdesk bench catalog --parts 20000`).
fn fitment_terms(f: &FitmentEntry, terms: &mut Vec<String>) {
    let term = |parts: &[&str]| {
        let mut term = String::with_capacity(parts.iter().map(|p| p.len()).sum());
        parts.iter().for_each(|p| term.push_str(p));
        term
    };
    let vocabulary = vehicles::vocabulary();
    let make = vocabulary.make(&f.make);
    let models = f
        .model
        .as_deref()
        .map(|m| vocabulary.model_keys(&make, m))
        .unwrap_or_default();
    terms.push(term(&["m:", &make]));
    for model in &models {
        terms.push(term(&["mm:", &make, "|", model]));
        terms.push(term(&["o:", model]));
    }
    if let (Some(from), Some(to)) = (f.year_from.or(f.year_to), f.year_to.or(f.year_from)) {
        // A fitment spans at most a vehicle generation or two; cap to keep terms bounded.
        for year in from..=to.min(from + 40) {
            let year = year.to_string();
            terms.push(term(&["y:", &year]));
            terms.push(term(&["my:", &make, "|", &year]));
            for model in &models {
                terms.push(term(&["mmy:", &make, "|", model, "|", &year]));
            }
        }
    }
}

/// Words the fitment adds to the searchable text: as the catalog wrote it, and the canonical
/// make and family, so that a query in the other language finds it too.
fn fitment_words(f: &FitmentEntry) -> String {
    let vocabulary = vehicles::vocabulary();
    let make = vocabulary.make(&f.make);
    let mut words: Vec<&str> = [Some(f.make.as_str()), f.model.as_deref(), f.engine.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let family = f.model.as_deref().map(|m| vocabulary.model_key(&make, m));
    if !words.iter().any(|w| w.eq_ignore_ascii_case(&make)) {
        words.push(&make);
    }
    if let Some(family) = &family {
        words.push(family);
    }
    words.join(" ")
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    /// Writes have paused: merge into one segment if worth it (see [`merge`]).
    settle: Arc<AtomicBool>,
    /// Threads that count a text query's matches, and how many ranges of a segment they
    /// count at once (see [`term_counts::count_matches`]).
    counting: tantivy::Executor,
    counting_ways: u32,
    order_keys: ranked::OrderKeys,
}

/// Stored fields are compressed in blocks of this many bytes, and reading one part's fields
/// decompresses its whole block: a search reads a page of hits from random blocks, so small
/// blocks cost far less time for a little more disk (tantivy's default is 16 KiB).
const DOCSTORE_BLOCK_BYTES: usize = 4_096;

fn index_settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        sort_by_field: Some(ranked::sorted_by_key()),
        docstore_blocksize: DOCSTORE_BLOCK_BYTES,
        ..Default::default()
    }
}

impl SearchIndex {
    /// Open the index in `dir`, creating it if missing.
    /// An index written with another schema (an older version of this crate) is deleted
    /// and created empty: it is a projection of the database, and an index that has never
    /// been committed to is rebuilt from there.
    pub fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        let (schema, _) = build_schema();
        let directory = MmapDirectory::open(dir)?;
        if !Index::exists(&directory).map_err(tantivy::TantivyError::from)? {
            return Self::from_index(Index::create(directory, schema, index_settings())?);
        }
        let index = match Index::open_or_create(directory, schema.clone()) {
            Err(tantivy::TantivyError::SchemaError(reason)) => {
                tracing::warn!(%reason, dir = %dir.display(), "search index has an older layout: starting it afresh");
                Self::recreate(dir, schema)?
            }
            Ok(index)
                if index.settings().sort_by_field != Some(ranked::sorted_by_key())
                    || index.settings().docstore_blocksize != DOCSTORE_BLOCK_BYTES =>
            {
                tracing::warn!(dir = %dir.display(), "search index keeps its parts in another order or layout: starting it afresh");
                drop(index);
                Self::recreate(dir, schema)?
            }
            Ok(index) if index.load_metas()?.payload.is_some_and(|p| parse_payload(&p).is_none()) => {
                tracing::warn!(dir = %dir.display(), "search index was built with older text analysis: starting it afresh");
                drop(index);
                Self::recreate(dir, schema)?
            }
            other => other?,
        };
        Self::from_index(index)
    }

    fn recreate(dir: &Path, schema: Schema) -> Result<Index> {
        // Only if no other process is writing to it (taking its writer fails then).
        let old = Index::open(MmapDirectory::open(dir)?)?;
        drop(old.writer_with_num_threads::<TantivyDocument>(1, 15_000_000)?);
        drop(old);
        std::fs::remove_dir_all(dir)?;
        std::fs::create_dir_all(dir)?;
        Ok(Index::create(MmapDirectory::open(dir)?, schema, index_settings())?)
    }

    /// A throw-away index in memory.
    pub fn in_memory() -> Result<Self> {
        let (schema, _) = build_schema();
        Self::from_index(
            Index::builder()
                .schema(schema)
                .settings(index_settings())
                .create_in_ram()?,
        )
    }

    fn from_index(index: Index) -> Result<Self> {
        analyzer::register(index.tokenizers());
        let (_, fields) = build_schema();
        let writer = index.writer_with_num_threads(WRITER_THREADS, WRITER_MEMORY_BYTES)?;
        let settle = Arc::new(AtomicBool::new(false));
        writer.set_merge_policy(Box::new(merge::SettlingMergePolicy::new(Arc::clone(&settle))));
        // Commits reload the reader themselves, so that a write is searchable when `commit`
        // returns; the watch picks up merges, which finish in the background.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        let counting_ways = std::thread::available_parallelism().map_or(1, |n| n.get().min(4)) as u32;
        let counting = if counting_ways > 1 {
            tantivy::Executor::multi_thread(counting_ways as usize, "search-count-")?
        } else {
            tantivy::Executor::single_thread()
        };
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            settle,
            counting,
            counting_ways,
            order_keys: ranked::OrderKeys::default(),
        })
    }

    /// The id of the last change applied, as recorded in the latest commit.
    pub fn last_applied(&self) -> Result<Option<i64>> {
        Ok(self.index.load_metas()?.payload.and_then(|p| parse_payload(&p)))
    }

    /// Number of documents of one tenant.
    pub fn count(&self, tenant: &str) -> Result<usize> {
        let searcher = self.reader.searcher();
        let all: Box<dyn tantivy::query::Query> = Box::new(tantivy::query::AllQuery);
        let query = tenant_scoped(&self.fields, tenant, vec![(tantivy::query::Occur::Must, all)]);
        Ok(searcher.search(&query, &tantivy::collector::Count)?)
    }

    /// Apply changes and commit, recording `up_to` (the last change id) in the commit, then
    /// make the result visible to searches.
    pub fn apply(&self, changes: impl IntoIterator<Item = Change>, up_to: i64) -> Result<()> {
        self.stage(changes)?;
        self.commit(up_to)
    }

    /// Add changes to the writer without committing: a commit costs a sync to disk, so bulk
    /// loads stage many batches and commit once. Nothing staged is visible until
    /// [`Self::commit`].
    pub fn stage(&self, changes: impl IntoIterator<Item = Change>) -> Result<()> {
        let writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        self.settle.store(false, Ordering::SeqCst);
        for change in changes {
            match change {
                Change::Upsert(doc) => {
                    writer.delete_term(Term::from_field_text(
                        self.fields.key,
                        &doc_key(&doc.tenant, &doc.part_id),
                    ));
                    writer.add_document(self.document(&doc))?;
                }
                Change::Add(doc) => {
                    writer.add_document(self.document(&doc))?;
                }
                Change::Delete { tenant, part_id } => {
                    writer.delete_term(Term::from_field_text(self.fields.key, &doc_key(&tenant, &part_id)));
                }
            }
        }
        Ok(())
    }

    /// Commit what was staged, recording `up_to` (the last change id applied) in the commit,
    /// and make it visible to searches.
    pub fn commit(&self, up_to: i64) -> Result<()> {
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&format!("{up_to} {ANALYSIS}"));
        commit.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Committed segments (each one costs a lookup a probe of its term dictionary).
    pub fn segment_count(&self) -> Result<usize> {
        Ok(self.index.searchable_segment_ids()?.len())
    }

    /// Writes have paused: merge the index into one segment in the background, if that is
    /// worth it, until the next write. Whether a merge was asked for.
    pub fn settle(&self) -> Result<bool> {
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if !merge::worth_merging(&self.index.searchable_segment_metas()?) {
            return Ok(false);
        }
        self.settle.store(true, Ordering::SeqCst);
        // tantivy consults the merge policy after a commit; this one changes nothing else.
        let payload = self.index.load_metas()?.payload;
        let mut commit = writer.prepare_commit()?;
        if let Some(payload) = payload {
            commit.set_payload(&payload);
        }
        commit.commit()?;
        Ok(true)
    }

    /// A merge asked for by [`Self::settle`] has yet to finish.
    pub fn settling(&self) -> Result<bool> {
        Ok(self.settle.load(Ordering::SeqCst) && merge::worth_merging(&self.index.searchable_segment_metas()?))
    }

    /// Show searches the segments as they are now (a merge's result is otherwise picked up
    /// by a watch, a moment after it is written).
    pub fn refresh(&self) -> Result<()> {
        Ok(self.reader.reload()?)
    }

    /// Remove every document (before a rebuild); commits with no recorded change.
    pub fn clear(&self) -> Result<()> {
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        writer.delete_all_documents()?;
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Bytes the index takes on disk (0 in memory).
    pub fn size_on_disk(dir: &Path) -> u64 {
        std::fs::read_dir(dir)
            .map(|entries| entries.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum())
            .unwrap_or(0)
    }

    fn document(&self, doc: &PartDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.key, doc_key(&doc.tenant, &doc.part_id));
        d.add_text(f.tenant, &doc.tenant);
        d.add_text(f.part_id, &doc.part_id);
        for n in &doc.numbers {
            let term = number_term(&doc.tenant, &n.normalized);
            d.add_text(f.num, &term);
            if n.kind.is_own() {
                d.add_text(f.num_own, &term);
            }
        }
        d.add_text(f.numbers_json, serde_json::to_string(&doc.numbers).unwrap_or_default());
        if let Some(display) = &doc.display {
            d.add_text(f.display, display);
        }
        d.add_text(f.name, &doc.name);
        for reading in readings::name_tokens(&doc.name) {
            d.add_text(f.name_pinyin, reading);
        }
        d.add_text(f.text_all, &doc.name);
        if let Some(desc) = &doc.description {
            d.add_text(f.description, desc);
            d.add_text(f.text_all, desc);
        }
        if let Some(brand) = &doc.brand {
            d.add_text(f.brand, keyword(brand));
        }
        if let Some(category) = &doc.category {
            d.add_text(f.category, category);
            d.add_text(f.category_text, category);
            d.add_text(f.text_all, category);
        }
        let mut fit_terms = Vec::new();
        for fit in &doc.fitments {
            fitment_terms(fit, &mut fit_terms);
        }
        // A genuine part is listed under its maker's name as the brand (丰田, TOYOTA): it is
        // for that maker's vehicles even where the catalog lists no fitment.
        if let Some(make) = doc.brand.as_deref().and_then(|b| vehicles::vocabulary().known_make(b)) {
            fit_terms.push(format!("m:{make}"));
        }
        // Once each: two fitments of one make share its terms.
        fit_terms.sort_unstable();
        fit_terms.dedup();
        for term in fit_terms {
            d.add_text(f.fit, term);
        }
        for fit in &doc.fitments {
            let words = fitment_words(fit);
            d.add_text(f.fit_text, &words);
            d.add_text(f.text_all, &words);
        }
        d.add_u64(f.in_stock, u64::from(doc.in_stock));
        d.add_u64(f.order, ranked::order_key(&doc.tenant, &doc.part_id));
        d
    }
}

/// Which text analysis and fitment vocabulary built the index, recorded beside the last change
/// applied in every commit: an index built by another is rebuilt from the database, since
/// its terms would no longer meet the queries'.
const ANALYSIS: &str = "analysis-4";

fn parse_payload(payload: &str) -> Option<i64> {
    let (up_to, analysis) = payload.split_once(' ')?;
    (analysis == ANALYSIS).then(|| up_to.parse().ok()).flatten()
}

fn doc_key(tenant: &str, part_id: &str) -> String {
    format!("{tenant}/{part_id}")
}

/// The one place a tenant filter is added: every search runs through here. The tenant is a
/// required clause beside the caller's own (not around them), so that a query made only of
/// required terms stays a pure term intersection and keeps tantivy's block-max pruning.
/// It adds nothing to the score.
pub(crate) fn tenant_scoped(
    fields: &Fields,
    tenant: &str,
    mut clauses: Vec<(tantivy::query::Occur, Box<dyn tantivy::query::Query>)>,
) -> tantivy::query::BooleanQuery {
    use tantivy::query::{BooleanQuery, Occur};
    debug_assert!(
        clauses.iter().any(|(occur, _)| *occur == Occur::Must),
        "a query of optional clauses alone would match every part of the tenant"
    );
    let filter = zero_score_term(Term::from_field_text(fields.tenant, tenant));
    clauses.push((Occur::Must, filter));
    BooleanQuery::new(clauses)
}

/// A number as indexed: with its tenant, so that looking a number up is one term, not an
/// intersection with the tenant's posting list (which, for a dealer with a million parts,
/// costs more than the lookup itself). Normalized numbers are letters and digits only.
pub(crate) fn number_term(tenant: &str, normalized: &str) -> String {
    format!("{tenant}:{normalized}")
}

/// The other place a tenant scope is made: parts of `tenant` with any of `numbers`
/// (normalized) in a number field. Its terms carry the tenant ([`number_term`]), so they are
/// the scope, and no tenant clause is intersected with them. A few numbers become a union of
/// term queries: tantivy's term-set query compiles the terms into an automaton and marks
/// matches in a bitset the size of the segment, which on a million parts costs more than the
/// rest of a number search together.
pub(crate) fn tenant_numbers<'n>(
    tenant: &str,
    field: Field,
    numbers: impl Iterator<Item = &'n str>,
) -> Box<dyn tantivy::query::Query> {
    use tantivy::query::{BooleanQuery, Occur, TermQuery, TermSetQuery};
    const FEW: usize = 64;
    let terms: Vec<Term> = numbers
        .map(|n| Term::from_field_text(field, &number_term(tenant, n)))
        .collect();
    if terms.len() > FEW {
        return Box::new(TermSetQuery::new(terms));
    }
    Box::new(BooleanQuery::new(
        terms
            .into_iter()
            .map(|t| -> (Occur, Box<dyn tantivy::query::Query>) {
                (Occur::Should, Box::new(TermQuery::new(t, IndexRecordOption::Basic)))
            })
            .collect(),
    ))
}

/// A required term that filters without scoring. Unlike a constant-score wrapper it remains a
/// plain term scorer (tantivy passes the zero boost into the term's weight), so block-max
/// pruning still applies, and its block maxima (zero) are exact.
pub(crate) fn zero_score_term(term: Term) -> Box<dyn tantivy::query::Query> {
    use tantivy::query::{BoostQuery, TermQuery};
    Box::new(BoostQuery::new(
        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
        0.0,
    ))
}

#[cfg(test)]
mod tests;
