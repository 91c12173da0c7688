//! An inquiry line as shops type it: `机滤x4`, `90915YZZE1*2`, `04465-02061 两套`,
//! `OE 06H 115 403 1个`, `brake pads qty 2`. The quantity (and its unit) and number prefixes
//! are taken out, so what is left is what is asked for.
//!
//! A quantity written against a number (`09864247353个`, `0 986 424 7353个`) cannot be told
//! from the number's last digits by reading: the line is read as above, with the readings
//! that take the last one or two digits as the quantity beside it ([`ParsedLine::glued`]),
//! and the matcher, which can ask the catalog, chooses.

use std::sync::LazyLock;

use regex::Regex;

use crate::catalog::numbers;

/// Units a quantity is counted in.
const UNITS: &str = "个|只|套|支|条|片|盒|瓶|桶|对|副|件|根|组|块|台|把|升|pcs|pc|pieces|piece|sets|set|ea";

static TIMES: LazyLock<Regex> = LazyLock::new(|| {
    // `x4` after a non-letter (`机滤x4`, ` x 4`), `*2` and `×2` after anything.
    Regex::new(&format!(
        r"(?:[*×]|(?:^|[^a-z0-9])x)\s*(\d{{1,5}})\s*({UNITS})?(?:$|[^a-z0-9])"
    ))
    .expect("regex")
});
static COUNTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?:^|[^a-z0-9.\-/])(\d{{1,5}})\s*({UNITS})(?:$|[^a-z0-9])")).expect("regex")
});
static CHINESE_COUNTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"([一二两三四五六七八九十]{{1,3}})\s*({UNITS})")).expect("regex"));
static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:qty|quantity|数量|共)\s*[:：=]?\s*(\d{{1,5}})\s*({UNITS})?(?:$|[^a-z0-9])"
    ))
    .expect("regex")
});
/// A word of letters and digits ending in a digit, written directly against a unit
/// (`09864247353个`, `bkr6e4pcs`, `04465-020613套`).
static GLUED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:^|[^a-z0-9.\-/])([a-z0-9][a-z0-9.\-/]*\d)({UNITS})(?:$|[^a-z0-9])"
    ))
    .expect("regex")
});
/// Quantities read from a number's last digits have at most this many (1 to 99).
const GLUED_DIGITS_MAX: usize = 2;
/// Letters that make a word (`camry`, `pads`) rather than a code's letters (`bp`, `ma`).
const WORD_LETTERS_MIN: usize = 3;
/// Words that only say a number follows.
static NUMBER_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    // Set apart from the number (`OE 06H…`, `OE:06H…`); glued, it is part of it (`OE000599`).
    Regex::new(r"(?:^|[^a-z0-9])(?:oem|oe|ref|p/n|pn)(?:\s*(?:号|no\.?))?(?:\s*[:：#]\s*|\s+)|(?:原厂编号|原厂号|零件号|配件号|编号|图号)\s*[:：]?\s*")
        .expect("regex")
});

/// A line with its quantity taken out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedLine {
    /// What is asked for: the text without the quantity and number prefixes.
    pub text: String,
    pub quantity: Option<i64>,
    /// The unit the quantity was counted in (`套`, `pcs`).
    pub unit: Option<String>,
    /// When a number ends in digits written against a unit (`09864247353个`, or in groups:
    /// `0 986 424 7353个`) and no other quantity is written: the readings that take its last
    /// digit, then its last two, as the quantity. The line as read above (`09864247353个`
    /// with no quantity; `0 986 424` with 7353) may be right too.
    pub glued: Vec<Glued>,
}

/// A line read with the last digits of a word as the quantity: `09864247353个` as
/// `0986424735`, 3 个; `bp13个` as `bp1`, 3 个; `camry6个` as `camry`, 6 个.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glued {
    /// What is asked for, read this way: the number without those digits.
    pub text: String,
    /// 1 to 99.
    pub quantity: i64,
    pub unit: String,
    /// The digits follow a word of letters (`camry6个`, `cr-v2pcs`), not a number: unless the
    /// catalog has a number the line names, this reading is the better one.
    pub follows_word: bool,
}

fn chinese_numeral(text: &str) -> Option<i64> {
    let digit = |c: char| match c {
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    };
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', ones] => Some(10 + digit(*ones)?),
        [tens, '十'] => Some(digit(*tens)? * 10),
        [tens, '十', ones] => Some(digit(*tens)? * 10 + digit(*ones)?),
        _ => None,
    }
}

/// Full-width letters, digits and signs as ASCII (Chinese input methods type them), lower case.
fn fold(text: &str) -> String {
    text.chars()
        .map(numbers::to_half_width)
        .flat_map(char::to_lowercase)
        .collect()
}

/// Takes the quantity out of a line (the first one written) and drops number prefixes.
pub fn parse(text: &str) -> ParsedLine {
    let folded = fold(text);
    let mut found: Option<(usize, usize, i64, Option<String>)> = None;
    for (regex, chinese) in [
        (&*LABELLED, false),
        (&*TIMES, false),
        (&*COUNTED, false),
        (&*CHINESE_COUNTED, true),
    ] {
        if let Some(caps) = regex.captures(&folded) {
            let (Some(number), whole) = (caps.get(1), caps.get(0)) else {
                continue;
            };
            let quantity = if chinese {
                chinese_numeral(number.as_str())
            } else {
                number.as_str().parse().ok()
            };
            let Some(quantity) = quantity.filter(|q| *q > 0) else {
                continue;
            };
            let whole = whole.expect("group 0");
            // The span without the separators the pattern needed around it.
            let unit = caps.get(2);
            let start = if chinese { number.start() } else { whole.start() };
            let end = unit.map_or(number.end(), |u| u.end());
            let start = folded[start..number.start()]
                .char_indices()
                .find(|(_, c)| matches!(c, 'x' | '*' | '×' | 'q' | '数' | '共'))
                .map_or(number.start(), |(i, _)| start + i);
            found = Some((start, end, quantity, unit.map(|u| u.as_str().to_owned())));
            break;
        }
    }
    match found {
        Some((start, end, quantity, unit)) => ParsedLine {
            text: without(&folded, start, end),
            quantity: Some(quantity),
            unit,
            glued: glued_readings(&folded, Some(end)),
        },
        None => ParsedLine {
            glued: glued_readings(&folded, None),
            text: without(&folded, 0, 0),
            quantity: None,
            unit: None,
        },
    }
}

/// The folded line without `start..end` (the quantity) and number prefixes, spaced once.
fn without(folded: &str, start: usize, end: usize) -> String {
    let rest = format!("{} {}", &folded[..start], &folded[end..]);
    let rest = NUMBER_PREFIX.replace_all(&rest, " ");
    rest.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The readings of a word written against its unit that take its last digit, then its last
/// two, as the quantity. Only where the digits are glued to the word (a letter or digit before
/// them: not `bp-1个`), do not start with 0 and leave a part number (four letters and digits or
/// more with a digit, its groups before it counted: `06h 115 4031个`), a dealer's short code
/// (`bp1`) or a word of letters (`camry`).
/// `quantity_end`: where the quantity read otherwise ends, if one was: only those digits may be
/// read again (`0 986 424 7353个`, read as 7353 个).
fn glued_readings(folded: &str, quantity_end: Option<usize>) -> Vec<Glued> {
    let Some(caps) = GLUED.captures(folded) else {
        return Vec::new();
    };
    let (Some(word), Some(unit)) = (caps.get(1), caps.get(2)) else {
        return Vec::new();
    };
    if quantity_end.is_some_and(|end| end != unit.end()) {
        return Vec::new();
    }
    let digits = word.as_str().bytes().rev().take_while(u8::is_ascii_digit).count();
    let before: Vec<&str> = if folded[..word.start()].ends_with(char::is_whitespace) {
        let mut groups: Vec<&str> = folded[..word.start()]
            .split_whitespace()
            .rev()
            .take_while(|w| numbers::is_number_group(w))
            .collect();
        groups.reverse();
        groups
    } else {
        Vec::new()
    };
    (1..=GLUED_DIGITS_MAX.min(digits))
        .filter_map(|n| {
            let cut = word.end() - n;
            let glued_on = folded[..cut].chars().next_back().filter(|_| cut > word.start())?;
            if !glued_on.is_ascii_alphanumeric() || folded[cut..].starts_with('0') {
                return None;
            }
            let rest = &folded[word.start()..cut];
            // A word of letters, perhaps hyphenated (`camry`, `cr-v`, `x-trail`).
            let follows_word = before.is_empty()
                && n == digits
                && rest.bytes().filter(u8::is_ascii_alphabetic).count() >= WORD_LETTERS_MIN
                && rest.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-')
                && rest.ends_with(|c: char| c.is_ascii_alphabetic());
            let number = [&before[..], &[rest]].concat().join(" ");
            let code = before.is_empty() && numbers::looks_like_code(rest);
            if !follows_word && !code && !numbers::looks_like_number(&number) {
                return None;
            }
            Some(Glued {
                text: without(folded, cut, unit.end()),
                quantity: folded[cut..word.end()].parse().ok()?,
                unit: unit.as_str().to_owned(),
                follows_word,
            })
        })
        .collect()
}

/// Words that name several parts at once, as shops order a service's filters.
const BUNDLES: &[(&str, &[&str])] = &[
    ("四滤", &["机滤", "空滤", "空调滤", "汽滤"]),
    ("三滤", &["机滤", "空滤", "空调滤"]),
    ("两滤", &["机滤", "空滤"]),
    ("二滤", &["机滤", "空滤"]),
];

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Whether a piece of a split line can stand as a part of its own: a Chinese name (two
/// characters or more), a number, or English words.
fn names_a_part(piece: &str) -> bool {
    let han = piece.chars().filter(|c| is_han(*c)).count();
    let alnum = piece.chars().filter(char::is_ascii_alphanumeric).count();
    han >= 2
        || (piece.chars().any(|c| c.is_ascii_digit()) && alnum >= 5)
        || piece
            .split_whitespace()
            .filter(|w| w.chars().all(|c| c.is_ascii_alphabetic()))
            .count()
            >= 2
}

/// The parts a line names when it names several (`机滤+空滤`, `三滤`, `刹车片、刹车盘`), each
/// with the line's vehicle words; empty when it names one. `text` is a parsed line's text
/// (quantity taken out).
pub fn split_parts(text: &str, vocabulary: &search_index::vehicles::Vocabulary) -> Vec<String> {
    let recognized = vocabulary.recognize(text);
    let (rest, vehicle) = if recognized.is_empty() {
        (text.to_owned(), String::new())
    } else {
        (recognized.rest.clone(), recognized.words.join(" "))
    };
    let chars: Vec<char> = rest.chars().collect();
    let mut pieces = vec![String::new()];
    for (i, &c) in chars.iter().enumerate() {
        let between_han = |_: ()| i > 0 && i + 1 < chars.len() && is_han(chars[i - 1]) && is_han(chars[i + 1]);
        if matches!(c, '+' | ',' | ';' | '、') || (c == '/' && between_han(())) {
            pieces.push(String::new());
        } else if let Some(last) = pieces.last_mut() {
            last.push(c);
        }
    }
    let mut parts: Vec<String> = Vec::new();
    for piece in pieces.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        match BUNDLES.iter().find(|(word, _)| piece.contains(word)) {
            Some((word, members)) => parts.extend(members.iter().map(|m| piece.replacen(word, m, 1))),
            None => parts.push(piece.to_owned()),
        }
    }
    if parts.len() < 2 || !parts.iter().all(|p| names_a_part(p)) {
        return Vec::new();
    }
    parts
        .into_iter()
        .map(|p| {
            if vehicle.is_empty() {
                p
            } else {
                format!("{vehicle} {p}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_naming_several_parts_are_split() {
        let v = search_index::vehicles::vocabulary();
        assert_eq!(split_parts("机滤+空滤", v), ["机滤", "空滤"]);
        assert_eq!(split_parts("机滤+空滤 卡罗拉", v), ["卡罗拉 机滤", "卡罗拉 空滤"]);
        assert_eq!(
            split_parts("卡罗拉三滤", v),
            ["卡罗拉 机滤", "卡罗拉 空滤", "卡罗拉 空调滤"]
        );
        assert_eq!(split_parts("刹车片、刹车盘", v), ["刹车片", "刹车盘"]);
        assert_eq!(split_parts("机滤/空滤", v), ["机滤", "空滤"]);
        assert_eq!(
            split_parts("04465-02061,04465-0k290", v),
            ["04465-02061", "04465-0k290"]
        );
        assert_eq!(split_parts("oil filter + air filter", v), ["oil filter", "air filter"]);
        // One part, however it is written.
        for one in [
            "机滤",
            "w 712/75",
            "刹车片 前+后",
            "brake pads, front",
            "5w-30",
            "刹车片(前)",
        ] {
            assert!(split_parts(one, v).is_empty(), "{one}");
        }
    }

    fn q(text: &str) -> (String, Option<i64>) {
        let parsed = parse(text);
        (parsed.text, parsed.quantity)
    }

    #[test]
    fn quantities_anywhere_in_any_form() {
        assert_eq!(q("机滤x4"), ("机滤".into(), Some(4)));
        assert_eq!(q("机滤X4"), ("机滤".into(), Some(4)));
        assert_eq!(q("机滤 ×4"), ("机滤".into(), Some(4)));
        assert_eq!(q("90915YZZE1*2"), ("90915yzze1".into(), Some(2)));
        assert_eq!(q("04465-02061 两套"), ("04465-02061".into(), Some(2)));
        assert_eq!(q("火花塞4个"), ("火花塞".into(), Some(4)));
        assert_eq!(q("刹车片 *2"), ("刹车片".into(), Some(2)));
        assert_eq!(q("刹车片一对"), ("刹车片".into(), Some(1)));
        assert_eq!(q("火花塞 十个"), ("火花塞".into(), Some(10)));
        assert_eq!(q("火花塞十二个"), ("火花塞".into(), Some(12)));
        assert_eq!(q("brake pads 2pcs"), ("brake pads".into(), Some(2)));
        assert_eq!(q("brake pads 4 pcs"), ("brake pads".into(), Some(4)));
        assert_eq!(q("brake pads qty 2"), ("brake pads".into(), Some(2)));
        assert_eq!(q("机油滤清器 数量:3"), ("机油滤清器".into(), Some(3)));
        assert_eq!(q("04E 115 561 H x2"), ("04e 115 561 h".into(), Some(2)));
        assert_eq!(q("机滤 2个"), ("机滤".into(), Some(2)));
        assert_eq!(parse("04465-02061 两套").unit.as_deref(), Some("套"));
    }

    fn glued(text: &str) -> Vec<(String, i64, String)> {
        parse(text)
            .glued
            .into_iter()
            .map(|g| (g.text, g.quantity, g.unit))
            .collect()
    }

    fn after_words(text: &str) -> Vec<(String, i64)> {
        parse(text)
            .glued
            .into_iter()
            .filter(|g| g.follows_word)
            .map(|g| (g.text, g.quantity))
            .collect()
    }

    #[test]
    fn a_quantity_written_against_a_word_or_a_short_code_is_a_reading() {
        assert_eq!(after_words("brake pads camry6个"), [("brake pads camry".into(), 6)]);
        assert_eq!(
            after_words("oil filter corolla12个"),
            [("oil filter corolla".into(), 12)]
        );
        assert_eq!(after_words("pads2pcs"), [("pads".into(), 2)]);
        assert_eq!(
            after_words("spark plug honda cr-v4pcs"),
            [("spark plug honda cr-v".into(), 4)]
        );
        // A code's last digits may be the quantity too, but only the catalog can tell.
        assert_eq!(glued("bp-12个"), [reading("bp-1", 2, "个")]);
        assert_eq!(glued("ma26个"), [reading("ma2", 6, "个")]);
        assert!(after_words("bp13个").is_empty());
        assert!(after_words("bkr6e4pcs").is_empty());
        assert!(after_words("camry123个").is_empty());
    }

    fn reading(text: &str, quantity: i64, unit: &str) -> (String, i64, String) {
        (text.to_owned(), quantity, unit.to_owned())
    }

    #[test]
    fn a_quantity_written_against_a_number_is_read_both_ways() {
        // As written, the whole number with no quantity; beside it, the last digit, then the
        // last two, as the quantity.
        assert_eq!(q("09864247353个"), ("09864247353个".into(), None));
        assert_eq!(
            glued("09864247353个"),
            [reading("0986424735", 3, "个"), reading("098642473", 53, "个")]
        );
        assert_eq!(
            glued("90915YZZE12个"),
            [reading("90915yzze1", 2, "个"), reading("90915yzze", 12, "个")]
        );
        assert_eq!(glued("04465020613套")[0], reading("0446502061", 3, "套"));
        assert_eq!(glued("04465-020613套")[0], reading("04465-02061", 3, "套"));
        assert_eq!(glued("06H1154031个")[0], reading("06h115403", 1, "个"));
        assert_eq!(glued("BKR6E4pcs"), [reading("bkr6e", 4, "pcs")]);
        assert_eq!(glued("W712/752个")[0], reading("w712/75", 2, "个"));
        // In groups, the last one is read as the quantity (`7353 个`) and, beside that, as the
        // end of the number.
        assert_eq!(q("0 986 424 7353个"), ("0 986 424".into(), Some(7353)));
        assert_eq!(
            glued("0 986 424 7353个"),
            [reading("0 986 424 735", 3, "个"), reading("0 986 424 73", 53, "个")]
        );
        assert_eq!(glued("OE 06H 115 4031个")[0], reading("06h 115 403", 1, "个"));
        assert_eq!(
            glued("前刹车片09864247353个")[0],
            reading("前刹车片0986424735", 3, "个")
        );
        assert_eq!(glued("０９８６４２４７３５３个")[0], reading("0986424735", 3, "个"));
    }

    #[test]
    fn only_digits_glued_to_a_number_are_read_as_a_quantity() {
        for text in [
            // A quantity written apart is the quantity.
            "0986424735 3个",
            "0986424735 10个",
            "09864247353个 2个",
            "火花塞 12个",
            "brake pads 12pcs",
            "04465-02061 两套",
            "火花塞4个",
            "机滤x4",
            "刹车片 *2",
            "OE 06H 115 403 1个",
            // No unit against it.
            "BP-1",
            "OE000599",
            "09864247353",
            "5W-30 4L",
            "卡罗拉 2012",
            "2012款卡罗拉",
            "轮胎 24寸",
            // Not glued to a word, a code or a number.
            "前刹车片12个",
            // Digits and unit apart.
            "09864247353 个",
        ] {
            assert!(glued(text).is_empty(), "{text}: {:?}", glued(text));
        }
        // A quantity does not start with 0.
        assert_eq!(glued("0986424705个"), [reading("098642470", 5, "个")]);
        assert_eq!(glued("0986424730个"), [reading("09864247", 30, "个")]);
    }

    #[test]
    fn number_prefixes_are_dropped() {
        assert_eq!(q("OE 06H 115 403 1个"), ("06h 115 403".into(), Some(1)));
        assert_eq!(q("原厂号:04465-02061"), ("04465-02061".into(), None));
        assert_eq!(q("OEM: 90915-YZZE1"), ("90915-yzze1".into(), None));
        assert_eq!(q("OE000599"), ("oe000599".into(), None));
    }

    #[test]
    fn lines_that_only_look_like_quantities_keep_their_numbers() {
        assert_eq!(q("W 712/75"), ("w 712/75".into(), None));
        assert_eq!(q("5W-30 机油"), ("5w-30 机油".into(), None));
        assert_eq!(q("轮胎 24寸"), ("轮胎 24寸".into(), None));
        assert_eq!(q("三滤"), ("三滤".into(), None));
        assert_eq!(q("刹车片"), ("刹车片".into(), None));
        assert_eq!(q("BKR6E"), ("bkr6e".into(), None));
        assert_eq!(q("0 986 424 735"), ("0 986 424 735".into(), None));
    }
}
