//! Unmet demand on a history with known answers: lines not in the catalog, out of stock, not
//! quoted and quoted too late, grouped across spellings and shops; lines met or lost on price
//! are not unmet; sorting, paging, CSV, input errors, roles and isolation.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

/// A dealer with one part on the shelf and one sold out.
async fn dealer(app: &TestApp, email: &str) -> Session {
    let owner = app.signup("Shunda", email).await;
    for part in [
        json!({ "sku": "BP-0986424735", "name": "刹车片(前)", "brand": "BOSCH", "price": "268.00", "stock": 0,
                "article_number": "0 986 424 735" }),
        json!({ "sku": "OF-90915YZZE1", "name": "机油滤清器", "brand": "TOYOTA", "price": "45.00", "stock": 20,
                "oe_numbers": ["TOYOTA:90915-YZZE1"] }),
    ] {
        expect_json(
            app.post("/v1/parts", Some(&owner.token), &part).await,
            StatusCode::CREATED,
        )
        .await;
    }
    owner
}

async fn shop(app: &TestApp, owner: &Session, name: &str) -> String {
    let customer = app.create_customer(&owner.token, name).await;
    app.issue_key(&owner.token, customer["id"].as_str().expect("id"))
        .await
        .1
}

/// An inquiry's quote id, sent unless it is to be left alone.
async fn quote_for(app: &TestApp, owner: &Session, key: &str, idempotency: &str, lines: Value, send: bool) -> String {
    let created = expect_json(
        app.send_inquiry(key, idempotency, &json!({ "lines": lines })).await,
        StatusCode::CREATED,
    )
    .await;
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
    if send && current["status"] == "draft" {
        expect_json(
            app.post_empty(&format!("/v1/quotes/{quote}/send"), &owner.token).await,
            StatusCode::OK,
        )
        .await;
    }
    quote
}

fn entry<'a>(report: &'a Value, asked_contains: &str) -> &'a Value {
    report["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["asked"].as_str().is_some_and(|a| a.contains(asked_contains)))
        .unwrap_or_else(|| panic!("no group for {asked_contains} in {report}"))
}

#[tokio::test]
async fn unmet_demand_groups_what_was_asked_and_says_why_it_was_lost() {
    let app = spawn_app().await;
    let owner = dealer(&app, "owner@shunda.cn").await;
    let wang = shop(&app, &owner, "老王汽修厂").await;
    let li = shop(&app, &owner, "城东快修").await;

    // 老王: a part the dealer does not carry, the sold-out pads, and a filter quoted in time
    // and refused on price (not unmet).
    let first = quote_for(
        &app,
        &owner,
        &wang,
        "w1",
        json!([
            { "text": "XYZ-999 水泵", "quantity": 1 },
            { "text": "0986424735", "quantity": 2 },
            { "text": "90915-YZZE1", "quantity": 1 }
        ]),
        true,
    )
    .await;
    expect_json(
        app.post(
            &format!("/v1/shop/quotes/{first}/reject"),
            Some(&wang),
            &json!({ "reason": "价格太高" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // 城东: the same two, spelled otherwise; the pads sent late, past the 15-minute target.
    app.clock.advance(chrono::Duration::minutes(1));
    let created = expect_json(
        app.send_inquiry(
            &li,
            "l1",
            &json!({ "lines": [{ "text": "xyz999 水泵", "quantity": 2 }, { "text": "0 986 424 735", "quantity": 1 }] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    app.clock.advance(chrono::Duration::minutes(30));
    let token = app.fresh_token("owner@shunda.cn").await;
    let inquiry = expect_json(
        app.get(
            &format!("/v1/inquiries/{}", created["id"].as_str().expect("id")),
            &token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let late = inquiry["quote"]["id"].as_str().expect("quote").to_owned();
    expect_json(
        app.post_empty(&format!("/v1/quotes/{late}/send"), &token).await,
        StatusCode::OK,
    )
    .await;
    // 城东 again: a filter whose quote staff cancel unsent (not quoted), and one still being
    // drafted (not counted yet).
    let session = Session {
        token: token.clone(),
        tenant_id: owner.tenant_id.clone(),
        user_id: owner.user_id.clone(),
    };
    let cancelled = quote_for(
        &app,
        &session,
        &li,
        "l2",
        json!([{ "text": "机油滤清器 卡罗拉", "quantity": 4 }]),
        false,
    )
    .await;
    expect_json(
        app.post_empty(&format!("/v1/quotes/{cancelled}/cancel"), &token).await,
        StatusCode::OK,
    )
    .await;
    quote_for(&app, &session, &li, "l3", json!([{ "text": "火花塞 4个" }]), false).await;

    let report = expect_json(app.get("/v1/insights/demand", &token).await, StatusCode::OK).await;
    assert_eq!(report["inquiry_lines"], 7, "{report}");
    assert_eq!(report["unmet_lines"], 5, "{report}");
    let pump = entry(&report, "999");
    assert_eq!(
        (
            pump["lines"].as_i64(),
            pump["shops"].as_i64(),
            pump["quantity"].as_i64()
        ),
        (Some(2), Some(2), Some(3))
    );
    assert_eq!(pump["reasons"]["not_in_catalog"], 2);
    assert_eq!(pump["action"], "add_to_catalog");
    assert_eq!(pump["asked"], "xyz999 水泵", "the latest wording");
    let pads = entry(&report, "424");
    assert_eq!(
        (
            pads["lines"].as_i64(),
            pads["shops"].as_i64(),
            pads["quantity"].as_i64()
        ),
        (Some(2), Some(2), Some(3))
    );
    // Out of stock comes before late: both pads lines had nothing on the shelf.
    assert_eq!(pads["reasons"]["out_of_stock"], 2);
    assert_eq!(pads["action"], "stock");
    assert_eq!(pads["stock_quantity"], 3);
    let filter = entry(&report, "机油滤清器");
    assert_eq!(
        (filter["lines"].as_i64(), filter["reasons"]["not_quoted"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(filter["action"], "quote_them");
    assert_eq!(filter["trend"], 1);

    // Sorted by quantity, most first, one per page.
    let page = expect_json(
        app.get("/v1/insights/demand?sort=quantity&order=desc&limit=1", &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["items"][0]["asked"], "机油滤清器 卡罗拉");
    let cursor = page["next_cursor"].as_str().expect("more");
    let next = expect_json(
        app.get(
            &format!("/v1/insights/demand?sort=quantity&order=desc&limit=1&cursor={cursor}"),
            &token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(next["items"].as_array().map(Vec::len), Some(1));

    // CSV: every group.
    let csv = app
        .request(Method::GET, "/v1/insights/demand", Some(&token))
        .header("Accept", "text/csv")
        .send()
        .await
        .expect("send");
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/csv")
    );
    let body = csv.text().await.expect("body");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    assert_eq!(reader.records().count(), 3);

    // Bad input names the field.
    for (query, field) in [
        ("sort=price", "query.sort"),
        ("limit=0", "query.limit"),
        ("from=2026-12-31&to=2026-01-01", "query.from"),
    ] {
        let problem = expect_problem(
            app.get(&format!("/v1/insights/demand?{query}"), &token).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field], "{query}");
    }

    // A viewer reads it; another dealer sees nothing of it; a shop's key is not staff.
    let viewer = app.add_staff(&session, "viewer@shunda.cn", "viewer").await;
    expect_json(app.get("/v1/insights/demand", &viewer.token).await, StatusCode::OK).await;
    let other = dealer(&app, "owner@yongan.cn").await;
    let theirs = expect_json(app.get("/v1/insights/demand", &other.token).await, StatusCode::OK).await;
    assert_eq!(
        (theirs["unmet_lines"].as_i64(), theirs["items"].as_array().map(Vec::len)),
        (Some(0), Some(0))
    );
    assert_eq!(
        app.get("/v1/insights/demand", &wang).await.status(),
        StatusCode::UNAUTHORIZED
    );
}
