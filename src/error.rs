//! The one error type below the HTTP edge. It says what went wrong in the caller's terms
//! (a field, a missing resource, a state that does not allow the request) and knows nothing
//! of HTTP: `http::problem` turns it into an RFC 9457 response, in one place.

use sea_orm::{DbErr, SqlErr};
use serde::Serialize;
use utoipa::ToSchema;

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
    Forbidden { code: &'static str, detail: String },
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
        Self::Forbidden {
            code: "forbidden",
            detail: detail.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation_failed",
            Self::BadRequest { code, .. }
            | Self::Unauthorized { code, .. }
            | Self::Conflict { code, .. }
            | Self::WrongState { code, .. }
            | Self::Forbidden { code, .. } => code,
            Self::NotFound { .. } => "not_found",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType { .. } => "unsupported_media_type",
            Self::TooManyRequests { .. } => "rate_limited",
            Self::Unavailable { .. } => "unavailable",
            Self::Internal(_) => "internal",
        }
    }

    /// The fields at fault, for the problem body.
    pub fn field_errors(&self) -> Vec<FieldError> {
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
