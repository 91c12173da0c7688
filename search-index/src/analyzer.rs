//! Text analysis for part names: Latin words are lower-cased and stemmed (`pads` = `pad`),
//! Chinese runs become unigrams and bigrams, so that `前刹车片` finds `刹车片(前)` without a
//! dictionary, and part-number fragments in names (`W712/75`) stay whole words.

use tantivy::tokenizer::{Language, LowerCaser, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer};

pub const TEXT: &str = "partsdesk_text";
pub const KEYWORD: &str = "partsdesk_keyword";

pub fn register(manager: &tantivy::tokenizer::TokenizerManager) {
    manager.register(
        TEXT,
        TextAnalyzer::builder(CjkWordTokenizer)
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build(),
    );
    manager.register(KEYWORD, TextAnalyzer::builder(RawTokenizer::default()).build());
}

pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

#[derive(Clone, Default)]
pub struct CjkWordTokenizer;

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
            tokens: tokenize(text),
            next: 0,
        }
    }
}

fn push(tokens: &mut Vec<Token>, text: &str, from: usize, to: usize, position: usize) {
    tokens.push(Token {
        offset_from: from,
        offset_to: to,
        position,
        text: text[from..to].to_owned(),
        position_length: 1,
    });
}

pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
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
            push(&mut tokens, text, start, end, position);
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
                push(&mut tokens, text, from, to, position + k);
                if let Some(&(_, next_to)) = run.get(k + 1) {
                    push(&mut tokens, text, from, next_to, position + k);
                }
            }
            position += run.len();
        } else {
            chars.next();
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        let mut analyzer = TextAnalyzer::builder(CjkWordTokenizer)
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let mut stream = analyzer.token_stream(s);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
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
}
