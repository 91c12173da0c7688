//! CSV answers: operations that also speak CSV return it on `Accept: text/csv`, as a download.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::Result;

/// Whether the caller asked for CSV.
pub fn wants_csv(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.split(',').any(|t| t.trim().starts_with("text/csv")))
}

/// CSV bytes as an attachment named `file_name` (ASCII, chosen by the server).
pub fn attachment(body: Vec<u8>, file_name: &str) -> Result<Response> {
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")).map_err(anyhow::Error::from)?,
    );
    Ok(response)
}
