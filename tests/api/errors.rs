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

/// PostgreSQL cannot store U+0000; every string of every request is checked at the edge, so
/// both databases answer the same 422 naming the field.
#[tokio::test]
async fn control_characters_are_refused_in_every_string() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let invalid = |problem: &serde_json::Value| {
        problem["errors"]
            .as_array()
            .and_then(|e| e.first())
            .map(|e| (e["field"].as_str().unwrap_or_default().to_owned(), e["code"].clone()))
    };

    let login = app
        .post(
            "/v1/auth/login",
            None,
            &json!({ "email": "x\u{0}@example.com", "password": "whatever-long" }),
        )
        .await;
    let problem = expect_problem(login, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(invalid(&problem), Some(("/email".into(), json!("invalid_characters"))));

    let part = json!({ "sku": "BP-1", "name": "刹车片", "price": "10" });
    let with = |key: &str, value: serde_json::Value| {
        let mut body = part.clone();
        body[key] = value;
        body
    };
    for (body, field) in [
        (with("attributes", json!({ "颜色": "黑\u{0}" })), "/attributes/颜色"),
        (with("attributes", json!({ "a\u{0}": "x" })), "/attributes"),
        (with("oe_numbers", json!(["04465\u{0}02061"])), "/oe_numbers/0"),
        (
            with(
                "oe_numbers",
                json!([{ "brand": "TOY\u{0}OTA", "number": "04465-02061" }]),
            ),
            "/oe_numbers/0/brand",
        ),
        (with("name", json!("刹\u{1}车片")), "/name"),
    ] {
        let problem = expect_problem(
            app.post("/v1/parts", Some(&owner.token), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(invalid(&problem), Some((field.into(), json!("invalid_characters"))));
    }
    let created = expect_json(
        app.post("/v1/parts", Some(&owner.token), &part).await,
        StatusCode::CREATED,
    )
    .await;
    let id = created["id"].as_str().expect("id");
    let problem = expect_problem(
        app.patch(
            &format!("/v1/parts/{id}"),
            &owner.token,
            &json!({ "brand": "BO\u{0}SCH" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid(&problem), Some(("/brand".into(), json!("invalid_characters"))));

    for path in [
        "/v1/customers?name=a%00b",
        "/v1/parts?brand=%00",
        "/v1/parts?sku_prefix=B%00",
        "/v1/parts?category=%7F",
        "/v1/search?q=%E5%88%B9%00",
    ] {
        let problem = expect_problem(
            app.get(path, &owner.token).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let (field, code) = invalid(&problem).expect("a field");
        assert!(field.starts_with("query."), "{path}: {problem}");
        assert_eq!(code, "invalid_characters", "{path}");
    }
    // Nothing half-written: the part is as it was.
    let stored = expect_json(app.get(&format!("/v1/parts/{id}"), &owner.token).await, StatusCode::OK).await;
    assert_eq!(stored["brand"], serde_json::Value::Null);
}

/// Oversized request heads are answered like every other error, naming what was too large;
/// before any credentials are read, so the answer is the same signed in or not.
#[tokio::test]
async fn oversized_request_lines_and_headers_get_problem_bodies() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;

    let long_query = format!("/v1/parts?brand={}", "a".repeat(20_000));
    let problem = expect_problem(
        app.get(&long_query, &owner.token).await,
        StatusCode::URI_TOO_LONG,
        "uri_too_long",
    )
    .await;
    assert_eq!(fields(&problem), ["uri"]);

    let huge_token = format!("Bearer {}", "x".repeat(1024 * 1024));
    let resp = app
        .client
        .get(format!("{}/v1/me", app.base))
        .header("authorization", huge_token)
        .send()
        .await
        .expect("send");
    let problem = expect_problem(resp, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large").await;
    assert_eq!(fields(&problem), ["header.authorization"]);

    let mut many = app.request(Method::GET, "/v1/me", Some(&owner.token));
    for i in 0..150 {
        many = many.header(format!("x-extra-{i}"), "1");
    }
    let problem = expect_problem(
        many.send().await.expect("send"),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        "headers_too_large",
    )
    .await;
    assert_eq!(fields(&problem), ["header"]);
    assert!(problem["request_id"].is_string());

    // Within the limits, all is as usual.
    let mut some = app.request(Method::GET, "/v1/me", Some(&owner.token));
    for i in 0..60 {
        some = some.header(format!("x-extra-{i}"), "1");
    }
    assert_eq!(some.send().await.expect("send").status(), StatusCode::OK);
}
