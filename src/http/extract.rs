//! Extractors that turn every malformed request into a problem naming the field at fault,
//! instead of axum's plain-text rejections.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

use crate::error::{Error, FieldError};

/// Largest JSON body accepted by any endpoint, in bytes (documented in the API description).
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;

/// A JSON body: `Content-Type: application/json`, at most [`JSON_BODY_LIMIT`] bytes, no
/// unknown fields (the request types deny them).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            })
            .unwrap_or(false);
        if !is_json {
            return Err(Error::UnsupportedMediaType {
                expected: "application/json",
            });
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|rejection| match rejection {
                BytesRejection::FailedToBufferBody(_)
                    if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE =>
                {
                    Error::PayloadTooLarge {
                        limit_bytes: JSON_BODY_LIMIT,
                    }
                }
                other => Error::BadRequest {
                    code: "unreadable_body",
                    detail: other.body_text(),
                    field: None,
                },
            })?;
        parse_json(&bytes).map(ApiJson)
    }
}

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

/// Query parameters, each error named `query.<name>`.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de).map(ApiQuery).map_err(|err| {
            let name = err.path().to_string();
            let message = err.into_inner().to_string();
            let backticked = message.split('`').nth(1).unwrap_or_default();
            let (field, code) = if message.starts_with("unknown field") {
                (backticked.to_owned(), "unknown_field")
            } else if message.starts_with("missing field") {
                (backticked.to_owned(), "required")
            } else {
                (name, "invalid_value")
            };
            Error::field(format!("query.{field}"), code, message)
        })
    }
}

/// Path parameters (ids): a malformed id is a 400 naming `path.<name>`.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|rejection: PathRejection| Error::BadRequest {
                code: "invalid_id",
                detail: rejection.body_text(),
                field: Some("path".to_owned()),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
