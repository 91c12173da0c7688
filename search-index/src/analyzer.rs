//! Text analysis for part names: Latin words are lower-cased and stemmed (`pads` = `pad`),
//! Chinese runs become unigrams and bigrams, so that `前刹车片` finds `刹车片(前)` without a
//! dictionary, and part-number fragments in names (`W712/75`) stay whole words.
//!
//! One tokenizer does all of it, rather than a tokenizer followed by tantivy's lower-case and
//! stemming filters (whose terms it gives, see the tests): those filters pass every Chinese
//! unigram and bigram through the English stemmer, which changes none of them, and stemming
//! was a seventh of the instructions of indexing a part (`valgrind --tool=callgrind partsdesk
//! bench catalog --parts 20000`).

use std::borrow::Cow;
use std::collections::HashMap;

use frostem::{Algorithm, Stemmer};
use tantivy::tokenizer::{RawTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer};

pub const TEXT: &str = "partsdesk_text";
pub const KEYWORD: &str = "partsdesk_keyword";

pub fn register(manager: &tantivy::tokenizer::TokenizerManager) {
    manager.register(TEXT, TextAnalyzer::from(CjkWordTokenizer::default()));
    manager.register(KEYWORD, TextAnalyzer::builder(RawTokenizer::default()).build());
}

pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// Splits names into words (see the module). Keeps the terms of the Latin words it met
/// lately: a catalog repeats a few thousand words (`brake`, `pads`, `TOYOTA`) across
/// millions of parts, and stemming a word costs more than indexing it.
#[derive(Clone, Default)]
pub struct CjkWordTokenizer {
    latin_terms: HashMap<String, String>,
}

/// Latin words whose terms a tokenizer keeps (it forgets them all when full), and the longest
/// word it keeps.
const LATIN_TERMS_KEPT: usize = 4_096;
const LATIN_TERM_KEPT_MAX_BYTES: usize = 64;

pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for CjkWordTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream {
            tokens: self.tokenize(text),
            next: 0,
        }
    }
}

impl CjkWordTokenizer {
    fn latin_term(&mut self, word: &str, stemmer: &mut Option<Stemmer>) -> String {
        if let Some(term) = self.latin_terms.get(word) {
            return term.clone();
        }
        let term = stem_latin(word, stemmer.get_or_insert_with(|| Stemmer::new(Algorithm::English)));
        // Long runs (serial numbers, codes) rarely repeat and would make the kept terms large.
        if word.len() <= LATIN_TERM_KEPT_MAX_BYTES {
            if self.latin_terms.len() >= LATIN_TERMS_KEPT {
                self.latin_terms.clear();
            }
            self.latin_terms.insert(word.to_owned(), term.clone());
        }
        term
    }

    fn tokenize(&mut self, text: &str) -> Vec<Token> {
        let mut stemmer = None;
        split(text)
            .into_iter()
            .map(|word| {
                let term = if word.latin {
                    self.latin_term(&text[word.from..word.to], &mut stemmer)
                } else {
                    text[word.from..word.to].to_owned()
                };
                word.token(term)
            })
            .collect()
    }
}

/// A word of a text, as [`split`] cuts it.
struct Word {
    from: usize,
    to: usize,
    position: usize,
    /// Letters and digits other than Chinese: lower-cased and stemmed.
    latin: bool,
}

impl Word {
    fn token(&self, text: String) -> Token {
        Token {
            offset_from: self.from,
            offset_to: self.to,
            position: self.position,
            text,
            position_length: 1,
        }
    }
}

/// Where the words of `text` are: runs of Latin letters and digits, and each Chinese character
/// and pair of neighbouring characters of a Chinese run.
fn split(text: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut position = 0;
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_alphanumeric() && !is_cjk(c) {
            let mut end = start;
            while let Some(&(i, c)) = chars.peek() {
                if c.is_alphanumeric() && !is_cjk(c) {
                    end = i + c.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            words.push(Word {
                from: start,
                to: end,
                position,
                latin: true,
            });
            position += 1;
        } else if is_cjk(c) {
            let mut run = Vec::new();
            while let Some(&(i, c)) = chars.peek() {
                if is_cjk(c) {
                    run.push((i, i + c.len_utf8()));
                    chars.next();
                } else {
                    break;
                }
            }
            for (k, &(from, to)) in run.iter().enumerate() {
                let word = |to| Word {
                    from,
                    to,
                    position: position + k,
                    latin: false,
                };
                words.push(word(to));
                if let Some(&(_, next_to)) = run.get(k + 1) {
                    words.push(word(next_to));
                }
            }
            position += run.len();
        } else {
            chars.next();
        }
    }
    words
}

/// A Latin word as it is indexed and searched: lower-cased character by character (as
/// tantivy's `LowerCaser` does), then reduced to its English stem.
fn stem_latin(word: &str, stemmer: &Stemmer) -> String {
    let lower = if word.is_ascii() {
        word.to_ascii_lowercase()
    } else {
        word.chars().flat_map(char::to_lowercase).collect()
    };
    let stemmed = match stemmer.stem(&lower) {
        Cow::Owned(stem) => Some(stem),
        Cow::Borrowed(stem) if stem.len() != lower.len() => Some(stem.to_owned()),
        Cow::Borrowed(_) => None,
    };
    stemmed.unwrap_or(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(analyzer: &mut TextAnalyzer, s: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(s);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }

    fn texts(s: &str) -> Vec<String> {
        terms(&mut TextAnalyzer::from(CjkWordTokenizer::default()), s)
    }

    #[test]
    fn chinese_runs_give_unigrams_and_bigrams() {
        assert_eq!(texts("刹车片(前)"), ["刹", "刹车", "车", "车片", "片", "前"]);
    }

    #[test]
    fn latin_words_are_stemmed_and_numbers_stay_whole() {
        assert_eq!(
            texts("Front Brake Pads W712/75"),
            ["front", "brake", "pad", "w712", "75"]
        );
        assert_eq!(
            texts("机油滤清器 Oil-Filter"),
            [
                "机", "机油", "油", "油滤", "滤", "滤清", "清", "清器", "器", "oil", "filter"
            ]
        );
    }

    /// The words of `s` cut by [`split`] alone, then lower-cased and stemmed by tantivy's own
    /// filters: the analyzer as it was built before it did both itself.
    fn filtered(s: &str) -> Vec<String> {
        use tantivy::tokenizer::{Language, LowerCaser, Stemmer as StemFilter};

        #[derive(Clone)]
        struct SplitOnly;
        impl Tokenizer for SplitOnly {
            type TokenStream<'a> = VecTokenStream;
            fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
                let tokens = split(text)
                    .into_iter()
                    .map(|w| w.token(text[w.from..w.to].to_owned()))
                    .collect();
                VecTokenStream { tokens, next: 0 }
            }
        }
        let mut analyzer = TextAnalyzer::builder(SplitOnly)
            .filter(LowerCaser)
            .filter(StemFilter::new(Language::English))
            .build();
        terms(&mut analyzer, s)
    }

    #[test]
    fn terms_are_those_of_tantivys_lower_case_and_stemming_filters() {
        let mut analyzer = TextAnalyzer::from(CjkWordTokenizer::default());
        // Stemming twice is not stemming once ("guaranteed" -> "guarante" -> "guarant"), so
        // these also fail a tokenizer that stems words already stemmed.
        let mut samples: Vec<String> = [
            "Front Brake Pads W712/75",
            "Shock Absorbers (REAR) 减震器(后) running gears",
            "Ölfilter Zündkerzen ÉLÉMENT filtrant Στοπ",
            "Wiper blades, wiping; PADS pads Pads",
            "火花塞 NGK BKR6E-11 iridium plugs, OE guaranteed, as agreed",
            "SERIAL QWxhZGRpbjpvcGVuIHNlc2FtZQQWxhZGRpbjpvcGVuIHNlc2FtZQQWxhZGRpbjpvcGVuIHNlc2FtZQ",
        ]
        .map(str::to_owned)
        .to_vec();
        // More distinct words than a tokenizer keeps, so that it forgets them on the way.
        let letters = |mut n: usize| {
            let mut word = String::new();
            loop {
                word.push(char::from(b'a' + (n % 26) as u8));
                n /= 26;
                if n == 0 {
                    return word;
                }
            }
        };
        samples.push(
            (0..5_000)
                .map(|i| format!("{}ings", letters(i)))
                .collect::<Vec<_>>()
                .join(" "),
        );
        // Twice: the second pass reads Latin words from what the first one kept.
        for _ in 0..2 {
            for sample in &samples {
                assert_eq!(terms(&mut analyzer, sample), filtered(sample), "{sample:.80}");
            }
        }
    }
}
