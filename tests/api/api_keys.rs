use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn key_lifecycle_shows_the_secret_once_and_revokes() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let customer = app.create_customer(&owner.token, "老王汽修厂").await;
    let id = customer["id"].as_str().expect("id");
    let keys_path = format!("/v1/customers/{id}/api-keys");

    let created = expect_json(
        app.post(&keys_path, Some(&owner.token), &json!({ "name": "DMS" }))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let secret = created["secret"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("psk_") && secret.len() == 68);
    assert!(secret.starts_with(created["prefix"].as_str().expect("prefix")));
    let key_id = created["id"].as_str().expect("id").to_owned();

    let listed = expect_json(app.get(&keys_path, &owner.token).await, StatusCode::OK).await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));
    assert!(listed["items"][0].get("secret").is_none());
    assert!(!listed.to_string().contains(&secret));
    assert!(listed["items"][0]["last_used_at"].is_null());

    // Bearer and X-Api-Key both work; the shop sees its own record.
    let me = expect_json(app.get("/v1/shop/me", &secret).await, StatusCode::OK).await;
    assert_eq!(me["id"], id);
    let resp = app
        .request(Method::GET, "/v1/shop/me", None)
        .header("x-api-key", &secret)
        .send()
        .await
        .expect("send");
    expect_json(resp, StatusCode::OK).await;
    let listed = expect_json(app.get(&keys_path, &owner.token).await, StatusCode::OK).await;
    assert!(listed["items"][0]["last_used_at"].is_string());

    // A near-miss of the secret is refused.
    let mut tampered = secret.clone();
    tampered.pop();
    tampered.push(if secret.ends_with('0') { '1' } else { '0' });
    expect_problem(
        app.get("/v1/shop/me", &tampered).await,
        StatusCode::UNAUTHORIZED,
        "invalid_api_key",
    )
    .await;

    assert_eq!(
        app.delete(&format!("{keys_path}/{key_id}"), &owner.token)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    expect_problem(
        app.get("/v1/shop/me", &secret).await,
        StatusCode::UNAUTHORIZED,
        "invalid_api_key",
    )
    .await;
    expect_problem(
        app.delete(&format!("{keys_path}/{key_id}"), &owner.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let listed = expect_json(app.get(&keys_path, &owner.token).await, StatusCode::OK).await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn archiving_a_customer_disables_its_keys() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let customer = app.create_customer(&owner.token, "老王汽修厂").await;
    let id = customer["id"].as_str().expect("id");
    let (_, secret) = app.issue_key(&owner.token, id).await;
    expect_json(app.get("/v1/shop/me", &secret).await, StatusCode::OK).await;
    app.delete(&format!("/v1/customers/{id}"), &owner.token).await;
    expect_problem(
        app.get("/v1/shop/me", &secret).await,
        StatusCode::UNAUTHORIZED,
        "invalid_api_key",
    )
    .await;
    expect_problem(
        app.post(&format!("/v1/customers/{id}/api-keys"), Some(&owner.token), &json!({}))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn a_key_belongs_to_one_customer_and_last_use_is_coarse() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let wang = app.create_customer(&owner.token, "老王汽修厂").await;
    let li = app.create_customer(&owner.token, "小李快修").await;
    let (wang_key_id, wang_key) = app.issue_key(&owner.token, wang["id"].as_str().expect("id")).await;
    let (_, li_key) = app.issue_key(&owner.token, li["id"].as_str().expect("id")).await;
    assert_eq!(
        expect_json(app.get("/v1/shop/me", &wang_key).await, StatusCode::OK).await["name"],
        "老王汽修厂"
    );
    assert_eq!(
        expect_json(app.get("/v1/shop/me", &li_key).await, StatusCode::OK).await["name"],
        "小李快修"
    );

    // Revoking via the wrong customer's path finds nothing.
    let wrong = format!(
        "/v1/customers/{}/api-keys/{wang_key_id}",
        li["id"].as_str().expect("id")
    );
    expect_problem(
        app.delete(&wrong, &owner.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_json(app.get("/v1/shop/me", &wang_key).await, StatusCode::OK).await;

    let keys_path = format!("/v1/customers/{}/api-keys", wang["id"].as_str().expect("id"));
    let first_use =
        expect_json(app.get(&keys_path, &owner.token).await, StatusCode::OK).await["items"][0]["last_used_at"].clone();
    app.get("/v1/shop/me", &wang_key).await;
    let same =
        expect_json(app.get(&keys_path, &owner.token).await, StatusCode::OK).await["items"][0]["last_used_at"].clone();
    assert_eq!(first_use, same, "refreshed at most once a minute");
    app.clock.advance(Duration::minutes(2));
    app.get("/v1/shop/me", &wang_key).await;
    let later =
        expect_json(app.get(&keys_path, &owner.token).await, StatusCode::OK).await["items"][0]["last_used_at"].clone();
    assert_ne!(first_use, later);
}

#[tokio::test]
async fn bad_key_input_names_the_field() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let customer = app.create_customer(&owner.token, "老王汽修厂").await;
    let keys_path = format!("/v1/customers/{}/api-keys", customer["id"].as_str().expect("id"));
    for (body, field) in [
        (json!({ "name": "k".repeat(201) }), "/name"),
        (json!({ "name": 7 }), "/name"),
        (json!({ "scope": "all" }), "/scope"),
    ] {
        let problem = expect_problem(
            app.post(&keys_path, Some(&owner.token), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field]);
    }
    expect_problem(
        app.delete(&format!("{keys_path}/cus_{}", "0".repeat(32)), &owner.token)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_id",
    )
    .await;
    let listed = expect_json(app.get(&keys_path, &owner.token).await, StatusCode::OK).await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(0));
    let resp = app
        .request(Method::GET, "/v1/shop/me", None)
        .send()
        .await
        .expect("send");
    expect_problem(resp, StatusCode::UNAUTHORIZED, "missing_credentials").await;
}
