//! Quotes and orders: review, send, the shop's acceptance (all, part, twice, concurrently),
//! rejection, expiry, cancellation, and isolation between shops and dealers.

use chrono::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

/// Sends an inquiry and returns (inquiry id, quote id).
async fn inquire(app: &TestApp, dealer: &Dealer, key: &str, body: &Value) -> (String, String) {
    let created = expect_json(app.send_inquiry(&dealer.key, key, body).await, StatusCode::CREATED).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let inquiry = expect_json(
        app.get(&format!("/v1/inquiries/{id}"), &dealer.owner.token).await,
        StatusCode::OK,
    )
    .await;
    (id, inquiry["quote"]["id"].as_str().expect("quote").to_owned())
}

fn brake_and_filter() -> Value {
    json!({
        "vehicle": { "make": "Toyota", "model": "Corolla", "year": 2006 },
        "lines": [
            { "text": "04465-02061", "quantity": 2 },
            { "text": "W 712/75", "quantity": 3 },
            { "text": "雨刮片", "quantity": 1 }
        ]
    })
}

async fn kinds(app: &TestApp, dealer: &Dealer) -> Vec<String> {
    let events = expect_json(
        app.get(
            &format!("/v1/customers/{}/events?limit=200", dealer.customer_id),
            &dealer.owner.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    events["items"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["kind"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn staff_review_and_send_then_the_shop_accepts_part() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let (inquiry_id, quote_id) = inquire(&app, &dealer, "k1", &brake_and_filter()).await;

    // The shop cannot see a draft.
    expect_problem(
        app.get(&format!("/v1/shop/quotes/{quote_id}"), &dealer.key).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let quote = expect_json(
        app.get(&format!("/v1/quotes/{quote_id}"), &dealer.owner.token).await,
        StatusCode::OK,
    )
    .await;
    let line = |i: usize| quote["lines"][i]["id"].as_str().unwrap_or_default().to_owned();
    // Pick the TRW pads instead, at a special price; the wiper line stays without offer;
    // drop the filter line.
    let parts = expect_json(app.get("/v1/parts?limit=50", &dealer.owner.token).await, StatusCode::OK).await;
    let trw = parts["items"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["sku"] == "TRW-GDB3287"))
        .and_then(|p| p["id"].as_str())
        .expect("TRW part")
        .to_owned();
    let edited = expect_json(
        app.patch(
            &format!("/v1/quotes/{quote_id}"),
            &dealer.owner.token,
            &json!({
                "note": "TRW 更便宜",
                "lines": [
                    { "id": line(0), "options": [{ "part_id": trw, "unit_price": "180.00", "quantity": 2 }] },
                    { "id": line(1), "unavailable": true, "note": "暂时缺货" }
                ]
            }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["note"], "TRW 更便宜");
    assert_eq!(edited["lines"][0]["options"][0]["sku"], "TRW-GDB3287");
    assert_eq!(edited["lines"][0]["options"][0]["unit_price"], "180.00");
    assert_eq!(
        edited["lines"][0]["options"][0]["backorder_quantity"], 2,
        "TRW has no stock"
    );
    assert_eq!(edited["lines"][0]["changed_by_staff"], true);
    assert_eq!(edited["lines"][1]["status"], "unavailable");
    assert_eq!(edited["lines"][1]["note"], "暂时缺货");

    let bad = expect_problem(
        app.patch(
            &format!("/v1/quotes/{quote_id}"),
            &dealer.owner.token,
            &json!({ "lines": [
                { "id": line(0), "options": [{ "part_id": trw, "unit_price": "1.234" }] },
                { "id": "qln_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b", "unavailable": true }
            ] }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&bad), vec!["/lines/0/options/0/unit_price", "/lines/1/id"]);

    app.clock.advance(Duration::seconds(90));
    let sent = expect_json(
        app.post_empty(&format!("/v1/quotes/{quote_id}/send"), &dealer.owner.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(sent["status"], "sent");
    assert!(sent["valid_until"].is_string());

    // Sent quotes are no longer edited or sent again: 409 with the current state.
    let conflict = expect_problem(
        app.patch(
            &format!("/v1/quotes/{quote_id}"),
            &dealer.owner.token,
            &json!({ "note": "x" }),
        )
        .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_eq!(conflict["current_status"], "sent");
    expect_problem(
        app.post_empty(&format!("/v1/quotes/{quote_id}/send"), &dealer.owner.token)
            .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;

    // The shop sees it (without stock counts or confidence) and accepts one unit of line 0.
    let shop_quote = expect_json(
        app.get(&format!("/v1/shop/quotes/{quote_id}"), &dealer.key).await,
        StatusCode::OK,
    )
    .await;
    assert!(shop_quote["lines"][0]["options"][0].get("stock").is_none());
    assert!(shop_quote["lines"][0].get("confidence").is_none());
    assert!(shop_quote["viewed_at"].is_string());
    let shop_inquiry = expect_json(
        app.get(&format!("/v1/shop/inquiries/{inquiry_id}"), &dealer.key).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(shop_inquiry["quote_id"], quote_id.as_str());

    let not_offered = expect_problem(
        app.post(
            &format!("/v1/shop/quotes/{quote_id}/accept"),
            Some(&dealer.key),
            &json!({ "lines": [{ "line_id": line(1) }] }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&not_offered), vec!["/lines/0/line_id"]);
    let too_many = expect_problem(
        app.post(
            &format!("/v1/shop/quotes/{quote_id}/accept"),
            Some(&dealer.key),
            &json!({ "lines": [{ "line_id": line(0), "quantity": 3 }] }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&too_many), vec!["/lines/0/quantity"]);

    let order = expect_json(
        app.post(
            &format!("/v1/shop/quotes/{quote_id}/accept"),
            Some(&dealer.key),
            &json!({ "lines": [{ "line_id": line(0), "quantity": 1 }] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(order["total"], "180.00");
    assert_eq!(order["lines"][0]["sku"], "TRW-GDB3287");
    assert_eq!(order["lines"][0]["quantity"], 1);
    assert_eq!(order["lines"][0]["unit_price"], "180.00");

    let after = expect_json(
        app.get(&format!("/v1/quotes/{quote_id}"), &dealer.owner.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(after["status"], "partially_accepted");
    assert_eq!(after["order_id"], order["id"]);
    let staff_order = expect_json(
        app.get(
            &format!("/v1/orders/{}", order["id"].as_str().unwrap_or_default()),
            &dealer.owner.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(staff_order, order);
    let listed = expect_json(app.get("/v1/orders", &dealer.owner.token).await, StatusCode::OK).await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));

    // A price change in the catalog does not rewrite the order.
    app.patch(
        &format!("/v1/parts/{trw}"),
        &dealer.owner.token,
        &json!({ "price": "999" }),
    )
    .await;
    let again = expect_json(app.get("/v1/shop/orders", &dealer.key).await, StatusCode::OK).await;
    assert_eq!(again["items"][0]["lines"][0]["unit_price"], "180.00");

    assert_eq!(
        kinds(&app, &dealer).await,
        vec![
            "customer_created",
            "api_key_issued",
            "inquiry_received",
            "quote_drafted",
            "quote_updated",
            "quote_sent",
            "quote_viewed",
            "order_created",
            "quote_accepted",
        ]
    );
}

#[tokio::test]
async fn accepting_twice_or_concurrently_makes_one_order() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let (_, quote_id) = inquire(&app, &dealer, "k1", &brake_and_filter()).await;
    app.post_empty(&format!("/v1/quotes/{quote_id}/send"), &dealer.owner.token)
        .await;

    let path = format!("/v1/shop/quotes/{quote_id}/accept");
    let everything = json!({});
    let accepts = (0..5).map(|_| app.post(&path, Some(&dealer.key), &everything));
    let mut created = 0;
    let mut order_ids = std::collections::HashSet::new();
    for response in futures_util::future::join_all(accepts).await {
        let status = response.status();
        let body = expect_json(response, status).await;
        assert!(
            status == StatusCode::CREATED || status == StatusCode::OK,
            "{status} {body}"
        );
        created += usize::from(status == StatusCode::CREATED);
        order_ids.insert(body["id"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(created, 1);
    assert_eq!(order_ids.len(), 1);

    let again = expect_json(app.post(&path, Some(&dealer.key), &json!({})).await, StatusCode::OK).await;
    assert!(order_ids.contains(again["id"].as_str().unwrap_or_default()));
    let order = &again;
    // Everything offered, in full: the pads (2, in stock) and the filters (3).
    assert_eq!(order["lines"].as_array().map(Vec::len), Some(2));
    assert_eq!(order["total"], "576.90", "2 × 241.20 + 3 × 31.50");
    let quote = expect_json(
        app.get(&format!("/v1/quotes/{quote_id}"), &dealer.owner.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(quote["status"], "accepted");
    let orders = expect_json(app.get("/v1/orders", &dealer.owner.token).await, StatusCode::OK).await;
    assert_eq!(orders["items"].as_array().map(Vec::len), Some(1));

    // Terminal states stay terminal.
    let problem = expect_problem(
        app.post_empty(&format!("/v1/quotes/{quote_id}/cancel"), &dealer.owner.token)
            .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_eq!(problem["current_status"], "accepted");
    expect_problem(
        app.post(
            &format!("/v1/shop/quotes/{quote_id}/reject"),
            Some(&dealer.key),
            &json!({ "reason": "太贵" }),
        )
        .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
}

#[tokio::test]
async fn a_quote_expires_after_its_validity() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let settings = expect_json(
        app.patch(
            "/v1/settings",
            &dealer.owner.token,
            &json!({ "quote_validity_hours": 24 }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(settings["quote_validity_hours"], 24);
    let (inquiry_id, quote_id) = inquire(&app, &dealer, "k1", &brake_and_filter()).await;
    app.post_empty(&format!("/v1/quotes/{quote_id}/send"), &dealer.owner.token)
        .await;

    app.clock.advance(Duration::seconds(24 * 3600 - 1));
    app.run_jobs().await;
    let token = app.fresh_token("owner@shunda.cn").await;
    let quote = expect_json(app.get(&format!("/v1/quotes/{quote_id}"), &token).await, StatusCode::OK).await;
    assert_eq!(quote["status"], "sent", "one second left");

    app.clock.advance(Duration::seconds(1));
    let problem = expect_problem(
        app.post(
            &format!("/v1/shop/quotes/{quote_id}/accept"),
            Some(&dealer.key),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        "quote_expired",
    )
    .await;
    assert_eq!(problem["current_status"], "expired");
    let inquiry = expect_json(
        app.get(&format!("/v1/shop/inquiries/{inquiry_id}"), &dealer.key).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(inquiry["status"], "expired");
    let events = expect_json(
        app.get(
            &format!("/v1/customers/{}/events?limit=200", dealer.customer_id),
            &token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        events["items"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["kind"] == "quote_expired"))
    );
    let orders = expect_json(app.get("/v1/orders", &token).await, StatusCode::OK).await;
    assert_eq!(orders["items"], json!([]));
}

#[tokio::test]
async fn the_background_sweep_expires_quotes_nobody_touches() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let (_, quote_id) = inquire(&app, &dealer, "k1", &brake_and_filter()).await;
    app.post_empty(&format!("/v1/quotes/{quote_id}/send"), &dealer.owner.token)
        .await;
    app.clock.advance(Duration::seconds(72 * 3600));
    app.run_jobs().await;
    let token = app.fresh_token("owner@shunda.cn").await;
    let quote = expect_json(app.get(&format!("/v1/quotes/{quote_id}"), &token).await, StatusCode::OK).await;
    assert_eq!(quote["status"], "expired");
    assert_eq!(quote["decided_at"], quote["valid_until"], "dated at the expiry itself");
}

#[tokio::test]
async fn rejection_and_cancellation() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let (_, first) = inquire(&app, &dealer, "k1", &brake_and_filter()).await;
    app.post_empty(&format!("/v1/quotes/{first}/send"), &dealer.owner.token)
        .await;
    let problem = expect_problem(
        app.post(
            &format!("/v1/shop/quotes/{first}/reject"),
            Some(&dealer.key),
            &json!({ "reason": "" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), vec!["/reason"]);
    for (body, field) in [
        (json!({}), "/reason"),
        (json!({ "reason_code": "too_far" }), "/reason_code"),
    ] {
        let problem = expect_problem(
            app.post(&format!("/v1/shop/quotes/{first}/reject"), Some(&dealer.key), &body)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), vec![field], "{body}");
    }
    let rejected = expect_json(
        app.post(
            &format!("/v1/shop/quotes/{first}/reject"),
            Some(&dealer.key),
            &json!({ "reason": "价格太高", "reason_code": "price" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["rejection_reason"], "价格太高");
    assert_eq!(rejected["rejection_code"], "price");
    let staff_view = expect_json(
        app.get(&format!("/v1/quotes/{first}"), &dealer.owner.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(staff_view["rejection_code"], "price");

    let (_, second) = inquire(&app, &dealer, "k2", &brake_and_filter()).await;
    let cancelled = expect_json(
        app.post_empty(&format!("/v1/quotes/{second}/cancel"), &dealer.owner.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    expect_problem(
        app.post_empty(&format!("/v1/quotes/{second}/send"), &dealer.owner.token)
            .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    // A sent quote can be withdrawn too; the shop then cannot accept it.
    let (_, third) = inquire(&app, &dealer, "k3", &brake_and_filter()).await;
    app.post_empty(&format!("/v1/quotes/{third}/send"), &dealer.owner.token)
        .await;
    expect_json(
        app.post_empty(&format!("/v1/quotes/{third}/cancel"), &dealer.owner.token)
            .await,
        StatusCode::OK,
    )
    .await;
    let problem = expect_problem(
        app.post(
            &format!("/v1/shop/quotes/{third}/accept"),
            Some(&dealer.key),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_eq!(problem["current_status"], "cancelled");

    // A cancelled draft never reaches the shop.
    expect_problem(
        app.get(&format!("/v1/shop/quotes/{second}"), &dealer.key).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // Viewers read but do not act.
    let viewer = app.add_staff(&dealer.owner, "viewer@shunda.cn", "viewer").await;
    expect_json(
        app.get(&format!("/v1/quotes/{first}"), &viewer.token).await,
        StatusCode::OK,
    )
    .await;
    expect_problem(
        app.post_empty(&format!("/v1/quotes/{second}/cancel"), &viewer.token)
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn auto_send_answers_confident_in_stock_inquiries_at_once() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    expect_json(
        app.patch("/v1/settings", &dealer.owner.token, &json!({ "auto_send": true }))
            .await,
        StatusCode::OK,
    )
    .await;
    let receiver = spawn_receiver(vec![]).await;
    let callback = expect_json(
        app.request(Method::PUT, "/v1/shop/callback", Some(&dealer.key))
            .json(&json!({ "url": receiver.url }))
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    let secret = callback["secret"].as_str().expect("secret").to_owned();
    // Staff see where the shop is told, never its secret.
    let keys = expect_json(
        app.get(
            &format!("/v1/customers/{}/api-keys", dealer.customer_id),
            &dealer.owner.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(keys["items"][0]["callback_url"], callback["url"]);
    assert!(!keys.to_string().contains(&secret));

    let confident = json!({ "lines": [{ "text": "04465-02061", "quantity": 2 }, { "text": "BKR6E", "quantity": 4 }] });
    let created = expect_json(
        app.send_inquiry(&dealer.key, "auto", &confident).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["status"], "sent");
    let quote_id = created["quote_id"].as_str().expect("quote visible at once").to_owned();
    let quote = expect_json(
        app.get(&format!("/v1/shop/quotes/{quote_id}"), &dealer.key).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(quote["auto_sent"], true);
    assert_eq!(quote["total"], "583.20", "2 × 241.20 + 4 × 25.20");

    // A line that needs a person keeps the quote a draft.
    let unsure = json!({ "lines": [{ "text": "04465-02061" }, { "text": "雨刮片" }] });
    let held = expect_json(
        app.send_inquiry(&dealer.key, "held", &unsure).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(held["status"], "draft");

    // The shop's callback receives the sent quote, signed.
    app.run_jobs().await;
    let received = receiver.received.lock().expect("lock").clone();
    assert_eq!(received.len(), 1);
    let hook = &received[0];
    assert!(hook.signed_with(&secret, &hook.body));
    let payload: Value = serde_json::from_str(&hook.body).expect("json");
    assert_eq!(payload["type"], "quote.sent");
    assert_eq!(payload["data"]["id"], quote_id.as_str());
    assert!(payload["data"]["lines"][0]["options"][0].get("stock").is_none());
}

#[tokio::test]
async fn shops_and_dealers_see_only_their_own() {
    let app = spawn_app().await;
    let a = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let (inquiry_id, quote_id) = inquire(&app, &a, "k1", &brake_and_filter()).await;
    app.post_empty(&format!("/v1/quotes/{quote_id}/send"), &a.owner.token)
        .await;

    // Another shop of the same dealer.
    let y = app.create_customer(&a.owner.token, "城东快修").await;
    let (_, y_key) = app
        .issue_key(&a.owner.token, y["id"].as_str().unwrap_or_default())
        .await;
    for path in [
        format!("/v1/shop/inquiries/{inquiry_id}"),
        format!("/v1/shop/quotes/{quote_id}"),
    ] {
        expect_problem(app.get(&path, &y_key).await, StatusCode::NOT_FOUND, "not_found").await;
    }
    for action in ["accept", "reject"] {
        expect_problem(
            app.post(
                &format!("/v1/shop/quotes/{quote_id}/{action}"),
                Some(&y_key),
                &if action == "reject" {
                    json!({ "reason": "x" })
                } else {
                    json!({})
                },
            )
            .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }

    let order = expect_json(
        app.post(&format!("/v1/shop/quotes/{quote_id}/accept"), Some(&a.key), &json!({}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let order_id = order["id"].as_str().unwrap_or_default().to_owned();
    expect_problem(
        app.get(&format!("/v1/shop/orders/{order_id}"), &y_key).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let y_orders = expect_json(app.get("/v1/shop/orders", &y_key).await, StatusCode::OK).await;
    assert_eq!(y_orders["items"], json!([]));

    // Another dealer entirely.
    let b = app.dealer_with_shop("Other", "owner@other.cn").await;
    for path in [
        format!("/v1/inquiries/{inquiry_id}"),
        format!("/v1/quotes/{quote_id}"),
        format!("/v1/orders/{order_id}"),
        format!("/v1/shop/inquiries/{inquiry_id}"),
        format!("/v1/shop/quotes/{quote_id}"),
        format!("/v1/shop/orders/{order_id}"),
    ] {
        let token = if path.starts_with("/v1/shop") {
            &b.key
        } else {
            &b.owner.token
        };
        expect_problem(app.get(&path, token).await, StatusCode::NOT_FOUND, "not_found").await;
    }
    expect_problem(
        app.post(&format!("/v1/shop/quotes/{quote_id}/accept"), Some(&b.key), &json!({}))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    for action in ["send", "cancel"] {
        expect_problem(
            app.post_empty(&format!("/v1/quotes/{quote_id}/{action}"), &b.owner.token)
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    expect_problem(
        app.patch(
            &format!("/v1/quotes/{quote_id}"),
            &b.owner.token,
            &json!({ "note": "x" }),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let listed = expect_json(app.get("/v1/inquiries", &b.owner.token).await, StatusCode::OK).await;
    assert_eq!(listed["items"], json!([]));
    let orders = expect_json(app.get("/v1/orders", &b.owner.token).await, StatusCode::OK).await;
    assert_eq!(orders["items"], json!([]));
}
