use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn customer_lifecycle_with_patch_semantics_and_timeline() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let body = json!({
        "name": "老王汽修厂", "contact_name": "王师傅", "phone": "13800138000",
        "email": "Wang@Garage.cn", "address": "杭州市西湖区文一路 100 号", "price_level": 12.5, "notes": "月结"
    });
    let created = expect_json(
        app.post("/v1/customers", Some(&owner.token), &body).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["price_level"], 12.5);
    assert_eq!(created["email"], "wang@garage.cn");
    let id = created["id"].as_str().expect("id");
    assert!(id.starts_with("cus_"));
    let path = format!("/v1/customers/{id}");

    // Absent keeps, null clears, a value sets.
    let patched = expect_json(
        app.patch(
            &path,
            &owner.token,
            &json!({ "notes": null, "price_level": 5, "phone": "0571-1234" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(patched["notes"].is_null());
    assert_eq!(patched["price_level"], 5.0);
    assert_eq!(patched["phone"], "0571-1234");
    assert_eq!(patched["contact_name"], "王师傅");

    let fetched = expect_json(app.get(&path, &owner.token).await, StatusCode::OK).await;
    assert_eq!(fetched, patched);

    assert_eq!(app.delete(&path, &owner.token).await.status(), StatusCode::NO_CONTENT);
    expect_problem(app.get(&path, &owner.token).await, StatusCode::NOT_FOUND, "not_found").await;
    expect_problem(
        app.delete(&path, &owner.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let list = expect_json(app.get("/v1/customers", &owner.token).await, StatusCode::OK).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0));
    // Still there to name its history, when asked for.
    let all = expect_json(
        app.get("/v1/customers?include_archived=true", &owner.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["items"][0]["id"], id);
    assert!(all["items"][0]["archived_at"].is_string());
}

#[tokio::test]
async fn timeline_records_each_touchpoint_in_order() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let customer = app.create_customer(&owner.token, "老王汽修厂").await;
    let id = customer["id"].as_str().expect("id");
    app.patch(&format!("/v1/customers/{id}"), &owner.token, &json!({ "phone": "1" }))
        .await;
    let (key_id, _) = app.issue_key(&owner.token, id).await;
    app.delete(&format!("/v1/customers/{id}/api-keys/{key_id}"), &owner.token)
        .await;

    let events = expect_json(
        app.get(&format!("/v1/customers/{id}/events"), &owner.token).await,
        StatusCode::OK,
    )
    .await;
    let kinds: Vec<_> = events["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        kinds,
        [
            "customer_created",
            "customer_updated",
            "api_key_issued",
            "api_key_revoked"
        ]
    );
    assert_eq!(events["items"][0]["actor"], owner.user_id);
    assert_eq!(events["items"][1]["payload"]["fields"], json!(["phone"]));
    assert_eq!(events["items"][2]["subject_id"], key_id);

    // Newest first, two at a time, as the console shows a timeline.
    let kinds_of = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|e| e["kind"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let first = expect_json(
        app.get(&format!("/v1/customers/{id}/events?order=desc&limit=2"), &owner.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(kinds_of(&first), ["api_key_revoked", "api_key_issued"]);
    let cursor = first["next_cursor"].as_str().expect("more");
    let second = expect_json(
        app.get(
            &format!("/v1/customers/{id}/events?order=desc&limit=2&cursor={cursor}"),
            &owner.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(kinds_of(&second), ["customer_updated", "customer_created"]);
    assert!(second["next_cursor"].is_null());
    let problem = expect_problem(
        app.get(&format!("/v1/customers/{id}/events?order=newest"), &owner.token)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["query.order"]);
}

#[tokio::test]
async fn list_filters_by_name_and_pages() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    for name in [
        "老王汽修厂",
        "Quick Fix Garage",
        "小李快修",
        "QUICKLUBE 100%",
        "王记汽配维修",
    ] {
        app.create_customer(&owner.token, name).await;
    }
    let names = |v: &serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|c| c["name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let quick = expect_json(app.get("/v1/customers?name=quick", &owner.token).await, StatusCode::OK).await;
    assert_eq!(names(&quick), ["Quick Fix Garage", "QUICKLUBE 100%"]);
    let wang = expect_json(
        app.get("/v1/customers?name=%E7%8E%8B", &owner.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(names(&wang), ["老王汽修厂", "王记汽配维修"]);
    // LIKE wildcards are taken literally.
    let percent = expect_json(app.get("/v1/customers?name=%25", &owner.token).await, StatusCode::OK).await;
    assert_eq!(names(&percent), ["QUICKLUBE 100%"]);

    let mut seen = Vec::new();
    let mut path = "/v1/customers?limit=2".to_owned();
    loop {
        let page = expect_json(app.get(&path, &owner.token).await, StatusCode::OK).await;
        seen.extend(names(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/customers?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "老王汽修厂",
            "Quick Fix Garage",
            "小李快修",
            "QUICKLUBE 100%",
            "王记汽配维修"
        ]
    );
}

#[tokio::test]
async fn bad_customer_input_names_the_field() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let cases = [
        (json!({ "name": "" }), "/name"),
        (json!({ "name": "汽".repeat(201) }), "/name"),
        (json!({ "name": "X", "email": "nope" }), "/email"),
        (json!({ "name": "X", "price_level": 101 }), "/price_level"),
        (json!({ "name": "X", "price_level": 12.345 }), "/price_level"),
        (json!({ "name": "X", "price_level": "ten" }), "/price_level"),
        (json!({ "name": "X", "notes": "x".repeat(2001) }), "/notes"),
        (json!({ "name": "X", "phone": "1\u{0}2" }), "/phone"),
        (json!({ "name": "X", "colour": "red" }), "/colour"),
        (json!({ "contact_name": "X" }), "/name"),
    ];
    for (body, field) in cases {
        let problem = expect_problem(
            app.post("/v1/customers", Some(&owner.token), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field], "body: {body}");
    }
    let customer = app.create_customer(&owner.token, "老王汽修厂").await;
    let path = format!("/v1/customers/{}", customer["id"].as_str().expect("id"));
    let problem = expect_problem(
        app.patch(&path, &owner.token, &json!({ "name": null })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["/name"]);

    for query in [
        "limit=0",
        "limit=201",
        "limit=abc",
        "cursor=usr_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b",
        "sort=name",
    ] {
        let problem = expect_problem(
            app.get(&format!("/v1/customers?{query}"), &owner.token).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(fields(&problem)[0].starts_with("query."), "{query}: {problem}");
    }
    // Nothing was written by any of the rejected requests.
    let list = expect_json(app.get("/v1/customers", &owner.token).await, StatusCode::OK).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn the_event_log_refuses_rewrites() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    app.create_customer(&owner.token, "老王汽修厂").await;
    let result = app
        .state
        .db
        .execute_unprepared("UPDATE events SET kind = 'forged'")
        .await;
    assert!(result.is_err(), "an UPDATE on events must fail");
}
