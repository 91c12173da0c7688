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

/// A dealer selling brake pads nobody buys at its price and spark plugs everyone buys.
async fn pricing_dealer(app: &TestApp, email: &str) -> Session {
    let owner = app.signup("Shunda", email).await;
    for part in [
        json!({ "sku": "BP-0986424735", "name": "刹车片(前)", "brand": "BOSCH", "price": "268.00", "stock": 100,
                "article_number": "0 986 424 735" }),
        json!({ "sku": "NGK-BKR6E", "name": "火花塞", "brand": "NGK", "price": "25.00", "stock": 6,
                "article_number": "BKR6E" }),
    ] {
        expect_json(
            app.post("/v1/parts", Some(&owner.token), &part).await,
            StatusCode::CREATED,
        )
        .await;
    }
    owner
}

async fn shop_at_level(app: &TestApp, owner: &Session, name: &str, level: f64) -> String {
    let customer = expect_json(
        app.post(
            "/v1/customers",
            Some(&owner.token),
            &json!({ "name": name, "price_level": level }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    app.issue_key(&owner.token, customer["id"].as_str().expect("id"))
        .await
        .1
}

#[tokio::test]
async fn pricing_counts_how_quotes_fared_and_flags_only_with_enough_evidence() {
    let app = spawn_app().await;
    let owner = pricing_dealer(&app, "owner@shunda.cn").await;
    let list = shop_at_level(&app, &owner, "老王汽修厂", 0.0).await;
    let favoured = shop_at_level(&app, &owner, "城东快修", 10.0).await;

    // Pads, ten quotes: 老王 (list price) rejects four on price, one on delivery and one in
    // words only, and leaves one unanswered; 城东 (10% off) buys two of three.
    let mut n = 0;
    let mut pads = |key: &'static str| {
        n += 1;
        (key, format!("pads-{n}"))
    };
    let decisions: Vec<(&str, Value)> = vec![
        ("reject", json!({ "reason_code": "price" })),
        ("reject", json!({ "reason_code": "price", "reason": "比别家贵30" })),
        ("reject", json!({ "reason_code": "price" })),
        ("reject", json!({ "reason_code": "price", "reason": "太贵了" })),
        ("reject", json!({ "reason_code": "delivery" })),
        ("reject", json!({ "reason": "车主不修了" })),
        ("none", json!({})),
    ];
    for (decision, body) in decisions {
        let (_, idempotency) = pads("list");
        let quote = quote_for(
            &app,
            &owner,
            &list,
            &idempotency,
            json!([{ "text": "0986424735" }]),
            true,
        )
        .await;
        if decision == "reject" {
            expect_json(
                app.post(&format!("/v1/shop/quotes/{quote}/reject"), Some(&list), &body)
                    .await,
                StatusCode::OK,
            )
            .await;
        }
        app.clock.advance(chrono::Duration::minutes(1));
    }
    for buys in [true, true, false] {
        let (_, idempotency) = pads("favoured");
        let quote = quote_for(
            &app,
            &owner,
            &favoured,
            &idempotency,
            json!([{ "text": "0 986 424 735" }]),
            true,
        )
        .await;
        if buys {
            expect_json(
                app.post(&format!("/v1/shop/quotes/{quote}/accept"), Some(&favoured), &json!({}))
                    .await,
                StatusCode::CREATED,
            )
            .await;
        }
        app.clock.advance(chrono::Duration::minutes(1));
    }
    // Plugs, six quotes of two each: five bought (ten units) against six on the shelf.
    for i in 0..6 {
        let quote = quote_for(
            &app,
            &owner,
            &favoured,
            &format!("plugs-{i}"),
            json!([{ "text": "BKR6E", "quantity": 2 }]),
            true,
        )
        .await;
        if i < 5 {
            expect_json(
                app.post(&format!("/v1/shop/quotes/{quote}/accept"), Some(&favoured), &json!({}))
                    .await,
                StatusCode::CREATED,
            )
            .await;
        }
        app.clock.advance(chrono::Duration::minutes(1));
    }

    let token = app.fresh_token("owner@shunda.cn").await;
    let report = expect_json(app.get("/v1/insights/pricing", &token).await, StatusCode::OK).await;
    assert_eq!(
        (report["quoted_lines"].as_i64(), report["bought_lines"].as_i64()),
        (Some(16), Some(7)),
        "{report}"
    );
    assert_eq!(report["items"][0]["sku"], "BP-0986424735", "most quoted first");
    let pads = &report["items"][0];
    assert_eq!(
        (
            pads["quoted_lines"].as_i64(),
            pads["bought_lines"].as_i64(),
            pads["rejected_lines"].as_i64()
        ),
        (Some(10), Some(2), Some(6))
    );
    assert_eq!(pads["purchase_rate"], 0.2);
    assert_eq!(
        pads["rejections"],
        json!({ "price": 4, "availability": 0, "delivery": 1, "found_elsewhere": 0,
                "no_longer_needed": 0, "other": 0, "uncoded": 1 })
    );
    assert_eq!(
        pads["reasons"],
        json!(["车主不修了", "太贵了", "比别家贵30"]),
        "newest first"
    );
    assert_eq!(
        pads["by_price_level"],
        json!([
            { "price_level": 0.0, "quoted_lines": 7, "bought_lines": 0, "purchase_rate": 0.0 },
            { "price_level": 10.0, "quoted_lines": 3, "bought_lines": 2, "purchase_rate": 2.0 / 3.0 }
        ])
    );
    // Two bought at 10% off 268.00, each one unit; the quoted value is every proposal.
    assert_eq!(pads["units_bought"], 2);
    assert_eq!(pads["bought_value"], "482.40");
    assert_eq!(pads["quoted_value"], "2599.60");
    assert_eq!(pads["flags"], json!(["review_price"]));
    assert_eq!(pads["available"], 98);

    let plugs = &report["items"][1];
    assert_eq!(plugs["sku"], "NGK-BKR6E");
    assert_eq!(
        (
            plugs["quoted_lines"].as_i64(),
            plugs["bought_lines"].as_i64(),
            plugs["units_bought"].as_i64(),
            plugs["available"].as_i64()
        ),
        (Some(6), Some(5), Some(10), Some(0))
    );
    assert_eq!(plugs["flags"], json!(["raise_stock"]));
    assert_eq!(report["thresholds"]["review_price_min_quoted"], 10);

    // Per brand, filtered by flag, sorted and paged.
    let brands = expect_json(
        app.get("/v1/insights/pricing?group=brand&sort=purchase_rate&order=asc", &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(brands["items"][0]["key"], "brand:BOSCH");
    assert_eq!(brands["items"][0]["flags"], json!(["review_price"]));
    assert_eq!(brands["items"][1]["flags"], json!([]), "a brand has no shelf");
    let flagged = expect_json(
        app.get("/v1/insights/pricing?flag=raise_stock", &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(flagged["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(flagged["items"][0]["sku"], "NGK-BKR6E");
    let first = expect_json(app.get("/v1/insights/pricing?limit=1", &token).await, StatusCode::OK).await;
    assert_eq!(first["next_cursor"], "1");
    // A period before any of it is empty.
    let before = expect_json(
        app.get("/v1/insights/pricing?from=2020-01-01&to=2020-01-31", &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(before["items"], json!([]));

    let csv = app
        .request(Method::GET, "/v1/insights/pricing", Some(&token))
        .header("Accept", "text/csv")
        .send()
        .await
        .expect("send");
    let body = csv.text().await.expect("body");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][1], "BP-0986424735");
    assert_eq!(&rows[0][19], "review_price");

    for (query, field) in [
        ("group=shop", "query.group"),
        ("flag=cheap", "query.flag"),
        ("limit=500", "query.limit"),
    ] {
        let problem = expect_problem(
            app.get(&format!("/v1/insights/pricing?{query}"), &token).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field], "{query}");
    }

    let other = pricing_dealer(&app, "owner@yongan.cn").await;
    let theirs = expect_json(app.get("/v1/insights/pricing", &other.token).await, StatusCode::OK).await;
    assert_eq!(
        (
            theirs["quoted_lines"].as_i64(),
            theirs["items"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0))
    );
    assert_eq!(
        app.get("/v1/insights/pricing", &list).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

fn at(rfc3339: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .expect("instant")
        .with_timezone(&chrono::Utc)
}

/// The shop asks, staff send, the shop buys everything.
async fn buy(app: &TestApp, owner_email: &str, key: &str, lines: Value) {
    let token = app.fresh_token(owner_email).await;
    let session = Session {
        token,
        tenant_id: String::new(),
        user_id: String::new(),
    };
    let quote = quote_for(app, &session, key, &uuid::Uuid::now_v7().to_string(), lines, true).await;
    expect_json(
        app.post(&format!("/v1/shop/quotes/{quote}/accept"), Some(key), &json!({}))
            .await,
        StatusCode::CREATED,
    )
    .await;
}

#[tokio::test]
async fn restock_sums_the_customers_predicted_purchases_against_the_shelf() {
    let app = spawn_app().await;
    app.clock.set(at("2026-06-01T02:00:00Z"));
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    for part in [
        json!({ "sku": "NGK-BKR6E", "name": "火花塞", "brand": "NGK", "price": "25.00", "stock": 20,
                "article_number": "BKR6E" }),
        json!({ "sku": "MF-W71275", "name": "机油滤清器", "brand": "MANN", "price": "31.50", "stock": 100,
                "article_number": "W 712/75" }),
    ] {
        expect_json(
            app.post("/v1/parts", Some(&owner.token), &part).await,
            StatusCode::CREATED,
        )
        .await;
    }
    let wang = shop(&app, &owner, "老王汽修厂").await;
    let li = shop(&app, &owner, "城东快修").await;
    // 老王: four plugs and two filters every 30 days from 1 June (next: 30 August); 城东: two
    // plugs every 30 days from 5 June (next: 3 September).
    for _ in 0..3 {
        buy(
            &app,
            "owner@shunda.cn",
            &wang,
            json!([{ "text": "BKR6E", "quantity": 4 }, { "text": "W 712/75", "quantity": 2 }]),
        )
        .await;
        app.clock.advance(chrono::Duration::days(4));
        buy(
            &app,
            "owner@shunda.cn",
            &li,
            json!([{ "text": "BKR6E", "quantity": 2 }]),
        )
        .await;
        app.clock.advance(chrono::Duration::days(26));
    }
    // Now 30 August; the orders hold 18 plugs of 20 and 6 filters of 100.
    app.clock.set(at("2026-08-27T02:00:00Z"));
    let token = app.fresh_token("owner@shunda.cn").await;
    let report = expect_json(app.get("/v1/insights/restock", &token).await, StatusCode::OK).await;
    assert_eq!(
        (report["from"].as_str(), report["to"].as_str()),
        (Some("2026-08-27"), Some("2026-09-09"))
    );
    assert_eq!(
        (report["parts"].as_i64(), report["short_parts"].as_i64()),
        (Some(2), Some(1)),
        "{report}"
    );
    let plugs = &report["items"][0];
    assert_eq!(plugs["sku"], "NGK-BKR6E", "the shortfall first");
    assert_eq!(
        (
            plugs["expected_quantity"].as_i64(),
            plugs["available"].as_i64(),
            plugs["owed"].as_i64(),
            plugs["shortfall"].as_i64()
        ),
        (Some(6), Some(2), Some(0), Some(4))
    );
    assert_eq!(plugs["background_quantity"], 0, "both customers have a rhythm");
    assert_eq!(plugs["customers"][0]["name"], "老王汽修厂");
    assert_eq!(plugs["customers"][0]["quantity"], 4);
    assert_eq!(plugs["customers"][0]["expected_on"], "2026-08-30");
    assert_eq!(plugs["customers"][1]["expected_on"], "2026-09-03");
    let filters = &report["items"][1];
    assert_eq!(
        (filters["expected_quantity"].as_i64(), filters["shortfall"].as_i64()),
        (Some(2), Some(0))
    );

    // A longer window sees 老王's next cycle too; a past day sees only what was bought before it.
    let longer = expect_json(app.get("/v1/insights/restock?days=40", &token).await, StatusCode::OK).await;
    assert_eq!(longer["items"][0]["expected_quantity"], 12);
    let july = expect_json(
        app.get("/v1/insights/restock?from=2026-07-15", &token).await,
        StatusCode::OK,
    )
    .await;
    // Two purchases give no rhythm: the last 56 days' units (12 plugs, 4 filters) at their
    // rate over 14 days, with no customer named.
    assert_eq!(july["parts"], 2, "{july}");
    let plugs_then = &july["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|l| l["sku"] == "NGK-BKR6E")
        .expect("plugs");
    assert_eq!(
        (
            plugs_then["expected_quantity"].as_i64(),
            plugs_then["background_quantity"].as_i64()
        ),
        (Some(3), Some(3))
    );
    assert_eq!(plugs_then["customers"], json!([]));
    let short = expect_json(
        app.get("/v1/insights/restock?short_only=true", &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(short["items"].as_array().map(Vec::len), Some(1));

    let csv = app
        .request(Method::GET, "/v1/insights/restock", Some(&token))
        .header("Accept", "text/csv")
        .send()
        .await
        .expect("send");
    let body = csv.text().await.expect("body");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][9], "4");

    for (query, field) in [
        ("days=0", "query.days"),
        ("days=91", "query.days"),
        ("sort=price", "query.sort"),
        ("from=1900-01-01", "query.from"),
    ] {
        let problem = expect_problem(
            app.get(&format!("/v1/insights/restock?{query}"), &token).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field], "{query}");
    }
    let other = app.signup("Yongan", "owner@yongan.cn").await;
    let theirs = expect_json(app.get("/v1/insights/restock", &other.token).await, StatusCode::OK).await;
    assert_eq!(theirs["parts"], 0);
    assert_eq!(
        app.get("/v1/insights/restock", &wang).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

/// A dealer in Los Angeles, with the same parts as [`dealer`].
async fn dealer_in(app: &TestApp, email: &str, time_zone: &str) -> Session {
    let body = expect_json(
        app.post(
            "/v1/signup",
            None,
            &json!({ "dealer_name": "Pacific Parts", "email": email, "password": "correct-horse-battery", "time_zone": time_zone }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let owner = Session {
        token: body["access_token"].as_str().expect("token").to_owned(),
        tenant_id: body["tenant"]["id"].as_str().expect("tenant").to_owned(),
        user_id: body["user"]["id"].as_str().expect("user").to_owned(),
    };
    expect_json(
        app.post(
            "/v1/parts",
            Some(&owner.token),
            &json!({ "sku": "OF-90915YZZE1", "name": "机油滤清器", "brand": "TOYOTA", "price": "45.00", "stock": 20,
                     "oe_numbers": ["TOYOTA:90915-YZZE1"] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    owner
}

#[tokio::test]
async fn insight_periods_are_days_of_the_dealers_own_time_zone_across_months() {
    let app = spawn_app().await;
    let instant = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .expect("instant")
            .with_timezone(&chrono::Utc)
    };
    // 31 October 22:00 in Los Angeles is already 1 November in UTC and in Shanghai.
    app.clock.set(instant("2026-11-01T05:00:00Z"));
    let la = dealer_in(&app, "owner@pacific.com", "America/Los_Angeles").await;
    let sh = dealer_in(&app, "owner@shunda.cn", "Asia/Shanghai").await;
    for owner in [&la, &sh] {
        let key = shop(&app, owner, "Corner Garage").await;
        quote_for(
            &app,
            owner,
            &key,
            "late-oct",
            json!([{ "text": "ZX-404 不存在的件" }, { "text": "90915-YZZE1" }]),
            true,
        )
        .await;
    }
    // And one more on 15 November (noon in both zones).
    app.clock.set(instant("2026-11-15T20:00:00Z"));
    let la = Session {
        token: app.fresh_token_with("owner@pacific.com", "correct-horse-battery").await,
        ..la
    };
    let key = shop(&app, &la, "Second Garage").await;
    quote_for(
        &app,
        &la,
        &key,
        "mid-nov",
        json!([{ "text": "ZX-404 不存在的件" }]),
        true,
    )
    .await;
    app.clock.set(instant("2026-11-16T04:00:00Z"));
    let la_token = app.fresh_token_with("owner@pacific.com", "correct-horse-battery").await;
    let sh_token = app.fresh_token_with("owner@shunda.cn", "correct-horse-battery").await;

    let demand = |token: String, from: &'static str, to: &'static str| {
        let app = &app;
        async move {
            expect_json(
                app.get(&format!("/v1/insights/demand?from={from}&to={to}"), &token)
                    .await,
                StatusCode::OK,
            )
            .await
        }
    };
    // Los Angeles: the first inquiry is October's; Shanghai: November's.
    let la_october = demand(la_token.clone(), "2026-10-01", "2026-10-31").await;
    assert_eq!(entry(&la_october, "ZX-404")["lines"], 1, "{la_october}");
    let la_november = demand(la_token.clone(), "2026-11-01", "2026-11-30").await;
    assert_eq!(
        entry(&la_november, "ZX-404")["lines"],
        1,
        "only the 15 November line: {la_november}"
    );
    let sh_october = demand(sh_token.clone(), "2026-10-01", "2026-10-31").await;
    assert_eq!(sh_october["items"], json!([]), "{sh_october}");
    let sh_november = demand(sh_token.clone(), "2026-11-01", "2026-11-30").await;
    assert_eq!(entry(&sh_november, "ZX-404")["lines"], 1);
    // A period across the month boundary holds both, with its trend against the 31 days before.
    let across = demand(la_token.clone(), "2026-10-16", "2026-11-15").await;
    let both = entry(&across, "ZX-404");
    assert_eq!(both["lines"], 2, "{across}");
    assert_eq!(both["shops"], 2);
    assert_eq!(both["first_asked_at"], "2026-11-01T05:00:00Z");

    // Pricing counts the quoted filter where the inquiry arrived in the dealer's calendar.
    let pricing = |token: &str, from: &str, to: &str| {
        let path = format!("/v1/insights/pricing?from={from}&to={to}");
        let token = token.to_owned();
        let app = &app;
        async move { expect_json(app.get(&path, &token).await, StatusCode::OK).await }
    };
    let la_oct = pricing(&la_token, "2026-10-01", "2026-10-31").await;
    assert_eq!(la_oct["quoted_lines"], 1, "{la_oct}");
    let la_nov = pricing(&la_token, "2026-11-01", "2026-11-30").await;
    assert_eq!(la_nov["quoted_lines"], 0, "{la_nov}");
    let sh_nov = pricing(&sh_token, "2026-11-01", "2026-11-30").await;
    assert_eq!(sh_nov["quoted_lines"], 1, "{sh_nov}");
}

/// Marks of the dealer's days whose rollups are fresh.
async fn fresh_days(app: &TestApp) -> i64 {
    use sea_orm::ConnectionTrait;
    let db = &app.state.db;
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM insight_marks WHERE span = 'day' AND derived = changes",
        ))
        .await
        .expect("marks")
        .expect("a count");
    row.try_get::<i64>("", "n").expect("n")
}

#[tokio::test]
async fn rollups_of_finished_days_answer_as_the_history_does_and_follow_later_changes() {
    let app = spawn_app().await;
    let instant = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .expect("instant")
            .with_timezone(&chrono::Utc)
    };
    // 2 November, 10:00 in Shanghai.
    app.clock.set(instant("2026-11-02T02:00:00Z"));
    let owner = dealer(&app, "owner@shunda.cn").await;
    expect_json(
        app.patch("/v1/settings", &owner.token, &json!({ "quote_validity_hours": 240 }))
            .await,
        StatusCode::OK,
    )
    .await;
    let wang = shop(&app, &owner, "老王汽修厂").await;
    let li = shop(&app, &owner, "李记汽修").await;
    let filter_and_unknown = quote_for(
        &app,
        &owner,
        &wang,
        "d1-wang",
        json!([{ "text": "ZX-404 不存在的件" }, { "text": "90915-YZZE1 2个" }]),
        true,
    )
    .await;
    let pads = quote_for(
        &app,
        &owner,
        &li,
        "d1-li",
        json!([{ "text": "0 986 424 735 刹车片" }]),
        true,
    )
    .await;
    // 3 November: the unknown part again, and a filter quoted 20 minutes late.
    app.clock.set(instant("2026-11-03T03:00:00Z"));
    let token = app.fresh_token_with("owner@shunda.cn", PASSWORD).await;
    let owner = Session { token, ..owner };
    quote_for(
        &app,
        &owner,
        &li,
        "d2-li",
        json!([{ "text": "ZX-404 不存在的件" }]),
        true,
    )
    .await;
    let late = quote_for(
        &app,
        &owner,
        &wang,
        "d2-wang",
        json!([{ "text": "90915-YZZE1" }]),
        false,
    )
    .await;
    app.clock.advance(chrono::Duration::minutes(20));
    expect_json(
        app.post_empty(&format!("/v1/quotes/{late}/send"), &owner.token).await,
        StatusCode::OK,
    )
    .await;

    // 6 November: both days are over everywhere, and nothing is derived yet.
    app.clock.set(instant("2026-11-06T02:00:00Z"));
    let token = app.fresh_token_with("owner@shunda.cn", PASSWORD).await;
    let reports = || {
        let (app, token) = (&app, token.clone());
        async move {
            let mut out = Vec::new();
            for path in [
                "/v1/insights/demand?from=2026-11-01&to=2026-11-06",
                "/v1/insights/demand?from=2026-11-02&to=2026-11-03",
                "/v1/insights/demand?from=2026-10-01&to=2026-11-06&sort=shops",
                "/v1/insights/pricing?from=2026-11-01&to=2026-11-06",
                "/v1/insights/pricing?from=2026-11-02&to=2026-11-02&group=brand",
            ] {
                out.push(expect_json(app.get(path, &token).await, StatusCode::OK).await);
            }
            out
        }
    };
    assert_eq!(fresh_days(&app).await, 0);
    let live = reports().await;
    assert_eq!(entry(&live[0], "ZX-404")["lines"], 2, "{}", live[0]);
    assert_eq!(entry(&live[0], "ZX-404")["shops"], 2);
    assert_eq!(entry(&live[0], "刹车片")["reasons"]["out_of_stock"], 1);
    assert_eq!(entry(&live[0], "90915")["reasons"]["quoted_too_late"], 1);
    app.run_jobs().await;
    assert_eq!(fresh_days(&app).await, 2, "2 and 3 November are derived");
    assert_eq!(reports().await, live, "the rollups say what the history says");

    // A shop decides on a finished day's quotes: the day is read live until derived again.
    expect_json(
        app.post(
            &format!("/v1/shop/quotes/{filter_and_unknown}/reject"),
            Some(&wang),
            &json!({ "reason_code": "price", "reason": "贵了" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    expect_json(
        app.post(&format!("/v1/shop/quotes/{pads}/accept"), Some(&li), &json!({}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    // And a longer response target: the 20-minute answer is no longer late.
    expect_json(
        app.patch("/v1/settings", &token, &json!({ "response_target_minutes": 30 }))
            .await,
        StatusCode::OK,
    )
    .await;
    let changed = reports().await;
    assert_ne!(changed, live);
    let unmet: Vec<&str> = changed[0]["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["asked"].as_str())
        .collect();
    assert_eq!(
        unmet,
        vec!["ZX-404 不存在的件"],
        "bought, and answered in time: {}",
        changed[0]
    );
    assert_eq!(changed[3]["rejections"]["price"], 1, "{}", changed[3]);
    assert_eq!(changed[3]["bought_lines"], 1);
    app.run_jobs().await;
    assert_eq!(fresh_days(&app).await, 2);
    assert_eq!(reports().await, changed, "derived again, the same answer");
}
