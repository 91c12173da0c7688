//! When segments are merged. While writes flow, tantivy's log-size policy merges segments of
//! similar size, which keeps indexing cheap but leaves a bulk load spread over ten or so
//! segments; every query then probes each segment's term dictionary and scores each one
//! separately, which costs text searches several milliseconds at a million parts. Once the
//! writes pause, [`SettlingMergePolicy`] merges everything into one segment, but only when
//! that rewrite is worth its cost: a steady trickle of small writes with pauses in between
//! must not rewrite a million documents each time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tantivy::SegmentMeta;
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};

/// A full merge is worth it once the documents outside the largest segment (other segments'
/// documents, and deleted ones anywhere) are at least this share of the whole.
const WORTH_MERGING: f64 = 0.1;

#[derive(Debug)]
pub(crate) struct SettlingMergePolicy {
    while_writing: LogMergePolicy,
    /// Set by the writer once writes have paused, cleared when it stages more.
    settle: Arc<AtomicBool>,
}

impl SettlingMergePolicy {
    pub(crate) fn new(settle: Arc<AtomicBool>) -> Self {
        Self {
            while_writing: LogMergePolicy::default(),
            settle,
        }
    }
}

impl MergePolicy for SettlingMergePolicy {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        if self.settle.load(Ordering::SeqCst) && worth_merging(segments) {
            return vec![MergeCandidate(segments.iter().map(SegmentMeta::id).collect())];
        }
        self.while_writing.compute_merge_candidates(segments)
    }
}

/// Whether merging all of `segments` into one would remove enough to pay for rewriting them.
pub(crate) fn worth_merging(segments: &[SegmentMeta]) -> bool {
    let total: u64 = segments.iter().map(|s| u64::from(s.max_doc())).sum();
    let Some(largest) = segments.iter().map(|s| u64::from(s.num_docs())).max() else {
        return false;
    };
    let outside_largest = total - largest;
    outside_largest > 0 && outside_largest as f64 >= WORTH_MERGING * total as f64
}
