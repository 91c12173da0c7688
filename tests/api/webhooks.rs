//! Dealer webhooks: registration rules, signed deliveries, retries with backoff, the log.

use chrono::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn deliveries(app: &TestApp, token: &str, webhook: &str) -> Vec<Value> {
    let list = expect_json(
        app.get(&format!("/v1/webhooks/{webhook}/deliveries"), token).await,
        StatusCode::OK,
    )
    .await;
    list["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn deliveries_are_signed_retried_and_logged() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    // The receiver fails twice, then accepts.
    let receiver = spawn_receiver(vec![500, 503]).await;
    let webhook = expect_json(
        app.post(
            "/v1/webhooks",
            Some(&dealer.owner.token),
            &json!({ "url": receiver.url, "events": ["inquiry.received", "quote.accepted"] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = webhook["id"].as_str().expect("id").to_owned();
    let secret = webhook["secret"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("whsec_"));
    let listed = expect_json(app.get("/v1/webhooks", &dealer.owner.token).await, StatusCode::OK).await;
    assert!(listed["items"][0].get("secret").is_none(), "the secret is shown once");

    let inquiry = expect_json(
        app.send_inquiry(&dealer.key, "k", &json!({ "lines": [{ "text": "机滤" }] }))
            .await,
        StatusCode::CREATED,
    )
    .await;

    app.run_jobs().await;
    let log = deliveries(&app, &dealer.owner.token, &id).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["state"], "pending");
    assert_eq!(log[0]["attempts"], 1);
    assert_eq!(log[0]["last_status"], 500);

    // Not due yet: nothing is sent.
    app.run_jobs().await;
    assert_eq!(receiver.received.lock().expect("lock").len(), 1);

    app.clock.advance(Duration::seconds(5));
    app.run_jobs().await;
    app.clock.advance(Duration::seconds(30));
    app.run_jobs().await;
    let log = deliveries(&app, &dealer.owner.token, &id).await;
    assert_eq!(log[0]["state"], "delivered");
    assert_eq!(log[0]["attempts"], 3);
    assert_eq!(log[0]["payload"]["type"], "inquiry.received");
    assert_eq!(log[0]["payload"]["data"]["inquiry_id"], inquiry["id"]);

    let received = receiver.received.lock().expect("lock").clone();
    assert_eq!(received.len(), 3);
    for hook in &received {
        assert_eq!(hook.header("webhook-id"), log[0]["id"].as_str().unwrap_or_default());
        assert!(hook.signed_with(&secret, &hook.body));
        assert!(!hook.signed_with(&secret, &hook.body.replace("inquiry", "Inquiry")));
        assert_eq!(hook.body, received[0].body, "every retry is byte-identical");
    }

    let delivered = expect_json(
        app.get(
            &format!("/v1/webhooks/{id}/deliveries?state=delivered"),
            &dealer.owner.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(delivered["items"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_receiver_that_never_answers_is_given_up_on() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let receiver = spawn_receiver(vec![500; 20]).await;
    let webhook = expect_json(
        app.post(
            "/v1/webhooks",
            Some(&dealer.owner.token),
            &json!({ "url": receiver.url, "events": ["inquiry.received"] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = webhook["id"].as_str().expect("id").to_owned();
    app.send_inquiry(&dealer.key, "k", &json!({ "lines": [{ "text": "机滤" }] }))
        .await;
    for _ in 0..12 {
        app.run_jobs().await;
        app.clock.advance(Duration::seconds(24 * 3600));
    }
    let token = app.fresh_token("owner@shunda.cn").await;
    let log = deliveries(&app, &token, &id).await;
    assert_eq!(log[0]["state"], "failed");
    assert_eq!(log[0]["attempts"], 11);
    assert!(log[0]["next_attempt_at"].is_null());
}

#[tokio::test]
async fn registration_is_checked() {
    let app = spawn_app_with(|c| c.allow_private_webhooks = false).await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    for (body, field, code) in [
        (
            json!({ "url": "http://127.0.0.1:9/hook", "events": ["inquiry.received"] }),
            "/url",
            "private_address",
        ),
        (
            json!({ "url": "http://169.254.169.254/latest", "events": ["inquiry.received"] }),
            "/url",
            "private_address",
        ),
        (
            json!({ "url": "ftp://example.com/x", "events": ["inquiry.received"] }),
            "/url",
            "invalid_url",
        ),
        (
            json!({ "url": "https://erp.example.com/hook", "events": ["order.shipped"] }),
            "/events/0",
            "unknown_event",
        ),
        (
            json!({ "url": "https://erp.example.com/hook", "events": [] }),
            "/events",
            "required",
        ),
    ] {
        let problem = expect_problem(
            app.post("/v1/webhooks", Some(&owner.token), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), vec![field], "{body}");
        assert_eq!(problem["errors"][0]["code"], code, "{body}");
    }
    let ok = expect_json(
        app.post(
            "/v1/webhooks",
            Some(&owner.token),
            &json!({ "url": "https://erp.example.com/hook", "events": ["quote.rejected", "reminder.due"] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(ok["events"], json!(["quote.rejected", "reminder.due"]));

    // Sales staff do not manage webhooks; another dealer cannot see or remove them.
    let sales = app.add_staff(&owner, "sales@shunda.cn", "sales").await;
    expect_problem(
        app.get("/v1/webhooks", &sales.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let other = app.signup("Other", "owner@other.cn").await;
    let id = ok["id"].as_str().unwrap_or_default();
    for path in [format!("/v1/webhooks/{id}"), format!("/v1/webhooks/{id}/deliveries")] {
        expect_problem(app.get(&path, &other.token).await, StatusCode::NOT_FOUND, "not_found").await;
    }
    expect_problem(
        app.delete(&format!("/v1/webhooks/{id}"), &other.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(
        app.delete(&format!("/v1/webhooks/{id}"), &owner.token).await.status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn shop_callbacks_refuse_private_addresses_in_production() {
    let app = spawn_app_with(|c| c.allow_private_webhooks = false).await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let problem = expect_problem(
        app.request(reqwest::Method::PUT, "/v1/shop/callback", Some(&dealer.key))
            .json(&json!({ "url": "http://localhost:8080/cb" }))
            .send()
            .await
            .expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), vec!["/url"]);
    let set = expect_json(
        app.request(reqwest::Method::PUT, "/v1/shop/callback", Some(&dealer.key))
            .json(&json!({ "url": "https://erp.laowang-auto.cn/cb" }))
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    assert!(set["secret"].as_str().is_some_and(|s| s.starts_with("whsec_")));
    let got = expect_json(app.get("/v1/shop/callback", &dealer.key).await, StatusCode::OK).await;
    assert_eq!(got["url"], "https://erp.laowang-auto.cn/cb");
    assert_eq!(
        app.delete("/v1/shop/callback", &dealer.key).await.status(),
        StatusCode::NO_CONTENT
    );
    let got = expect_json(app.get("/v1/shop/callback", &dealer.key).await, StatusCode::OK).await;
    assert!(got["url"].is_null());
}
