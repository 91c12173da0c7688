//! A dealer's synonym groups, made ready to search with once: every word lower-cased and all
//! of them in one automaton, so a query finds the groups it names in one pass over its text
//! instead of one search per word of every group (hundreds of groups, thousands of words).

use aho_corasick::{AhoCorasick, MatchKind};

use crate::analyzer;

pub struct Synonyms {
    groups: Vec<Vec<String>>,
    lowered: Vec<Vec<String>>,
    matcher: Option<AhoCorasick>,
    /// Group and word of each pattern of `matcher`.
    patterns: Vec<(usize, usize)>,
}

impl std::fmt::Debug for Synonyms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Synonyms").field("groups", &self.groups.len()).finish()
    }
}

impl Default for Synonyms {
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

/// A group with words of it found in a text.
pub(crate) struct FoundGroup<'a> {
    pub group: &'a [String],
    pub words: Vec<Found<'a>>,
}

/// Where a group's word stands in a text.
pub(crate) struct Found<'a> {
    /// The word as the group has it.
    pub term: &'a String,
    /// The word lower-cased.
    pub lowered: &'a str,
    pub spans: Vec<(usize, usize)>,
}

impl Synonyms {
    pub fn new(groups: Vec<Vec<String>>) -> Self {
        let lowered: Vec<Vec<String>> = groups
            .iter()
            .map(|g| g.iter().map(|t| t.to_lowercase()).collect())
            .collect();
        let mut patterns = Vec::new();
        let mut words = Vec::new();
        for (g, group) in lowered.iter().enumerate() {
            for (t, term) in group.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
                patterns.push((g, t));
                words.push(term.as_str());
            }
        }
        // Standard semantics: every occurrence of every word is reported, overlaps included.
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&words)
            .ok()
            .filter(|_| !words.is_empty());
        Self {
            groups,
            lowered,
            matcher,
            patterns,
        }
    }

    pub fn groups(&self) -> &[Vec<String>] {
        &self.groups
    }

    /// The groups with words found in `lower` (a lower-cased text) as words of their own
    /// (see [`word_end`]), groups and words in their order, each word with where it stands.
    pub(crate) fn found_in(&self, lower: &str) -> Vec<FoundGroup<'_>> {
        let Some(matcher) = &self.matcher else {
            return Vec::new();
        };
        let mut starts: Vec<(usize, usize, usize)> = matcher
            .find_overlapping_iter(lower)
            .map(|m| {
                let (g, t) = self.patterns[m.pattern().as_usize()];
                (g, t, m.start())
            })
            .collect();
        starts.sort_unstable();
        let mut out: Vec<FoundGroup<'_>> = Vec::new();
        let mut at: Option<(usize, usize)> = None;
        for (g, t, start) in starts {
            let term = self.lowered[g][t].as_str();
            if at.is_none_or(|(group, _)| group != g) {
                out.push(FoundGroup {
                    group: &self.groups[g],
                    words: Vec::new(),
                });
            }
            let words = &mut out.last_mut().expect("a group for this word").words;
            if at != Some((g, t)) {
                words.push(Found {
                    term: &self.groups[g][t],
                    lowered: term,
                    spans: Vec::new(),
                });
            }
            at = Some((g, t));
            let found = words.last_mut().expect("this word");
            // Left to right, without overlapping an occurrence taken before.
            if found.spans.last().is_some_and(|&(_, end)| start < end) {
                continue;
            }
            if let Some(end) = word_end(lower, term, start) {
                found.spans.push((start, end));
            }
        }
        for group in &mut out {
            group.words.retain(|w| !w.spans.is_empty());
        }
        out.retain(|g| !g.words.is_empty());
        out
    }
}

/// Where `term`, found at `start` of `text` (both lower-case), ends as a word of its own, or
/// `None` if it is not one there: where it has Latin letters or digits at its edges, `pad`
/// is not in `padding` nor in `wiperpad`, but it is in `pads`, and the plural or possessive
/// goes with it, since the analyzer drops it anyway (so `brake pads` becomes `刹车片`, not
/// `刹车片s`). Chinese has no word edges to respect.
pub(crate) fn word_end(text: &str, term: &str, start: usize) -> Option<usize> {
    let latin = |c: char| c.is_alphanumeric() && !analyzer::is_cjk(c);
    let starts_latin = term.chars().next().is_some_and(latin);
    let ends_latin = term.chars().next_back().is_some_and(latin);
    if starts_latin && text[..start].chars().next_back().is_some_and(latin) {
        return None;
    }
    let end = start + term.len();
    if !ends_latin {
        return Some(end);
    }
    let rest = &text[end..];
    ["'s", "’s", "es", "s", ""]
        .into_iter()
        .find(|s| rest.starts_with(s) && !rest[s.len()..].chars().next().is_some_and(latin))
        .map(|suffix| end + suffix.len())
}
