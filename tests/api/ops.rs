use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = spawn_app().await;
    let health = expect_json(
        app.request(Method::GET, "/healthz", None).send().await.expect("send"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(health["status"], "ok");
    let ready = expect_json(
        app.request(Method::GET, "/readyz", None).send().await.expect("send"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(ready["status"], "ok");
    assert_eq!(ready["index"]["pending_changes"], 0, "{ready}");
    assert_eq!(ready["index"]["lag_seconds"], 0.0, "{ready}");

    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let customer = app.create_customer(&owner.token, "老王汽修厂").await;
    app.get(
        &format!("/v1/customers/{}", customer["id"].as_str().expect("id")),
        &owner.token,
    )
    .await;

    let text = app
        .request(Method::GET, "/metrics", None)
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    assert!(
        text.contains(r#"partsdesk_http_requests_total{method="GET",route="/v1/customers/{id}",status="200"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"partsdesk_http_requests_total{method="POST",route="/v1/signup",status="201"} 1"#));
    assert!(text.contains("partsdesk_http_request_duration_seconds_bucket"));
    assert!(text.contains("partsdesk_index_pending_changes 0"), "{text}");
    assert!(text.contains("partsdesk_index_lag_seconds 0.0"), "{text}");
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.state.db.clone().close().await.expect("close");
    let resp = app.request(Method::GET, "/readyz", None).send().await.expect("send");
    expect_problem(resp, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = spawn_app().await;
    let preflight = |origin: &'static str| {
        app.request(Method::OPTIONS, "/v1/customers", None)
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization,content-type")
            .send()
    };
    let allowed = preflight("https://app.example-dealer.cn").await.expect("send");
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.as_bytes()),
        Some(&b"https://app.example-dealer.cn"[..])
    );
    let denied = preflight("https://evil.example").await.expect("send");
    assert!(denied.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn openapi_document_is_served_and_the_committed_file_is_current() {
    let app = spawn_app().await;
    let doc = expect_json(
        app.request(Method::GET, "/openapi.json", None)
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(doc["openapi"], "3.1.0");
    for path in ["/v1/signup", "/v1/auth/login", "/v1/customers/{id}", "/v1/shop/me"] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }

    let generated = partsdesk::openapi::yaml().expect("yaml");
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml")).unwrap_or_default();
    assert!(
        generated == committed,
        "openapi.yaml is stale: run `cargo run -- openapi > openapi.yaml` and commit it"
    );
}

#[tokio::test]
async fn every_operation_documents_summary_security_and_errors() {
    let doc = serde_json::to_value(partsdesk::openapi::document()).expect("json");
    let paths = doc["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("item") {
            let name = format!("{method} {path}");
            assert!(op["summary"].is_string(), "{name} has no summary");
            assert!(op["security"].is_array(), "{name} declares no security");
            let responses = op["responses"].as_object().expect("responses");
            assert!(responses.contains_key("500"), "{name} lacks error responses");
            let secured = op["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(|o| !o.is_empty())));
            if secured {
                assert!(responses.contains_key("401"), "{name} lacks 401");
            }
            if path.contains('{') {
                assert!(responses.contains_key("404"), "{name} lacks 404");
            }
        }
    }
}

/// A client generated from the document must find every schema it names.
#[test]
fn every_schema_reference_resolves() {
    fn refs<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    found.push(target);
                }
                map.values().for_each(|v| refs(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }
    let doc = serde_json::to_value(partsdesk::openapi::document()).expect("json");
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    let dangling: Vec<&str> = found
        .into_iter()
        .filter(|target| {
            let pointer = target.strip_prefix('#').unwrap_or(target);
            doc.pointer(pointer).is_none()
        })
        .collect();
    assert!(dangling.is_empty(), "references to nothing: {dangling:?}");
}

/// Generated clients name each operation by its id: two alike would make one unreachable.
#[test]
fn operation_ids_are_unique() {
    let doc = serde_json::to_value(partsdesk::openapi::document()).expect("json");
    let mut seen = std::collections::HashMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            let id = op["operationId"].as_str().expect("operationId").to_owned();
            if let Some(other) = seen.insert(id.clone(), format!("{method} {path}")) {
                panic!("operationId {id} names both {other} and {method} {path}");
            }
        }
    }
}
