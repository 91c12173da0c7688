//! Names by their pinyin, as counter staff type them into Chinese ERPs: the initials (`jl`
//! for 机滤, `scp` for 刹车片) or the full reading without tones (`huohuasai`). A name is
//! indexed with the readings of every stretch of two or more of its characters; a query that
//! is only Latin letters is also read as pinyin, against those readings and against the
//! Chinese words of the synonym groups.

use pinyin::ToPinyin;

/// Longest run of characters whose stretches are indexed (a name rarely has longer runs; the
/// stretches of a run grow with the square of its length).
const RUN_MAX: usize = 12;
/// Shortest and longest query read as pinyin, in letters.
const QUERY_MIN: usize = 2;
const QUERY_MAX: usize = 40;

/// The full reading of a character without tones (ü as `v`, as keyboards type it) and its
/// first letter; `None` for anything but a Chinese character.
fn reading(c: char) -> Option<(String, char)> {
    let plain = c.to_pinyin()?.plain();
    let full = plain.replace('ü', "v");
    let first = full.chars().next()?;
    Some((full, first))
}

/// Index tokens for a name: for each run of Chinese characters, every stretch of two or more
/// as initials and as full reading, lower case, without duplicates.
pub(crate) fn name_tokens(name: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut run: Vec<(String, char)> = Vec::new();
    let flush = |run: &mut Vec<(String, char)>, tokens: &mut Vec<String>| {
        let run_len = run.len().min(RUN_MAX);
        for start in 0..run_len {
            for end in start + 2..=run_len {
                let stretch = &run[start..end];
                tokens.push(stretch.iter().map(|(_, first)| *first).collect());
                tokens.push(stretch.iter().map(|(full, _)| full.as_str()).collect());
            }
        }
        run.clear();
    };
    for c in name.chars() {
        match reading(c) {
            Some(r) => run.push(r),
            None => flush(&mut run, &mut tokens),
        }
    }
    flush(&mut run, &mut tokens);
    tokens.sort();
    tokens.dedup();
    tokens
}

/// The query as one pinyin token, if it can be one: Latin letters only (syllables may be
/// spaced), 2-40 of them.
pub(crate) fn query_token(text: &str) -> Option<String> {
    let token: String = text.split_whitespace().collect::<Vec<_>>().concat().to_lowercase();
    let letters = token.chars().count();
    ((QUERY_MIN..=QUERY_MAX).contains(&letters) && token.chars().all(|c| c.is_ascii_lowercase())).then_some(token)
}

/// The initials and the full reading of `word`, a word of two or more Chinese characters
/// only (`None` otherwise).
pub fn read(word: &str) -> Option<(String, String)> {
    let readings: Vec<(String, char)> = word.chars().map(reading).collect::<Option<_>>()?;
    (readings.len() >= 2).then(|| {
        (
            readings.iter().map(|(_, first)| *first).collect(),
            readings.iter().map(|(full, _)| full.as_str()).collect(),
        )
    })
}

/// Whether `token` is the initials or the full reading of `word`.
pub(crate) fn spells(token: &str, word: &str) -> bool {
    read(word).is_some_and(|(initials, full)| token == initials || token == full)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_by_initials_and_in_full() {
        let tokens = name_tokens("刹车片(前)");
        for expected in ["scp", "shachepian", "sc", "shache", "cp", "chepian"] {
            assert!(tokens.contains(&expected.to_owned()), "{expected} in {tokens:?}");
        }
        // A single character is too little to read (`前` alone, `q`).
        assert!(!tokens.contains(&"q".to_owned()));
        assert!(name_tokens("机油滤清器").contains(&"lvqingqi".to_owned()));
        assert!(name_tokens("Oil Filter W 712/75").is_empty());
    }

    #[test]
    fn only_letters_are_read_as_pinyin() {
        assert_eq!(query_token("jl").as_deref(), Some("jl"));
        assert_eq!(query_token("Huo Hua Sai").as_deref(), Some("huohuasai"));
        assert_eq!(query_token("j"), None);
        assert_eq!(query_token("5w30"), None);
        assert_eq!(query_token("机滤"), None);
        assert!(spells("jl", "机滤") && spells("jilv", "机滤"));
        assert!(!spells("jl", "机油滤清器") && !spells("jl", "oil filter"));
    }
}
