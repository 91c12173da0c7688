//! The layers of `src/`, held by a test: every module belongs to one unit of one layer, and
//! imports only units of lower layers, or units listed before it in its own layer. So the
//! module graph has no cycle, domain code can be tested and reused without HTTP, and a new
//! module has to say where it belongs. The table below is the one authority (the README's
//! "Layout" shows it).
//!
//! The source is read as text: comments and string literals are dropped, then every path that
//! starts with `crate::`, `super::`, `self::` or the name of a child module is resolved to the
//! unit it names. Code under `#[cfg(test)]` follows the same rules, except that it may use the
//! test fixtures (`testing`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Layers from the bottom. Each layer lists its units in order; the units of one group (one
/// inner list) are siblings and may not import each other. A unit is a module path and
/// everything below it, except where a longer path is a unit of its own.
const LAYERS: &[(&str, &[&[&str]])] = &[
    (
        "foundation",
        &[
            &["ids"],
            &["clock"],
            &["money"],
            &["error"],
            &["validate"],
            &["pagination"],
            &["config"],
            &["cache"],
            &["db"],
            &["entities"],
        ],
    ),
    (
        "domain",
        &[
            &["insights::marks"],
            &["auth"],
            &["tenants"],
            &["users"],
            &["events"],
            &["webhooks"],
            &["customers"],
            &["api_keys"],
            &["idempotency"],
            &["vehicles"],
            &["catalog"],
            &["matching"],
            &["metrics"],
            &["reminders"],
            &["insights"],
            &["claims"],
            &["notifications"],
        ],
    ),
    (
        "workflows",
        &[
            &["search"],
            &["orders"],
            &["returns"],
            &["quotes"],
            &["inquiries"],
            &["proactive"],
        ],
    ),
    (
        "http",
        &[
            &["http"],
            &["auth::extract"],
            &["auth::routes"],
            &[
                "tenants::routes",
                "users::routes",
                "customers::routes",
                "api_keys::routes",
                "webhooks::routes",
                "vehicles::routes",
                "catalog::routes",
                "matching::routes",
                "search::routes",
                "inquiries::routes",
                "quotes::routes",
                "orders::routes",
                "returns::routes",
                "metrics::routes",
                "insights::routes",
                "reminders::routes",
                "notifications::routes",
                "events::routes",
                "ops",
            ],
        ],
    ),
    (
        "composition",
        &[&["jobs"], &["openapi"], &["app"], &["bench"], &["cli"]],
    ),
];

/// Fixtures for tests inside `src/`: any test code may use them, production code may not.
const TEST_SUPPORT: &str = "testing";

/// Crates and names that belong to the HTTP edge and the composition root only.
const HTTP_ONLY: &[&str] = &["axum", "utoipa_axum", "AppState"];
const HTTP_LAYER: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    layer: usize,
    group: usize,
}

fn units() -> BTreeMap<&'static str, Place> {
    let mut out = BTreeMap::new();
    for (layer, (_, groups)) in LAYERS.iter().enumerate() {
        for (group, units) in groups.iter().enumerate() {
            for unit in *units {
                assert!(
                    out.insert(*unit, Place { layer, group }).is_none(),
                    "{unit} is listed twice"
                );
            }
        }
    }
    out
}

/// The unit a module belongs to: the longest unit path that is a prefix of it.
fn unit_of<'a>(units: &BTreeMap<&'a str, Place>, module: &[String]) -> Option<&'a str> {
    (1..=module.len()).rev().find_map(|n| {
        let path = module[..n].join("::");
        units.get_key_value(path.as_str()).map(|(unit, _)| *unit)
    })
}

fn layer_name(layer: usize) -> &'static str {
    LAYERS[layer].0
}

/// Source text without comments and without the contents of string and character literals.
fn strip(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !is_ident_char(out.chars().last()) {
            // A raw string: r"...", r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|h| chars.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                if chars[j] == '\n' {
                    out.push('\n');
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                if chars.get(i) == Some(&'\n') {
                    out.push('\n');
                }
                i += 1;
            }
            out.push_str("\"\"");
            i += 1;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{..}'), or a lifetime ('a).
            let literal_end = if next == Some('\\') {
                (i + 2..chars.len()).find(|&j| chars[j] == '\'')
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match literal_end {
                Some(end) => {
                    out.push_str("' '");
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    Path,
    Punct(char),
}

/// Identifiers, `::` and single punctuation, each with its line.
fn tokens(text: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Token::Ident(chars[start..i].iter().collect()), line));
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push((Token::Path, line));
            i += 2;
        } else {
            out.push((Token::Punct(c), line));
            i += 1;
        }
    }
    out
}

/// One reference from a file to a module path.
#[derive(Debug)]
struct Reference {
    line: usize,
    /// Absolute module path, as far as it names modules and items.
    path: Vec<String>,
    in_test: bool,
}

struct FileScan {
    references: Vec<Reference>,
    /// Lines (production code only) naming an HTTP-only crate or type.
    http_names: Vec<(usize, String)>,
    /// Out-of-line modules declared under `#[cfg(test)]`.
    test_children: Vec<String>,
}

/// Index of the token closing the brace opened at `open`.
fn matching_brace(tokens: &[(Token, usize)], open: usize) -> usize {
    let mut depth = 0;
    for (i, (token, _)) in tokens.iter().enumerate().skip(open) {
        match token {
            Token::Punct('{') => depth += 1,
            Token::Punct('}') => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// The token ranges under `#[cfg(test)]`, and the out-of-line modules declared there.
fn test_regions(tokens: &[(Token, usize)]) -> (Vec<(usize, usize)>, Vec<String>) {
    let is = |i: usize, t: Token| tokens.get(i).is_some_and(|(x, _)| *x == t);
    let ident = |i: usize, s: &str| is(i, Token::Ident(s.to_owned()));
    let mut regions = Vec::new();
    let mut children = Vec::new();
    for i in 0..tokens.len() {
        let attribute = is(i, Token::Punct('#'))
            && is(i + 1, Token::Punct('['))
            && ident(i + 2, "cfg")
            && is(i + 3, Token::Punct('('))
            && ident(i + 4, "test")
            && is(i + 5, Token::Punct(')'))
            && is(i + 6, Token::Punct(']'));
        if !attribute {
            continue;
        }
        let start = i + 7;
        let Some(stop) = (start..tokens.len()).find(|&j| matches!(tokens[j].0, Token::Punct(';' | '{'))) else {
            continue;
        };
        if tokens[stop].0 == Token::Punct(';') {
            if let Some(m) = (start..stop).find(|&j| ident(j, "mod"))
                && let Some((Token::Ident(name), _)) = tokens.get(m + 1)
            {
                children.push(name.clone());
            }
            regions.push((start, stop));
        } else {
            regions.push((start, matching_brace(tokens, stop)));
        }
    }
    (regions, children)
}

/// Expands a `use` tree (`a::{b, c::{self, d}}`) into paths.
fn expand_use(tokens: &[Token]) -> Vec<Vec<String>> {
    fn tree(tokens: &[Token], at: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
        let mut path = prefix;
        loop {
            match tokens.get(*at) {
                Some(Token::Ident(name)) => {
                    *at += 1;
                    if name == "as" {
                        // The alias names nothing new.
                        *at += 1;
                        continue;
                    }
                    if name != "self" || path.is_empty() {
                        path.push(name.clone());
                    }
                }
                Some(Token::Path) => *at += 1,
                Some(Token::Punct('*')) => *at += 1,
                Some(Token::Punct('{')) => {
                    *at += 1;
                    loop {
                        tree(tokens, at, path.clone(), out);
                        match tokens.get(*at) {
                            Some(Token::Punct(',')) => *at += 1,
                            Some(Token::Punct('}')) => {
                                *at += 1;
                                break;
                            }
                            _ => break,
                        }
                        if tokens.get(*at) == Some(&Token::Punct('}')) {
                            *at += 1;
                            break;
                        }
                    }
                    return;
                }
                _ => {
                    if !path.is_empty() {
                        out.push(path);
                    }
                    return;
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut at = 0;
    tree(tokens, &mut at, Vec::new(), &mut out);
    out
}

/// Resolves a path written in module `here` (file module plus inline modules) to an absolute
/// one; `None` for paths into other crates.
fn absolute(path: &[String], here: &[String], children: &dyn Fn(&[String], &str) -> bool) -> Option<Vec<String>> {
    let first = path.first()?;
    match first.as_str() {
        "crate" => Some(path[1..].to_vec()),
        "super" | "self" => {
            let mut base = here.to_vec();
            let mut rest = path;
            while let Some(seg) = rest.first() {
                match seg.as_str() {
                    "super" => {
                        base.pop();
                    }
                    "self" => {}
                    _ => break,
                }
                rest = &rest[1..];
            }
            base.extend(rest.iter().cloned());
            Some(base)
        }
        name if children(here, name) => {
            let mut base = here.to_vec();
            base.extend(path.iter().cloned());
            Some(base)
        }
        _ => None,
    }
}

fn scan(source: &str, module: &[String], children: &dyn Fn(&[String], &str) -> bool) -> FileScan {
    let tokens = tokens(&strip(source));
    let (regions, test_children) = test_regions(&tokens);
    let in_test = |i: usize| regions.iter().any(|(a, b)| (*a..=*b).contains(&i));
    // The inline module each token is in.
    let mut here_of = Vec::with_capacity(tokens.len());
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut pending_mod: Option<String> = None;
    for (i, (token, _)) in tokens.iter().enumerate() {
        match token {
            Token::Ident(name) if name == "mod" => {
                if let Some((Token::Ident(child), _)) = tokens.get(i + 1)
                    && tokens.get(i + 2).is_some_and(|(t, _)| *t == Token::Punct('{'))
                {
                    pending_mod = Some(child.clone());
                }
            }
            Token::Punct('{') => {
                depth += 1;
                if let Some(name) = pending_mod.take() {
                    stack.push((name, depth));
                }
            }
            Token::Punct('}') => {
                if stack.last().is_some_and(|(_, d)| *d == depth) {
                    stack.pop();
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        let mut here = module.to_vec();
        here.extend(stack.iter().map(|(name, _)| name.clone()));
        here_of.push(here);
    }

    let mut references = Vec::new();
    let mut http_names = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let (token, line) = &tokens[i];
        if let Token::Ident(name) = token {
            if HTTP_ONLY.contains(&name.as_str()) && !in_test(i) {
                http_names.push((*line, name.clone()));
            }
            let starts_path = tokens.get(i + 1).is_some_and(|(t, _)| *t == Token::Path)
                && !tokens.get(i.wrapping_sub(1)).is_some_and(|(t, _)| *t == Token::Path);
            if name == "use" {
                let end = (i..tokens.len())
                    .find(|&j| tokens[j].0 == Token::Punct(';'))
                    .unwrap_or(tokens.len());
                let tree: Vec<Token> = tokens[i + 1..end].iter().map(|(t, _)| t.clone()).collect();
                for path in expand_use(&tree) {
                    if let Some(path) = absolute(&path, &here_of[i], children) {
                        references.push(Reference {
                            line: *line,
                            path,
                            in_test: in_test(i),
                        });
                    }
                }
                i = end;
                continue;
            }
            if starts_path {
                let mut path = vec![name.clone()];
                let mut j = i + 1;
                while tokens.get(j).is_some_and(|(t, _)| *t == Token::Path) {
                    match tokens.get(j + 1) {
                        Some((Token::Ident(seg), _)) => {
                            path.push(seg.clone());
                            j += 2;
                        }
                        _ => break,
                    }
                }
                if let Some(path) = absolute(&path, &here_of[i], children) {
                    references.push(Reference {
                        line: *line,
                        path,
                        in_test: in_test(i),
                    });
                }
                i = j;
                continue;
            }
        }
        i += 1;
    }
    FileScan {
        references,
        http_names,
        test_children,
    }
}

/// Every `.rs` file under `src/` with its module path (`catalog/routes.rs` is
/// `catalog::routes`, `catalog/mod.rs` is `catalog`).
fn modules(src: &Path) -> Vec<(Vec<String>, PathBuf)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(src, &mut files);
    let mut out: Vec<(Vec<String>, PathBuf)> = files
        .into_iter()
        .map(|file| {
            let rel = file.strip_prefix(src).expect("under src").with_extension("");
            let mut module: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
            if module.last().is_some_and(|m| m == "mod" || m == "lib" || m == "main") {
                module.pop();
            }
            (module, file)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn modules_import_only_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let units = units();
    let files = modules(&src);
    let known: Vec<Vec<String>> = files.iter().map(|(m, _)| m.clone()).collect();
    let children = |here: &[String], name: &str| {
        known
            .iter()
            .any(|m| m.len() == here.len() + 1 && m.starts_with(here) && m[here.len()] == name)
    };
    let place_of = |unit: &str| -> Option<Place> {
        if unit == TEST_SUPPORT {
            None
        } else {
            units.get(unit).copied()
        }
    };

    let mut problems = Vec::new();
    let mut test_modules: Vec<Vec<String>> = Vec::new();
    let mut scans = Vec::new();
    for (module, file) in &files {
        let source = std::fs::read_to_string(file).expect("read");
        let scanned = scan(&source, module, &children);
        for child in &scanned.test_children {
            let mut m = module.clone();
            m.push(child.clone());
            test_modules.push(m);
        }
        scans.push((module.clone(), file.clone(), scanned));
    }
    let mut used_units = std::collections::BTreeSet::new();
    for (module, file, scanned) in &scans {
        let file = file.strip_prefix(&src).unwrap_or(file).display().to_string();
        // The crate roots only declare modules.
        if module.is_empty() {
            continue;
        }
        let whole_file_is_test = test_modules.iter().any(|t| module.starts_with(t));
        let unit = if module[0] == TEST_SUPPORT {
            TEST_SUPPORT
        } else {
            match unit_of(&units, module) {
                Some(unit) => unit,
                None => {
                    problems.push(format!(
                        "{file}: module {} is in no layer: add it to LAYERS",
                        module.join("::")
                    ));
                    continue;
                }
            }
        };
        used_units.insert(unit);
        let here = place_of(unit);
        if let Some(here) = here
            && here.layer < HTTP_LAYER
        {
            for (line, name) in &scanned.http_names {
                problems.push(format!(
                    "{file}:{line}: `{name}` in {unit} ({}): only the http and composition layers name it",
                    layer_name(here.layer)
                ));
            }
        }
        for reference in &scanned.references {
            let Some(target) = unit_of(&units, &reference.path)
                .or_else(|| (reference.path.first().map(String::as_str) == Some(TEST_SUPPORT)).then_some(TEST_SUPPORT))
            else {
                problems.push(format!(
                    "{file}:{}: {} is in no layer",
                    reference.line,
                    reference.path.join("::")
                ));
                continue;
            };
            if target == unit {
                continue;
            }
            let in_test = reference.in_test || whole_file_is_test;
            let (Some(from), Some(to)) = (here, place_of(target)) else {
                if target == TEST_SUPPORT && !in_test && unit != TEST_SUPPORT {
                    problems.push(format!(
                        "{file}:{}: production code uses the test fixtures ({TEST_SUPPORT})",
                        reference.line
                    ));
                }
                continue;
            };
            let allowed = to.layer < from.layer || (to.layer == from.layer && to.group < from.group);
            if !allowed {
                let how = if to.layer > from.layer {
                    "a higher layer"
                } else if to.group == from.group {
                    "a sibling"
                } else {
                    "a unit after it in its layer"
                };
                problems.push(format!(
                    "{file}:{}: {unit} ({}) imports {} of {how}: {target} ({})",
                    reference.line,
                    layer_name(from.layer),
                    reference.path.join("::"),
                    layer_name(to.layer)
                ));
            }
        }
    }
    for unit in units.keys() {
        if !used_units.contains(unit) {
            problems.push(format!("LAYERS lists {unit}, which no module of src/ is"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} layering problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_scanner_sees_every_kind_of_path() {
    let children = |here: &[String], name: &str| here == ["quotes".to_owned()] && name == "draft";
    let source = r#"
        //! A doc comment naming crate::app::AppState is not an import.
        use crate::{db::TenantScoped, entities::{self, quotes}};
        use super::orders::Bought;
        use draft::LineStatus;
        const S: &str = "crate::cli::run";
        fn f() -> char { let _ = crate::money::format_price(1); '"' }
        fn g<'a>(x: &'a str) -> &'a str { x }
        #[cfg(test)]
        mod tests {
            use super::*;
            use crate::testing::fixture;
        }
    "#;
    let module = vec!["quotes".to_owned()];
    let scanned = scan(source, &module, &children);
    let paths: Vec<(String, bool)> = scanned
        .references
        .iter()
        .map(|r| (r.path.join("::"), r.in_test))
        .collect();
    let expected: Vec<(String, bool)> = [
        ("db::TenantScoped", false),
        ("entities", false),
        ("entities::quotes", false),
        ("orders::Bought", false),
        ("quotes::draft::LineStatus", false),
        ("money::format_price", false),
        ("quotes", true),
        ("testing::fixture", true),
    ]
    .into_iter()
    .map(|(p, t)| (p.to_owned(), t))
    .collect();
    assert_eq!(paths, expected);
    assert!(scanned.http_names.is_empty(), "{:?}", scanned.http_names);
}
