//! Extractors that turn every malformed request into a problem naming the field at fault,
//! instead of axum's plain-text rejections.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::validate::{FORBIDDEN_CHARS_MESSAGE, has_forbidden_chars, is_forbidden_char, parse_json};

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

/// Query parameters, each error named `query.<name>`.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        if let Some((name, _)) = form_urlencoded::parse(query.as_bytes())
            .find(|(name, value)| has_forbidden_chars(name) || has_forbidden_chars(value))
        {
            let name: String = name.chars().filter(|c| !is_forbidden_char(*c)).collect();
            return Err(Error::field(
                format!("query.{name}"),
                "invalid_characters",
                FORBIDDEN_CHARS_MESSAGE,
            ));
        }
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
