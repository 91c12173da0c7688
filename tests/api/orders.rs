//! Orders after the quote: stock reserved on accept (exactly the stock under concurrent
//! accepts), picking, dispatch in one or several shipments, delivery, cancellation, backorders
//! filled after a stock raise, the timeline and the shop's callbacks, roles and isolation.

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

const NUMBER: &str = "0 986 424 735";

/// A dealer with one BOSCH pad set in stock.
async fn dealer_with_pads(app: &TestApp, email: &str, stock: i64) -> (Session, String) {
    let owner = app.signup("Shunda", email).await;
    let part = expect_json(
        app.post(
            "/v1/parts",
            Some(&owner.token),
            &json!({
                "sku": "BP-0986424735", "name": "刹车片(前) Front brake pads", "brand": "BOSCH",
                "unit": "套", "price": "268.00", "stock": stock, "article_number": NUMBER,
                "oe_numbers": ["TOYOTA:04465-02061"]
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    (owner, part["id"].as_str().expect("part id").to_owned())
}

/// A shop of the dealer: (customer id, API key).
async fn shop(app: &TestApp, owner: &Session, name: &str) -> (String, String) {
    let customer = app.create_customer(&owner.token, name).await;
    let customer_id = customer["id"].as_str().expect("id").to_owned();
    let (_, key) = app.issue_key(&owner.token, &customer_id).await;
    (customer_id, key)
}

/// A sent quote for `quantity` pads: its id.
async fn quoted(app: &TestApp, owner: &Session, key: &str, quantity: i32, idempotency: &str) -> String {
    let body = json!({ "lines": [{ "text": NUMBER, "quantity": quantity }] });
    let created = expect_json(app.send_inquiry(key, idempotency, &body).await, StatusCode::CREATED).await;
    let inquiry = expect_json(
        app.get(
            &format!("/v1/inquiries/{}", created["id"].as_str().expect("id")),
            &owner.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let quote = inquiry["quote"]["id"].as_str().expect("quote").to_owned();
    let current = expect_json(
        app.get(&format!("/v1/quotes/{quote}"), &owner.token).await,
        StatusCode::OK,
    )
    .await;
    if current["status"] == "draft" {
        expect_json(
            app.post_empty(&format!("/v1/quotes/{quote}/send"), &owner.token).await,
            StatusCode::OK,
        )
        .await;
    }
    quote
}

async fn accept(app: &TestApp, key: &str, quote: &str) -> Response {
    app.post(&format!("/v1/shop/quotes/{quote}/accept"), Some(key), &json!({}))
        .await
}

/// An order for `quantity` pads, accepted by the shop.
async fn order(app: &TestApp, owner: &Session, key: &str, quantity: i32, idempotency: &str) -> Value {
    let quote = quoted(app, owner, key, quantity, idempotency).await;
    expect_json(accept(app, key, &quote).await, StatusCode::CREATED).await
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

async fn part(app: &TestApp, owner: &Session, part: &str) -> Value {
    expect_json(
        app.get(&format!("/v1/parts/{part}"), &owner.token).await,
        StatusCode::OK,
    )
    .await
}

async fn step(app: &TestApp, token: &str, order: &str, action: &str, body: &Value) -> Response {
    app.post(&format!("/v1/orders/{order}/{action}"), Some(token), body)
        .await
}

fn by_carrier() -> Value {
    json!({ "carrier": "顺丰速运", "tracking_number": "SF1234567890", "promised_at": "2026-12-08T10:00:00Z" })
}

fn steps(order: &Value) -> Vec<String> {
    order["timeline"]
        .as_array()
        .map(|t| t.iter().filter_map(|s| s["step"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

fn event_types(receiver: &Receiver) -> Vec<String> {
    receiver
        .received
        .lock()
        .expect("lock")
        .iter()
        .filter_map(|r| serde_json::from_str::<Value>(&r.body).ok())
        .filter_map(|b| b["type"].as_str().map(str::to_owned))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[tokio::test]
async fn an_order_is_picked_dispatched_and_delivered_with_its_timeline_and_callbacks() {
    let app = spawn_app().await;
    let (owner, part_id) = dealer_with_pads(&app, "owner@shunda.cn", 5).await;
    let (_, key) = shop(&app, &owner, "老王汽修厂").await;
    let shop_hook = spawn_receiver(vec![]).await;
    let dealer_hook = spawn_receiver(vec![]).await;
    expect_json(
        app.request(Method::PUT, "/v1/shop/callback", Some(&key))
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
            Some(&owner.token),
            &json!({ "url": dealer_hook.url, "events": ["order.dispatched", "order.delivered"] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    let placed = order(&app, &owner, &key, 2, "k1").await;
    let order_id = id(&placed);
    assert_eq!(placed["status"], "confirmed");
    assert_eq!(placed["lines"][0]["reserved_quantity"], 2);
    assert_eq!(placed["lines"][0]["backorder_quantity"], 0);
    let pads = part(&app, &owner, &part_id).await;
    assert_eq!(
        (
            pads["stock"].as_i64(),
            pads["reserved"].as_i64(),
            pads["available"].as_i64()
        ),
        (Some(5), Some(2), Some(3))
    );

    // Picking, twice: the retry answers with the order as it is.
    for _ in 0..2 {
        let picking = expect_json(
            step(&app, &owner.token, &order_id, "picking", &json!({})).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(picking["status"], "picking");
    }
    let dispatched = expect_json(
        step(&app, &owner.token, &order_id, "dispatch", &by_carrier()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(dispatched["status"], "dispatched");
    assert_eq!(dispatched["lines"][0]["dispatched_quantity"], 2);
    assert_eq!(dispatched["lines"][0]["reserved_quantity"], 0);
    assert_eq!(dispatched["shipments"][0]["carrier"], "顺丰速运");
    assert_eq!(dispatched["shipments"][0]["tracking_number"], "SF1234567890");
    assert_eq!(dispatched["shipments"][0]["lines"][0]["quantity"], 2);
    // Dispatch consumes: out of stock and out of the reservation.
    let pads = part(&app, &owner, &part_id).await;
    assert_eq!(
        (
            pads["stock"].as_i64(),
            pads["reserved"].as_i64(),
            pads["available"].as_i64()
        ),
        (Some(3), Some(0), Some(3))
    );
    // Picking after dispatch is illegal.
    let problem = expect_problem(
        step(&app, &owner.token, &order_id, "picking", &json!({})).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_eq!(problem["current_status"], "dispatched");

    for _ in 0..2 {
        let delivered = expect_json(
            step(
                &app,
                &owner.token,
                &order_id,
                "deliver",
                &json!({ "received_by": "王师傅" }),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(delivered["status"], "delivered");
        assert_eq!(delivered["lines"][0]["delivered_quantity"], 2);
        assert_eq!(delivered["shipments"][0]["received_by"], "王师傅");
    }
    for (action, body) in [
        ("cancel", json!({ "reason": "客户不要了" })),
        ("dispatch", by_carrier()),
        ("picking", json!({})),
    ] {
        let problem = expect_problem(
            step(&app, &owner.token, &order_id, action, &body).await,
            StatusCode::CONFLICT,
            "invalid_transition",
        )
        .await;
        assert_eq!(problem["current_status"], "delivered", "{action}");
    }

    // The shop reads the same order with its timeline.
    let seen = expect_json(
        app.get(&format!("/v1/shop/orders/{order_id}"), &key).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen["status"], "delivered");
    assert_eq!(steps(&seen), ["confirmed", "picking", "dispatched", "delivered"]);
    assert_eq!(seen["timeline"][2]["details"]["tracking_number"], "SF1234567890");
    let staff = expect_json(
        app.get(&format!("/v1/orders/{order_id}"), &owner.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(steps(&staff), steps(&seen));
    // Lists carry status and shipments, not the timeline.
    let listed = expect_json(app.get("/v1/orders", &owner.token).await, StatusCode::OK).await;
    assert_eq!(listed["items"][0]["status"], "delivered");
    assert!(listed["items"][0].get("timeline").is_none());

    app.run_jobs().await;
    assert_eq!(
        event_types(&shop_hook),
        ["order.delivered", "order.dispatched", "order.picking", "quote.sent"]
    );
    assert_eq!(event_types(&dealer_hook), ["order.delivered", "order.dispatched"]);
}

#[tokio::test]
async fn short_stock_is_backordered_and_ships_later_after_a_stock_raise() {
    let app = spawn_app().await;
    let (owner, part_id) = dealer_with_pads(&app, "owner@shunda.cn", 2).await;
    let (_, key) = shop(&app, &owner, "老王汽修厂").await;
    let placed = order(&app, &owner, &key, 5, "k1").await;
    let order_id = id(&placed);
    let line_id = placed["lines"][0]["id"].as_str().expect("line").to_owned();
    // The shop sees the backorder at once.
    assert_eq!(placed["lines"][0]["reserved_quantity"], 2);
    assert_eq!(placed["lines"][0]["backorder_quantity"], 3);
    let shop_view = expect_json(
        app.get(&format!("/v1/shop/orders/{order_id}"), &key).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(shop_view["lines"][0]["backorder_quantity"], 3);

    // First shipment: what is reserved.
    let first = expect_json(
        step(
            &app,
            &owner.token,
            &order_id,
            "dispatch",
            &json!({ "driver_phone": "138 0013 8000", "driver_name": "小李" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(first["status"], "dispatched");
    assert_eq!(first["lines"][0]["dispatched_quantity"], 2);
    assert_eq!(first["lines"][0]["backorder_quantity"], 3);
    assert_eq!(first["shipments"][0]["driver_phone"], "138 0013 8000");
    // Nothing more to send until stock arrives.
    let problem = expect_problem(
        step(&app, &owner.token, &order_id, "dispatch", &by_carrier()).await,
        StatusCode::CONFLICT,
        "nothing_to_dispatch",
    )
    .await;
    assert_eq!(problem["current_status"], "dispatched");
    let backorders = expect_json(
        app.get("/v1/orders/backorders?fillable=true", &owner.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(backorders["items"].as_array().map(Vec::len), Some(0));

    // Stock arrives (an edit keeps reservations); the backorder is listed as fillable.
    let edited = expect_json(
        app.patch(&format!("/v1/parts/{part_id}"), &owner.token, &json!({ "stock": 4 }))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (edited["stock"].as_i64(), edited["available"].as_i64()),
        (Some(4), Some(4))
    );
    let backorders = expect_json(
        app.get(
            &format!("/v1/orders/backorders?part_id={part_id}&fillable=true"),
            &owner.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(backorders["items"][0]["order_line_id"], line_id.as_str());
    assert_eq!(backorders["items"][0]["backorder_quantity"], 3);
    assert_eq!(backorders["items"][0]["fillable_quantity"], 3);

    // The second shipment reserves the backorder and carries it.
    let second = expect_json(
        step(&app, &owner.token, &order_id, "dispatch", &by_carrier()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(second["lines"][0]["dispatched_quantity"], 5);
    assert_eq!(second["lines"][0]["backorder_quantity"], 0);
    assert_eq!(second["shipments"].as_array().map(Vec::len), Some(2));
    let pads = part(&app, &owner, &part_id).await;
    assert_eq!((pads["stock"].as_i64(), pads["reserved"].as_i64()), (Some(1), Some(0)));

    // Deliveries per shipment: the order is delivered when both have arrived.
    let first_shipment = second["shipments"][0]["id"].as_str().expect("shipment").to_owned();
    let partly = expect_json(
        step(
            &app,
            &owner.token,
            &order_id,
            "deliver",
            &json!({ "shipment_id": first_shipment, "received_by": "王师傅" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(partly["status"], "dispatched");
    assert_eq!(partly["lines"][0]["delivered_quantity"], 2);
    let done = expect_json(
        step(
            &app,
            &owner.token,
            &order_id,
            "deliver",
            &json!({ "received_by": "王师傅" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["status"], "delivered");
    assert_eq!(done["lines"][0]["delivered_quantity"], 5);
    assert_eq!(
        steps(&done),
        [
            "confirmed",
            "dispatched",
            "backorder_filled",
            "dispatched",
            "delivered",
            "delivered"
        ]
    );
    app.assert_rollups_rebuild_identically(&owner.tenant_id).await;
}

#[tokio::test]
async fn cancelling_releases_stock_staff_give_a_reason_and_the_shop_may_cancel_before_dispatch() {
    let app = spawn_app().await;
    let (owner, part_id) = dealer_with_pads(&app, "owner@shunda.cn", 3).await;
    let (_, key) = shop(&app, &owner, "老王汽修厂").await;
    let first = id(&order(&app, &owner, &key, 2, "k1").await);
    assert_eq!(part(&app, &owner, &part_id).await["available"], 1);

    let problem = expect_problem(
        step(&app, &owner.token, &first, "cancel", &json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["/reason"]);
    for _ in 0..2 {
        let cancelled = expect_json(
            step(
                &app,
                &owner.token,
                &first,
                "cancel",
                &json!({ "reason": "客户车辆已送修他处" }),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(cancelled["status"], "cancelled");
        assert_eq!(cancelled["cancel_reason"], "客户车辆已送修他处");
        assert_eq!(cancelled["lines"][0]["cancelled_quantity"], 2);
        assert_eq!(cancelled["lines"][0]["reserved_quantity"], 0);
    }
    let pads = part(&app, &owner, &part_id).await;
    assert_eq!(
        (pads["reserved"].as_i64(), pads["available"].as_i64()),
        (Some(0), Some(3))
    );
    for action in ["picking", "deliver"] {
        expect_problem(
            step(&app, &owner.token, &first, action, &json!({ "received_by": "王师傅" })).await,
            StatusCode::CONFLICT,
            "invalid_transition",
        )
        .await;
    }
    expect_problem(
        step(&app, &owner.token, &first, "dispatch", &by_carrier()).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;

    // The shop cancels its own order while it is being picked.
    let second = id(&order(&app, &owner, &key, 1, "k2").await);
    expect_json(
        step(&app, &owner.token, &second, "picking", &json!({})).await,
        StatusCode::OK,
    )
    .await;
    let by_shop = expect_json(
        app.post(&format!("/v1/shop/orders/{second}/cancel"), Some(&key), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(by_shop["status"], "cancelled");
    assert_eq!(steps(&by_shop), ["confirmed", "picking", "cancelled"]);
    assert_eq!(by_shop["timeline"][2]["details"]["by"], "shop");

    // Not once it has left.
    let third = id(&order(&app, &owner, &key, 1, "k3").await);
    expect_json(
        step(&app, &owner.token, &third, "dispatch", &by_carrier()).await,
        StatusCode::OK,
    )
    .await;
    let problem = expect_problem(
        app.post(
            &format!("/v1/shop/orders/{third}/cancel"),
            Some(&key),
            &json!({ "reason": "不要了" }),
        )
        .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_eq!(problem["current_status"], "dispatched");
    app.assert_rollups_rebuild_identically(&owner.tenant_id).await;
}

#[tokio::test]
async fn concurrent_accepts_of_the_last_units_reserve_exactly_the_stock() {
    let app = spawn_app().await;
    let (owner, part_id) = dealer_with_pads(&app, "owner@shunda.cn", 2).await;
    let mut quotes = Vec::new();
    for (i, name) in ["老王汽修厂", "顺风汽修", "小李快修"].into_iter().enumerate() {
        let (_, key) = shop(&app, &owner, name).await;
        let quote = quoted(&app, &owner, &key, 1, &format!("k{i}")).await;
        quotes.push((key, quote));
    }
    let accepted = futures_util::future::join_all(quotes.iter().map(|(key, quote)| accept(&app, key, quote))).await;
    let mut reserved = 0;
    let mut backorder = 0;
    for response in accepted {
        let order = expect_json(response, StatusCode::CREATED).await;
        reserved += order["lines"][0]["reserved_quantity"].as_i64().unwrap_or_default();
        backorder += order["lines"][0]["backorder_quantity"].as_i64().unwrap_or_default();
    }
    assert_eq!((reserved, backorder), (2, 1));
    let pads = part(&app, &owner, &part_id).await;
    assert_eq!(
        (
            pads["stock"].as_i64(),
            pads["reserved"].as_i64(),
            pads["available"].as_i64()
        ),
        (Some(2), Some(2), Some(0))
    );
    // Search shows what can still be sold.
    let found = expect_json(app.get("/v1/search?q=0986424735", &owner.token).await, StatusCode::OK).await;
    assert_eq!(found["hits"][0]["part"]["available"], 0);
    assert_eq!(found["hits"][0]["part"]["in_stock"], false);
}

#[tokio::test]
async fn dispatch_retries_with_a_key_ship_once_and_bad_input_names_the_field() {
    let app = spawn_app().await;
    let (owner, _) = dealer_with_pads(&app, "owner@shunda.cn", 10).await;
    let (_, key) = shop(&app, &owner, "老王汽修厂").await;
    let placed = order(&app, &owner, &key, 3, "k1").await;
    let order_id = id(&placed);
    let line_id = placed["lines"][0]["id"].as_str().expect("line").to_owned();

    let bad = [
        (json!({}), "/carrier"),
        (json!({ "carrier": "顺丰速运" }), "/tracking_number"),
        (
            json!({ "carrier": "顺丰速运", "tracking_number": "SF1", "driver_phone": "13800138000" }),
            "/driver_phone",
        ),
        (json!({ "driver_phone": "call me" }), "/driver_phone"),
        (json!({ "driver_phone": "13800138000", "lines": [] }), "/lines"),
        (
            json!({ "driver_phone": "13800138000", "lines": [{ "order_line_id": line_id, "quantity": 0 }] }),
            "/lines/0/quantity",
        ),
        (
            json!({ "driver_phone": "13800138000", "lines": [{ "order_line_id": line_id, "quantity": 4 }] }),
            "/lines/0/quantity",
        ),
        (
            json!({ "driver_phone": "13800138000", "lines": [{ "order_line_id": "odl_00000000000000000000000000", "quantity": 1 }] }),
            "/lines/0/order_line_id",
        ),
    ];
    for (body, field) in bad {
        let problem = expect_problem(
            step(&app, &owner.token, &order_id, "dispatch", &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field], "{body}");
    }
    expect_problem(
        step(
            &app,
            &owner.token,
            &order_id,
            "dispatch",
            &json!({ "carrier": "顺丰速运", "tracking": "x" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    // One unit, then a retry with the same key ships nothing more.
    let body =
        json!({ "carrier": "德邦", "tracking_number": "DPK1", "lines": [{ "order_line_id": line_id, "quantity": 1 }] });
    let send = |body: Value, idem: &'static str| {
        app.request(
            Method::POST,
            &format!("/v1/orders/{order_id}/dispatch"),
            Some(&owner.token),
        )
        .header("idempotency-key", idem)
        .json(&body)
        .send()
    };
    let first = expect_json(send(body.clone(), "ship-1").await.expect("send"), StatusCode::OK).await;
    assert_eq!(first["lines"][0]["dispatched_quantity"], 1);
    let retry = send(body.clone(), "ship-1").await.expect("send");
    assert_eq!(
        retry.headers().get("idempotent-replayed").and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let retry = expect_json(retry, StatusCode::OK).await;
    assert_eq!(retry["lines"][0]["dispatched_quantity"], 1);
    assert_eq!(retry["shipments"].as_array().map(Vec::len), Some(1));
    let reused = expect_problem(
        send(json!({ "driver_phone": "13800138000" }), "ship-1")
            .await
            .expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&reused), ["header.idempotency-key"]);

    // Delivery input.
    for (body, field) in [
        (json!({ "received_by": " " }), "/received_by"),
        (
            json!({ "received_by": "王师傅", "delivered_at": "2099-01-01T00:00:00Z" }),
            "/delivered_at",
        ),
        (
            json!({ "received_by": "王师傅", "delivered_at": "2001-01-01T00:00:00Z" }),
            "/delivered_at",
        ),
        (
            json!({ "received_by": "王师傅", "shipment_id": "shp_00000000000000000000000000" }),
            "/shipment_id",
        ),
    ] {
        let problem = expect_problem(
            step(&app, &owner.token, &order_id, "deliver", &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field], "{body}");
    }
    // Delivering before dispatch is illegal.
    let fresh = id(&order(&app, &owner, &key, 1, "k2").await);
    let problem = expect_problem(
        step(
            &app,
            &owner.token,
            &fresh,
            "deliver",
            &json!({ "received_by": "王师傅" }),
        )
        .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_eq!(problem["current_status"], "confirmed");
}

#[tokio::test]
async fn viewers_may_not_move_orders_and_other_dealers_and_shops_get_404() {
    let app = spawn_app().await;
    let (owner, _) = dealer_with_pads(&app, "owner@shunda.cn", 10).await;
    let (_, key) = shop(&app, &owner, "老王汽修厂").await;
    let (_, other_shop) = shop(&app, &owner, "顺风汽修").await;
    let order_id = id(&order(&app, &owner, &key, 1, "k1").await);
    let viewer = app.add_staff(&owner, "viewer@shunda.cn", "viewer").await;
    let bodies = [
        ("picking", json!({})),
        ("dispatch", by_carrier()),
        ("deliver", json!({ "received_by": "王师傅" })),
        ("cancel", json!({ "reason": "测试" })),
    ];
    for (action, body) in &bodies {
        expect_problem(
            step(&app, &viewer.token, &order_id, action, body).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
    // A viewer still reads.
    expect_json(
        app.get(&format!("/v1/orders/{order_id}"), &viewer.token).await,
        StatusCode::OK,
    )
    .await;
    expect_json(app.get("/v1/orders/backorders", &viewer.token).await, StatusCode::OK).await;

    let (stranger, _) = dealer_with_pads(&app, "owner@other-parts.cn", 10).await;
    for (action, body) in &bodies {
        expect_problem(
            step(&app, &stranger.token, &order_id, action, body).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    expect_problem(
        app.get(&format!("/v1/orders/{order_id}"), &stranger.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let theirs = expect_json(app.get("/v1/orders/backorders", &stranger.token).await, StatusCode::OK).await;
    assert_eq!(theirs["items"].as_array().map(Vec::len), Some(0));
    // Another shop of the same dealer cannot read or cancel it.
    expect_problem(
        app.post(
            &format!("/v1/shop/orders/{order_id}/cancel"),
            Some(&other_shop),
            &json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_problem(
        app.get(&format!("/v1/shop/orders/{order_id}"), &other_shop).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // Nothing moved.
    let still = expect_json(
        app.get(&format!("/v1/orders/{order_id}"), &owner.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(still["status"], "confirmed");
}

/// A quote drafted while another shop's order holds the shelf offers only what is left: the
/// rest is backorder from the start, and the workbench shows the available count.
#[tokio::test]
async fn quotes_offer_what_orders_have_not_reserved() {
    let app = spawn_app().await;
    let (owner, _) = dealer_with_pads(&app, "owner@shunda.cn", 3).await;
    let (_, first) = shop(&app, &owner, "老王汽修厂").await;
    let (_, second) = shop(&app, &owner, "城东快修").await;
    order(&app, &owner, &first, 2, "first").await;

    let body = json!({ "lines": [{ "text": NUMBER, "quantity": 2 }] });
    let created = expect_json(app.send_inquiry(&second, "second", &body).await, StatusCode::CREATED).await;
    let inquiry = expect_json(
        app.get(&format!("/v1/inquiries/{}", id(&created)), &owner.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        inquiry["lines"][0]["candidates"][0]["stock"], 1,
        "3 on the shelf, 2 held"
    );
    let quote = expect_json(
        app.get(
            &format!("/v1/quotes/{}", inquiry["quote"]["id"].as_str().expect("quote")),
            &owner.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let option = &quote["lines"][0]["options"][0];
    assert_eq!(option["quantity"], 1);
    assert_eq!(option["backorder_quantity"], 1);
    assert_eq!(option["stock"], 1);
}

#[tokio::test]
async fn delivery_and_after_sales_figures_count_a_known_history() {
    let app = spawn_app().await;
    let (mut owner, _) = dealer_with_pads(&app, "owner@shunda.cn", 3).await;
    let (customer, key) = shop(&app, &owner, "老王汽修厂").await;
    let hour = chrono::Duration::hours(1);
    let promised =
        |hours: i64| (partsdesk::clock::Clock::now(&app.clock) + chrono::Duration::hours(hours)).to_rfc3339();

    // A: 2 of the 3 pads; dispatched after an hour, promised for two hours later, received
    // after another hour (on time), then one set returned as defective and refunded
    // three hours later.
    let a = id(&order(&app, &owner, &key, 2, "a").await);

    // B, at once: 2 pads with 1 left on the shelf (1 backordered), which the shop cancels:
    // not the dealer's shortfall in the fill rate.
    let b = id(&order(&app, &owner, &key, 2, "b").await);
    expect_json(
        app.post(&format!("/v1/shop/orders/{b}/cancel"), Some(&key), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;

    app.clock.advance(hour);
    owner.token = app.fresh_token("owner@shunda.cn").await;
    let carrier = json!({ "carrier": "顺丰速运", "tracking_number": "SF1", "promised_at": promised(2) });
    expect_json(step(&app, &owner.token, &a, "dispatch", &carrier).await, StatusCode::OK).await;
    app.clock.advance(hour);
    owner.token = app.fresh_token("owner@shunda.cn").await;
    let received = expect_json(
        step(&app, &owner.token, &a, "deliver", &json!({ "received_by": "王师傅" })).await,
        StatusCode::OK,
    )
    .await;
    let opened = expect_json(
        app.request(Method::POST, &format!("/v1/shop/orders/{a}/returns"), Some(&key))
            .header("Idempotency-Key", "r1")
            .json(&json!({
                "lines": [{ "order_line_id": received["lines"][0]["id"], "quantity": 1 }],
                "reason": "defective"
            }))
            .send()
            .await
            .expect("send"),
        StatusCode::CREATED,
    )
    .await;
    let ret = id(&opened);
    let accept = json!({ "handover": "pickup" });
    expect_json(
        app.post(&format!("/v1/returns/{ret}/accept"), Some(&owner.token), &accept)
            .await,
        StatusCode::OK,
    )
    .await;
    app.clock.advance(hour * 3);
    owner.token = app.fresh_token("owner@shunda.cn").await;
    let refund = json!({ "resolution": "refund", "amount": "200.00" });
    expect_json(
        app.post(&format!("/v1/returns/{ret}/resolve"), Some(&owner.token), &refund)
            .await,
        StatusCode::OK,
    )
    .await;

    // C: 1 pad, promised within the hour, received two hours after dispatch: late.
    let c = id(&order(&app, &owner, &key, 1, "c").await);
    let carrier = json!({ "carrier": "顺丰速运", "tracking_number": "SF2", "promised_at": promised(1) });
    expect_json(step(&app, &owner.token, &c, "dispatch", &carrier).await, StatusCode::OK).await;
    app.clock.advance(hour * 2);
    owner.token = app.fresh_token("owner@shunda.cn").await;
    expect_json(
        step(&app, &owner.token, &c, "deliver", &json!({ "received_by": "王师傅" })).await,
        StatusCode::OK,
    )
    .await;

    let summary = expect_json(app.get("/v1/metrics/summary", &owner.token).await, StatusCode::OK).await;
    let f = &summary["totals"];
    let expected = json!({
        "orders": 3, "units_ordered": 5, "units_backordered": 1, "backorder_rate": 0.2,
        "units_cancelled_by_shop": 2, "units_delivered": 3, "fill_rate": 1.0,
        "orders_dispatched": 2, "order_to_dispatch_p50_seconds": 0.0, "order_to_dispatch_p90_seconds": 3600.0,
        "orders_delivered": 2, "order_to_delivery_p50_seconds": 7200.0, "order_to_delivery_p90_seconds": 7200.0,
        "shipments_promised": 2, "shipments_on_time": 1, "on_time_rate": 0.5,
        "returns": 1, "returned_units": 1, "return_rate": 0.3333,
        "returns_resolved": 1, "return_resolution_p50_seconds": 10800.0, "return_resolution_p90_seconds": 10800.0,
    });
    for (name, value) in expected.as_object().expect("object") {
        assert_eq!(&f[name], value, "{name} in {f}");
    }
    assert_eq!(f["returned_units_by_reason"]["defective"], 1);
    assert_eq!(f["returned_units_by_reason"]["wrong_part"], 0);
    assert_eq!(f["return_rate_by_reason"]["defective"], 0.3333);

    // The same beside the quote figures in the customer's row, sortable, and in the CSV.
    let table = expect_json(
        app.get("/v1/metrics/customers?sort=on_time_rate&order=asc", &owner.token)
            .await,
        StatusCode::OK,
    )
    .await;
    let row = &table["items"][0];
    assert_eq!(row["customer"]["id"], customer.as_str());
    assert_eq!(
        (
            row["figures"]["fill_rate"].as_f64(),
            row["figures"]["quote_rate"].as_f64()
        ),
        (Some(1.0), Some(1.0))
    );
    let csv = app
        .request(Method::GET, "/v1/metrics/customers", Some(&owner.token))
        .header("Accept", "text/csv")
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("body");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().expect("header").clone();
    let record = reader.records().next().expect("a row").expect("record");
    let column = |name: &str| {
        record
            .get(header.iter().position(|h| h == name).expect(name))
            .expect(name)
            .to_owned()
    };
    assert_eq!(column("on_time_rate"), "0.5");
    assert_eq!(column("returned_units_defective"), "1");
    assert_eq!(column("return_resolution_p50_seconds"), "10800");

    let detail = expect_json(
        app.get(&format!("/v1/metrics/customers/{customer}"), &owner.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["figures"]["on_time_rate"], 0.5);
    assert_eq!(
        detail["trend"]["on_time_rate"],
        Value::Null,
        "no shipments the period before"
    );

    app.assert_rollups_rebuild_identically(&owner.tenant_id).await;
}

#[tokio::test]
async fn staff_cancel_what_has_not_left_of_a_partly_dispatched_order() {
    let app = spawn_app().await;
    let (owner, part_id) = dealer_with_pads(&app, "owner@shunda.cn", 2).await;
    let (_, key) = shop(&app, &owner, "老王汽修厂").await;
    // 5 ordered, 2 on the shelf: 2 leave, 3 wait for stock that will not come.
    let order_id = id(&order(&app, &owner, &key, 5, "k1").await);
    let driver = json!({ "driver_phone": "138 0013 8000" });
    expect_json(
        step(&app, &owner.token, &order_id, "dispatch", &driver).await,
        StatusCode::OK,
    )
    .await;

    // The shop may cancel only before dispatch.
    let problem = expect_problem(
        app.post(&format!("/v1/shop/orders/{order_id}/cancel"), Some(&key), &json!({}))
            .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_eq!(problem["current_status"], "dispatched");
    let problem = expect_problem(
        step(&app, &owner.token, &order_id, "cancel", &json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["/reason"]);

    let reason = json!({ "reason": "厂家停产，余下不再供货" });
    for _ in 0..2 {
        let rest = expect_json(
            step(&app, &owner.token, &order_id, "cancel", &reason).await,
            StatusCode::OK,
        )
        .await;
        // What is on its way stays on its way.
        assert_eq!(rest["status"], "dispatched");
        let line = &rest["lines"][0];
        assert_eq!(
            (
                &line["dispatched_quantity"],
                &line["backorder_quantity"],
                &line["cancelled_quantity"]
            ),
            (&json!(2), &json!(0), &json!(3))
        );
        assert_eq!(steps(&rest), ["confirmed", "dispatched", "rest_cancelled"]);
    }
    // A stock raise now fills nothing for it, and the shipment's arrival completes it.
    let pads = part(&app, &owner, &part_id).await;
    assert_eq!((pads["stock"].as_i64(), pads["reserved"].as_i64()), (Some(0), Some(0)));
    let delivered = expect_json(
        step(
            &app,
            &owner.token,
            &order_id,
            "deliver",
            &json!({ "received_by": "王师傅" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(delivered["status"], "delivered");
    expect_problem(
        step(&app, &owner.token, &order_id, "cancel", &reason).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;

    // Received first, then the rest cancelled: delivered at once. With nothing left, 409.
    let (owner2, _) = dealer_with_pads(&app, "owner@yongan.cn", 1).await;
    let (_, key2) = shop(&app, &owner2, "城东快修").await;
    let second = id(&order(&app, &owner2, &key2, 3, "k2").await);
    expect_json(
        step(&app, &owner2.token, &second, "dispatch", &driver).await,
        StatusCode::OK,
    )
    .await;
    expect_json(
        step(
            &app,
            &owner2.token,
            &second,
            "deliver",
            &json!({ "received_by": "李师傅" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let done = expect_json(
        step(&app, &owner2.token, &second, "cancel", &reason).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["status"], "delivered");
    assert_eq!(done["lines"][0]["cancelled_quantity"], 2);
    let third = id(&order(&app, &owner2, &key2, 1, "k3").await);
    let problem = expect_problem(
        step(&app, &owner2.token, &third, "dispatch", &driver).await,
        StatusCode::CONFLICT,
        "nothing_to_dispatch",
    )
    .await;
    assert_eq!(problem["current_status"], "confirmed");
    // Another dealer's staff cannot reach it.
    expect_problem(
        step(&app, &owner.token, &second, "cancel", &reason).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    app.assert_rollups_rebuild_identically(&owner.tenant_id).await;
    app.assert_rollups_rebuild_identically(&owner2.tenant_id).await;
}
