//! Names by their pinyin, as counter staff type them into Chinese ERPs: the initials (`jl`
//! for 机滤, `scp` for 刹车片) or the full reading without tones (`huohuasai`). A name is
//! indexed with the readings of every stretch of two or more of its characters; a query that
//! is only Latin letters is also read as pinyin, against those readings and against the
//! Chinese words of the synonym groups.

use std::collections::HashSet;
use std::sync::LazyLock;

use pinyin::ToPinyin;

/// Every toneless syllable the readings use, gathered once from the crate's own table.
static SYLLABLES: LazyLock<HashSet<String>> = LazyLock::new(|| {
    ('\u{4e00}'..='\u{9fff}')
        .filter_map(reading)
        .map(|(full, _)| full)
        .collect()
});
const SYLLABLE_MAX: usize = 6;

/// Longest run of characters whose stretches are indexed (a name rarely has longer runs; the
/// stretches of a run grow with the square of its length).
const RUN_MAX: usize = 12;
/// Longest query read as initials, in letters (`jylqq`, 机油滤清器).
const INITIALS_MAX: usize = 6;
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

/// The query as one pinyin token, if it can be one: Latin letters only, 2-40 of them, that
/// are a full reading (syllables may be spaced) or, as one word of at most six letters,
/// initials. English words (`oil filter`, `absorber`) are neither, and are not read: a reading
/// query over them would match names by chance letter pairs, and cost as much as the search.
pub(crate) fn query_token(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let token: String = words.concat().to_lowercase();
    let letters = token.chars().count();
    if !(QUERY_MIN..=QUERY_MAX).contains(&letters) || !token.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    let initials = words.len() == 1 && letters <= INITIALS_MAX;
    (initials || syllables(&token).is_some()).then_some(token)
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

/// `token` cut into syllables (`jiyoulvxin` -> ji you lv xin), the fewest that cover it;
/// `None` if it cannot be read so.
fn syllables(token: &str) -> Option<Vec<&str>> {
    let n = token.len();
    // best[i]: the fewest syllables covering token[..i], with where the last one starts.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for end in 1..=n {
        for start in end.saturating_sub(SYLLABLE_MAX)..end {
            let Some((count, _)) = best[start] else { continue };
            if SYLLABLES.contains(&token[start..end]) && best[end].is_none_or(|(c, _)| count + 1 < c) {
                best[end] = Some((count + 1, start));
            }
        }
    }
    best[n]?;
    let mut out = Vec::new();
    let mut end = n;
    while end > 0 {
        let (_, start) = best[end]?;
        out.push(&token[start..end]);
        end = start;
    }
    out.reverse();
    Some(out)
}

/// The index tokens a query of Latin letters may match, two characters' worth each: the
/// syllable pairs of a full reading (`jiyoulvxin`: jiyou, youlv, lvxin), else the letter pairs
/// of initials (`jylx`: jy, yl, lx). Most of them must match, as for Chinese words, so that a
/// trade name finds the standard one it shares most characters with.
pub(crate) fn query_pairs(token: &str) -> Vec<String> {
    let mut pairs: Vec<String> = match syllables(token) {
        Some(syllables) if syllables.len() >= 2 => syllables.windows(2).map(|w| w.concat()).collect(),
        _ => {
            let letters: Vec<char> = token.chars().collect();
            letters.windows(2).map(|w| w.iter().collect()).collect()
        }
    };
    pairs.dedup();
    pairs
}

/// Where a part sits, the words written before its name (`前刹车盘`), by full reading and, for
/// front and rear alone, by initial (`qscp`): other single initials read too many ways.
const POSITIONS: &[(&str, Option<char>, &str)] = &[
    ("qian", Some('q'), "前"),
    ("hou", Some('h'), "后"),
    ("zuo", None, "左"),
    ("you", None, "右"),
    ("shang", None, "上"),
    ("xia", None, "下"),
    ("nei", None, "内"),
    ("wai", None, "外"),
];

/// The Chinese position words `token` starts with before a reading of `word`
/// (`qianshachepan` for 刹车盘: 前), if it is exactly that.
pub(crate) fn position_before(token: &str, word: &str) -> Option<&'static str> {
    let (initials, full) = read(word)?;
    if let Some(lead) = token.strip_suffix(full.as_str()) {
        return POSITIONS
            .iter()
            .find(|(reading, _, _)| *reading == lead)
            .map(|(_, _, zh)| *zh);
    }
    let lead = token.strip_suffix(initials.as_str())?;
    let mut lead = lead.chars();
    let (Some(first), None) = (lead.next(), lead.next()) else {
        return None;
    };
    POSITIONS
        .iter()
        .find(|(_, initial, _)| *initial == Some(first))
        .map(|(_, _, zh)| *zh)
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
        assert_eq!(query_token("qian shache pian").as_deref(), Some("qianshachepian"));
        // English is not pinyin, however few its letters.
        assert_eq!(query_token("oil filter"), None);
        assert_eq!(query_token("absorber"), None);
        assert_eq!(query_token("spark plugs"), None);
        assert!(spells("jl", "机滤") && spells("jilv", "机滤"));
        assert!(!spells("jl", "机油滤清器") && !spells("jl", "oil filter"));
    }

    #[test]
    fn queries_are_cut_into_pairs_of_characters() {
        assert_eq!(syllables("jiyoulvxin"), Some(vec!["ji", "you", "lv", "xin"]));
        assert_eq!(syllables("xian"), Some(vec!["xian"]));
        assert_eq!(syllables("jl"), None);
        assert_eq!(query_pairs("jiyoulvxin"), ["jiyou", "youlv", "lvxin"]);
        assert_eq!(query_pairs("jylx"), ["jy", "yl", "lx"]);
        assert_eq!(query_pairs("jl"), ["jl"]);
    }

    #[test]
    fn a_position_before_a_name_is_read_too() {
        assert_eq!(position_before("qianshachepan", "刹车盘"), Some("前"));
        assert_eq!(position_before("houzhidongpian", "制动片"), Some("后"));
        assert_eq!(position_before("qscp", "刹车片"), Some("前"));
        assert_eq!(position_before("yscp", "刹车片"), None);
        assert_eq!(position_before("shachepan", "刹车盘"), None);
        assert_eq!(position_before("dashachepan", "刹车盘"), None);
    }
}
