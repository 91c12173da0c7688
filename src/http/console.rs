//! The dealer console: the single-page app built from `web/` by `build.rs`, embedded into the
//! binary and served at every path outside the API. A route of the app (`/inquiries/inq_…`)
//! gets its `index.html`; the app then reads the path itself. Hashed assets are cached for good,
//! the page itself never, so a new release is picked up on the next navigation.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use rust_embed::RustEmbed;

use crate::http::middleware;

#[derive(RustEmbed)]
#[folder = "$OUT_DIR/console"]
struct Assets;

const INDEX: &str = "index.html";

/// Same-origin only; styles may be inline because the component library injects its styles at
/// run time. No inline or foreign script can run.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
     base-uri 'self'; form-action 'self'";

/// What the router answers for any path it has no route for.
pub async fn fallback(request: Request) -> Response {
    let path = request.uri().path();
    let readable = request.method() == Method::GET || request.method() == Method::HEAD;
    if !readable || is_api_path(path) {
        return middleware::fallback().await;
    }
    let file = path.trim_start_matches('/');
    let name = if !file.is_empty() && Assets::get(file).is_some() {
        file
    } else if names_a_file(file) {
        // A missing script or image must fail loudly, not load the page in its place.
        return middleware::fallback().await;
    } else {
        INDEX
    };
    serve(name, request.headers()).unwrap_or_else(|| {
        tracing::error!(name, "an embedded console asset is missing");
        Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .body(Body::empty())
            .unwrap_or_default()
    })
}

/// The API and the operations endpoints keep their own problem+json 404s.
fn is_api_path(path: &str) -> bool {
    path == "/v1" || path.starts_with("/v1/") || matches!(path, "/healthz" | "/readyz" | "/metrics" | "/openapi.json")
}

/// The app's routes never have an extension in their last segment; files always do.
fn names_a_file(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|last| last.contains('.'))
}

fn serve(name: &str, request: &HeaderMap) -> Option<Response> {
    let plain = Assets::get(name)?;
    let mime = content_type(plain.metadata.mimetype());
    let brotli = accepts_brotli(request)
        .then(|| Assets::get(&format!("{name}.br")))
        .flatten();
    let compressed = brotli.is_some();
    let file = brotli.unwrap_or(plain);
    let etag = format!(
        "\"{}{}\"",
        hex::encode(&file.metadata.sha256_hash()[..16]),
        if compressed { "-br" } else { "" }
    );

    let mut response = Response::builder()
        .header(header::ETAG, &etag)
        .header(header::VARY, "accept-encoding")
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    response = if name.starts_with("assets/") {
        response.header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
    } else {
        response.header(header::CACHE_CONTROL, "no-cache")
    };
    if name == INDEX {
        response = response
            .header(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
            .header(header::REFERRER_POLICY, "same-origin")
            .header(header::X_FRAME_OPTIONS, "DENY");
    }
    let unchanged = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if unchanged {
        return response.status(StatusCode::NOT_MODIFIED).body(Body::empty()).ok();
    }
    if compressed {
        response = response.header(header::CONTENT_ENCODING, "br");
    }
    response
        .header(header::CONTENT_TYPE, mime)
        .body(Body::from(file.data))
        .ok()
}

/// Text types say they are UTF-8, as Vite writes them.
fn content_type(mime: &str) -> HeaderValue {
    let value = if mime.starts_with("text/") || mime == "application/javascript" || mime == "text/javascript" {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_owned()
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

fn accepts_brotli(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| {
                matches!(
                    p.trim().replace(' ', "").as_str(),
                    "q=0" | "q=0.0" | "q=0.00" | "q=0.000"
                )
            });
            name.eq_ignore_ascii_case("br") && !refused
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(accept).expect("header"));
        map
    }

    #[test]
    fn brotli_only_when_accepted() {
        assert!(accepts_brotli(&headers("gzip, deflate, br, zstd")));
        assert!(accepts_brotli(&headers("br;q=0.5")));
        assert!(!accepts_brotli(&headers("gzip")));
        assert!(!accepts_brotli(&headers("br;q=0")));
        assert!(!accepts_brotli(&HeaderMap::new()));
    }

    #[test]
    fn routes_and_files_are_told_apart() {
        assert!(names_a_file("assets/index-abc.js"));
        assert!(names_a_file("favicon.ico"));
        assert!(!names_a_file("inquiries/inq_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b"));
        assert!(!names_a_file(""));
        assert!(is_api_path("/v1/nowhere"));
        assert!(is_api_path("/healthz"));
        assert!(!is_api_path("/v1x"));
        assert!(!is_api_path("/inquiries"));
    }
}
