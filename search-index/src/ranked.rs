//! Top hits by score with equal scores in a stable order: each part's order key (from its id,
//! a fast field) breaks ties, so a rebuilt index answers exactly as the one before it, and
//! paging through hits of one score never repeats or skips one. tantivy's own top-K breaks
//! ties by document address, which a rebuild or a merge changes.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use tantivy::collector::{Collector, SegmentCollector, TopDocs};
use tantivy::columnar::ColumnValues;
use tantivy::query::{Query, Weight};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// The fast field holding each part's order key.
pub(crate) const ORDER_FIELD: &str = "order";

/// A part's order key: the random low 64 bits of its id (`prt_<32 hex digits>`, a UUID), or
/// for an id of another form a hash of it, the same on every machine and every build.
pub(crate) fn order_key(part_id: &str) -> u64 {
    let hex = part_id.rsplit('_').next().unwrap_or(part_id);
    if hex.len() >= 16
        && let Ok(low) = u64::from_str_radix(&hex[hex.len() - 16..], 16)
    {
        return low;
    }
    // FNV-1a: fixed, unlike the standard library's hasher.
    part_id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
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

/// The best `limit` hits of `query`, best first, equal scores by key. tantivy's own top-K
/// (block-max pruning past the worst kept score) finds them, one more than asked: unless that
/// one ties the last kept, no hit left out can tie a kept one, and only the kept ones need
/// their keys. A tie across the cut is settled by a second pass that sees every hit of that
/// score, where pruning cannot skip them.
pub(crate) fn top_hits(searcher: &Searcher, query: &dyn Query, limit: usize) -> tantivy::Result<Vec<Ranked>> {
    let limit = limit.max(1);
    let first = searcher.search(query, &TopDocs::with_limit(limit + 1).order_by_score())?;
    if let (Some(last_kept), Some(next)) = (first.get(limit - 1), first.get(limit))
        && next.0 >= last_kept.0
    {
        return searcher.search(
            query,
            &TopByScoreThenKey {
                limit,
                floor: last_kept.0,
            },
        );
    }
    let mut hits = Vec::with_capacity(first.len());
    let mut keys: Option<(SegmentOrdinal, std::sync::Arc<dyn ColumnValues<u64>>)> = None;
    for (score, address) in first {
        let column = match &keys {
            Some((segment, column)) if *segment == address.segment_ord => column,
            _ => {
                let reader = searcher.segment_reader(address.segment_ord);
                let column = reader.fast_fields().u64(ORDER_FIELD)?.first_or_default_col(0);
                &keys.insert((address.segment_ord, column)).1
            }
        };
        hits.push(Ranked {
            score,
            key: column.get_val(address.doc_id),
            address,
        });
    }
    hits.sort_by(Ranked::best_first);
    Ok(hits)
}

/// The best `limit` hits scoring at least `floor`, best first.
struct TopByScoreThenKey {
    limit: usize,
    floor: Score,
}

struct SegmentTop {
    limit: usize,
    floor: Score,
    segment: SegmentOrdinal,
    keys: std::sync::Arc<dyn ColumnValues<u64>>,
    kept: BinaryHeap<Worst>,
}

impl SegmentTop {
    /// Keeps the hit if it is among the best so far, and answers the score a later hit
    /// must pass: just under the worst kept one, so that a hit of equal score is still
    /// seen (its key may be lower) while lower ones are pruned.
    fn offer(&mut self, doc: DocId, score: Score) -> Score {
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
            Some(worst) if self.kept.len() == self.limit => worst.0.score.next_down(),
            _ => self.floor.next_down(),
        }
    }
}

impl SegmentCollector for SegmentTop {
    type Fruit = Vec<Ranked>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if score >= self.floor {
            self.offer(doc, score);
        }
    }

    fn harvest(self) -> Vec<Ranked> {
        self.kept.into_iter().map(|w| w.0).collect()
    }
}

impl Collector for TopByScoreThenKey {
    type Fruit = Vec<Ranked>;
    type Child = SegmentTop;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentTop> {
        let keys = reader.fast_fields().u64(ORDER_FIELD)?.first_or_default_col(0);
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
        let mut threshold = self.floor.next_down();
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
        assert_eq!(order_key("prt_0000000000000000000000000000002a"), 42);
        assert_eq!(order_key("p1"), order_key("p1"));
        assert_ne!(order_key("p1"), order_key("p2"));
    }
}
