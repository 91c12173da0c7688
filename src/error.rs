//! The one error type of the service layer and its single conversion into an RFC 9457
//! `application/problem+json` response.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sea_orm::{DbErr, SqlErr};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::request_id;

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// One invalid input, named by a JSON pointer into the request (`/lines/0/quantity`) or by
/// `query.<name>` / `path.<name>` / `header.<name>` for the other parts of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    /// Stable machine-readable reason, e.g. `required`, `too_long`, `invalid_format`.
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    #[error("{detail}")]
    BadRequest {
        code: &'static str,
        detail: String,
        field: Option<String>,
    },
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: &'static str },
    #[error("{detail}")]
    Forbidden { detail: String },
    #[error("{resource} not found")]
    NotFound { resource: &'static str },
    #[error("{detail}")]
    Conflict {
        code: &'static str,
        detail: String,
        field: Option<String>,
    },
    /// The resource is in a state that does not allow this; the body names the state.
    #[error("{detail}")]
    WrongState {
        code: &'static str,
        detail: String,
        current: String,
    },
    #[error("request body larger than {limit_bytes} bytes")]
    PayloadTooLarge { limit_bytes: usize },
    #[error("expected content type {expected}")]
    UnsupportedMediaType { expected: &'static str },
    #[error("too many attempts, retry after {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("{detail}")]
    Unavailable { detail: &'static str },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn field(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    pub fn not_found(resource: &'static str) -> Self {
        Self::NotFound { resource }
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::Forbidden { detail: detail.into() }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::Conflict { .. } | Self::WrongState { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation_failed",
            Self::BadRequest { code, .. }
            | Self::Unauthorized { code, .. }
            | Self::Conflict { code, .. }
            | Self::WrongState { code, .. } => code,
            Self::Forbidden { .. } => "forbidden",
            Self::NotFound { .. } => "not_found",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType { .. } => "unsupported_media_type",
            Self::TooManyRequests { .. } => "rate_limited",
            Self::Unavailable { .. } => "unavailable",
            Self::Internal(_) => "internal",
        }
    }

    fn field_errors(&self) -> Vec<FieldError> {
        match self {
            Self::Validation(errors) => errors.clone(),
            Self::BadRequest {
                field: Some(field),
                code,
                detail,
            }
            | Self::Conflict {
                field: Some(field),
                code,
                detail,
            } => vec![FieldError::new(field.clone(), code, detail.clone())],
            _ => Vec::new(),
        }
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
            request_id: request_id::current(),
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
        let status = self.status();
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

/// Unique constraints a client can run into, and the field each one is about. This is the
/// one place database constraint names are mapped to API errors.
struct UniqueConstraint {
    /// Index name (as PostgreSQL reports it).
    index: &'static str,
    /// Column list as SQLite reports it: `UNIQUE constraint failed: users.email`.
    sqlite_columns: &'static str,
    code: &'static str,
    field: &'static str,
    detail: &'static str,
}

const UNIQUE_CONSTRAINTS: &[UniqueConstraint] = &[
    UniqueConstraint {
        index: "ux_users_email",
        sqlite_columns: "users.email",
        code: "email_taken",
        field: "/email",
        detail: "a user with this email already exists",
    },
    UniqueConstraint {
        index: "ux_parts_tenant_sku",
        sqlite_columns: "parts.tenant_id, parts.sku",
        code: "sku_taken",
        field: "/sku",
        detail: "a part with this SKU already exists",
    },
    UniqueConstraint {
        index: "ux_tenants_slug",
        sqlite_columns: "tenants.slug",
        code: "slug_taken",
        field: "/slug",
        detail: "this dealer slug is taken",
    },
];

impl From<DbErr> for Error {
    fn from(err: DbErr) -> Self {
        if let Some(SqlErr::UniqueConstraintViolation(message)) = err.sql_err()
            && let Some(c) = UNIQUE_CONSTRAINTS
                .iter()
                .find(|c| message.contains(c.index) || message.contains(c.sqlite_columns))
        {
            return Self::Conflict {
                code: c.code,
                detail: c.detail.to_owned(),
                field: Some(c.field.to_owned()),
            };
        }
        match err {
            DbErr::RecordNotFound(_) => Self::not_found("resource"),
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}
