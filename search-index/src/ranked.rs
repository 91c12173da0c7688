//! Top hits by score with equal scores in a stable order: each part's order key (from its id,
//! a fast field) breaks ties, so a rebuilt index answers exactly as the one before it, and
//! paging through hits of one score never repeats or skips one. tantivy's own top-K breaks
//! ties by document address, which a rebuild or a merge changes; so the index keeps every
//! segment's documents sorted by key (see [`sorted_by_key`]), and within a segment a later
//! document never wins a tie. Ranking then prunes exactly as tantivy's own top-K does.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::index::SegmentId;
use tantivy::query::{Query, Weight};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// The fast field holding each part's order key.
pub(crate) const ORDER_FIELD: &str = "order";

/// Bits of an order key taken by the part; the bits above them are its tenant's.
const PART_BITS: u32 = 40;

/// A part's order key: its tenant's hash in the high 24 bits, then 40 random bits of its id
/// (`prt_<32 hex digits>`, a UUID), or for an id of another form a hash of it; the same on
/// every machine and every build. Sorted by it, each segment keeps a dealer's parts together:
/// a query for one dealer of thousands then reads the stretch of each posting list that holds
/// its parts, instead of seeking through every dealer's. Within a dealer the order is random,
/// so the first matches in index order are a uniform sample of them.
pub(crate) fn order_key(tenant: &str, part_id: &str) -> u64 {
    let hex = part_id.rsplit('_').next().unwrap_or(part_id);
    // FNV's high bits are the well-mixed ones.
    let hashed = |text: &str| fnv1a(text) >> (64 - PART_BITS);
    let part = if hex.len() >= 16 {
        u64::from_str_radix(&hex[hex.len() - 16..], 16)
            .map_or_else(|_| hashed(part_id), |low| low & ((1 << PART_BITS) - 1))
    } else {
        hashed(part_id)
    };
    ((fnv1a(tenant) >> PART_BITS) << PART_BITS) | part
}

/// FNV-1a: fixed, unlike the standard library's hasher.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Ranked {
    pub score: Score,
    pub key: u64,
    pub address: DocAddress,
}

impl Ranked {
    /// Best first: higher score, then lower key (the address only if keys collide).
    pub fn best_first(a: &Self, b: &Self) -> Ordering {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.key.cmp(&b.key))
            .then_with(|| a.address.cmp(&b.address))
    }
}

/// Heap entry whose greatest element is the worst hit kept, to be replaced first.
struct Worst(Ranked);

impl PartialEq for Worst {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Worst {}
impl PartialOrd for Worst {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Worst {
    fn cmp(&self, other: &Self) -> Ordering {
        Ranked::best_first(&self.0, &other.0)
    }
}

/// The index setting that keeps each segment's documents in key order, merges included.
pub(crate) fn sorted_by_key() -> tantivy::IndexSortByField {
    tantivy::IndexSortByField {
        field: ORDER_FIELD.to_owned(),
        order: tantivy::Order::Asc,
    }
}

/// Each segment's order keys, opened once: opening the column reads its block metadata,
/// which for a segment of a million parts costs more than ranking a dealer's thousand, and a
/// search ranks several times.
#[derive(Default)]
pub(crate) struct OrderKeys {
    open: Mutex<HashMap<SegmentId, Arc<dyn ColumnValues<u64>>>>,
}

impl OrderKeys {
    fn of(&self, searcher: &Searcher, reader: &SegmentReader) -> tantivy::Result<Arc<dyn ColumnValues<u64>>> {
        let id = reader.segment_id();
        let mut open = self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(keys) = open.get(&id) {
            return Ok(Arc::clone(keys));
        }
        let keys = reader.fast_fields().u64(ORDER_FIELD)?.first_or_default_col(0);
        // A new segment: those merged away since are let go with their files.
        let live: HashSet<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(SegmentReader::segment_id)
            .collect();
        open.retain(|segment, _| live.contains(segment));
        open.insert(id, Arc::clone(&keys));
        Ok(keys)
    }
}

/// The best `limit` hits of `query`, best first, equal scores by key.
pub(crate) fn top_hits(
    searcher: &Searcher,
    keys: &OrderKeys,
    query: &dyn Query,
    limit: usize,
) -> tantivy::Result<Vec<Ranked>> {
    top_hits_above(searcher, keys, query, limit, Score::NEG_INFINITY)
}

/// As [`top_hits`], of the hits scoring above `floor` only: what an earlier query already
/// found `limit` better hits than is skipped, whole blocks of postings at a time.
pub(crate) fn top_hits_above(
    searcher: &Searcher,
    keys: &OrderKeys,
    query: &dyn Query,
    limit: usize,
    floor: Score,
) -> tantivy::Result<Vec<Ranked>> {
    searcher.search(
        query,
        &TopByScoreThenKey {
            limit: limit.max(1),
            floor,
            searcher,
            keys,
        },
    )
}

/// The best `limit` hits above `floor`, best first. Needs segments sorted by key: documents
/// arrive in address order, so in key order, and a hit that only ties the worst one kept is
/// worse.
struct TopByScoreThenKey<'a> {
    limit: usize,
    floor: Score,
    searcher: &'a Searcher,
    keys: &'a OrderKeys,
}

struct SegmentTop {
    limit: usize,
    floor: Score,
    segment: SegmentOrdinal,
    keys: Arc<dyn ColumnValues<u64>>,
    kept: BinaryHeap<Worst>,
}

impl SegmentTop {
    /// Keeps the hit if it is among the best so far, and answers the score a later hit
    /// must pass: the worst kept one's, since a later hit of equal score has a higher key.
    fn offer(&mut self, doc: DocId, score: Score) -> Score {
        if score <= self.floor {
            return self.floor;
        }
        let hit = Ranked {
            score,
            key: self.keys.get_val(doc),
            address: DocAddress::new(self.segment, doc),
        };
        if self.kept.len() < self.limit {
            self.kept.push(Worst(hit));
        } else if let Some(mut worst) = self.kept.peek_mut()
            && Ranked::best_first(&hit, &worst.0) == Ordering::Less
        {
            *worst = Worst(hit);
        }
        match self.kept.peek() {
            Some(worst) if self.kept.len() == self.limit => worst.0.score.max(self.floor),
            _ => self.floor,
        }
    }
}

impl SegmentCollector for SegmentTop {
    type Fruit = Vec<Ranked>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.offer(doc, score);
    }

    fn harvest(self) -> Vec<Ranked> {
        self.kept.into_iter().map(|w| w.0).collect()
    }
}

impl Collector for TopByScoreThenKey<'_> {
    type Fruit = Vec<Ranked>;
    type Child = SegmentTop;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentTop> {
        let keys = self.keys.of(self.searcher, reader)?;
        Ok(SegmentTop {
            limit: self.limit,
            floor: self.floor,
            segment,
            keys,
            kept: BinaryHeap::with_capacity(self.limit.min(4_096)),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Ranked>>) -> tantivy::Result<Vec<Ranked>> {
        let mut all: Vec<Ranked> = fruits.into_iter().flatten().collect();
        all.sort_by(Ranked::best_first);
        all.truncate(self.limit);
        Ok(all)
    }

    /// As tantivy's own top-K by score: with block-max pruning, which skips what cannot pass
    /// the worst hit kept.
    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Vec<Ranked>> {
        let mut top = self.for_segment(segment, reader)?;
        let alive = reader.alive_bitset();
        let mut threshold = self.floor;
        weight.for_each_pruning(threshold, reader, &mut |doc, score| {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                threshold = top.offer(doc, score);
            }
            threshold
        })?;
        Ok(top.harvest())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_keys_come_from_the_id_and_are_fixed_otherwise() {
        let key = order_key("ten_a", "prt_0000000000000000000000000000002a");
        assert_eq!(key & ((1 << PART_BITS) - 1), 42);
        assert_eq!(key >> PART_BITS, fnv1a("ten_a") >> PART_BITS);
        assert_eq!(order_key("ten_a", "p1"), order_key("ten_a", "p1"));
        assert_ne!(order_key("ten_a", "p1"), order_key("ten_a", "p2"));
        // A dealer's parts sort together, apart from another dealer's.
        assert_eq!(
            order_key("ten_a", "p1") >> PART_BITS,
            order_key("ten_a", "p2") >> PART_BITS
        );
        assert_ne!(
            order_key("ten_a", "p1") >> PART_BITS,
            order_key("ten_b", "p1") >> PART_BITS
        );
    }
}
