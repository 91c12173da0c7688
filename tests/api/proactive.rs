//! Proactive quotes: a due reminder drafted into a quote by staff or by the dealer's setting,
//! shown to the shop only once sent, converting its reminder when accepted, and counted apart
//! from what shops asked.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::reminders::{OWNER, at, regular_buyer, reminders, run};

fn id_of(due: &[Value], sku: &str) -> String {
    due.iter()
        .find(|r| r["part"]["sku"] == sku)
        .and_then(|r| r["id"].as_str())
        .expect("reminder")
        .to_owned()
}

async fn set_callback(app: &TestApp, key: &str, url: &str) {
    expect_json(
        app.request(reqwest::Method::PUT, "/v1/shop/callback", Some(key))
            .json(&json!({ "url": url }))
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
}

/// The `quote.sent` payloads the shop's callback received.
fn sent_quotes(receiver: &Receiver) -> Vec<Value> {
    receiver
        .received
        .lock()
        .expect("lock")
        .iter()
        .filter_map(|r| serde_json::from_str::<Value>(&r.body).ok())
        .filter(|p| p["type"] == "quote.sent")
        .map(|p| p["data"].clone())
        .collect()
}

async fn shop_inquiries(app: &TestApp, key: &str) -> Vec<Value> {
    let list = expect_json(app.get("/v1/shop/inquiries", key).await, StatusCode::OK).await;
    list["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn staff_quote_a_due_reminder_and_the_accepted_quote_converts_it() {
    let app = spawn_app().await;
    let dealer = regular_buyer(&app).await;
    let hook = spawn_receiver(vec![]).await;
    set_callback(&app, &dealer.key, &hook.url).await;
    app.clock.set(at("2026-08-27T02:00:00Z"));
    run(&app).await;
    let plugs = id_of(&reminders(&app, "status=due").await, "NGK-BKR6E");
    let token = app.fresh_token(OWNER).await;
    let shop_inquiries_before = shop_inquiries(&app, &dealer.key).await.len();

    // Drafted for the suggested 4 plugs at the customer's price (list 28.00 less 10 %).
    let drafted = expect_json(
        app.post_empty(&format!("/v1/reminders/{plugs}/quote"), &token).await,
        StatusCode::CREATED,
    )
    .await;
    let quote = drafted["id"].as_str().expect("quote id").to_owned();
    assert_eq!(drafted["status"], "draft");
    assert_eq!(drafted["proactive"], true);
    assert_eq!(drafted["reminder_id"], plugs.as_str());
    assert_eq!(drafted["lines"][0]["requested_quantity"], 4);
    let option = &drafted["lines"][0]["options"][0];
    assert_eq!(option["sku"], "NGK-BKR6E");
    assert_eq!(option["unit_price"], "25.20");
    assert_eq!(option["quantity"], 4);
    assert_eq!(drafted["total"], "100.80");
    let note = drafted["note"].as_str().unwrap_or_default();
    assert!(note.contains("30 天") && note.contains("2026-08-30"), "{note}");

    // A second click, or a retry, gets the same quote.
    let again = expect_json(
        app.post_empty(&format!("/v1/reminders/{plugs}/quote"), &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["id"], quote.as_str());
    let reminder = &reminders(&app, "status=due").await;
    assert_eq!(
        reminder
            .iter()
            .find(|r| r["id"] == plugs.as_str())
            .map(|r| r["quote_id"].clone()),
        Some(json!(quote))
    );

    // The staff see its inquiry as the dealer's own; the shop sees nothing of a draft.
    let inbox = expect_json(app.get("/v1/inquiries", &token).await, StatusCode::OK).await;
    let inquiry_id = drafted["inquiry_id"].as_str().expect("inquiry").to_owned();
    let own = inbox["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["id"] == inquiry_id.as_str()).cloned())
        .expect("in the inbox");
    assert_eq!(own["origin"], "reminder");
    assert_eq!(shop_inquiries(&app, &dealer.key).await.len(), shop_inquiries_before);
    for path in [
        format!("/v1/shop/inquiries/{inquiry_id}"),
        format!("/v1/shop/quotes/{quote}"),
    ] {
        expect_problem(app.get(&path, &dealer.key).await, StatusCode::NOT_FOUND, "not_found").await;
    }

    // Sent: the shop's callback gets it marked proactive; the reminder counts as contacted.
    expect_json(
        app.post_empty(&format!("/v1/quotes/{quote}/send"), &token).await,
        StatusCode::OK,
    )
    .await;
    app.run_jobs().await;
    let sent = sent_quotes(&hook);
    let pushed = sent.iter().find(|q| q["id"] == quote.as_str()).expect("callback");
    assert_eq!(pushed["proactive"], true);
    assert_eq!(pushed["reminder_id"], plugs.as_str());
    let done = reminders(&app, "status=done").await;
    assert_eq!(done.len(), 1);
    assert!(done[0]["contacted_at"].is_string());
    let listed = shop_inquiries(&app, &dealer.key).await;
    let mine = listed
        .iter()
        .find(|i| i["id"] == inquiry_id.as_str())
        .expect("shown once sent");
    assert_eq!(mine["origin"], "reminder");
    assert_eq!(mine["quote_id"], quote.as_str());

    // Accepted: the order converts the reminder.
    let order = expect_json(
        app.post(
            &format!("/v1/shop/quotes/{quote}/accept"),
            Some(&dealer.key),
            &json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let converted = reminders(&app, "status=converted").await;
    assert_eq!(converted.len(), 1);
    assert_eq!(converted[0]["converted_order_id"], order["id"]);
    let after = expect_json(
        app.post_empty(&format!("/v1/reminders/{plugs}/quote"), &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        after["id"],
        quote.as_str(),
        "an accepted quote is the reminder's answer"
    );

    // The figures: a proactive quote sent and accepted, worth its order; no inquiry was asked.
    let summary = expect_json(
        app.get(
            "/v1/metrics/summary?from=2026-08-01&to=2026-08-31&interval=month",
            &token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let totals = &summary["totals"];
    assert_eq!(totals["inquiries"], 0);
    assert_eq!(totals["inquiry_lines"], 0);
    assert_eq!(totals["quoted_lines"], 0);
    assert_eq!(totals["bought_lines"], 0);
    assert!(totals["response_time_p50_seconds"].is_null());
    assert_eq!(totals["orders"], 1);
    assert_eq!(totals["order_value"], "100.80");
    assert_eq!(totals["proactive_quotes_sent"], 1);
    assert_eq!(totals["proactive_quotes_accepted"], 1);
    assert_eq!(totals["proactive_acceptance_rate"], 1.0);
    assert_eq!(totals["proactive_value"], "100.80");
    assert_eq!(totals["reminders_converted"], 1);
    let demand = expect_json(
        app.get("/v1/insights/demand?from=2026-08-01&to=2026-08-31", &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(demand["items"], json!([]), "an offer is not demand");
    app.assert_rollups_rebuild_identically(&dealer.owner.tenant_id).await;

    // Converted or dismissed reminders get no new quote; viewers draft none; another dealer
    // reaches none of it.
    let filters = id_of(&reminders(&app, "status=due").await, "MF-W71275");
    expect_json(
        app.post_empty(&format!("/v1/reminders/{filters}/dismiss"), &token)
            .await,
        StatusCode::OK,
    )
    .await;
    let problem = expect_problem(
        app.post_empty(&format!("/v1/reminders/{filters}/quote"), &token).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_eq!(problem["current_status"], "dismissed");
    let owner = Session {
        token: token.clone(),
        tenant_id: dealer.owner.tenant_id.clone(),
        user_id: dealer.owner.user_id.clone(),
    };
    let viewer = app.add_staff(&owner, "viewer@shunda.cn", "viewer").await;
    expect_problem(
        app.post_empty(&format!("/v1/reminders/{plugs}/quote"), &viewer.token)
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let other = app.signup("Other", "owner@other.cn").await;
    expect_problem(
        app.post_empty(&format!("/v1/reminders/{plugs}/quote"), &other.token)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn the_dealer_setting_sends_them_by_itself_within_the_contact_limit() {
    let app = spawn_app().await;
    let dealer = regular_buyer(&app).await;
    let hook = spawn_receiver(vec![]).await;
    set_callback(&app, &dealer.key, &hook.url).await;
    let token = app.fresh_token(OWNER).await;

    // Off by default; 0-60 days, or null.
    let settings = expect_json(app.get("/v1/settings", &token).await, StatusCode::OK).await;
    assert!(settings["proactive_quote_days"].is_null());
    let bad = expect_problem(
        app.patch("/v1/settings", &token, &json!({ "proactive_quote_days": 61 }))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&bad), vec!["/proactive_quote_days"]);

    // Both reminders come due on 27 August (expected 30 August); off, nothing is quoted.
    app.clock.set(at("2026-08-27T02:00:00Z"));
    let report = run(&app).await;
    assert_eq!(report["raised"], 2);
    assert_eq!(report["proactive_quotes"]["sent"], 0);
    let due = reminders(&app, "status=due").await;
    let (plugs, filters) = (id_of(&due, "NGK-BKR6E"), id_of(&due, "MF-W71275"));

    // One contact a week; the customer is called about the plugs on the 27th.
    expect_json(
        app.patch(
            "/v1/settings",
            &token,
            &json!({ "reminder_contacts_per_week": 1, "proactive_quote_days": 3 }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    expect_json(
        app.post_empty(&format!("/v1/reminders/{plugs}/done"), &token).await,
        StatusCode::OK,
    )
    .await;

    // On the 28th the filters are held back: the week's one contact was the call.
    app.clock.set(at("2026-08-28T02:00:00Z"));
    let report = run(&app).await;
    assert_eq!(report["proactive_quotes"]["held_back"], 1, "{report}");
    assert_eq!(report["proactive_quotes"]["sent"], 0);

    // A week after the call, the filters go out by themselves, once.
    app.clock.set(at("2026-09-03T02:00:00Z"));
    let report = run(&app).await;
    assert_eq!(report["proactive_quotes"]["sent"], 1, "{report}");
    assert_eq!(
        run(&app).await["proactive_quotes"]["sent"],
        0,
        "each reminder is quoted once"
    );
    app.run_jobs().await;
    let sent = sent_quotes(&hook);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["proactive"], true);
    assert_eq!(sent[0]["auto_sent"], true);
    assert_eq!(sent[0]["reminder_id"], filters.as_str());
    assert_eq!(sent[0]["lines"][0]["options"][0]["sku"], "MF-W71275");
    assert_eq!(sent[0]["lines"][0]["options"][0]["quantity"], 2);
    let done = reminders(&app, "status=done").await;
    assert!(
        done.iter()
            .any(|r| r["id"] == filters.as_str() && r["quote_id"] == sent[0]["id"])
    );
}

#[tokio::test]
async fn short_stock_leaves_the_proactive_quote_for_staff() {
    let app = spawn_app().await;
    regular_buyer(&app).await;
    let token = app.fresh_token(OWNER).await;
    let parts = expect_json(app.get("/v1/parts?sku_prefix=MF-W71275", &token).await, StatusCode::OK).await;
    let filter = parts["items"]
        .as_array()
        .and_then(|items| items.iter().find(|p| p["sku"] == "MF-W71275"))
        .and_then(|p| p["id"].as_str())
        .expect("filter")
        .to_owned();
    let stock = expect_json(app.get(&format!("/v1/parts/{filter}"), &token).await, StatusCode::OK).await;
    // Available: one more than what orders hold, so one unit for the shop's usual two.
    let reserved = stock["reserved"].as_i64().unwrap_or_default();
    expect_json(
        app.patch(
            &format!("/v1/parts/{filter}"),
            &token,
            &json!({ "stock": reserved + 1 }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    expect_json(
        app.patch("/v1/settings", &token, &json!({ "proactive_quote_days": 5 }))
            .await,
        StatusCode::OK,
    )
    .await;
    app.clock.set(at("2026-08-27T02:00:00Z"));
    let report = run(&app).await;
    assert_eq!(report["proactive_quotes"]["sent"], 1, "{report}");
    assert_eq!(report["proactive_quotes"]["drafted_for_review"], 1, "{report}");
    let filters = id_of(&reminders(&app, "status=due").await, "MF-W71275");
    let token = app.fresh_token(OWNER).await;
    let draft = expect_json(
        app.post_empty(&format!("/v1/reminders/{filters}/quote"), &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["lines"][0]["options"][0]["quantity"], 1);
    assert_eq!(draft["lines"][0]["options"][0]["backorder_quantity"], 1);

    // Cancelled, it may be drafted again (after restocking, say).
    app.clock.advance(Duration::hours(1));
    let quote = draft["id"].as_str().unwrap_or_default().to_owned();
    expect_json(
        app.post_empty(&format!("/v1/quotes/{quote}/cancel"), &token).await,
        StatusCode::OK,
    )
    .await;
    let fresh = expect_json(
        app.post_empty(&format!("/v1/reminders/{filters}/quote"), &token).await,
        StatusCode::CREATED,
    )
    .await;
    assert_ne!(fresh["id"], draft["id"]);
}
