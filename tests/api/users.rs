use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn each_role_gets_exactly_its_permissions() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let admin = app.add_staff(&owner, "admin@shunda.cn", "admin").await;
    let sales = app.add_staff(&admin, "sales@shunda.cn", "sales").await;
    let viewer = app.add_staff(&admin, "viewer@shunda.cn", "viewer").await;

    // An admin cannot create another admin; the owner can.
    let new_admin = json!({ "email": "admin2@shunda.cn", "name": "A2", "password": PASSWORD, "role": "admin" });
    expect_problem(
        app.post("/v1/users", Some(&admin.token), &new_admin).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_json(
        app.post("/v1/users", Some(&owner.token), &new_admin).await,
        StatusCode::CREATED,
    )
    .await;

    // Nobody can create a second owner.
    let new_owner = json!({ "email": "o2@shunda.cn", "name": "O2", "password": PASSWORD, "role": "owner" });
    expect_problem(
        app.post("/v1/users", Some(&owner.token), &new_owner).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    // Staff management: owner and admin only.
    for who in [&owner, &admin] {
        expect_json(app.get("/v1/users", &who.token).await, StatusCode::OK).await;
    }
    for who in [&sales, &viewer] {
        expect_problem(
            app.get("/v1/users", &who.token).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        let body = json!({ "email": "x@shunda.cn", "name": "X", "password": PASSWORD, "role": "viewer" });
        expect_problem(
            app.post("/v1/users", Some(&who.token), &body).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }

    // Everyone reads customers and their own profile.
    for who in [&owner, &admin, &sales, &viewer] {
        expect_json(app.get("/v1/customers", &who.token).await, StatusCode::OK).await;
        expect_json(app.get("/v1/me", &who.token).await, StatusCode::OK).await;
    }

    // Sales creates and edits customers; viewer cannot.
    let customer = app.create_customer(&sales.token, "老王汽修厂").await;
    let path = format!("/v1/customers/{}", customer["id"].as_str().expect("id"));
    expect_json(
        app.patch(&path, &sales.token, &json!({ "phone": "0571-88886666" }))
            .await,
        StatusCode::OK,
    )
    .await;
    expect_problem(
        app.post("/v1/customers", Some(&viewer.token), &json!({ "name": "X" }))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(
        app.patch(&path, &viewer.token, &json!({ "name": "Y" })).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    // Archiving customers and managing keys: admin and owner only.
    let keys = format!("{path}/api-keys");
    expect_problem(
        app.post(&keys, Some(&sales.token), &json!({})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(app.get(&keys, &sales.token).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_problem(
        app.delete(&path, &sales.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_eq!(app.delete(&path, &admin.token).await.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn guard_rails_on_staff_management() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let admin = app.add_staff(&owner, "admin@shunda.cn", "admin").await;
    let sales = app.add_staff(&admin, "sales@shunda.cn", "sales").await;

    let own = format!("/v1/users/{}", admin.user_id);
    expect_problem(app.delete(&own, &admin.token).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_problem(
        app.patch(&own, &admin.token, &json!({ "role": "viewer" })).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    // Renaming yourself is fine.
    let renamed = expect_json(
        app.patch(&own, &admin.token, &json!({ "name": "李经理" })).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(renamed["name"], "李经理");

    let owner_path = format!("/v1/users/{}", owner.user_id);
    expect_problem(
        app.patch(&owner_path, &admin.token, &json!({ "name": "x" })).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(
        app.delete(&owner_path, &admin.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(
        app.delete(&owner_path, &owner.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    // An admin may not promote a sales user to admin.
    let sales_path = format!("/v1/users/{}", sales.user_id);
    expect_problem(
        app.patch(&sales_path, &admin.token, &json!({ "role": "admin" })).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn demotion_and_removal_take_effect_on_the_next_request() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let admin = app.add_staff(&owner, "admin@shunda.cn", "admin").await;
    expect_json(app.get("/v1/users", &admin.token).await, StatusCode::OK).await;

    let path = format!("/v1/users/{}", admin.user_id);
    let demoted = expect_json(
        app.patch(&path, &owner.token, &json!({ "role": "viewer" })).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(demoted["role"], "viewer");
    expect_problem(
        app.get("/v1/users", &admin.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    assert_eq!(app.delete(&path, &owner.token).await.status(), StatusCode::NO_CONTENT);
    expect_problem(
        app.get("/v1/me", &admin.token).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
    expect_problem(app.get(&path, &owner.token).await, StatusCode::NOT_FOUND, "not_found").await;
    // The email is free again.
    app.add_staff(&owner, "admin@shunda.cn", "sales").await;
}

#[tokio::test]
async fn password_change_replaces_the_old_password() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let sales = app.add_staff(&owner, "sales@shunda.cn", "sales").await;
    let path = format!("/v1/users/{}", sales.user_id);
    let problem = expect_problem(
        app.patch(&path, &owner.token, &json!({ "password": "short" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["/password"]);
    expect_json(
        app.patch(&path, &owner.token, &json!({ "password": "a-new-long-password" }))
            .await,
        StatusCode::OK,
    )
    .await;
    expect_problem(
        app.login("sales@shunda.cn", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    expect_json(
        app.login("sales@shunda.cn", "a-new-long-password").await,
        StatusCode::OK,
    )
    .await;
    expect_problem(
        app.get("/v1/me", &sales.token).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
}

/// The clock stands still through each of these, as when a change follows a login within the
/// same second: the change still applies to the token issued before it.
#[tokio::test]
async fn role_changes_and_removals_apply_to_tokens_of_the_same_instant() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let admin = app.add_staff(&owner, "admin@shunda.cn", "admin").await;
    let staff_path = format!("/v1/users/{}", admin.user_id);
    expect_json(app.get("/v1/users", &admin.token).await, StatusCode::OK).await;
    expect_json(
        app.patch(&staff_path, &owner.token, &json!({ "role": "viewer" })).await,
        StatusCode::OK,
    )
    .await;
    let me = expect_json(app.get("/v1/me", &admin.token).await, StatusCode::OK).await;
    assert_eq!(me["user"]["role"], "viewer");
    let new_staff = json!({ "email": "x@shunda.cn", "name": "X", "password": PASSWORD, "role": "sales" });
    expect_problem(
        app.post("/v1/users", Some(&admin.token), &new_staff).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let resp = app.delete(&staff_path, &owner.token).await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    expect_problem(
        app.get("/v1/me", &admin.token).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
}

#[tokio::test]
async fn staff_list_pages_with_a_cursor() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    for i in 0..4 {
        app.add_staff(&owner, &format!("s{i}@shunda.cn"), "sales").await;
    }
    let first = expect_json(app.get("/v1/users?limit=3", &owner.token).await, StatusCode::OK).await;
    assert_eq!(first["items"].as_array().map(Vec::len), Some(3));
    assert_eq!(first["items"][0]["role"], "owner");
    let cursor = first["next_cursor"].as_str().expect("cursor");
    let second = expect_json(
        app.get(&format!("/v1/users?limit=3&cursor={cursor}"), &owner.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(second["items"].as_array().map(Vec::len), Some(2));
    assert!(second["next_cursor"].is_null());
}

#[tokio::test]
async fn changing_my_password_ends_earlier_sessions() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let sales = app.add_staff(&owner, "sales@shunda.cn", "sales").await;

    let problem = expect_problem(
        app.patch(
            "/v1/me",
            &sales.token,
            &json!({ "new_password": "another-long-password" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["/current_password"]);
    let problem = expect_problem(
        app.patch(
            "/v1/me",
            &sales.token,
            &json!({ "current_password": "not-my-password", "new_password": "another-long-password" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "incorrect");

    // The clock stands still: the old token and the change share one instant.
    let session = expect_json(
        app.patch(
            "/v1/me",
            &sales.token,
            &json!({ "name": "小张", "current_password": PASSWORD, "new_password": "another-long-password" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(session["user"]["name"], "小张");
    let fresh = session["access_token"].as_str().expect("token");
    expect_json(app.get("/v1/me", fresh).await, StatusCode::OK).await;
    expect_problem(
        app.get("/v1/me", &sales.token).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
    expect_json(
        app.login("sales@shunda.cn", "another-long-password").await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn bad_staff_input_names_the_field() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let cases = [
        (
            json!({ "email": "x@shunda.cn", "name": "X", "password": PASSWORD, "role": "janitor" }),
            "/role",
        ),
        (
            json!({ "email": "nope", "name": "X", "password": PASSWORD, "role": "sales" }),
            "/email",
        ),
        (
            json!({ "email": "x@shunda.cn", "name": "", "password": PASSWORD, "role": "sales" }),
            "/name",
        ),
        (
            json!({ "email": "x@shunda.cn", "name": "X", "role": "sales" }),
            "/password",
        ),
        (
            json!({ "email": "x@shunda.cn", "name": "X", "password": "x".repeat(129), "role": "sales" }),
            "/password",
        ),
    ];
    for (body, field) in cases {
        let problem = expect_problem(
            app.post("/v1/users", Some(&owner.token), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field], "body: {body}");
    }
    let path = format!("/v1/users/{}", owner.user_id);
    let problem = expect_problem(
        app.patch(&path, &owner.token, &json!({ "nickname": "boss" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["/nickname"]);
    expect_problem(
        app.get("/v1/users?limit=0", &owner.token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    expect_problem(
        app.get("/v1/users/usr_123", &owner.token).await,
        StatusCode::BAD_REQUEST,
        "invalid_id",
    )
    .await;

    let problem = expect_problem(
        app.post("/v1/auth/login", None, &json!({ "email": "owner@shunda.cn" }))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["/password"]);
    let list = expect_json(app.get("/v1/users", &owner.token).await, StatusCode::OK).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "nothing was written");
}

#[tokio::test]
async fn a_demotion_removal_or_log_out_on_one_server_applies_on_another_within_a_second() {
    // On SQLite, one process, whose caches the writer updates itself (tested above).
    let Some((first, second)) = two_servers().await else {
        return;
    };
    let owner = first.signup("Shunda", "owner@shunda.cn").await;
    let admin = first.add_staff(&owner, "admin@shunda.cn", "admin").await;
    // Read on the second server, so that it holds the account.
    expect_json(second.get("/v1/users", &admin.token).await, StatusCode::OK).await;

    let path = format!("/v1/users/{}", admin.user_id);
    expect_json(
        first.patch(&path, &owner.token, &json!({ "role": "viewer" })).await,
        StatusCode::OK,
    )
    .await;
    within_a_second("the demotion on the second server", async || {
        second.get("/v1/users", &admin.token).await.status() == StatusCode::FORBIDDEN
    })
    .await;
    assert_eq!(first.delete(&path, &owner.token).await.status(), StatusCode::NO_CONTENT);
    within_a_second("the removal on the second server", async || {
        second.get("/v1/me", &admin.token).await.status() == StatusCode::UNAUTHORIZED
    })
    .await;

    // A browser session ended on the first server ends on the second.
    let session = first.cookie_session("owner@shunda.cn").await;
    let me = |node: &TestApp| node.with_cookie(Method::GET, "/v1/me", &session).send();
    assert_eq!(me(&second).await.expect("send").status(), StatusCode::OK);
    let ended = first
        .with_session(Method::DELETE, "/v1/auth/session", &session)
        .send()
        .await
        .expect("send");
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    within_a_second("the log-out on the second server", async || {
        me(&second).await.expect("send").status() == StatusCode::UNAUTHORIZED
    })
    .await;
}
