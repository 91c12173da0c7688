//! Dealers are strangers: another dealer's ids answer 404 on every endpoint, exactly like
//! ids that do not exist, and nothing is changed.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn another_dealers_ids_answer_404_everywhere() {
    let app = spawn_app().await;
    let a = app.signup("Shunda", "owner@shunda.cn").await;
    let a_sales = app.add_staff(&a, "sales@shunda.cn", "sales").await;
    let b = app.signup("Rival Parts", "owner@rival.cn").await;

    let customer = app.create_customer(&a.token, "老王汽修厂").await;
    let cid = customer["id"].as_str().expect("id");
    let (key_id, secret) = app.issue_key(&a.token, cid).await;

    let requests: Vec<(Method, String, Option<serde_json::Value>)> = vec![
        (Method::GET, format!("/v1/customers/{cid}"), None),
        (
            Method::PATCH,
            format!("/v1/customers/{cid}"),
            Some(json!({ "name": "hijacked" })),
        ),
        (Method::DELETE, format!("/v1/customers/{cid}"), None),
        (Method::GET, format!("/v1/customers/{cid}/events"), None),
        (Method::GET, format!("/v1/customers/{cid}/api-keys"), None),
        (Method::POST, format!("/v1/customers/{cid}/api-keys"), Some(json!({}))),
        (Method::DELETE, format!("/v1/customers/{cid}/api-keys/{key_id}"), None),
        (Method::GET, format!("/v1/users/{}", a_sales.user_id), None),
        (
            Method::PATCH,
            format!("/v1/users/{}", a_sales.user_id),
            Some(json!({ "role": "viewer" })),
        ),
        (Method::DELETE, format!("/v1/users/{}", a_sales.user_id), None),
    ];
    for (method, path, body) in requests {
        let mut req = app.request(method, &path, Some(&b.token));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("send");
        expect_problem(resp, StatusCode::NOT_FOUND, "not_found").await;
    }

    // Nothing of A's changed, and none of it shows in B's lists.
    let still = expect_json(app.get(&format!("/v1/customers/{cid}"), &a.token).await, StatusCode::OK).await;
    assert_eq!(still["name"], "老王汽修厂");
    expect_json(app.get("/v1/shop/me", &secret).await, StatusCode::OK).await;
    let sales = expect_json(
        app.get(&format!("/v1/users/{}", a_sales.user_id), &a.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(sales["role"], "sales");
    let b_customers = expect_json(app.get("/v1/customers", &b.token).await, StatusCode::OK).await;
    assert_eq!(b_customers["items"].as_array().map(Vec::len), Some(0));
    let b_users = expect_json(app.get("/v1/users", &b.token).await, StatusCode::OK).await;
    assert_eq!(b_users["items"].as_array().map(Vec::len), Some(1));
    let timeline = expect_json(
        app.get(&format!("/v1/customers/{cid}/events"), &a.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        timeline["items"].as_array().map(Vec::len),
        Some(2),
        "no event from B's attempts"
    );

    // A cursor taken from A's list leaks nothing into B's.
    let a_page = expect_json(app.get("/v1/customers?limit=1", &a.token).await, StatusCode::OK).await;
    assert!(a_page["next_cursor"].is_null());
    let b_page = expect_json(
        app.get(&format!("/v1/customers?cursor=cus_{}", "0".repeat(32)), &b.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(b_page["items"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn a_shop_key_sees_only_its_own_customer() {
    let app = spawn_app().await;
    let a = app.signup("Shunda", "owner@shunda.cn").await;
    let b = app.signup("Rival Parts", "owner@rival.cn").await;
    let a_shop = app.create_customer(&a.token, "老王汽修厂").await;
    let b_shop = app.create_customer(&b.token, "老王汽修厂").await;
    let (_, a_key) = app.issue_key(&a.token, a_shop["id"].as_str().expect("id")).await;
    let (_, b_key) = app.issue_key(&b.token, b_shop["id"].as_str().expect("id")).await;
    assert_eq!(
        expect_json(app.get("/v1/shop/me", &a_key).await, StatusCode::OK).await["id"],
        a_shop["id"]
    );
    assert_eq!(
        expect_json(app.get("/v1/shop/me", &b_key).await, StatusCode::OK).await["id"],
        b_shop["id"]
    );
}
