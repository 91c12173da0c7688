//! Browser sessions: an HttpOnly cookie with a CSRF token for writes, beside the bearer token.

use chrono::Duration;
use partsdesk::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_cookie_session_logs_in_works_with_csrf_and_logs_out_on_the_server() {
    let app = spawn_app().await;
    let owner = app.signup("杭州顺达汽配", "owner@shunda.cn").await;

    let resp = app.session_login("Owner@Shunda.cn", PASSWORD).await;
    let cookie = set_cookie(&resp);
    let body = expect_json(resp, StatusCode::OK).await;
    assert!(cookie.starts_with("partsdesk_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(attribute), "{attribute} missing from {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http by default: {cookie}");
    assert_eq!(body["user"]["user"]["id"], owner.user_id);
    assert_eq!(body["user"]["user"]["role"], "owner");
    assert_eq!(body["user"]["tenant"]["id"], owner.tenant_id);
    assert!(body.get("access_token").is_none(), "no token for page scripts: {body}");
    let expires: chrono::DateTime<chrono::Utc> = body["expires_at"]
        .as_str()
        .expect("expires_at")
        .parse()
        .expect("rfc3339");
    let lasts = (expires - app.clock.now()).num_milliseconds();
    assert!((12 * 3600 * 1000 - 1..=12 * 3600 * 1000).contains(&lasts), "{lasts} ms");

    let session = app.cookie_session("owner@shunda.cn").await;
    // The cookie reads like a bearer token.
    let me = expect_json(
        app.with_cookie(Method::GET, "/v1/me", &session)
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["user"]["id"], owner.user_id);
    // A reloaded page recovers its CSRF token and profile.
    let again = expect_json(
        app.with_cookie(Method::GET, "/v1/auth/session", &session)
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["csrf_token"], session.csrf.as_str());
    assert_eq!(again["user"]["user"]["email"], "owner@shunda.cn");

    // Writes need the CSRF token.
    let customer = json!({ "name": "老王汽修厂" });
    let missing = app
        .with_cookie(Method::POST, "/v1/customers", &session)
        .json(&customer)
        .send()
        .await
        .expect("send");
    expect_problem(missing, StatusCode::FORBIDDEN, "csrf_failed").await;
    let wrong = app
        .with_cookie(Method::POST, "/v1/customers", &session)
        .header("x-csrf-token", "not-the-token")
        .json(&customer)
        .send()
        .await
        .expect("send");
    expect_problem(wrong, StatusCode::FORBIDDEN, "csrf_failed").await;
    let created = app
        .with_session(Method::POST, "/v1/customers", &session)
        .json(&customer)
        .send()
        .await
        .expect("send");
    let created = expect_json(created, StatusCode::CREATED).await;
    let path = format!("/v1/customers/{}", created["id"].as_str().expect("id"));
    expect_json(
        app.with_session(Method::PATCH, &path, &session)
            .json(&json!({ "phone": "13800138000" }))
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;

    // Log-out needs the token too, then ends the session on the server and clears the cookie.
    let resp = app
        .with_cookie(Method::DELETE, "/v1/auth/session", &session)
        .send()
        .await
        .expect("send");
    expect_problem(resp, StatusCode::FORBIDDEN, "csrf_failed").await;
    let resp = app
        .with_session(Method::DELETE, "/v1/auth/session", &session)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let cleared = set_cookie(&resp);
    assert!(
        cleared.starts_with("partsdesk_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    for (method, path) in [(Method::GET, "/v1/me"), (Method::GET, "/v1/auth/session")] {
        let resp = app.with_session(method, path, &session).send().await.expect("send");
        expect_problem(resp, StatusCode::UNAUTHORIZED, "invalid_session").await;
    }
    let resp = app
        .with_session(Method::POST, "/v1/customers", &session)
        .json(&customer)
        .send()
        .await
        .expect("send");
    expect_problem(resp, StatusCode::UNAUTHORIZED, "invalid_session").await;
    // The bearer token was never affected.
    expect_json(app.get("/v1/me", &owner.token).await, StatusCode::OK).await;

    // Without any cookie.
    let resp = app
        .request(Method::GET, "/v1/auth/session", None)
        .send()
        .await
        .expect("send");
    expect_problem(resp, StatusCode::UNAUTHORIZED, "missing_credentials").await;
    let forged = CookieSession {
        token: "forged".to_owned(),
        csrf: "forged".to_owned(),
    };
    let resp = app
        .with_cookie(Method::GET, "/v1/me", &forged)
        .send()
        .await
        .expect("send");
    expect_problem(resp, StatusCode::UNAUTHORIZED, "invalid_session").await;
}

#[tokio::test]
async fn session_log_in_is_throttled_and_answered_as_log_in() {
    let app = spawn_app().await;
    app.signup("Shunda", "owner@shunda.cn").await;
    let wrong = expect_problem(
        app.session_login("owner@shunda.cn", "wrong-password!").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let unknown = expect_problem(
        app.session_login("nobody@shunda.cn", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_eq!(wrong["detail"], unknown["detail"]);
    for _ in 0..4 {
        app.session_login("owner@shunda.cn", "wrong-password!").await;
    }
    let resp = app.session_login("owner@shunda.cn", PASSWORD).await;
    assert!(resp.headers().get("retry-after").is_some());
    expect_problem(resp, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Both doors count against the same email.
    expect_problem(
        app.login("owner@shunda.cn", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    )
    .await;
    let problem = expect_problem(
        app.post("/v1/auth/session", None, &json!({ "email": "owner@shunda.cn" }))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["/password"]);
}

#[tokio::test]
async fn a_password_change_a_reset_or_removal_ends_cookie_sessions() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let sales = app.add_staff(&owner, "li@shunda.cn", "sales").await;

    // The owner's own password change, made through the cookie session itself.
    let session = app.cookie_session("owner@shunda.cn").await;
    let other_tab = app.cookie_session("owner@shunda.cn").await;
    // A name change keeps the session.
    let resp = app
        .with_session(Method::PATCH, "/v1/me", &session)
        .json(&json!({ "name": "王老板" }))
        .send()
        .await
        .expect("send");
    assert!(set_cookie(&resp).is_empty());
    let renamed = expect_json(resp, StatusCode::OK).await;
    assert_eq!(renamed["csrf_token"], session.csrf.as_str());
    assert_eq!(renamed["user"]["user"]["name"], "王老板");
    assert!(
        renamed.get("access_token").is_none(),
        "no token for page scripts: {renamed}"
    );
    // A password change ends every session, and gives the tab that made it a new one.
    let resp = app
        .with_session(Method::PATCH, "/v1/me", &session)
        .json(&json!({ "current_password": PASSWORD, "new_password": "another-horse-battery" }))
        .send()
        .await
        .expect("send");
    let cookie = set_cookie(&resp);
    let changed = expect_json(resp, StatusCode::OK).await;
    assert!(
        changed.get("access_token").is_none(),
        "no token for page scripts: {changed}"
    );
    let renewed = CookieSession {
        token: cookie
            .split(';')
            .next()
            .and_then(|pair| pair.strip_prefix("partsdesk_session="))
            .expect("a new cookie")
            .to_owned(),
        csrf: changed["csrf_token"].as_str().expect("csrf").to_owned(),
    };
    assert_ne!(renewed.token, session.token);
    for s in [&session, &other_tab] {
        let resp = app.with_cookie(Method::GET, "/v1/me", s).send().await.expect("send");
        expect_problem(resp, StatusCode::UNAUTHORIZED, "invalid_session").await;
    }
    let resp = app
        .with_cookie(Method::GET, "/v1/me", &renewed)
        .send()
        .await
        .expect("send");
    expect_json(resp, StatusCode::OK).await;
    // A bearer caller still gets a token.
    let token = app.fresh_token_with("owner@shunda.cn", "another-horse-battery").await;
    let resp = app.patch("/v1/me", &token, &json!({ "name": "王总" })).await;
    assert!(expect_json(resp, StatusCode::OK).await["access_token"].is_string());
    let fresh = app
        .cookie_session_with("owner@shunda.cn", "another-horse-battery")
        .await;
    let resp = app
        .with_cookie(Method::GET, "/v1/me", &fresh)
        .send()
        .await
        .expect("send");
    expect_json(resp, StatusCode::OK).await;

    // The owner resets a clerk's password: the clerk's session ends.
    let clerk = app.cookie_session("li@shunda.cn").await;
    let resp = app
        .with_cookie(Method::GET, "/v1/inquiries", &clerk)
        .send()
        .await
        .expect("send");
    expect_json(resp, StatusCode::OK).await;
    let path = format!("/v1/users/{}", sales.user_id);
    expect_json(
        app.with_session(Method::PATCH, &path, &fresh)
            .json(&json!({ "password": "a-new-clerk-password" }))
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    let resp = app
        .with_cookie(Method::GET, "/v1/inquiries", &clerk)
        .send()
        .await
        .expect("send");
    expect_problem(resp, StatusCode::UNAUTHORIZED, "invalid_session").await;

    // Removing the clerk ends their new session too.
    let clerk = app.cookie_session_with("li@shunda.cn", "a-new-clerk-password").await;
    let resp = app
        .with_session(Method::DELETE, &path, &fresh)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let resp = app
        .with_cookie(Method::GET, "/v1/inquiries", &clerk)
        .send()
        .await
        .expect("send");
    expect_problem(resp, StatusCode::UNAUTHORIZED, "invalid_session").await;
}

#[tokio::test]
async fn a_cookie_session_lasts_twelve_hours_and_carries_its_role() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    app.add_staff(&owner, "view@shunda.cn", "viewer").await;
    let viewer = app.cookie_session("view@shunda.cn").await;
    let resp = app
        .with_session(Method::POST, "/v1/customers", &viewer)
        .json(&json!({ "name": "老王汽修厂" }))
        .send()
        .await
        .expect("send");
    expect_problem(resp, StatusCode::FORBIDDEN, "forbidden").await;

    app.clock.advance(Duration::hours(12) - Duration::seconds(1));
    let resp = app
        .with_cookie(Method::GET, "/v1/customers", &viewer)
        .send()
        .await
        .expect("send");
    expect_json(resp, StatusCode::OK).await;
    app.clock.advance(Duration::seconds(1));
    for path in ["/v1/customers", "/v1/auth/session"] {
        let resp = app.with_cookie(Method::GET, path, &viewer).send().await.expect("send");
        expect_problem(resp, StatusCode::UNAUTHORIZED, "invalid_session").await;
    }
}

#[tokio::test]
async fn a_cookie_session_sees_only_its_own_dealer() {
    let app = spawn_app().await;
    app.signup("Shunda", "owner@shunda.cn").await;
    let b = app.signup("Other", "owner@other.cn").await;
    let theirs = app.create_customer(&b.token, "别家的汽修厂").await;
    let path = format!("/v1/customers/{}", theirs["id"].as_str().expect("id"));
    let session = app.cookie_session("owner@shunda.cn").await;
    let resp = app
        .with_cookie(Method::GET, &path, &session)
        .send()
        .await
        .expect("send");
    expect_problem(resp, StatusCode::NOT_FOUND, "not_found").await;
    let resp = app
        .with_session(Method::PATCH, &path, &session)
        .json(&json!({ "name": "改名" }))
        .send()
        .await
        .expect("send");
    expect_problem(resp, StatusCode::NOT_FOUND, "not_found").await;
    let list = expect_json(
        app.with_cookie(Method::GET, "/v1/customers", &session)
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn a_bearer_token_is_judged_before_the_cookie() {
    let app = spawn_app().await;
    app.signup("Shunda", "owner@shunda.cn").await;
    let session = app.cookie_session("owner@shunda.cn").await;
    // A bad token is not rescued by a good cookie...
    let resp = app
        .with_cookie(Method::GET, "/v1/me", &session)
        .bearer_auth("garbage")
        .send()
        .await
        .expect("send");
    expect_problem(resp, StatusCode::UNAUTHORIZED, "invalid_token").await;
    // ...and a write with a good token needs no CSRF token, cookie or not.
    let token = app.fresh_token("owner@shunda.cn").await;
    let resp = app
        .with_cookie(Method::POST, "/v1/customers", &session)
        .bearer_auth(&token)
        .json(&json!({ "name": "老王汽修厂" }))
        .send()
        .await
        .expect("send");
    expect_json(resp, StatusCode::CREATED).await;
}

#[tokio::test]
async fn the_cookie_is_secure_when_configured() {
    let app = spawn_app_with(|config| config.cookie_secure = true).await;
    app.signup("Shunda", "owner@shunda.cn").await;
    let resp = app.session_login("owner@shunda.cn", PASSWORD).await;
    let cookie = set_cookie(&resp);
    assert!(cookie.ends_with("; Secure"), "{cookie}");
}
