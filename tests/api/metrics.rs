//! Touchpoint metrics on a hand-built history, against figures computed by hand: partial
//! acceptance, an expired quote, no-offer lines, a line staff changed, an unsent draft, and
//! inquiries on both sides of midnight in the dealer's time zone (Asia/Shanghai, UTC+8).

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("instant")
        .with_timezone(&Utc)
}

async fn send_at(app: &TestApp, key: &str, idem: &str, lines: Value) -> (String, Value) {
    let created = expect_json(
        app.send_inquiry(key, idem, &json!({ "lines": lines })).await,
        StatusCode::CREATED,
    )
    .await;
    let id = created["id"].as_str().expect("id").to_owned();
    let token = app.fresh_token("owner@shunda.cn").await;
    let inquiry = expect_json(app.get(&format!("/v1/inquiries/{id}"), &token).await, StatusCode::OK).await;
    (
        inquiry["quote"]["id"].as_str().expect("quote").to_owned(),
        inquiry["quote"].clone(),
    )
}

/// The history, returning the second shop's customer id.
async fn history(app: &TestApp) -> (Dealer, String) {
    // 23:00 on 1 March in Shanghai.
    app.clock.set(at("2026-03-01T15:00:00Z"));
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let y = app.create_customer(&dealer.owner.token, "城东快修").await;
    let y_id = y["id"].as_str().expect("id").to_owned();
    let (_, y_key) = app.issue_key(&dealer.owner.token, &y_id).await;

    // 1 March 23:59 local: three lines, one without offer; sent 10 minutes later; the shop
    // buys the first line only.
    app.clock.set(at("2026-03-01T15:59:00Z"));
    let (q1, _) = send_at(
        app,
        &dealer.key,
        "i1",
        json!([{ "text": "04465-02061", "quantity": 2 }, { "text": "W 712/75", "quantity": 1 }, { "text": "雨刮片" }]),
    )
    .await;

    // 2 March 00:01 local: two lines; staff change the first before sending 20 minutes later;
    // never accepted, it expires.
    app.clock.set(at("2026-03-01T16:01:00Z"));
    let (q2, quote2) = send_at(
        app,
        &dealer.key,
        "i2",
        json!([{ "text": "GDB3287", "quantity": 1 }, { "text": "BKR6E", "quantity": 4 }]),
    )
    .await;

    app.clock.set(at("2026-03-01T16:09:00Z"));
    let token = app.fresh_token("owner@shunda.cn").await;
    expect_json(
        app.post_empty(&format!("/v1/quotes/{q1}/send"), &token).await,
        StatusCode::OK,
    )
    .await;
    app.clock.set(at("2026-03-01T16:21:00Z"));
    let line = quote2["lines"][0]["id"].as_str().expect("line").to_owned();
    let part = quote2["lines"][0]["options"][0]["part_id"]
        .as_str()
        .expect("part")
        .to_owned();
    expect_json(
        app.patch(
            &format!("/v1/quotes/{q2}"),
            &token,
            &json!({ "lines": [{ "id": line, "options": [{ "part_id": part, "unit_price": "150.00" }] }] }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    expect_json(
        app.post_empty(&format!("/v1/quotes/{q2}/send"), &token).await,
        StatusCode::OK,
    )
    .await;

    // 2 March 00:30 local: the other shop asks; the draft is never sent.
    app.clock.set(at("2026-03-01T16:30:00Z"));
    send_at(app, &y_key, "i3", json!([{ "text": "机滤" }])).await;

    // 2 March 00:40 local: the first shop buys line 1 of its first quote.
    app.clock.set(at("2026-03-01T16:40:00Z"));
    let quote1 = expect_json(
        app.get(&format!("/v1/shop/quotes/{q1}"), &dealer.key).await,
        StatusCode::OK,
    )
    .await;
    let first = quote1["lines"][0]["id"].as_str().expect("line").to_owned();
    expect_json(
        app.post(
            &format!("/v1/shop/quotes/{q1}/accept"),
            Some(&dealer.key),
            &json!({ "lines": [{ "line_id": first }] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    (dealer, y_id)
}

fn assert_figures(f: &Value, expected: Value) {
    for (name, value) in expected.as_object().expect("object") {
        assert_eq!(&f[name], value, "{name} in {f}");
    }
}

#[tokio::test]
async fn figures_equal_the_hand_computed_ones() {
    let app = spawn_app().await;
    let (dealer, y_id) = history(&app).await;
    // Three days later: the second quote has expired meanwhile.
    app.clock.set(at("2026-03-05T02:00:00Z"));
    app.run_jobs().await;
    let token = app.fresh_token("owner@shunda.cn").await;

    let summary = expect_json(
        app.get("/v1/metrics/summary?from=2026-03-01&to=2026-03-02&interval=day", &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["time_zone"], "Asia/Shanghai");
    assert_figures(
        &summary["totals"],
        json!({
            "inquiries": 3, "inquiry_lines": 6, "quoted_lines": 4, "bought_lines": 1, "auto_matched_lines": 3,
            "quote_rate": 0.6667, "purchase_rate": 0.25, "auto_match_rate": 0.5,
            "response_time_p50_seconds": 600.0, "response_time_p90_seconds": 1200.0,
            "orders": 1, "order_value": "482.40", "reminders_raised": 0, "reminder_conversion_rate": null
        }),
    );
    let series = summary["series"].as_array().expect("series");
    assert_eq!(series.len(), 2);
    assert_eq!(series[0]["from"], "2026-03-01");
    // 23:59 local on the 1st is the 1st; 00:01 local is the 2nd, though both are the 1st in UTC.
    assert_figures(
        &series[0]["figures"],
        json!({ "inquiries": 1, "inquiry_lines": 3, "quoted_lines": 2, "bought_lines": 1, "purchase_rate": 0.5,
                "response_time_p50_seconds": 600.0, "orders": 0 }),
    );
    assert_figures(
        &series[1]["figures"],
        json!({ "inquiries": 2, "inquiry_lines": 3, "quoted_lines": 2, "bought_lines": 0, "auto_matched_lines": 1,
                "purchase_rate": 0.0, "response_time_p50_seconds": 1200.0, "orders": 1, "order_value": "482.40" }),
    );

    // Per customer, sorted by quote rate.
    let table = expect_json(
        app.get(
            "/v1/metrics/customers?from=2026-03-01&to=2026-03-02&sort=quote_rate&order=desc",
            &token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let items = table["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["customer"]["id"], dealer.customer_id.as_str());
    assert_figures(
        &items[0]["figures"],
        json!({ "inquiries": 2, "inquiry_lines": 5, "quoted_lines": 4, "quote_rate": 0.8, "purchase_rate": 0.25 }),
    );
    assert_eq!(items[1]["customer"]["id"], y_id.as_str());
    assert_figures(
        &items[1]["figures"],
        json!({ "inquiries": 1, "inquiry_lines": 1, "quoted_lines": 0, "quote_rate": 0.0, "purchase_rate": null,
                "response_time_p50_seconds": null }),
    );
    let ascending = expect_json(
        app.get(
            "/v1/metrics/customers?from=2026-03-01&to=2026-03-02&sort=purchase_rate&order=asc&limit=1",
            &token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        ascending["items"][0]["customer"]["id"],
        dealer.customer_id.as_str(),
        "nulls sort last"
    );
    assert_eq!(ascending["next_cursor"], "1");

    let csv = app
        .request(
            reqwest::Method::GET,
            "/v1/metrics/customers?from=2026-03-01&to=2026-03-02",
            Some(&token),
        )
        .header("accept", "text/csv")
        .send()
        .await
        .expect("send");
    assert!(
        csv.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/csv"))
    );
    let text = csv.text().await.expect("body");
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert!(rows[0].starts_with("customer_id,customer_name,inquiries,inquiry_lines,quoted_lines"));
    assert!(
        rows.iter().any(|r| r.contains("老王汽修厂") && r.contains(",482.40,")),
        "{text}"
    );

    // One customer, with the trend against the two days before (nothing then).
    let detail = expect_json(
        app.get(
            &format!(
                "/v1/metrics/customers/{}?from=2026-03-01&to=2026-03-02",
                dealer.customer_id
            ),
            &token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["previous"]["from"], "2026-02-27");
    assert_eq!(detail["previous"]["to"], "2026-02-28");
    assert_eq!(detail["previous"]["figures"]["quote_rate"], Value::Null);
    assert_eq!(detail["trend"]["inquiries"], 2);
    assert_eq!(detail["trend"]["quote_rate"], Value::Null);
    assert_eq!(detail["figures"]["quote_rate"], 0.8);
    app.assert_rollups_rebuild_identically(&dealer.owner.tenant_id).await;
}

/// A database upgraded from before the rollups existed shows the same figures: the upgrade
/// derives them from the history.
#[tokio::test]
async fn an_upgraded_database_derives_its_rollups() {
    use migrations::MigratorTrait;
    let app = spawn_app().await;
    history(&app).await;
    let token = app.fresh_token("owner@shunda.cn").await;
    let path = "/v1/metrics/customers?from=2026-03-01&to=2026-03-02";
    let before = expect_json(app.get(path, &token).await, StatusCode::OK).await;
    assert_eq!(before["items"][0]["figures"]["inquiries"], 2, "{before}");
    migrations::Migrator::down(&app.state.db, Some(1)).await.expect("down");
    partsdesk::db::migrate(&app.state.db).await.expect("up");
    let after = expect_json(app.get(path, &token).await, StatusCode::OK).await;
    assert_eq!(before, after);
}

/// Inquiries arriving together (and one retried) count once each: the rollup increments of
/// concurrent transactions add up.
#[tokio::test]
async fn concurrent_inquiries_count_exactly_once_each() {
    let app = spawn_app().await;
    app.clock.set(at("2026-03-01T04:00:00Z"));
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let body = json!({ "lines": [{ "text": "04465-02061", "quantity": 2 }, { "text": "机滤" }] });
    let sends = (0..12).map(|i| {
        let idem = format!("burst-{}", i % 10);
        let (app, key, body) = (&app, dealer.key.clone(), body.clone());
        async move { app.send_inquiry(&key, &idem, &body).await.status() }
    });
    for status in futures_util::future::join_all(sends).await {
        assert!(status.is_success(), "{status}");
    }
    let token = app.fresh_token("owner@shunda.cn").await;
    let summary = expect_json(
        app.get("/v1/metrics/summary?from=2026-03-01&to=2026-03-01", &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_figures(&summary["totals"], json!({ "inquiries": 10, "inquiry_lines": 20 }));
    app.assert_rollups_rebuild_identically(&dealer.owner.tenant_id).await;
}

#[tokio::test]
async fn empty_periods_and_bad_parameters() {
    let app = spawn_app().await;
    let (dealer, _) = history(&app).await;
    let token = app.fresh_token("owner@shunda.cn").await;
    let empty = expect_json(
        app.get(
            "/v1/metrics/summary?from=2026-01-01&to=2026-01-31&interval=week",
            &token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_figures(
        &empty["totals"],
        json!({ "inquiries": 0, "quote_rate": null, "purchase_rate": null, "auto_match_rate": null,
                "response_time_p50_seconds": null, "order_value": "0.00" }),
    );
    assert_eq!(
        empty["series"].as_array().map(Vec::len),
        Some(5),
        "weeks from Monday, clipped"
    );
    let months = expect_json(
        app.get(
            "/v1/metrics/summary?from=2026-01-15&to=2026-03-02&interval=month",
            &token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(months["series"].as_array().map(Vec::len), Some(3));
    assert_eq!(months["series"][2]["figures"]["inquiries"], 3);

    for (query, field) in [
        ("from=2026-03-05&to=2026-03-01", "query.from"),
        ("from=2020-01-01&to=2026-03-01", "query.from"),
        ("interval=hour", "query.interval"),
        ("from=yesterday", "query.from"),
    ] {
        let problem = expect_problem(
            app.get(&format!("/v1/metrics/summary?{query}"), &token).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), vec![field], "{query}");
    }
    expect_problem(
        app.get("/v1/metrics/customers?sort=colour", &token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    // Another dealer sees none of it.
    let other = app.signup("Other", "owner@other.cn").await;
    expect_problem(
        app.get(&format!("/v1/metrics/customers/{}", dealer.customer_id), &other.token)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let theirs = expect_json(
        app.get("/v1/metrics/summary?from=2026-03-01&to=2026-03-02", &other.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["totals"]["inquiries"], 0);
    let table = expect_json(
        app.get("/v1/metrics/customers?from=2026-03-01&to=2026-03-02", &other.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(table["items"], json!([]));
}
