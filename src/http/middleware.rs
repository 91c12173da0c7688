//! Responses produced outside handlers (unknown route, wrong method, body too large,
//! timeout) are turned into problem+json here, so that no client ever sees a bare body.

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::problem::{PROBLEM_CONTENT_TYPE, Problem};

pub async fn ensure_problem_body(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_CONTENT_TYPE.as_bytes()));
    if is_problem {
        return response;
    }
    let (code, detail) = match status {
        StatusCode::NOT_FOUND => ("not_found", "no such resource"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "this method is not allowed on this resource"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the request body is too large"),
        StatusCode::REQUEST_TIMEOUT | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT => {
            ("timeout", "the request took too long and was abandoned")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "unsupported content type"),
        s if s.is_server_error() => ("internal", "the server failed to handle this request"),
        _ => ("bad_request", "the request could not be handled"),
    };
    let mut problem = Problem::new(status, code, detail.to_owned(), Vec::new()).into_response();
    if let Some(allow) = response.headers().get(header::ALLOW) {
        problem.headers_mut().insert(header::ALLOW, allow.clone());
    }
    problem
}

pub async fn fallback() -> Response {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such resource".to_owned(),
        Vec::new(),
    )
    .into_response()
}

/// Longest request target (path and query) answered normally. Longer ones get 414; past 64 KiB
/// the HTTP parser itself refuses them, before any of this code runs.
pub const URI_MAX_BYTES: usize = 16 * 1024;
/// Most request headers answered normally, and their largest total size (names and values).
pub const HEADERS_MAX: usize = 100;
pub const HEADER_BYTES_MAX: usize = 64 * 1024;

/// Oversized request lines and headers answered as problem+json, like every other error. The
/// HTTP parser is configured to accept more than these (see `app::serve`), so that it is this
/// check, not the parser's bare answer, that a client meets.
pub async fn request_limits(request: Request, next: Next) -> Response {
    let target = request.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if target > URI_MAX_BYTES {
        return limit_problem(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            "uri",
            format!("the path and query are {target} bytes; at most {URI_MAX_BYTES} are accepted"),
        );
    }
    let headers = request.headers();
    if headers.len() > HEADERS_MAX {
        return limit_problem(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            "header",
            format!(
                "{} headers were sent; at most {HEADERS_MAX} are accepted",
                headers.len()
            ),
        );
    }
    let size = |(name, value): (&header::HeaderName, &header::HeaderValue)| name.as_str().len() + value.len();
    let total: usize = headers.iter().map(size).sum();
    if total > HEADER_BYTES_MAX {
        let largest = headers
            .iter()
            .max_by_key(|h| size(*h))
            .map(|(n, _)| n.as_str())
            .unwrap_or_default();
        return limit_problem(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            &format!("header.{largest}"),
            format!("the headers are {total} bytes; at most {HEADER_BYTES_MAX} are accepted"),
        );
    }
    next.run(request).await
}

fn limit_problem(status: StatusCode, code: &str, field: &str, detail: String) -> Response {
    let errors = vec![crate::error::FieldError::new(field, code, detail.clone())];
    Problem::new(status, code, detail, errors).into_response()
}
