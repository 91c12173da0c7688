//! The dealer's match memory over HTTP: a re-pointed, sent line comes first next time (and is
//! quoted without review once confirmed twice), a part marked wrong goes last and says why,
//! entries are listed and forgotten, and one dealer's memory never touches another's matches.

use partsdesk::clock::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// Sends a one-line inquiry; returns (inquiry, quote) as staff see them.
async fn ask(app: &TestApp, dealer: &Dealer, key: &str, line: Value) -> (Value, Value) {
    let created = expect_json(
        app.send_inquiry(&dealer.key, key, &json!({ "lines": [line] })).await,
        StatusCode::CREATED,
    )
    .await;
    let id = created["id"].as_str().expect("id");
    let inquiry = expect_json(
        app.get(&format!("/v1/inquiries/{id}"), &dealer.owner.token).await,
        StatusCode::OK,
    )
    .await;
    let quote_id = inquiry["quote"]["id"].as_str().expect("quote");
    let quote = expect_json(
        app.get(&format!("/v1/quotes/{quote_id}"), &dealer.owner.token).await,
        StatusCode::OK,
    )
    .await;
    (inquiry, quote)
}

fn candidates(inquiry: &Value) -> Vec<Value> {
    inquiry["lines"][0]["candidates"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn part_id(app: &TestApp, token: &str, sku: &str) -> String {
    let parts = expect_json(app.get("/v1/parts?limit=50", token).await, StatusCode::OK).await;
    parts["items"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["sku"] == sku))
        .and_then(|p| p["id"].as_str())
        .expect("part")
        .to_owned()
}

async fn send(app: &TestApp, token: &str, quote: &Value) {
    let id = quote["id"].as_str().expect("quote id");
    expect_json(
        app.post_empty(&format!("/v1/quotes/{id}/send"), token).await,
        StatusCode::OK,
    )
    .await;
}

/// Re-points the quote's only line to `part` and sends it.
async fn repoint_and_send(app: &TestApp, token: &str, quote: &Value, part: &str) {
    let id = quote["id"].as_str().expect("quote id");
    expect_json(
        app.patch(
            &format!("/v1/quotes/{id}"),
            token,
            &json!({ "lines": [{ "id": quote["lines"][0]["id"], "options": [{ "part_id": part }] }] }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    send(app, token, quote).await;
}

#[tokio::test]
async fn a_repointed_line_comes_first_next_time_and_is_quoted_once_confirmed_twice() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let other = app.dealer_with_shop("Hengtong", "owner@hengtong.cn").await;
    let token = &dealer.owner.token;
    // A line with no vehicle: the matcher cannot tell which pads are meant.
    let (inquiry, quote) = ask(&app, &dealer, "m1", json!({ "text": "刹车片 x2" })).await;
    assert_eq!(quote["lines"][0]["confidence"], "low");
    let first = candidates(&inquiry)[0]["sku"].as_str().expect("sku").to_owned();
    let wanted = if first == "TRW-GDB3287" {
        "BP-0986424735"
    } else {
        "TRW-GDB3287"
    };
    let wanted_id = part_id(&app, token, wanted).await;
    repoint_and_send(&app, token, &quote, &wanted_id).await;

    // The same line written another way: another quantity, spaced, full-width.
    let (inquiry, quote) = ask(&app, &dealer, "m2", json!({ "text": "刹车片２个" })).await;
    let top = &candidates(&inquiry)[0];
    assert_eq!(top["part_id"], wanted_id.as_str());
    assert_eq!(top["confirmed_count"], 1);
    assert!(
        top["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("confirmed by staff for \"刹车片 x2\"")),
        "{top}"
    );
    assert!(top["demoted_reason"].is_null());
    assert_eq!(quote["lines"][0]["options"][0]["part_id"], wanted_id.as_str());
    assert_eq!(
        quote["lines"][0]["confidence"], "low",
        "once is not enough to quote unseen"
    );
    // Sending the remembered part again is a second confirmation.
    send(&app, token, &quote).await;

    // A synonym and a Chinese quantity: 刹车皮 is 刹车片.
    let (inquiry, quote) = ask(&app, &dealer, "m3", json!({ "text": "刹车皮 两套" })).await;
    let top = &candidates(&inquiry)[0];
    assert_eq!(top["part_id"], wanted_id.as_str());
    assert_eq!(top["confirmed_count"], 2);
    assert_eq!(top["confidence"], "high");
    assert_eq!(quote["lines"][0]["confidence"], "high");
    assert_eq!(quote["lines"][0]["changed_by_staff"], false);

    // With a vehicle it is another line: the memory of lines without one does not apply.
    let (inquiry, _) = ask(&app, &dealer, "m4", json!({ "text": "卡罗拉刹车片" })).await;
    assert!(candidates(&inquiry).iter().all(|c| c["confirmed_count"].is_null()));

    // Another dealer with the same catalog and the same line: untouched.
    let (inquiry, _) = ask(&app, &other, "m1", json!({ "text": "刹车片 x2" })).await;
    let theirs = candidates(&inquiry);
    assert_eq!(theirs[0]["sku"], first.as_str());
    assert!(theirs.iter().all(|c| c["confirmed_count"].is_null()));

    let listed = expect_json(app.get("/v1/match-memory", token).await, StatusCode::OK).await;
    let items = listed["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["verdict"], "confirmed");
    assert_eq!(items[0]["count"], 2);
    assert_eq!(items[0]["sku"], wanted);
    assert_eq!(items[0]["source"], "sent_quote");
    assert!(items[0]["vehicle"].is_null());
    let theirs = expect_json(app.get("/v1/match-memory", &other.owner.token).await, StatusCode::OK).await;
    assert_eq!(theirs["items"], json!([]));
}

#[tokio::test]
async fn a_part_marked_wrong_goes_last_says_why_and_is_forgotten_on_request() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let other = app.dealer_with_shop("Hengtong", "owner@hengtong.cn").await;
    let token = &dealer.owner.token;
    let line = json!({ "text": "04465-02061", "quantity": 2 });
    let (inquiry, quote) = ask(&app, &dealer, "w1", line.clone()).await;
    let bosch = part_id(&app, token, "BP-0986424735").await;
    assert_eq!(candidates(&inquiry)[0]["part_id"], bosch.as_str());
    assert_eq!(quote["lines"][0]["confidence"], "exact");
    let inquiry_id = inquiry["id"].as_str().expect("id");
    let line_id = inquiry["lines"][0]["id"].as_str().expect("line");
    let path = format!("/v1/inquiries/{inquiry_id}/lines/{line_id}/mismatch");

    // Roles: a viewer reads the memory but cannot mark or forget.
    let viewer = app.add_staff(&dealer.owner, "viewer@shunda.cn", "viewer").await;
    expect_problem(
        app.post(&path, Some(&viewer.token), &json!({ "part_id": bosch })).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    // Bad input names the field.
    let bad = expect_problem(
        app.post(
            &path,
            Some(token),
            &json!({ "part_id": bosch, "note": "x".repeat(501) }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&bad), vec!["/note"]);
    let foreign_part = part_id(&app, &other.owner.token, "BP-0986424735").await;
    let bad = expect_problem(
        app.post(&path, Some(token), &json!({ "part_id": foreign_part })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&bad), vec!["/part_id"]);
    let bad = app.post(&path, Some(token), &json!({ "part_id": "prt_x" })).await;
    assert!(bad.status().is_client_error());
    let bad = expect_problem(
        app.get("/v1/match-memory?verdict=maybe", token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&bad), vec!["query.verdict"]);
    // Another dealer's inquiry line is not found.
    expect_problem(
        app.post(&path, Some(&other.owner.token), &json!({ "part_id": foreign_part }))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let entry = expect_json(
        app.post(
            &path,
            Some(token),
            &json!({ "part_id": bosch, "reason": "wrong_fitment" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(entry["verdict"], "mismatch");
    assert_eq!(entry["reason"], "wrong_fitment");
    assert_eq!(entry["source"], "staff");
    let today = app.clock.now().format("%Y-%m-%d").to_string();
    let why = format!("marked wrong_fitment by staff on {today}");
    // The line's own candidates say so at once.
    let seen = expect_json(
        app.get(&format!("/v1/inquiries/{inquiry_id}"), token).await,
        StatusCode::OK,
    )
    .await;
    let last = candidates(&seen).last().cloned().expect("candidates");
    assert_eq!(last["part_id"], bosch.as_str());
    assert_eq!(last["demoted_reason"], why.as_str());

    // The next inquiry with the number spelled otherwise: the part is last, never proposed.
    let (inquiry, quote) = ask(&app, &dealer, "w2", json!({ "text": "04465 02061 x2" })).await;
    let found = candidates(&inquiry);
    assert_ne!(found[0]["part_id"], bosch.as_str());
    let last = found.last().expect("candidates");
    assert_eq!(last["part_id"], bosch.as_str());
    assert_eq!(last["confidence"], "low");
    assert_eq!(last["demoted_reason"], why.as_str());
    assert!(
        quote["lines"][0]["options"]
            .as_array()
            .is_some_and(|o| o.iter().all(|o| o["part_id"] != bosch.as_str()))
    );
    // Not for the other dealer.
    let (theirs, _) = ask(&app, &other, "w1", line.clone()).await;
    assert_eq!(candidates(&theirs)[0]["sku"], "BP-0986424735");
    assert!(candidates(&theirs).iter().all(|c| c["demoted_reason"].is_null()));

    // The list, filtered; another dealer cannot forget it; a viewer cannot; the owner can.
    let listed = expect_json(
        app.get("/v1/match-memory?verdict=mismatch&limit=1", &viewer.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["items"][0]["id"], entry["id"]);
    let forget = format!("/v1/match-memory/{}", entry["id"].as_str().expect("id"));
    expect_problem(
        app.delete(&forget, &other.owner.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_problem(
        app.delete(&forget, &viewer.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_eq!(app.delete(&forget, token).await.status(), StatusCode::NO_CONTENT);
    expect_problem(app.delete(&forget, token).await, StatusCode::NOT_FOUND, "not_found").await;
    let (inquiry, _) = ask(&app, &dealer, "w3", line).await;
    assert_eq!(candidates(&inquiry)[0]["part_id"], bosch.as_str());
}
