//! Turning request bodies into valid domain values, collecting every field error at once so
//! a client can fix a form in one round trip.

use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

use crate::error::{Error, FieldError};

/// String limits, in characters (documented in the API description).
pub const NAME_MAX: usize = 200;
pub const EMAIL_MAX: usize = 254;
pub const PHONE_MAX: usize = 40;
pub const ADDRESS_MAX: usize = 500;
pub const NOTES_MAX: usize = 2000;
pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;

#[derive(Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn error(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, code, message));
    }

    /// A required single-line text: trimmed, non-empty, at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.error(field, "required", "must not be empty");
        } else {
            self.check_text(field, value, max);
        }
        value.to_owned()
    }

    /// An optional text: blank becomes `None`.
    pub fn opt_text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?;
        self.check_text(field, value, max);
        Some(value.to_owned())
    }

    fn check_text(&mut self, field: &str, value: &str, max: usize) {
        let chars = value.chars().count();
        if chars > max {
            self.error(field, "too_long", format!("at most {max} characters (got {chars})"));
        } else if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            self.error(field, "invalid_characters", "must not contain control characters");
        }
    }

    /// An email address, lower-cased so that uniqueness ignores case.
    pub fn email(&mut self, field: &str, value: &str) -> String {
        let value = value.trim().to_lowercase();
        if value.chars().count() > EMAIL_MAX {
            self.error(field, "too_long", format!("at most {EMAIL_MAX} characters"));
        } else if !email_address::EmailAddress::is_valid(&value) {
            self.error(field, "invalid_email", "not a valid email address");
        }
        value
    }

    pub fn opt_email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?;
        Some(self.email(field, value))
    }

    pub fn password(&mut self, field: &str, value: &str) {
        let chars = value.chars().count();
        if chars < PASSWORD_MIN_CHARS {
            self.error(field, "too_short", format!("at least {PASSWORD_MIN_CHARS} characters"));
        } else if chars > PASSWORD_MAX_CHARS {
            self.error(field, "too_long", format!("at most {PASSWORD_MAX_CHARS} characters"));
        }
    }

    pub fn finish(self) -> Result<(), Error> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(self.errors))
        }
    }
}

/// Deserializes a field that may be absent (keep), `null` (clear) or a value (set), for
/// PATCH bodies: `Option<Option<T>>` where the outer `None` means absent.
pub fn patch_field<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(Some)
}

/// Characters no text may hold, in any field of any request or imported row: the C0 controls
/// other than tab and line breaks, and DEL. PostgreSQL cannot store U+0000 at all, and the rest
/// are never typed by people, only produced by broken exports.
pub fn is_forbidden_char(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}'
}

pub fn has_forbidden_chars(text: &str) -> bool {
    text.chars().any(is_forbidden_char)
}

pub const FORBIDDEN_CHARS_MESSAGE: &str =
    "must not contain control characters (U+0000 to U+001F other than tab and line breaks, or U+007F)";

/// The JSON pointer of the first string or object key holding a forbidden character.
pub fn forbidden_chars_in(value: &serde_json::Value) -> Option<String> {
    fn walk(value: &serde_json::Value, pointer: &mut String) -> bool {
        match value {
            serde_json::Value::String(s) => has_forbidden_chars(s),
            serde_json::Value::Array(items) => items.iter().enumerate().any(|(i, item)| {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                let found = walk(item, pointer);
                if !found {
                    pointer.truncate(len);
                }
                found
            }),
            serde_json::Value::Object(map) => map.iter().any(|(key, item)| {
                // A bad key is reported at its object: the key itself cannot be echoed safely.
                if has_forbidden_chars(key) {
                    return true;
                }
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                let found = walk(item, pointer);
                if !found {
                    pointer.truncate(len);
                }
                found
            }),
            _ => false,
        }
    }
    let mut pointer = String::new();
    walk(value, &mut pointer).then_some(pointer)
}

/// Whether a JSON text may hold a forbidden character: raw DEL, or a `\u` escape of one (raw
/// C0 controls are not valid JSON). A cheap scan, so that only suspect bodies are walked.
fn may_hold_forbidden_chars(bytes: &[u8]) -> bool {
    bytes.contains(&0x7f)
        || bytes.windows(6).any(|w| {
            w[0] == b'\\'
                && w[1] == b'u'
                && w[2] == b'0'
                && w[3] == b'0'
                && (matches!(w[4], b'0' | b'1') || (w[4] == b'7' && matches!(w[5], b'f' | b'F')))
        })
}

/// A JSON document into `T`, every data error named by its JSON pointer (`/lines/1/quantity`).
/// Every string in it is checked for [forbidden characters](is_forbidden_char) first.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    if may_hold_forbidden_chars(bytes)
        && let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes)
        && let Some(pointer) = forbidden_chars_in(&value)
    {
        return Err(Error::field(pointer, "invalid_characters", FORBIDDEN_CHARS_MESSAGE));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let pointer = json_pointer(err.path());
        let inner = err.into_inner();
        if inner.is_data() {
            Error::Validation(vec![describe_data_error(&pointer, &inner.to_string())])
        } else {
            Error::BadRequest {
                code: "malformed_json",
                detail: format!("the body is not valid JSON: {inner}"),
                field: None,
            }
        }
    })?;
    de.end().map_err(|err| Error::BadRequest {
        code: "malformed_json",
        detail: format!("the body is not valid JSON: {err}"),
        field: None,
    })?;
    Ok(value)
}

fn json_pointer(path: &serde_path_to_error::Path) -> String {
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.replace('~', "~0").replace('/', "~1")),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .fold(String::new(), |mut acc, part| {
            acc.push('/');
            acc.push_str(&part);
            acc
        })
}

/// serde reports missing and unknown fields at the enclosing object; name the field itself.
fn describe_data_error(pointer: &str, message: &str) -> FieldError {
    let backticked = message.split('`').nth(1).unwrap_or_default();
    if message.starts_with("missing field") {
        FieldError::new(format!("{pointer}/{backticked}"), "required", "this field is required")
    } else if message.starts_with("unknown field") {
        // serde_path_to_error already includes the unknown key in the path.
        FieldError::new(pointer, "unknown_field", message)
    } else {
        FieldError::new(pointer, "invalid_value", message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_error() {
        let mut v = Validator::default();
        v.text("/name", "   ", NAME_MAX);
        v.text("/city", &"x".repeat(NAME_MAX + 1), NAME_MAX);
        v.email("/email", "not-an-email");
        v.password("/password", "short");
        let Err(Error::Validation(errors)) = v.finish() else {
            panic!("expected errors");
        };
        let codes: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(
            codes,
            [
                ("/name", "required"),
                ("/city", "too_long"),
                ("/email", "invalid_email"),
                ("/password", "too_short")
            ]
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        let mut v = Validator::default();
        let chinese = "汽".repeat(NAME_MAX);
        assert_eq!(v.text("/name", &chinese, NAME_MAX), chinese);
        assert!(v.finish().is_ok());
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Line {
        quantity: u32,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        lines: Vec<Line>,
    }

    fn field_of(result: Result<Body, Error>) -> (String, String) {
        match result {
            Err(Error::Validation(errors)) => (errors[0].field.clone(), errors[0].code.clone()),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn names_the_field_at_fault() {
        let bad_quantity = br#"{"name":"x","lines":[{"quantity":1},{"quantity":-1}]}"#;
        assert_eq!(
            field_of(parse_json(bad_quantity)),
            ("/lines/1/quantity".into(), "invalid_value".into())
        );
        assert_eq!(
            field_of(parse_json(br#"{"lines":[]}"#)),
            ("/name".into(), "required".into())
        );
        assert_eq!(
            field_of(parse_json(br#"{"name":"x","lines":[],"extra":1}"#)),
            ("/extra".into(), "unknown_field".into())
        );
    }

    #[test]
    fn control_characters_anywhere_are_refused_by_pointer() {
        let cases: [(&[u8], &str); 5] = [
            (br#"{"name":"a\u0000b","lines":[]}"#, "/name"),
            (
                br#"{"name":"x","lines":[],"attrs":{"k":["ok","b\u001f"]}}"#,
                "/attrs/k/1",
            ),
            (br#"{"name":"x","lines":[],"attrs":{"a\u0000":"v"}}"#, "/attrs"),
            (b"{\"name\":\"del\x7f\",\"lines\":[]}", "/name"),
            (br#"{"name":"x\u007F","lines":[]}"#, "/name"),
        ];
        for (body, pointer) in cases {
            match parse_json::<Body>(body) {
                Err(Error::Validation(errors)) => {
                    assert_eq!(
                        (errors[0].field.as_str(), errors[0].code.as_str()),
                        (pointer, "invalid_characters")
                    );
                }
                other => panic!("expected invalid_characters at {pointer}, got {other:?}"),
            }
        }
        // Tabs and line breaks are text; an escaped backslash before `u0000` is not an escape.
        let fine = br#"{"name":"a\tb\nc\r","lines":[]}"#;
        assert!(parse_json::<Body>(fine).is_ok());
        let literal = br#"{"name":"\\u0000","lines":[]}"#;
        assert_eq!(parse_json::<Body>(literal).expect("valid").name, "\\u0000");
    }

    #[test]
    fn syntax_errors_and_trailing_garbage_are_malformed() {
        for body in [&b"{"[..], b"{\"name\":\"x\",\"lines\":[]} x", b""] {
            match parse_json::<Body>(body) {
                Err(Error::BadRequest { code, .. }) => assert_eq!(code, "malformed_json"),
                other => panic!("expected malformed_json, got {other:?}"),
            }
        }
    }
}
