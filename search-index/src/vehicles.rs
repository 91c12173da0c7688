//! Vehicles as catalogs and shops write them: makes and models in Chinese or English, joint-
//! venture maker names (一汽丰田 is TOYOTA), generations, body styles and chassis codes
//! (`GOLF VII (5G1)` is a GOLF). Both sides, the fitment a catalog lists and the vehicle a
//! query names, are reduced to the same keys, so that they meet whatever language each used.
//!
//! The facts are in `vehicles.txt` (makes, model families, WMIs), compiled into the binary.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use crate::analyzer::is_cjk;

static VOCABULARY: LazyLock<Arc<Vocabulary>> =
    LazyLock::new(|| Arc::new(Vocabulary::parse(include_str!("vehicles.txt"))));

/// The built-in vocabulary.
pub fn vocabulary() -> &'static Vocabulary {
    &VOCABULARY
}

/// The built-in vocabulary, to hold beside dealers' extended ones.
pub fn shared_vocabulary() -> Arc<Vocabulary> {
    Arc::clone(&VOCABULARY)
}

/// Words that describe a body, a generation or an engine rather than the model family; a
/// model's family key stops before the first of them.
const NOT_FAMILY: &[&str] = &[
    "SALOON",
    "SEDAN",
    "HATCHBACK",
    "HATCH",
    "ESTATE",
    "WAGON",
    "VARIANT",
    "AVANT",
    "TOURING",
    "KOMBI",
    "COUPE",
    "CONVERTIBLE",
    "CABRIOLET",
    "CABRIO",
    "ROADSTER",
    "SPORTBACK",
    "LIFTBACK",
    "FASTBACK",
    "TOURER",
    "VAN",
    "BOX",
    "PICKUP",
    "PLATFORM",
    "CHASSIS",
    "LIMOUSINE",
    "MPV",
    "SUV",
    "BUS",
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "MK1",
    "MK2",
    "MK3",
    "MK4",
    "MK5",
    "MK6",
    "MK7",
    "MK8",
    "FACELIFT",
    "NEW",
];

/// Longest model name, in words, that gets its own key (`LAND CRUISER PRADO`).
const FAMILY_WORDS_MAX: usize = 3;

#[derive(Debug, Clone)]
struct ModelEntry {
    make: String,
    family: String,
}

#[derive(Debug, Clone)]
struct Alias {
    /// Upper-case.
    text: String,
    /// Index into `models`, or `None` for a make alias.
    model: Option<usize>,
    make: String,
    /// Also an ordinary word (`FIT`, `SPARK`): recognised in free text only beside its make.
    needs_make: bool,
}

/// What a text says about the vehicle: the canonical make and model family, a year, and
/// the text without those words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recognized {
    pub make: Option<String>,
    pub model: Option<String>,
    pub year: Option<i32>,
    /// The text with the vehicle words taken out.
    pub rest: String,
    /// The vehicle words as written.
    pub words: Vec<String>,
}

impl Recognized {
    pub fn is_empty(&self) -> bool {
        self.make.is_none() && self.model.is_none()
    }
}

/// A dealer's own name for a vehicle (`小卡` for a COROLLA, a local model the built-in
/// facts lack): the make, and the model family if it names one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealerAlias {
    pub alias: String,
    pub make: String,
    pub model: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct Vocabulary {
    makes: HashMap<String, String>,
    models: Vec<ModelEntry>,
    /// By canonical make, alias (upper-case, as written) -> model index.
    model_aliases: HashMap<String, Vec<(String, usize)>>,
    /// Every alias, longest first, for finding them in free text.
    aliases: Vec<Alias>,
    wmi: HashMap<String, String>,
    descriptors: Vec<Descriptor>,
}

/// A model named by VIN positions 4-8 (see `vehicles.txt`).
#[derive(Debug, Clone)]
struct Descriptor {
    wmis: Vec<String>,
    /// 0-based, inclusive.
    first: usize,
    last: usize,
    code: String,
    make: String,
    family: String,
}

impl Vocabulary {
    fn parse(source: &str) -> Self {
        let mut v = Self::default();
        for line in source.lines() {
            let line = line.trim_end();
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
            match fields.as_slice() {
                ["make", make, aliases] => {
                    let make = make.to_uppercase();
                    v.makes.insert(make.clone(), make.clone());
                    v.aliases.push(Alias {
                        text: make.clone(),
                        model: None,
                        make: make.clone(),
                        needs_make: false,
                    });
                    for alias in split_aliases(aliases) {
                        let (text, needs_make) = starred(alias);
                        v.makes.insert(text.clone(), make.clone());
                        v.aliases.push(Alias {
                            text,
                            model: None,
                            make: make.clone(),
                            needs_make,
                        });
                    }
                }
                ["model", make, family, aliases] => {
                    let make = make.to_uppercase();
                    let index = v.models.len();
                    v.models.push(ModelEntry {
                        make: make.clone(),
                        family: family.to_uppercase(),
                    });
                    let own = family.to_uppercase();
                    let mut names: Vec<(String, bool)> = split_aliases(aliases).map(starred).collect();
                    if !names.iter().any(|(n, _)| *n == own) {
                        names.push((own, false));
                    }
                    for (text, needs_make) in names {
                        v.model_aliases
                            .entry(make.clone())
                            .or_default()
                            .push((text.clone(), index));
                        v.aliases.push(Alias {
                            text,
                            model: Some(index),
                            make: make.clone(),
                            needs_make,
                        });
                    }
                }
                ["wmi", code, make] => {
                    v.wmi.insert(code.to_uppercase(), make.to_uppercase());
                }
                ["vds", wmis, positions, code, make, family] => {
                    let Some((first, last)) = positions
                        .split_once('-')
                        .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)))
                        .filter(|&(a, b)| (4..=b).contains(&a) && b <= 8 && b - a + 1 == code.chars().count())
                    else {
                        continue;
                    };
                    v.descriptors.push(Descriptor {
                        wmis: split_aliases(wmis).map(str::to_uppercase).collect(),
                        first: first - 1,
                        last: last - 1,
                        code: code.to_uppercase(),
                        make: make.to_uppercase(),
                        family: family.to_uppercase(),
                    });
                }
                _ => {}
            }
        }
        v.sort_aliases();
        v
    }

    fn sort_aliases(&mut self) {
        // Longest first: `一汽-大众` is found before `大众`, `卡罗拉双擎` before `卡罗拉`.
        self.aliases.sort_by(|a, b| {
            b.text
                .chars()
                .count()
                .cmp(&a.text.chars().count())
                .then(a.text.cmp(&b.text))
        });
        for list in self.model_aliases.values_mut() {
            list.sort_by_key(|(alias, _)| std::cmp::Reverse(alias.len()));
        }
    }

    /// This vocabulary with a dealer's aliases added; an alias the built-in facts also have
    /// means what the dealer says. A make is read as the vocabulary knows it (`丰田` is
    /// TOYOTA); a model the facts know joins its family, any other becomes a family of its
    /// own, keyed as catalogs write it.
    pub fn with_aliases(&self, dealer: &[DealerAlias]) -> Self {
        let mut v = self.clone();
        let texts: std::collections::HashSet<String> = dealer.iter().map(|a| a.alias.trim().to_uppercase()).collect();
        v.aliases.retain(|a| !texts.contains(&a.text));
        for list in v.model_aliases.values_mut() {
            list.retain(|(alias, _)| !texts.contains(alias));
        }
        for alias in dealer {
            let text = alias.alias.trim().to_uppercase();
            let make = self.make(&alias.make);
            let model = match alias.model.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
                None => {
                    v.makes.insert(text.clone(), make.clone());
                    None
                }
                Some(model) => {
                    let family = self.known_family(&make, model).map_or_else(
                        || strip_parentheses(&model.to_uppercase()).trim().to_owned(),
                        str::to_owned,
                    );
                    let index = v
                        .models
                        .iter()
                        .position(|m| m.make == make && m.family == family)
                        .unwrap_or_else(|| {
                            v.models.push(ModelEntry {
                                make: make.clone(),
                                family: family.clone(),
                            });
                            v.models.len() - 1
                        });
                    v.model_aliases
                        .entry(make.clone())
                        .or_default()
                        .push((text.clone(), index));
                    Some(index)
                }
            };
            v.aliases.push(Alias {
                text,
                model,
                make,
                needs_make: false,
            });
        }
        v.sort_aliases();
        v
    }

    /// The canonical make for a make as written (`一汽-大众`, `VW`, `Volkswagen` are all
    /// `VOLKSWAGEN`); an unknown make is kept, in keyword form.
    pub fn make(&self, make: &str) -> String {
        let key = crate::keyword(make);
        self.makes
            .get(&key)
            .or_else(|| self.makes.get(&key.replace([' ', '-'], "")))
            .cloned()
            .unwrap_or(key)
    }

    /// Whether this is a maker partsdesk knows (a genuine part's brand often is).
    pub fn known_make(&self, make: &str) -> Option<&str> {
        let key = crate::keyword(make);
        self.makes.get(&key).map(String::as_str)
    }

    /// The maker a WMI (VIN positions 1-3) belongs to.
    pub fn wmi(&self, code: &str) -> Option<&str> {
        self.wmi.get(&code.to_uppercase()).map(String::as_str)
    }

    /// The make and model family a VIN's descriptor (positions 4-8) names, where the maker's
    /// scheme is known. `vin` is upper-case, 17 characters.
    pub fn descriptor(&self, vin: &str) -> Option<(&str, &str)> {
        let wmi = vin.get(..3)?;
        self.descriptors
            .iter()
            .find(|d| d.wmis.iter().any(|w| w == wmi) && vin.get(d.first..=d.last) == Some(d.code.as_str()))
            .map(|d| (d.make.as_str(), d.family.as_str()))
    }

    /// The model family a model name of `make` (canonical) names in the vocabulary.
    fn known_family(&self, make: &str, model: &str) -> Option<&str> {
        let upper = strip_parentheses(&model.to_uppercase());
        let candidates = self.model_aliases.get(make)?;
        candidates
            .iter()
            .find(|(alias, _)| contains_alias(&upper, alias))
            .map(|(_, index)| self.models[*index].family.as_str())
    }

    /// Keys a fitment's model is indexed under: the vocabulary family when known, and the
    /// model's leading words (`GOLF VII (5G1)`: `GOLF`, `GOLFVII`), so that a filter on the
    /// family or on the full name matches.
    pub fn model_keys(&self, make: &str, model: &str) -> Vec<String> {
        let mut keys = Vec::new();
        if let Some(family) = self.known_family(make, model) {
            keys.push(key(family));
        }
        let stripped = strip_parentheses(&model.to_uppercase());
        let words: Vec<&str> = stripped.split_whitespace().collect();
        let mut prefix = String::new();
        for word in words.iter().take(FAMILY_WORDS_MAX) {
            let word = key(word);
            if word.is_empty() {
                continue;
            }
            prefix.push_str(&word);
            keys.push(prefix.clone());
        }
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// The one key a model named in a query or filter is looked up by: the vocabulary family
    /// when known, else its words up to the first generation or body word.
    pub fn model_key(&self, make: &str, model: &str) -> String {
        if let Some(family) = self.known_family(make, model) {
            return key(family);
        }
        let stripped = strip_parentheses(&model.to_uppercase());
        let words: Vec<&str> = stripped.split_whitespace().collect();
        let kept: Vec<&str> = words
            .iter()
            .take_while(|w| !NOT_FAMILY.contains(w) && !looks_like_engine_or_year(w))
            .take(FAMILY_WORDS_MAX)
            .copied()
            .collect();
        let chosen = if kept.is_empty() {
            words.into_iter().take(1).collect::<Vec<_>>()
        } else {
            kept
        };
        key(&chosen.concat())
    }

    /// The make of a model named without its make (`卡罗拉` is a TOYOTA).
    pub fn make_of_model(&self, model: &str) -> Option<&str> {
        let upper = strip_parentheses(&model.to_uppercase());
        self.aliases
            .iter()
            .filter(|a| a.model.is_some() && !a.needs_make)
            .find(|a| contains_alias(&upper, &a.text))
            .map(|a| a.make.as_str())
    }

    /// Finds the vehicle a free text names (`卡罗拉前刹车片 2010`, `brake pads toyota corolla`):
    /// make and model words anywhere, then a model year beside them.
    pub fn recognize(&self, text: &str) -> Recognized {
        let upper = text.to_uppercase();
        let mut taken: Vec<(usize, usize)> = Vec::new();
        let mut make: Option<String> = None;
        let mut model: Option<(String, String)> = None;
        let mut pending_starred: Vec<(usize, usize, &Alias)> = Vec::new();
        // Thousands of aliases, a few words of text: most aliases are ruled out by their first
        // character alone, without searching for them.
        let present: std::collections::HashSet<char> = upper.chars().collect();
        for alias in &self.aliases {
            let mut chars = alias.text.chars();
            if !chars.next().is_some_and(|c| present.contains(&c)) || chars.next().is_none() {
                continue;
            }
            let Some((start, end)) = find_alias(&upper, &alias.text, &taken) else {
                continue;
            };
            if alias.needs_make {
                pending_starred.push((start, end, alias));
                continue;
            }
            match alias.model {
                Some(index) if model.is_none() => {
                    let entry = &self.models[index];
                    if make.as_ref().is_some_and(|m| *m != entry.make) {
                        continue;
                    }
                    model = Some((entry.make.clone(), entry.family.clone()));
                    taken.push((start, end));
                }
                None if make.is_none() => {
                    if model.as_ref().is_some_and(|(m, _)| *m != alias.make) {
                        continue;
                    }
                    make = Some(alias.make.clone());
                    taken.push((start, end));
                }
                _ => {}
            }
        }
        for (start, end, alias) in pending_starred {
            let Some(index) = alias.model else { continue };
            let entry = &self.models[index];
            if model.is_none()
                && make.as_deref() == Some(entry.make.as_str())
                && !taken.iter().any(|&(s, e)| start < e && s < end)
            {
                model = Some((entry.make.clone(), entry.family.clone()));
                taken.push((start, end));
            }
        }
        if make.is_none() && model.is_none() {
            return Recognized {
                rest: text.to_owned(),
                ..Recognized::default()
            };
        }
        let make = make.or_else(|| model.as_ref().map(|(m, _)| m.clone()));
        let year = find_year(&upper, &mut taken);
        taken.sort_unstable();
        let mut rest = String::with_capacity(text.len());
        let mut words = Vec::new();
        let mut at = 0;
        for &(start, end) in &taken {
            rest.push_str(&text[at..start]);
            rest.push(' ');
            words.push(text[start..end].to_owned());
            at = end;
        }
        rest.push_str(&text[at..]);
        Recognized {
            make,
            model: model.map(|(_, family)| family),
            year,
            rest: rest.split_whitespace().collect::<Vec<_>>().join(" "),
            words,
        }
    }
}

fn split_aliases(aliases: &str) -> impl Iterator<Item = &str> {
    aliases.split('|').map(str::trim).filter(|a| !a.is_empty())
}

fn starred(alias: &str) -> (String, bool) {
    match alias.strip_suffix('*') {
        Some(plain) => (plain.trim().to_uppercase(), true),
        None => (alias.to_uppercase(), false),
    }
}

/// Upper-case letters and digits only: `CR-V`, `CRV` and `cr v` share a key.
fn key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Chassis codes and notes in parentheses say nothing about the family.
fn strip_parentheses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn looks_like_engine_or_year(word: &str) -> bool {
    let digits = word.chars().filter(char::is_ascii_digit).count();
    // 1.6, 1.6T, 2.0TSI, 2010, 2014款
    word.contains('.') && digits >= 2 || (digits == 4 && word.len() <= 7 && word.starts_with(['1', '2']))
}

fn is_latin(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

/// Whether `alias` is in `text` (both upper-case): Chinese anywhere, Latin as whole words.
fn contains_alias(text: &str, alias: &str) -> bool {
    find_alias(text, alias, &[]).is_some()
}

/// Where `alias` stands in `text`, not overlapping `taken`: a Chinese alias anywhere, one with
/// Latin letters or digits at an edge only where the text has no letter or digit next to it.
fn find_alias(text: &str, alias: &str, taken: &[(usize, usize)]) -> Option<(usize, usize)> {
    let latin_start = alias.chars().next().is_some_and(is_latin);
    let latin_end = alias.chars().next_back().is_some_and(is_latin);
    let mut from = 0;
    while let Some(found) = text.get(from..)?.find(alias) {
        let start = from + found;
        let end = start + alias.len();
        let before_ok = !latin_start || !text[..start].chars().next_back().is_some_and(is_latin);
        let after_ok = !latin_end || !text[end..].chars().next().is_some_and(is_latin);
        let free = !taken.iter().any(|&(s, e)| start < e && s < end);
        if before_ok && after_ok && free {
            return Some((start, end));
        }
        from = start + text[start..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// A model year beside the vehicle: `2010`, `2010款`, `10款`, `2010年`.
fn find_year(text: &str, taken: &mut Vec<(usize, usize)>) -> Option<i32> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let digits = &text[start..i];
        let rest = &text[i..];
        let marked = ["款", "年"].iter().find(|m| rest.starts_with(**m));
        let glued = rest
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.');
        let year = match (digits.len(), marked) {
            (4, _) if !glued => digits.parse::<i32>().ok().filter(|y| (1980..=2040).contains(y)),
            (2, Some(_)) => digits
                .parse::<i32>()
                .ok()
                .map(|y| if y > 40 { 1900 + y } else { 2000 + y }),
            _ => None,
        };
        if let Some(year) = year {
            let end = i + marked.map_or(0, |m| m.len());
            if !taken.iter().any(|&(s, e)| start < e && s < end) {
                taken.push((start, end));
                return Some(year);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joint_venture_and_chinese_makes_are_one_make() {
        let v = vocabulary();
        assert_eq!(v.make("一汽丰田"), "TOYOTA");
        assert_eq!(v.make("丰田"), "TOYOTA");
        assert_eq!(v.make("toyota"), "TOYOTA");
        assert_eq!(v.make("一汽-大众"), "VOLKSWAGEN");
        assert_eq!(v.make("VW"), "VOLKSWAGEN");
        assert_eq!(v.make("Some Unknown Make"), "SOME UNKNOWN MAKE");
        assert_eq!(v.wmi("LFV"), Some("VOLKSWAGEN"));
    }

    #[test]
    fn model_families_ignore_generation_body_and_chassis() {
        let v = vocabulary();
        assert_eq!(v.model_key("VOLKSWAGEN", "GOLF VII (5G1)"), "GOLF");
        assert_eq!(v.model_key("TOYOTA", "COROLLA Saloon (_E12_)"), "COROLLA");
        assert_eq!(v.model_key("TOYOTA", "卡罗拉"), "COROLLA");
        assert_eq!(v.model_key("TOYOTA", "卡罗拉 2014款 1.6L"), "COROLLA");
        assert_eq!(v.model_key("SOMEMAKE", "WIDGET II Estate"), "WIDGET");
        assert!(
            v.model_keys("VOLKSWAGEN", "GOLF VII (5G1)")
                .contains(&"GOLF".to_owned())
        );
        assert!(
            v.model_keys("VOLKSWAGEN", "GOLF VII (5G1)")
                .contains(&"GOLFVII".to_owned())
        );
        assert!(v.model_keys("TOYOTA", "卡罗拉").contains(&"COROLLA".to_owned()));
        assert!(
            v.model_keys("TOYOTA", "COROLLA Saloon (E12)")
                .contains(&"COROLLA".to_owned())
        );
    }

    #[test]
    fn vehicles_are_found_in_free_text() {
        let v = vocabulary();
        let r = v.recognize("卡罗拉前刹车片");
        assert_eq!(
            (r.make.as_deref(), r.model.as_deref()),
            (Some("TOYOTA"), Some("COROLLA"))
        );
        assert_eq!(r.rest, "前刹车片");
        let r = v.recognize("后刹车片 卡罗拉 2010");
        assert_eq!(r.year, Some(2010));
        assert_eq!(r.rest, "后刹车片");
        let r = v.recognize("一汽-大众 速腾 10款 空滤");
        assert_eq!(
            (r.make.as_deref(), r.model.as_deref(), r.year),
            (Some("VOLKSWAGEN"), Some("SAGITAR"), Some(2010))
        );
        assert_eq!(r.rest, "空滤");
        let r = v.recognize("brake pads Toyota Corolla");
        assert_eq!(r.model.as_deref(), Some("COROLLA"));
        assert_eq!(r.rest, "brake pads");
        let r = v.recognize("丰田 机油滤清器");
        assert_eq!((r.make.as_deref(), r.model), (Some("TOYOTA"), None));
        // Ordinary words are not vehicles on their own.
        assert!(v.recognize("spark plug").is_empty());
        assert!(v.recognize("W 712/75").is_empty());
        assert!(v.recognize("5W-30 机油 4L").is_empty());
        // A year without a vehicle is left alone.
        assert_eq!(v.recognize("机油 2010").rest, "机油 2010");
    }

    #[test]
    fn vin_descriptors_name_known_families() {
        let v = vocabulary();
        assert!(v.descriptors.len() >= 40);
        for d in &v.descriptors {
            let known = v
                .model_aliases
                .get(&d.make)
                .is_some_and(|list| list.iter().any(|(_, index)| v.models[*index].family == d.family));
            assert!(known, "{} {} is not a model family of the vocabulary", d.make, d.family);
        }
        assert_eq!(v.descriptor("LFV2A21K6K4012345"), Some(("VOLKSWAGEN", "SAGITAR")));
        assert_eq!(v.descriptor("LFV3A24G0D3012345"), Some(("AUDI", "A6")));
        assert_eq!(v.descriptor("LVHRM1848E5012345"), Some(("HONDA", "CR-V")));
        // 1K is a Golf or a Jetta outside China: not named.
        assert_eq!(v.descriptor("WVWZZZ1KZ8W012345"), None);
        assert_eq!(v.descriptor("LSVAM4187C2012345"), None);
    }

    #[test]
    fn a_dealers_aliases_name_vehicles_too() {
        let alias = |alias: &str, make: &str, model: Option<&str>| DealerAlias {
            alias: alias.into(),
            make: make.into(),
            model: model.map(Into::into),
        };
        let v = vocabulary().with_aliases(&[
            // A nickname for a model the facts know, with the make in Chinese.
            alias("小卡", "丰田", Some("卡罗拉")),
            // A model the facts lack.
            alias("瑞风S3", "JAC", Some("Refine S3 (2014-)")),
            // A make-only alias, and one that overrides a built-in meaning.
            alias("老毛子", "LADA", None),
            alias("宝来", "VOLKSWAGEN", Some("BORA")),
        ]);
        let r = v.recognize("小卡 前刹车片");
        assert_eq!(
            (r.make.as_deref(), r.model.as_deref(), r.rest.as_str()),
            (Some("TOYOTA"), Some("COROLLA"), "前刹车片")
        );
        assert_eq!(r.words, ["小卡"]);
        let r = v.recognize("瑞风s3 空滤");
        assert_eq!(
            (r.make.as_deref(), r.model.as_deref()),
            (Some("JAC"), Some("REFINE S3"))
        );
        assert_eq!(v.model_key("JAC", "瑞风S3"), "REFINES3");
        assert!(v.model_keys("JAC", "REFINE S3").contains(&"REFINES3".to_owned()));
        assert_eq!(v.recognize("老毛子 机滤").make.as_deref(), Some("LADA"));
        assert_eq!(v.recognize("宝来 机滤").model.as_deref(), Some("BORA"));
        // The built-in vocabulary is untouched.
        assert!(vocabulary().recognize("小卡 前刹车片").is_empty());
    }
}
