use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn malformed_requests_get_problem_bodies() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;

    let resp = app
        .request(Method::POST, "/v1/customers", Some(&owner.token))
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .expect("send");
    expect_problem(resp, StatusCode::BAD_REQUEST, "malformed_json").await;

    let resp = app
        .request(Method::POST, "/v1/customers", Some(&owner.token))
        .header("content-type", "text/plain")
        .body("{\"name\": \"x\"}")
        .send()
        .await
        .expect("send");
    expect_problem(resp, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;

    let resp = app
        .request(Method::POST, "/v1/customers", Some(&owner.token))
        .json(&json!({ "name": "x".repeat(2 * 1024 * 1024) }))
        .send()
        .await
        .expect("send");
    expect_problem(resp, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    let problem = expect_problem(
        app.get("/v1/customers/not-an-id", &owner.token).await,
        StatusCode::BAD_REQUEST,
        "invalid_id",
    )
    .await;
    assert_eq!(fields(&problem), ["path"]);
    // A well-formed id of the wrong kind is malformed too.
    expect_problem(
        app.get(&format!("/v1/customers/{}", owner.user_id), &owner.token).await,
        StatusCode::BAD_REQUEST,
        "invalid_id",
    )
    .await;

    expect_problem(
        app.get("/v1/nowhere", &owner.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let resp = app
        .request(Method::PUT, "/v1/customers", Some(&owner.token))
        .send()
        .await
        .expect("send");
    assert!(resp.headers().contains_key("allow"));
    expect_problem(resp, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
}

#[tokio::test]
async fn request_ids_are_echoed_and_quoted_in_problems() {
    let app = spawn_app().await;
    let resp = app
        .request(Method::GET, "/v1/me", None)
        .header("x-request-id", "shop-retry-42")
        .send()
        .await
        .expect("send");
    assert_eq!(
        resp.headers().get("x-request-id").map(|v| v.as_bytes()),
        Some(&b"shop-retry-42"[..])
    );
    let problem = expect_problem(resp, StatusCode::UNAUTHORIZED, "missing_credentials").await;
    assert_eq!(problem["request_id"], "shop-retry-42");

    let resp = app.request(Method::GET, "/healthz", None).send().await.expect("send");
    assert!(resp.headers().get("x-request-id").is_some_and(|v| !v.is_empty()));
}
