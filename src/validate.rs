//! Turning request bodies into valid domain values, collecting every field error at once so
//! a client can fix a form in one round trip.

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
}
