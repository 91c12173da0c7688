//! Replenishment reminders on constructed purchase histories, with an injected clock: raised on
//! the right day, once per cycle (across runs and concurrent schedulers), snoozed and reopened,
//! converted by an order inside the window, closed by buying an equivalent, and capped on the
//! call list.

use chrono::{DateTime, Duration, Utc};
use partsdesk::clock::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

pub const OWNER: &str = "owner@shunda.cn";

pub fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("instant")
        .with_timezone(&Utc)
}

/// A purchase now: the shop asks, staff send, the shop accepts everything.
pub async fn buy(app: &TestApp, key: &str, lines: Value) -> Value {
    let created = expect_json(
        app.send_inquiry(key, &uuid::Uuid::now_v7().to_string(), &json!({ "lines": lines }))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let token = app.fresh_token(OWNER).await;
    let inquiry = expect_json(
        app.get(
            &format!("/v1/inquiries/{}", created["id"].as_str().unwrap_or_default()),
            &token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let quote = inquiry["quote"]["id"].as_str().expect("quote").to_owned();
    expect_json(
        app.post_empty(&format!("/v1/quotes/{quote}/send"), &token).await,
        StatusCode::OK,
    )
    .await;
    expect_json(
        app.post(&format!("/v1/shop/quotes/{quote}/accept"), Some(key), &json!({}))
            .await,
        StatusCode::CREATED,
    )
    .await
}

pub async fn run(app: &TestApp) -> Value {
    let token = app.fresh_token(OWNER).await;
    expect_json(app.post_empty("/v1/reminders/run", &token).await, StatusCode::OK).await
}

pub async fn reminders(app: &TestApp, query: &str) -> Vec<Value> {
    let token = app.fresh_token(OWNER).await;
    let list = expect_json(app.get(&format!("/v1/reminders?{query}"), &token).await, StatusCode::OK).await;
    list["items"].as_array().cloned().unwrap_or_default()
}

/// Spark plugs and oil filters bought every 30 days, three times, from 1 June (10:00 local).
pub async fn regular_buyer(app: &TestApp) -> Dealer {
    app.clock.set(at("2026-06-01T02:00:00Z"));
    let dealer = app.dealer_with_shop("Shunda", OWNER).await;
    for _ in 0..3 {
        buy(
            app,
            &dealer.key,
            json!([{ "text": "BKR6E", "quantity": 4 }, { "text": "W 712/75", "quantity": 2 }]),
        )
        .await;
        app.clock.advance(Duration::days(30));
    }
    dealer
}

#[tokio::test]
async fn a_reminder_is_raised_on_the_right_day_and_only_once() {
    let app = spawn_app().await;
    let dealer = regular_buyer(&app).await;
    let token = app.fresh_token(OWNER).await;
    let receiver = spawn_receiver(vec![]).await;
    expect_json(
        app.post(
            "/v1/webhooks",
            Some(&token),
            &json!({ "url": receiver.url, "events": ["reminder.due"] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    // Purchases on 1 June, 1 July, 31 July: next expected 30 August; lead 3 days: 27 August.
    app.clock.set(at("2026-08-26T02:00:00Z"));
    assert_eq!(run(&app).await["raised"], 0, "a day early");
    // Two schedulers at once (say, two servers on one database) raise each reminder once.
    app.clock.set(at("2026-08-27T02:00:00Z"));
    let (a, b) = tokio::join!(
        partsdesk::reminders::engine::run(&app.state.db, None, app.clock.now()),
        partsdesk::reminders::engine::run(&app.state.db, None, app.clock.now()),
    );
    assert_eq!(a.expect("run").raised + b.expect("run").raised, 2);
    assert_eq!(run(&app).await["raised"], 0, "a later run raises nothing");

    let due = reminders(&app, "status=due").await;
    assert_eq!(due.len(), 2);
    let plugs = due.iter().find(|r| r["part"]["sku"] == "NGK-BKR6E").expect("plugs");
    assert_eq!(plugs["expected_on"], "2026-08-30");
    assert_eq!(plugs["remind_on"], "2026-08-27");
    assert_eq!(plugs["interval_days"], 30);
    assert_eq!(plugs["suggested_quantity"], 4);
    assert_eq!(plugs["history"].as_array().map(Vec::len), Some(3));
    assert_eq!(plugs["last_purchase"]["date"], "2026-07-31");
    assert_eq!(plugs["stock_short"], false);
    assert_eq!(plugs["customer"]["id"], dealer.customer_id.as_str());

    // The webhook and the touchpoint event were written with each reminder.
    app.run_jobs().await;
    assert_eq!(receiver.received.lock().expect("lock").len(), 2);
    let events = expect_json(
        app.get(
            &format!("/v1/customers/{}/events?limit=200", dealer.customer_id),
            &token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let raised = events["items"]
        .as_array()
        .map(|e| e.iter().filter(|e| e["kind"] == "reminder_raised").count());
    assert_eq!(raised, Some(2));

    // The call list: one entry for the customer with both parts, worth 4 × 25.20 + 2 × 31.50.
    let list = expect_json(
        app.get("/v1/reminders/call-list?date=2026-08-27", &app.fresh_token(OWNER).await)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["call"].as_array().map(Vec::len), Some(1));
    assert_eq!(list["call"][0]["value"], "163.80");
    assert_eq!(list["call"][0]["reminders"].as_array().map(Vec::len), Some(2));
    assert_eq!(list["held_back"], json!([]));
    let earlier = expect_json(
        app.get("/v1/reminders/call-list?date=2026-08-26", &app.fresh_token(OWNER).await)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(earlier["call"], json!([]));
}

#[tokio::test]
async fn snooze_done_dismiss_conversion_and_the_contact_cap() {
    let app = spawn_app().await;
    let dealer = regular_buyer(&app).await;
    app.clock.set(at("2026-08-27T02:00:00Z"));
    run(&app).await;
    let due = reminders(&app, "status=due").await;
    let id_of = |sku: &str| {
        due.iter()
            .find(|r| r["part"]["sku"] == sku)
            .and_then(|r| r["id"].as_str())
            .expect("reminder")
            .to_owned()
    };
    let (plugs, filters) = (id_of("NGK-BKR6E"), id_of("MF-W71275"));
    let token = app.fresh_token(OWNER).await;

    // Snoozed until the 29th: not due, then due again when the day comes.
    let snoozed = expect_json(
        app.post(
            &format!("/v1/reminders/{filters}/snooze"),
            Some(&token),
            &json!({ "until": "2026-08-29" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(snoozed["status"], "snoozed");
    let bad = expect_problem(
        app.post(
            &format!("/v1/reminders/{plugs}/snooze"),
            Some(&token),
            &json!({ "until": "2026-08-27" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&bad), vec!["/until"]);
    assert_eq!(reminders(&app, "status=due").await.len(), 1);

    // The customer is called about the plugs; with a limit of one contact a week, the filters
    // (due again on the 29th) are held back that week.
    expect_json(
        app.patch("/v1/settings", &token, &json!({ "reminder_contacts_per_week": 1 }))
            .await,
        StatusCode::OK,
    )
    .await;
    let done = expect_json(
        app.post_empty(&format!("/v1/reminders/{plugs}/done"), &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["status"], "done");
    app.clock.set(at("2026-08-29T02:00:00Z"));
    assert_eq!(run(&app).await["reopened"], 1);
    let token = app.fresh_token(OWNER).await;
    let list = expect_json(app.get("/v1/reminders/call-list", &token).await, StatusCode::OK).await;
    assert_eq!(list["date"], "2026-08-29");
    assert_eq!(list["call"], json!([]));
    let held = &list["held_back"][0];
    assert_eq!(held["customer"]["id"], dealer.customer_id.as_str());
    assert!(
        held["held_back_reason"]
            .as_str()
            .is_some_and(|r| r.contains("limit is 1")),
        "{held}"
    );
    assert_eq!(held["reminders"][0]["id"], filters.as_str());

    // A done reminder is not snoozed; a dismissed one is not marked done.
    let conflict = expect_problem(
        app.post(
            &format!("/v1/reminders/{plugs}/snooze"),
            Some(&token),
            &json!({ "until": "2026-09-10" }),
        )
        .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_eq!(conflict["current_status"], "done");

    // The shop orders plugs on the 30th: the contacted reminder converts.
    app.clock.set(at("2026-08-30T02:00:00Z"));
    buy(&app, &dealer.key, json!([{ "text": "BKR6E", "quantity": 4 }])).await;
    let converted = reminders(&app, "status=converted").await;
    assert_eq!(converted.len(), 1);
    assert_eq!(converted[0]["id"], plugs.as_str());
    assert!(converted[0]["converted_order_id"].is_string());

    // The filters are dismissed; an order after the window would not have converted them.
    let token = app.fresh_token(OWNER).await;
    expect_json(
        app.post_empty(&format!("/v1/reminders/{filters}/dismiss"), &token)
            .await,
        StatusCode::OK,
    )
    .await;
    expect_problem(
        app.post_empty(&format!("/v1/reminders/{filters}/done"), &token).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;

    // Reminders raised and converted feed the metrics.
    let summary = expect_json(
        app.get(
            "/v1/metrics/summary?from=2026-08-01&to=2026-08-31&interval=month",
            &token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["totals"]["reminders_raised"], 2);
    assert_eq!(summary["totals"]["reminders_converted"], 1);
    assert_eq!(summary["totals"]["reminder_conversion_rate"], 0.5);
    app.assert_rollups_rebuild_identically(&dealer.owner.tenant_id).await;

    // Another dealer reaches none of it.
    let other = app.signup("Other", "owner@other.cn").await;
    for action in ["done", "dismiss"] {
        expect_problem(
            app.post_empty(&format!("/v1/reminders/{plugs}/{action}"), &other.token)
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    expect_problem(
        app.post(
            &format!("/v1/reminders/{plugs}/snooze"),
            Some(&other.token),
            &json!({ "until": "2026-09-10" }),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let theirs = expect_json(app.get("/v1/reminders", &other.token).await, StatusCode::OK).await;
    assert_eq!(theirs["items"], json!([]));
    let their_calls = expect_json(app.get("/v1/reminders/call-list", &other.token).await, StatusCode::OK).await;
    assert_eq!(their_calls["call"], json!([]));
}

#[tokio::test]
async fn no_conversion_outside_the_window_and_equivalents_close_the_cycle() {
    let app = spawn_app().await;
    app.clock.set(at("2026-06-01T02:00:00Z"));
    let dealer = app.dealer_with_shop("Shunda", OWNER).await;
    // BOSCH pads every 20 days; spark plugs every 20 days too.
    for _ in 0..3 {
        buy(
            &app,
            &dealer.key,
            json!([{ "text": "0 986 424 735", "quantity": 1 }, { "text": "BKR6E", "quantity": 2 }]),
        )
        .await;
        app.clock.advance(Duration::days(20));
    }
    // Purchases 1 June, 21 June, 11 July: next 31 July, reminded from 28 July. On 20 July the
    // shop buys TRW pads, which the BOSCH pads list as an interchange: that cycle is closed.
    app.clock.set(at("2026-07-20T02:00:00Z"));
    buy(&app, &dealer.key, json!([{ "text": "GDB3287", "quantity": 1 }])).await;
    app.clock.set(at("2026-07-28T02:00:00Z"));
    let report = run(&app).await;
    assert_eq!(report["raised"], 1, "{report}");
    let due = reminders(&app, "status=due").await;
    assert_eq!(due[0]["part"]["sku"], "NGK-BKR6E");

    // Plugs bought 15 days after the reminder: outside the 14-day window, no conversion.
    app.clock.set(at("2026-08-12T03:00:00Z"));
    buy(&app, &dealer.key, json!([{ "text": "BKR6E", "quantity": 2 }])).await;
    run(&app).await;
    assert_eq!(reminders(&app, "status=converted").await, Vec::<Value>::new());
    assert_eq!(reminders(&app, "status=due").await.len(), 1);
}
