//! After-sales: a shop returns delivered units within the dealer's window; staff accept,
//! reject or resolve (refund, credit note, replacement order); stock comes back only for
//! resalable reasons; a wrong part teaches the match memory; callbacks, roles, isolation.

use chrono::Duration;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

const PADS: &str = "0 986 424 735";

struct Setup {
    owner: Session,
    part: String,
    customer: String,
    key: String,
}

/// A dealer with BOSCH pads in stock and one shop with an API key.
async fn setup(app: &TestApp, email: &str, stock: i64) -> Setup {
    let owner = app.signup("Shunda", email).await;
    let part = expect_json(
        app.post(
            "/v1/parts",
            Some(&owner.token),
            &json!({
                "sku": "BP-0986424735", "name": "刹车片(前) Front brake pads", "brand": "BOSCH",
                "unit": "套", "price": "268.00", "stock": stock, "article_number": PADS
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let customer = app.create_customer(&owner.token, "老王汽修厂").await;
    let customer = customer["id"].as_str().expect("id").to_owned();
    let (_, key) = app.issue_key(&owner.token, &customer).await;
    Setup {
        owner,
        part: part["id"].as_str().expect("id").to_owned(),
        customer,
        key,
    }
}

fn s(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_else(|| panic!("{key} in {v}")).to_owned()
}

/// An order of `quantity` pads, accepted, dispatched and received: the order.
async fn delivered(app: &TestApp, d: &Setup, quantity: i32, idempotency: &str) -> Value {
    let body = json!({ "lines": [{ "text": PADS, "quantity": quantity }] });
    let created = expect_json(app.send_inquiry(&d.key, idempotency, &body).await, StatusCode::CREATED).await;
    let inquiry = expect_json(
        app.get(&format!("/v1/inquiries/{}", s(&created, "id")), &d.owner.token)
            .await,
        StatusCode::OK,
    )
    .await;
    let quote = s(&inquiry["quote"], "id");
    let current = expect_json(
        app.get(&format!("/v1/quotes/{quote}"), &d.owner.token).await,
        StatusCode::OK,
    )
    .await;
    if current["status"] == "draft" {
        expect_json(
            app.post_empty(&format!("/v1/quotes/{quote}/send"), &d.owner.token)
                .await,
            StatusCode::OK,
        )
        .await;
    }
    let order = expect_json(
        app.post(&format!("/v1/shop/quotes/{quote}/accept"), Some(&d.key), &json!({}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let id = s(&order, "id");
    expect_json(
        app.post(
            &format!("/v1/orders/{id}/dispatch"),
            Some(&d.owner.token),
            &json!({ "carrier": "顺丰速运", "tracking_number": "SF1234567890" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    expect_json(
        app.post(
            &format!("/v1/orders/{id}/deliver"),
            Some(&d.owner.token),
            &json!({ "received_by": "王师傅" }),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

async fn open(app: &TestApp, key: &str, order: &str, idempotency: &str, body: &Value) -> Response {
    app.request(Method::POST, &format!("/v1/shop/orders/{order}/returns"), Some(key))
        .header("Idempotency-Key", idempotency)
        .json(body)
        .send()
        .await
        .expect("send")
}

/// A return of `quantity` units of the order's first line, opened: the return.
async fn opened(app: &TestApp, d: &Setup, order: &Value, idempotency: &str, quantity: i32, reason: &str) -> Value {
    let body = json!({ "lines": lines(order, quantity), "reason": reason });
    let id = s(order, "id");
    expect_json(open(app, &d.key, &id, idempotency, &body).await, StatusCode::CREATED).await
}

fn lines(order: &Value, quantity: i32) -> Value {
    json!([{ "order_line_id": order["lines"][0]["id"], "quantity": quantity }])
}

async fn step(app: &TestApp, token: &str, ret: &str, action: &str, body: &Value) -> Response {
    app.post(&format!("/v1/returns/{ret}/{action}"), Some(token), body)
        .await
}

async fn stock(app: &TestApp, d: &Setup) -> (i64, i64) {
    let part = expect_json(
        app.get(&format!("/v1/parts/{}", d.part), &d.owner.token).await,
        StatusCode::OK,
    )
    .await;
    (
        part["stock"].as_i64().expect("stock"),
        part["reserved"].as_i64().expect("reserved"),
    )
}

/// One valid body for each staff decision.
fn decisions() -> [(&'static str, Value); 3] {
    [
        ("accept", json!({ "handover": "pickup" })),
        ("reject", json!({ "reason": "不行" })),
        ("resolve", json!({ "resolution": "refund", "amount": "1.00" })),
    ]
}

/// A step that succeeds: the return after it.
async fn decide(app: &TestApp, token: &str, ret: &str, action: &str, body: &Value) -> Value {
    expect_json(step(app, token, ret, action, body).await, StatusCode::OK).await
}

fn types(receiver: &Receiver) -> Vec<String> {
    let mut out: Vec<String> = receiver
        .received
        .lock()
        .expect("lock")
        .iter()
        .filter_map(|r| serde_json::from_str::<Value>(&r.body).ok())
        .filter_map(|b| b["type"].as_str().map(str::to_owned))
        .filter(|t| t.starts_with("return."))
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn a_return_is_opened_accepted_and_refunded_once_with_stock_back_and_the_shop_told() {
    let app = spawn_app().await;
    let d = setup(&app, "owner@shunda.cn", 5).await;
    let shop_hook = spawn_receiver(vec![]).await;
    let dealer_hook = spawn_receiver(vec![]).await;
    expect_json(
        app.request(Method::PUT, "/v1/shop/callback", Some(&d.key))
            .json(&json!({ "url": shop_hook.url }))
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    expect_json(
        app.post(
            "/v1/webhooks",
            Some(&d.owner.token),
            &json!({ "url": dealer_hook.url, "events": ["return.requested", "return.accepted", "return.resolved"] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let settings = expect_json(app.get("/v1/settings", &d.owner.token).await, StatusCode::OK).await;
    assert_eq!(settings["return_window_days"], 7);

    let order = delivered(&app, &d, 3, "k1").await;
    let order_id = s(&order, "id");
    assert_eq!(stock(&app, &d).await, (2, 0));
    let body = json!({
        "lines": lines(&order, 2), "reason": "not_needed", "note": "车主改主意了",
        "photo_urls": ["https://img.shunda.cn/r/1.jpg"]
    });
    let first = open(&app, &d.key, &order_id, "r1", &body).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("location").is_some());
    let ret = expect_json(first, StatusCode::CREATED).await;
    let ret_id = s(&ret, "id");
    assert!(ret_id.starts_with("ret_"));
    assert_eq!(ret["status"], "requested");
    assert_eq!(ret["value"], "482.40");
    assert_eq!(ret["lines"][0]["quantity"], 2);
    // A retry: the same return, nothing opened again.
    let again = open(&app, &d.key, &order_id, "r1", &body).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(s(&expect_json(again, StatusCode::CREATED).await, "id"), ret_id);
    // One unit is left to return; two more are too many, named by field.
    let over = expect_problem(
        open(
            &app,
            &d.key,
            &order_id,
            "r2",
            &json!({ "lines": lines(&order, 2), "reason": "other" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&over), ["/lines/0/quantity"]);
    assert_eq!(over["errors"][0]["code"], "exceeds_returnable");
    let listed = expect_json(app.get("/v1/shop/returns", &d.key).await, StatusCode::OK).await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));
    let staff_list = expect_json(
        app.get(
            &format!("/v1/returns?status=requested&customer_id={}", d.customer),
            &d.owner.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(staff_list["items"][0]["id"], ret_id.as_str());

    // Accept, twice (a retry); then reject is illegal; resolve before is covered below.
    for _ in 0..2 {
        let accepted = decide(
            &app,
            &d.owner.token,
            &ret_id,
            "accept",
            &json!({ "handover": "pickup" }),
        )
        .await;
        assert_eq!(accepted["status"], "accepted");
        assert_eq!(accepted["handover"], "pickup");
    }
    let problem = expect_problem(
        step(&app, &d.owner.token, &ret_id, "reject", &json!({ "reason": "no" })).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_eq!(problem["current_status"], "accepted");
    // More than the value, a bad amount, a missing one: 422 naming the field.
    for amount in [json!("600.00"), json!("1.234"), Value::Null] {
        let problem = expect_problem(
            step(
                &app,
                &d.owner.token,
                &ret_id,
                "resolve",
                &json!({ "resolution": "refund", "amount": amount }),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), ["/amount"]);
    }
    assert_eq!(stock(&app, &d).await, (2, 0), "nothing back before it is resolved");
    for _ in 0..2 {
        let resolved = decide(
            &app,
            &d.owner.token,
            &ret_id,
            "resolve",
            &json!({ "resolution": "refund", "amount": "482.40" }),
        )
        .await;
        assert_eq!(resolved["status"], "resolved");
        assert_eq!(resolved["amount"], "482.40");
        assert_eq!(resolved["restocked"], true);
    }
    // Back on the shelf once, not twice.
    assert_eq!(stock(&app, &d).await, (4, 0));
    let problem = expect_problem(
        step(&app, &d.owner.token, &ret_id, "reject", &json!({ "reason": "太晚了" })).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_eq!(problem["current_status"], "resolved");
    let problem = expect_problem(
        step(
            &app,
            &d.owner.token,
            &ret_id,
            "accept",
            &json!({ "handover": "drop_off" }),
        )
        .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_eq!(problem["current_status"], "resolved");

    // The order's timeline tells the return's steps, for staff and the shop alike.
    let shop_order = expect_json(
        app.get(&format!("/v1/shop/orders/{order_id}"), &d.key).await,
        StatusCode::OK,
    )
    .await;
    let steps: Vec<&str> = shop_order["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| e["step"].as_str())
        .collect();
    assert_eq!(
        steps,
        [
            "confirmed",
            "dispatched",
            "delivered",
            "return_requested",
            "return_accepted",
            "return_resolved"
        ]
    );
    assert_eq!(shop_order["timeline"][3]["details"]["return_id"], ret_id.as_str());

    app.run_jobs().await;
    let expected = ["return.accepted", "return.requested", "return.resolved"];
    assert_eq!(types(&shop_hook), expected);
    assert_eq!(types(&dealer_hook), expected);

    // The last unit, inside the window and then past it.
    app.clock.advance(Duration::days(6));
    let token = app.fresh_token("owner@shunda.cn").await;
    let ok = json!({ "lines": lines(&order, 1), "reason": "wrong_part" });
    let late = json!({ "lines": lines(&order, 1), "reason": "defective" });
    let inside = expect_json(open(&app, &d.key, &order_id, "r3", &ok).await, StatusCode::CREATED).await;
    expect_json(
        step(
            &app,
            &token,
            &s(&inside, "id"),
            "reject",
            &json!({ "reason": "已安装使用" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    app.clock.advance(Duration::days(2));
    let token = app.fresh_token("owner@shunda.cn").await;
    let problem = expect_problem(
        open(&app, &d.key, &order_id, "r4", &late).await,
        StatusCode::CONFLICT,
        "return_window_closed",
    )
    .await;
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("7 days")));
    // A longer window lets it in (the rejected return's unit is returnable again).
    expect_json(
        app.patch("/v1/settings", &token, &json!({ "return_window_days": 30 }))
            .await,
        StatusCode::OK,
    )
    .await;
    expect_json(open(&app, &d.key, &order_id, "r4", &late).await, StatusCode::CREATED).await;
    app.assert_rollups_rebuild_identically(&d.owner.tenant_id).await;
}

#[tokio::test]
async fn defective_parts_stay_off_the_shelf_a_replacement_is_a_reserved_order_and_a_wrong_part_is_remembered() {
    let app = spawn_app().await;
    let d = setup(&app, "owner@shunda.cn", 10).await;
    let order = delivered(&app, &d, 4, "k1").await;
    assert_eq!(stock(&app, &d).await, (6, 0));

    // Defective, replaced: no stock back, one unit reserved for the replacement order.
    let ret = opened(&app, &d, &order, "r1", 1, "defective").await;
    let ret_id = s(&ret, "id");
    // Resolving before accepting is illegal.
    let problem = expect_problem(
        step(
            &app,
            &d.owner.token,
            &ret_id,
            "resolve",
            &json!({ "resolution": "replacement" }),
        )
        .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_eq!(problem["current_status"], "requested");
    decide(
        &app,
        &d.owner.token,
        &ret_id,
        "accept",
        &json!({ "handover": "drop_off" }),
    )
    .await;
    let problem = expect_problem(
        step(
            &app,
            &d.owner.token,
            &ret_id,
            "resolve",
            &json!({ "resolution": "replacement", "amount": "1.00" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["/amount"]);
    let resolved = decide(
        &app,
        &d.owner.token,
        &ret_id,
        "resolve",
        &json!({ "resolution": "replacement" }),
    )
    .await;
    assert_eq!(resolved["restocked"], false);
    let replacement = s(&resolved, "replacement_order_id");
    assert_eq!(stock(&app, &d).await, (6, 1));
    let new_order = expect_json(
        app.get(&format!("/v1/shop/orders/{replacement}"), &d.key).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(new_order["replaces_return_id"], ret_id.as_str());
    assert_eq!(new_order["total"], "0.00");
    assert_eq!(new_order["lines"][0]["reserved_quantity"], 1);
    // The original quote still answers with the original order.
    let orders = expect_json(app.get("/v1/shop/orders", &d.key).await, StatusCode::OK).await;
    assert_eq!(orders["items"].as_array().map(Vec::len), Some(2));

    // Credit note for a damaged unit: no stock back either.
    let damaged = opened(&app, &d, &order, "r2", 1, "damaged_in_transit").await;
    let damaged = s(&damaged, "id");
    decide(
        &app,
        &d.owner.token,
        &damaged,
        "accept",
        &json!({ "handover": "pickup" }),
    )
    .await;
    let credited = decide(
        &app,
        &d.owner.token,
        &damaged,
        "resolve",
        &json!({ "resolution": "credit_note", "amount": "100" }),
    )
    .await;
    assert_eq!(credited["amount"], "100.00");
    assert_eq!(stock(&app, &d).await, (6, 1));

    // A wrong part, accepted: the next inquiry with the same line has the part last, saying why.
    let wrong = opened(&app, &d, &order, "r3", 1, "wrong_part").await;
    let wrong = s(&wrong, "id");
    decide(&app, &d.owner.token, &wrong, "accept", &json!({ "handover": "pickup" })).await;
    let created = expect_json(
        app.send_inquiry(&d.key, "k2", &json!({ "lines": [{ "text": PADS, "quantity": 1 }] }))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let inquiry = expect_json(
        app.get(&format!("/v1/inquiries/{}", s(&created, "id")), &d.owner.token)
            .await,
        StatusCode::OK,
    )
    .await;
    let last = inquiry["lines"][0]["candidates"]
        .as_array()
        .and_then(|c| c.last().cloned())
        .expect("candidates");
    assert_eq!(last["part_id"], d.part.as_str());
    assert!(
        last["demoted_reason"]
            .as_str()
            .is_some_and(|r| r.contains("returned as wrong_part")),
        "{last}"
    );
    // Resolved: a wrong part is resalable, so it goes back on the shelf.
    decide(
        &app,
        &d.owner.token,
        &wrong,
        "resolve",
        &json!({ "resolution": "refund", "amount": "241.20" }),
    )
    .await;
    assert_eq!(stock(&app, &d).await, (7, 1));
    app.assert_rollups_rebuild_identically(&d.owner.tenant_id).await;
}

#[tokio::test]
async fn returns_check_input_roles_and_tenants() {
    let app = spawn_app().await;
    let d = setup(&app, "owner@shunda.cn", 5).await;
    let order = delivered(&app, &d, 2, "k1").await;
    let order_id = s(&order, "id");
    let ok = json!({ "lines": lines(&order, 1), "reason": "not_needed" });

    // Bad input: problem+json naming the field.
    let missing_key = app
        .post(&format!("/v1/shop/orders/{order_id}/returns"), Some(&d.key), &ok)
        .await;
    let problem = expect_problem(missing_key, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(fields(&problem), ["header.idempotency-key"]);
    for (body, field) in [
        (json!({ "lines": lines(&order, 1), "reason": "broken" }), "/reason"),
        (json!({ "lines": [], "reason": "other" }), "/lines"),
        (
            json!({ "lines": lines(&order, 0), "reason": "other" }),
            "/lines/0/quantity",
        ),
        (
            json!({ "lines": lines(&order, 1), "reason": "other", "photo_urls": ["ftp://x.cn/1.jpg"] }),
            "/photo_urls/0",
        ),
        (
            json!({ "lines": [{ "order_line_id": "odl_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b", "quantity": 1 }], "reason": "other" }),
            "/lines/0/order_line_id",
        ),
    ] {
        let problem = expect_problem(
            open(&app, &d.key, &order_id, &format!("bad-{field}"), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field], "{body}");
    }
    let ret = expect_json(open(&app, &d.key, &order_id, "r1", &ok).await, StatusCode::CREATED).await;
    let ret_id = s(&ret, "id");
    let problem = expect_problem(
        step(&app, &d.owner.token, &ret_id, "reject", &json!({ "reason": "  " })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["/reason"]);
    expect_problem(
        app.get("/v1/returns?status=lost", &d.owner.token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    // A viewer reads but cannot decide.
    let viewer = app.add_staff(&d.owner, "viewer@shunda.cn", "viewer").await;
    expect_json(
        app.get(&format!("/v1/returns/{ret_id}"), &viewer.token).await,
        StatusCode::OK,
    )
    .await;
    for (action, body) in decisions() {
        let resp = step(&app, &viewer.token, &ret_id, action, &body).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{action}");
    }

    // Another dealer's staff and another shop's key: 404 on every endpoint.
    let other = setup(&app, "owner@other.cn", 5).await;
    for path in [format!("/v1/returns/{ret_id}")] {
        expect_problem(
            app.get(&path, &other.owner.token).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    for (action, body) in decisions() {
        expect_problem(
            step(&app, &other.owner.token, &ret_id, action, &body).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let theirs = expect_json(app.get("/v1/returns", &other.owner.token).await, StatusCode::OK).await;
    assert_eq!(theirs["items"], json!([]));
    let customer = app.create_customer(&d.owner.token, "李记汽配").await;
    let (_, neighbour) = app
        .issue_key(&d.owner.token, customer["id"].as_str().expect("id"))
        .await;
    for key in [&neighbour, &other.key] {
        expect_problem(
            app.get(&format!("/v1/shop/returns/{ret_id}"), key).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        expect_problem(
            open(&app, key, &order_id, "theirs", &ok).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        let listed = expect_json(app.get("/v1/shop/returns", key).await, StatusCode::OK).await;
        assert_eq!(listed["items"], json!([]));
    }
    // Still untouched.
    let mine = expect_json(
        app.get(&format!("/v1/shop/returns/{ret_id}"), &d.key).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["status"], "requested");
}
