//! Every error answer is `application/problem+json` (RFC 9457): the service layer's
//! [`Error`] is converted here, once, with its status, stable code and the fields at fault.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{Error, FieldError};

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// The HTTP status of each kind of error.
pub fn status_of(error: &Error) -> StatusCode {
    match error {
        Error::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Error::BadRequest { .. } => StatusCode::BAD_REQUEST,
        Error::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
        Error::Forbidden { .. } => StatusCode::FORBIDDEN,
        Error::NotFound { .. } => StatusCode::NOT_FOUND,
        Error::Conflict { .. } | Error::WrongState { .. } => StatusCode::CONFLICT,
        Error::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        Error::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Error::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The body of every error response (RFC 9457).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type: `urn:partsdesk:problem:<code>`.
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code; the same as the last segment of `type`.
    pub code: String,
    /// Each invalid field; empty when the problem is not about a field.
    pub errors: Vec<FieldError>,
    /// The `x-request-id` of the request, to quote when reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// For a request the resource's current state does not allow: that state (e.g. `sent`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_status: Option<String>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, detail: String, errors: Vec<FieldError>) -> Self {
        Self {
            type_uri: format!("urn:partsdesk:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            code: code.to_owned(),
            errors,
            request_id: super::request_id::current(),
            current_status: None,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(self)).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_CONTENT_TYPE));
        response
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = status_of(&self);
        let detail = match &self {
            Self::Internal(err) => {
                tracing::error!(error = ?err, "internal error");
                "the server failed to handle this request; quote the request id when reporting it".to_owned()
            }
            other => other.to_string(),
        };
        let mut problem = Problem::new(status, self.code(), detail, self.field_errors());
        if let Self::WrongState { current, .. } = &self {
            problem.current_status = Some(current.clone());
        }
        let mut response = problem.into_response();
        match self {
            Self::TooManyRequests { retry_after_secs } => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            Self::Unauthorized { .. } => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}
