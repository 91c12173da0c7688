//! Counting matches, with facet counts from a fast (columnar) string field: one array
//! increment per matching document, the strings looked up once per distinct value at the
//! end. Several times cheaper than tantivy's facet collector, which matters when a common
//! word matches a quarter of a million-part catalog.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocId, DocSet, Executor, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED};

/// A segment smaller than this is counted in one piece: splitting it costs more than it saves.
pub(crate) const SPLIT_MIN_DOCS: u32 = 50_000;

/// How many documents match, and how many of those carry each brand and category.
#[derive(Debug, Default)]
pub struct Counted {
    pub total: usize,
    pub brands: HashMap<String, u64>,
    pub categories: HashMap<String, u64>,
}

/// Count what `query` matches, each segment split into `ways` ranges of document ids counted
/// at once on `executor`. Counting is most of a text search's time (ranking stops early,
/// counting cannot), and once the index has settled into one segment, tantivy's own
/// parallelism (one task per segment) would leave all but one core idle.
pub(crate) fn count_matches(
    searcher: &Searcher,
    query: &dyn Query,
    executor: &Executor,
    ways: u32,
    split_min_docs: u32,
) -> tantivy::Result<Counted> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut ranges: Vec<(SegmentOrdinal, DocId, DocId)> = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let ord = ord as SegmentOrdinal;
        let docs = segment.max_doc();
        let parts = if docs >= split_min_docs { ways.max(1) } else { 1 };
        let step = docs.div_ceil(parts).max(1);
        ranges.extend((0..parts).map(|i| (ord, i * step, ((i + 1) * step).min(docs))));
    }
    let (brand, category) = (TermCounts::new("brand"), TermCounts::new("category"));
    let counted = executor.map(
        |(ord, start, end)| {
            let segment = searcher.segment_reader(ord);
            let mut scorer = weight.scorer(segment, 1.0)?;
            let (mut brands, mut categories) = (brand.for_segment(ord, segment)?, category.for_segment(ord, segment)?);
            let alive = segment.alive_bitset();
            let mut total = 0usize;
            let mut doc = scorer.doc();
            if doc < start {
                doc = scorer.seek(start);
            }
            while doc < end && doc != TERMINATED {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    total += 1;
                    brands.collect(doc, 0.0);
                    categories.collect(doc, 0.0);
                }
                doc = scorer.advance();
            }
            Ok((total, brands.harvest(), categories.harvest()))
        },
        ranges.into_iter(),
    )?;
    let mut out = Counted::default();
    let (mut brands, mut categories) = (Vec::new(), Vec::new());
    for (total, b, c) in counted {
        out.total += total;
        brands.push(b);
        categories.push(c);
    }
    out.brands = brand.merge_fruits(brands)?;
    out.categories = category.merge_fruits(categories)?;
    Ok(out)
}

/// Count what `query` matches in document order, stopping once past `limit`: answers at most
/// `limit` as the total, and whether more match. Documents are in order-key order, random
/// with respect to what a query asks, so stopping early costs no more than `limit` steps.
pub(crate) fn count_up_to(searcher: &Searcher, query: &dyn Query, limit: usize) -> tantivy::Result<(Counted, bool)> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let (brand, category) = (TermCounts::new("brand"), TermCounts::new("category"));
    let (mut brands, mut categories) = (Vec::new(), Vec::new());
    let mut total = 0usize;
    let mut more = false;
    'segments: for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let ord = ord as SegmentOrdinal;
        let mut scorer = weight.scorer(segment, 1.0)?;
        let (mut b, mut c) = (brand.for_segment(ord, segment)?, category.for_segment(ord, segment)?);
        let alive = segment.alive_bitset();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                if total == limit {
                    more = true;
                    brands.push(b.harvest());
                    categories.push(c.harvest());
                    break 'segments;
                }
                total += 1;
                b.collect(doc, 0.0);
                c.collect(doc, 0.0);
            }
            doc = scorer.advance();
        }
        brands.push(b.harvest());
        categories.push(c.harvest());
    }
    let counted = Counted {
        total,
        brands: brand.merge_fruits(brands)?,
        categories: category.merge_fruits(categories)?,
    };
    Ok((counted, more))
}

/// Documents per value of a fast string field.
pub struct TermCounts {
    field: &'static str,
}

impl TermCounts {
    pub fn new(field: &'static str) -> Self {
        Self { field }
    }
}

pub struct SegmentTermCounts {
    column: Option<StrColumn>,
    counts: Vec<u64>,
}

impl Collector for TermCounts {
    type Fruit = HashMap<String, u64>;
    type Child = SegmentTermCounts;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentTermCounts> {
        let column = segment.fast_fields().str(self.field)?;
        let terms = column.as_ref().map_or(0, |c| c.num_terms());
        Ok(SegmentTermCounts {
            column,
            counts: vec![0; terms],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<HashMap<String, u64>>) -> tantivy::Result<HashMap<String, u64>> {
        let mut out = HashMap::new();
        for segment in segments {
            for (value, count) in segment {
                *out.entry(value).or_default() += count;
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for SegmentTermCounts {
    type Fruit = HashMap<String, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(column) = &self.column {
            for ord in column.term_ords(doc) {
                if let Some(count) = usize::try_from(ord).ok().and_then(|o| self.counts.get_mut(o)) {
                    *count += 1;
                }
            }
        }
    }

    fn harvest(self) -> HashMap<String, u64> {
        let mut out = HashMap::new();
        let Some(column) = &self.column else { return out };
        for (ord, &count) in self.counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            let mut value = String::new();
            if column.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                out.insert(value, count);
            }
        }
        out
    }
}
