use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn signup_returns_a_working_token_and_defaults() {
    let app = spawn_app().await;
    let resp = app
        .post(
            "/v1/signup",
            None,
            &json!({ "dealer_name": "杭州顺达汽配", "email": "Owner@Shunda.cn", "password": PASSWORD, "name": "王老板" }),
        )
        .await;
    let body = expect_json(resp, StatusCode::CREATED).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["user"]["email"], "owner@shunda.cn");
    assert_eq!(body["user"]["role"], "owner");
    assert_eq!(body["tenant"]["time_zone"], "Asia/Shanghai");
    assert_eq!(body["tenant"]["currency"], "CNY");
    assert!(
        body["tenant"]["slug"]
            .as_str()
            .is_some_and(|s| s.starts_with("dealer-"))
    );
    assert!(body.get("password_hash").is_none() && body["user"].get("password_hash").is_none());

    let token = body["access_token"].as_str().expect("token");
    let me = expect_json(app.get("/v1/me", token).await, StatusCode::OK).await;
    assert_eq!(me["user"]["name"], "王老板");
    assert_eq!(me["tenant"]["name"], "杭州顺达汽配");
    assert_eq!(me["tenant"]["id"], body["tenant"]["id"]);
}

#[tokio::test]
async fn signup_rejects_bad_input_naming_each_field() {
    let app = spawn_app().await;
    let resp = app
        .post(
            "/v1/signup",
            None,
            &json!({ "dealer_name": " ", "email": "not-an-email", "password": "short", "time_zone": "Mars/Olympus", "currency": "yuan", "slug": "-Bad-" }),
        )
        .await;
    let problem = expect_problem(resp, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let mut named = fields(&problem);
    named.sort();
    assert_eq!(
        named,
        [
            "/currency",
            "/dealer_name",
            "/email",
            "/password",
            "/slug",
            "/time_zone"
        ]
    );

    let resp = app
        .post("/v1/signup", None, &json!({ "dealer_name": "X", "email": "a@b.cn" }))
        .await;
    let problem = expect_problem(resp, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(fields(&problem), ["/password"]);
    assert_eq!(problem["errors"][0]["code"], "required");
}

#[tokio::test]
async fn emails_and_slugs_are_unique_regardless_of_case() {
    let app = spawn_app().await;
    app.signup("Shunda", "owner@shunda.cn").await;
    let resp = app
        .post(
            "/v1/signup",
            None,
            &json!({ "dealer_name": "Other", "email": "OWNER@shunda.cn", "password": PASSWORD }),
        )
        .await;
    let problem = expect_problem(resp, StatusCode::CONFLICT, "email_taken").await;
    assert_eq!(fields(&problem), ["/email"]);

    let first = json!({ "dealer_name": "A", "email": "a@a.cn", "password": PASSWORD, "slug": "shunda-parts" });
    expect_json(app.post("/v1/signup", None, &first).await, StatusCode::CREATED).await;
    let second = json!({ "dealer_name": "B", "email": "b@b.cn", "password": PASSWORD, "slug": "shunda-parts" });
    let problem = expect_problem(
        app.post("/v1/signup", None, &second).await,
        StatusCode::CONFLICT,
        "slug_taken",
    )
    .await;
    assert_eq!(fields(&problem), ["/slug"]);
}

#[tokio::test]
async fn login_succeeds_and_fails_without_revealing_which_part_was_wrong() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let body = expect_json(app.login("OWNER@shunda.cn", PASSWORD).await, StatusCode::OK).await;
    assert_eq!(body["user"]["id"], owner.user_id);
    assert_eq!(body["tenant"]["id"], owner.tenant_id);

    let wrong_password = expect_problem(
        app.login("owner@shunda.cn", "wrong-password!").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let unknown_email = expect_problem(
        app.login("nobody@shunda.cn", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_eq!(wrong_password["detail"], unknown_email["detail"]);
}

#[tokio::test]
async fn repeated_failed_logins_are_rate_limited_until_the_window_passes() {
    let app = spawn_app().await;
    app.signup("Shunda", "owner@shunda.cn").await;
    for _ in 0..5 {
        expect_problem(
            app.login("owner@shunda.cn", "wrong-password!").await,
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        )
        .await;
    }
    // Locked even with the right password: the lock does not let a guess be confirmed.
    let resp = app.login("owner@shunda.cn", PASSWORD).await;
    let retry_after: u64 = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After header");
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    expect_problem(resp, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;

    // Another account is not affected.
    app.signup("Other", "owner@other.cn").await;
    expect_json(app.login("owner@other.cn", PASSWORD).await, StatusCode::OK).await;

    app.clock.advance(Duration::minutes(15));
    expect_json(app.login("owner@shunda.cn", PASSWORD).await, StatusCode::OK).await;
}

#[tokio::test]
async fn failed_logins_spread_over_several_servers_lock_the_account_on_all() {
    let first = spawn_app().await;
    let (second, third) = (first.another_node().await, first.another_node().await);
    first.signup("Shunda", "owner@shunda.cn").await;
    for node in [&first, &second, &third, &first, &second] {
        expect_problem(
            node.login("owner@shunda.cn", "wrong-password!").await,
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        )
        .await;
    }
    for node in [&first, &second, &third] {
        expect_problem(
            node.login("owner@shunda.cn", PASSWORD).await,
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
        )
        .await;
    }
    first.clock.advance(Duration::minutes(15));
    expect_json(third.login("owner@shunda.cn", PASSWORD).await, StatusCode::OK).await;
    // A success forgets the failures for every server.
    for node in [&first, &second, &third, &first] {
        expect_problem(
            node.login("owner@shunda.cn", "wrong-password!").await,
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        )
        .await;
    }
    expect_json(second.login("owner@shunda.cn", PASSWORD).await, StatusCode::OK).await;
}

fn forge(header: serde_json::Value, claims: serde_json::Value, key: &[u8]) -> String {
    let header = jsonwebtoken::Header {
        alg: serde_json::from_value(header["alg"].clone()).expect("alg"),
        ..Default::default()
    };
    jsonwebtoken::encode(&header, &claims, &jsonwebtoken::EncodingKey::from_secret(key)).expect("encode")
}

#[tokio::test]
async fn forged_expired_and_foreign_tokens_get_401() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let now = app.clock.now_ts();
    let claims = |aud: &str, exp: i64| json!({ "iss": "partsdesk", "aud": aud, "sub": owner.user_id, "tid": owner.tenant_id, "role": "owner", "gen": 0, "iat": now, "exp": exp });
    let hs256 = json!({ "alg": "HS256" });

    // A correctly signed token is accepted (so the rejections below are about the one defect each has).
    let good = forge(hs256.clone(), claims("partsdesk-api", now + 600), JWT_SECRET.as_bytes());
    expect_json(app.get("/v1/me", &good).await, StatusCode::OK).await;

    let wrong_key = forge(
        hs256.clone(),
        claims("partsdesk-api", now + 600),
        b"another-secret-of-thirty-two-bytes!!",
    );
    let wrong_audience = forge(hs256.clone(), claims("someone-else", now + 600), JWT_SECRET.as_bytes());
    let other_alg = forge(
        json!({ "alg": "HS512" }),
        claims("partsdesk-api", now + 600),
        JWT_SECRET.as_bytes(),
    );
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims("partsdesk-api", now + 600).to_string())
    );
    for token in [wrong_key, wrong_audience, other_alg, unsigned, "garbage".to_owned()] {
        let resp = app.get("/v1/me", &token).await;
        assert_eq!(
            resp.headers().get("www-authenticate").map(|v| v.as_bytes()),
            Some(&b"Bearer"[..])
        );
        expect_problem(resp, StatusCode::UNAUTHORIZED, "invalid_token").await;
    }

    let resp = app
        .request(reqwest::Method::GET, "/v1/me", None)
        .send()
        .await
        .expect("send");
    expect_problem(resp, StatusCode::UNAUTHORIZED, "missing_credentials").await;

    app.clock.advance(Duration::hours(2));
    expect_problem(
        app.get("/v1/me", &owner.token).await,
        StatusCode::UNAUTHORIZED,
        "token_expired",
    )
    .await;
}

#[tokio::test]
async fn staff_tokens_and_shop_keys_do_not_cross_over() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let customer = app.create_customer(&owner.token, "老王汽修厂").await;
    let (_, secret) = app.issue_key(&owner.token, customer["id"].as_str().expect("id")).await;

    expect_problem(
        app.get("/v1/me", &secret).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
    expect_problem(
        app.get("/v1/customers", &secret).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
    expect_problem(
        app.get("/v1/shop/me", &owner.token).await,
        StatusCode::UNAUTHORIZED,
        "invalid_api_key",
    )
    .await;
    expect_json(app.get("/v1/shop/me", &secret).await, StatusCode::OK).await;
}
