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
