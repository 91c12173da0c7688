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

/// A JSON document into `T`, every data error named by its JSON pointer (`/lines/1/quantity`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
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
    fn syntax_errors_and_trailing_garbage_are_malformed() {
        for body in [&b"{"[..], b"{\"name\":\"x\",\"lines\":[]} x", b""] {
            match parse_json::<Body>(body) {
                Err(Error::BadRequest { code, .. }) => assert_eq!(code, "malformed_json"),
                other => panic!("expected malformed_json, got {other:?}"),
            }
        }
    }
}
