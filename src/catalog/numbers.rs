//! Part numbers as dealers write them: `04465-02061`, `04465 02061`, `０４４６５０２０６１`,
//! `TOYOTA:04465 02061`, `EM2E-2803123C L; EM2E-2803124C R`. The raw text is kept for display;
//! the normalized key (uppercase ASCII letters and digits) is what search matches on.

/// Which side of the vehicle a number is for, when the catalog says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Left => "L",
            Self::Right => "R",
        }
    }
}

/// One number from a catalog cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedNumber {
    /// The maker or brand before a `:` (`TOYOTA` in `TOYOTA:04465 02061`), upper-cased.
    pub brand: Option<String>,
    /// The number as written, without brand prefix or side marker.
    pub raw: String,
    pub normalized: String,
    pub side: Option<Side>,
}

/// Full-width forms (common in Chinese input) to their ASCII equivalents.
pub fn to_half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Uppercase ASCII letters and digits only.
pub fn normalize(raw: &str) -> String {
    raw.chars()
        .map(to_half_width)
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

const SEPARATORS: &[char] = &[';', ',', '|', '\n', '\r', '；', '，', '、', '｜'];

/// Split a catalog cell into its numbers. Empty items are skipped.
pub fn split_cell(cell: &str) -> Vec<ParsedNumber> {
    cell.split(SEPARATORS).filter_map(parse_one).collect()
}

/// One item: optional `BRAND:` prefix, the number, an optional trailing side marker.
pub fn parse_one(item: &str) -> Option<ParsedNumber> {
    let item = item.trim();
    let (brand, rest) = match item.split_once([':', '：']) {
        Some((brand, rest)) if !normalize(brand).is_empty() && !brand.chars().any(|c| c.is_ascii_digit()) => {
            (Some(brand.trim().to_uppercase()), rest.trim())
        }
        _ => (None, item),
    };
    let (raw, side) = strip_side(rest);
    let normalized = normalize(raw);
    if normalized.is_empty() {
        return None;
    }
    Some(ParsedNumber {
        brand,
        raw: raw.to_owned(),
        normalized,
        side,
    })
}

/// A side marker is `左`/`右` at the end, or `L`/`R`/`LH`/`RH` set apart by a space or
/// parentheses: `04E115561H` keeps its `H`, `EM2E-2803123C L` loses its `L`.
fn strip_side(s: &str) -> (&str, Option<Side>) {
    let s = s.trim();
    for (suffix, side) in [("左", Side::Left), ("右", Side::Right)] {
        if let Some(rest) = s.strip_suffix(suffix) {
            let rest = rest.trim_end_matches(['(', '（']).trim();
            return (rest.trim_end_matches([')', '）']).trim(), Some(side));
        }
    }
    for (marker, side) in [
        ("(L)", Side::Left),
        ("(R)", Side::Right),
        ("(LH)", Side::Left),
        ("(RH)", Side::Right),
        (" LH", Side::Left),
        (" RH", Side::Right),
        (" L", Side::Left),
        (" R", Side::Right),
    ] {
        if s.len() > marker.len() && s.to_ascii_uppercase().ends_with(marker) {
            return (s[..s.len() - marker.len()].trim(), Some(side));
        }
    }
    (s, None)
}

/// Whether free text should be searched as a part number: it has digits, no CJK, and
/// normalizes to at least 4 characters (shorter digit strings are usually quantities).
pub fn looks_like_number(text: &str) -> bool {
    let text = text.trim();
    let has_digit = text.chars().map(to_half_width).any(|c| c.is_ascii_digit());
    let has_cjk = text.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c));
    has_digit && !has_cjk && normalize(text).len() >= 4
}

/// A dealer's short code (`BP-1`, `bp1`, `A12`): one word with a digit, too short to read
/// as a part number, worth an exact lookup.
pub fn looks_like_code(text: &str) -> bool {
    let text = text.trim();
    let has_digit = text.chars().map(to_half_width).any(|c| c.is_ascii_digit());
    has_digit && !text.chars().any(char::is_whitespace) && (2..=3).contains(&normalize(text).len())
}

/// Whether a word can be one group of a number written with spaces (`06H`, `115`, `W`,
/// `712/75`): letters and digits (and `-` `.` `/`), with a digit or at most two letters.
pub fn is_number_group(word: &str) -> bool {
    word.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '/'))
        && (word.chars().any(|c| c.is_ascii_digit()) || word.chars().filter(char::is_ascii_alphanumeric).count() <= 2)
}

/// Numbers written inside other text (`机油滤清器 06H 115 403`, `brake pads 0 986 424 735`,
/// `06H115403两个`): each run of words that could be groups of one number (letters and digits,
/// with a digit, or a short letter group beside them), where the run has at least five
/// letters and digits. Chinese characters end a run.
pub fn runs(text: &str) -> Vec<String> {
    let folded: String = text.chars().map(to_half_width).collect();
    let mut out = Vec::new();
    for segment in folded.split(|c: char| !c.is_ascii() || matches!(c, ',' | ';' | '+' | '(' | ')')) {
        let mut run: Vec<&str> = Vec::new();
        let words: Vec<&str> = segment.split_whitespace().collect();
        for (i, word) in words.iter().enumerate() {
            if is_number_group(word) {
                run.push(word);
            }
            if !is_number_group(word) || i + 1 == words.len() {
                // A run of letters alone is words, not a number.
                if !run.iter().any(|w| w.chars().any(|c| c.is_ascii_digit())) {
                    run.clear();
                }
                let joined = run.join(" ");
                if normalize(&joined).len() >= 5 && !out.contains(&joined) {
                    out.push(joined);
                }
                run.clear();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_found_inside_text() {
        assert_eq!(runs("机油滤清器 06H 115 403"), ["06H 115 403"]);
        assert_eq!(runs("06H115403两个"), ["06H115403"]);
        assert_eq!(runs("brake pads 0 986 424 735"), ["0 986 424 735"]);
        assert_eq!(runs("W 712/75"), ["W 712/75"]);
        assert_eq!(runs("前刹车片"), Vec::<String>::new());
        assert_eq!(runs("机油 4L"), Vec::<String>::new());
    }

    #[test]
    fn spellings_normalize_to_one_key() {
        for spelling in [
            "04465-02061",
            "04465 02061",
            "0446502061",
            "04465 02061 ",
            "０４４６５－０２０６１",
        ] {
            assert_eq!(normalize(spelling), "0446502061", "{spelling}");
        }
        assert_eq!(normalize("04e 115 561 h"), "04E115561H");
        assert_eq!(normalize("W 712/75"), "W71275");
        assert_eq!(normalize("11 42 7 953 129"), "11427953129");
    }

    #[test]
    fn cells_with_several_numbers_brands_and_sides() {
        let parsed = split_cell("EM2E-2803123C L; EM2E-2803124C R");
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].normalized, "EM2E2803123C");
        assert_eq!(parsed[0].raw, "EM2E-2803123C");
        assert_eq!(parsed[0].side, Some(Side::Left));
        assert_eq!(parsed[1].side, Some(Side::Right));

        let parsed = split_cell("TOYOTA:04465 02061|BOSCH：0 986 424 735，,");
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].brand.as_deref(), Some("TOYOTA"));
        assert_eq!(parsed[0].normalized, "0446502061");
        assert_eq!(parsed[1].brand.as_deref(), Some("BOSCH"));
        assert_eq!(parsed[1].normalized, "0986424735");

        let parsed = split_cell("4B0 615 301 左\n4B0615302右");
        assert_eq!(parsed[0].normalized, "4B0615301");
        assert_eq!(parsed[0].side, Some(Side::Left));
        assert_eq!(parsed[1].normalized, "4B0615302");
        assert_eq!(parsed[1].side, Some(Side::Right));
    }

    #[test]
    fn trailing_letters_that_are_part_of_the_number_stay() {
        assert_eq!(
            parse_one("04E115561H").map(|n| (n.normalized, n.side)),
            Some(("04E115561H".into(), None))
        );
        assert_eq!(parse_one("06H 115 403").map(|n| n.side), Some(None));
        assert_eq!(
            parse_one("8K0 407 151 R").map(|n| (n.normalized, n.side)),
            Some(("8K0407151".into(), Some(Side::Right)))
        );
        // A digit in the part before ':' means it is not a brand prefix.
        assert_eq!(
            parse_one("12:34").map(|n| (n.brand, n.normalized)),
            Some((None, "1234".into()))
        );
    }

    #[test]
    fn numbers_versus_names() {
        assert!(looks_like_number("04E 115 561 H"));
        assert!(looks_like_number("0986424735"));
        assert!(!looks_like_number("机滤 2个"));
        assert!(!looks_like_number("brake pads"));
        assert!(!looks_like_number("x2"));
    }
}
