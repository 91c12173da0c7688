//! Touchpoint metrics on a hand-built history, against figures computed by hand: partial
//! acceptance, an expired quote, no-offer lines, a line staff changed, an unsent draft, and
//! inquiries on both sides of midnight in the dealer's time zone (Asia/Shanghai, UTC+8).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
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
    // Back to before the rollups: that migration and every later one.
    let all = migrations::Migrator::migrations();
    let rollups = all
        .iter()
        .position(|m| m.name().contains("metric_rollups"))
        .expect("the rollups migration");
    let steps = u32::try_from(all.len() - rollups).expect("steps");
    migrations::Migrator::down(&app.state.db, Some(steps))
        .await
        .expect("down");
    partsdesk::app::prepare_database(&app.state.db).await.expect("up");
    let after = expect_json(app.get(path, &token).await, StatusCode::OK).await;
    assert_eq!(before, after);
}

/// Staff editing a draft while it is being sent: whichever commits first, the rollups count
/// the lines as they were sent (an edit after the send is refused).
#[tokio::test]
async fn edits_racing_sends_leave_the_rollups_exact() {
    let app = spawn_app().await;
    app.clock.set(at("2026-03-01T04:00:00Z"));
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let token = dealer.owner.token.clone();
    for i in 0..8 {
        let (quote, drafted) = send_at(
            &app,
            &dealer.key,
            &format!("race-{i}"),
            json!([{ "text": "04465-02061", "quantity": 1 }, { "text": "W 712/75" }]),
        )
        .await;
        let line = drafted["lines"][0]["id"].as_str().expect("line").to_owned();
        let part = drafted["lines"][0]["options"][0]["part_id"]
            .as_str()
            .expect("part")
            .to_owned();
        let (edit_path, send_path) = (format!("/v1/quotes/{quote}"), format!("/v1/quotes/{quote}/send"));
        let change = json!({ "lines": [{ "id": line, "options": [{ "part_id": part, "unit_price": "150.00" }] }] });
        let edit = app.patch(&edit_path, &token, &change);
        let send = app.post_empty(&send_path, &token);
        let (edited, sent) = futures_util::future::join(edit, send).await;
        assert!(
            [StatusCode::OK, StatusCode::CONFLICT].contains(&edited.status()),
            "{}",
            edited.status()
        );
        assert_eq!(sent.status(), StatusCode::OK);
    }
    app.assert_rollups_rebuild_identically(&dealer.owner.tenant_id).await;
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

/// One inquiry of the generated history: its local day, customer, lines and response time.
struct Asked {
    day: NaiveDate,
    customer: usize,
    lines: i64,
    response_ms: Option<i64>,
}

fn nearest_rank(values: &mut [i64], numerator: usize, denominator: usize) -> Option<f64> {
    values.sort_unstable();
    let n = values.len();
    (n > 0).then(|| values[(n * numerator).div_ceil(denominator) - 1] as f64 / 1000.0)
}

/// Figures over any period, read from whole months and the days around them, equal a count
/// of the history itself: four months of seeded random inquiries from two shops, half of them
/// answered after a random delay, against periods that start and end anywhere.
#[tokio::test]
async fn any_period_equals_a_count_of_the_history() {
    let app = spawn_app_with(|c| c.token_ttl = std::time::Duration::from_secs(400 * 86_400)).await;
    let shanghai: chrono_tz::Tz = "Asia/Shanghai".parse().expect("tz");
    let mut now = at("2026-01-10T00:00:00Z");
    app.clock.set(now);
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let token = dealer.owner.token.clone();
    let second = app.create_customer(&token, "城东快修").await;
    let second_id = second["id"].as_str().expect("id").to_owned();
    let (_, second_key) = app.issue_key(&token, &second_id).await;
    let shops = [
        (dealer.customer_id.clone(), dealer.key.clone()),
        (second_id, second_key),
    ];

    let mut rng = StdRng::seed_from_u64(7);
    let mut asked: Vec<Asked> = Vec::new();
    let texts = ["04465-02061", "W 712/75", "机滤", "GDB3287", "BKR6E"];
    while now < at("2026-05-10T00:00:00Z") {
        now += Duration::minutes(rng.random_range(1..=60 * 60));
        app.clock.set(now);
        let customer = rng.random_range(0..shops.len());
        let received = now.with_timezone(&shanghai).date_naive();
        let lines: Vec<Value> = (0..rng.random_range(1..=3))
            .map(|i| json!({ "text": texts[(asked.len() + i) % texts.len()] }))
            .collect();
        let created = expect_json(
            app.send_inquiry(
                &shops[customer].1,
                &format!("h{}", asked.len()),
                &json!({ "lines": lines }),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        let mut response_ms = None;
        if rng.random_bool(0.5) {
            let id = created["id"].as_str().expect("id");
            let inquiry = expect_json(app.get(&format!("/v1/inquiries/{id}"), &token).await, StatusCode::OK).await;
            let quote = inquiry["quote"]["id"].as_str().expect("quote").to_owned();
            let delay = rng.random_range(1_000..=6 * 3_600_000);
            now += Duration::milliseconds(delay);
            app.clock.set(now);
            expect_json(
                app.post_empty(&format!("/v1/quotes/{quote}/send"), &token).await,
                StatusCode::OK,
            )
            .await;
            response_ms = Some(delay);
        }
        asked.push(Asked {
            day: received,
            customer,
            lines: lines.len() as i64,
            response_ms,
        });
    }
    assert!(asked.len() > 80, "{} inquiries", asked.len());

    let day = |s: &str| s.parse::<NaiveDate>().expect("day");
    let mut periods = vec![
        (day("2026-01-01"), day("2026-05-31")),
        (day("2026-02-01"), day("2026-02-28")),
        (day("2026-01-31"), day("2026-03-01")),
        (day("2026-03-15"), day("2026-03-15")),
        (day("2026-01-12"), day("2026-04-30")),
    ];
    for _ in 0..6 {
        let from = day("2026-01-05") + Duration::days(rng.random_range(0..120));
        periods.push((from, from + Duration::days(rng.random_range(0..90))));
    }
    for (from, to) in periods {
        let inside: Vec<&Asked> = asked.iter().filter(|a| a.day >= from && a.day <= to).collect();
        for interval in ["day", "week", "month"] {
            let summary = expect_json(
                app.get(
                    &format!("/v1/metrics/summary?from={from}&to={to}&interval={interval}"),
                    &token,
                )
                .await,
                StatusCode::OK,
            )
            .await;
            let totals = &summary["totals"];
            let mut ms: Vec<i64> = inside.iter().filter_map(|a| a.response_ms).collect();
            assert_eq!(totals["inquiries"], inside.len(), "{from}..{to}");
            assert_eq!(totals["inquiry_lines"], inside.iter().map(|a| a.lines).sum::<i64>());
            assert_eq!(totals["response_time_p50_seconds"], json!(nearest_rank(&mut ms, 1, 2)));
            assert_eq!(totals["response_time_p90_seconds"], json!(nearest_rank(&mut ms, 9, 10)));
            let series = summary["series"].as_array().expect("series");
            for bucket in series {
                let (first, last) = (
                    day(bucket["from"].as_str().expect("from")),
                    day(bucket["to"].as_str().expect("to")),
                );
                let count = inside.iter().filter(|a| a.day >= first && a.day <= last).count();
                assert_eq!(
                    bucket["figures"]["inquiries"], count,
                    "{interval} bucket {first}..{last}"
                );
            }
        }
        let table = expect_json(
            app.get(&format!("/v1/metrics/customers?from={from}&to={to}"), &token)
                .await,
            StatusCode::OK,
        )
        .await;
        for row in table["items"].as_array().expect("items") {
            let customer = shops
                .iter()
                .position(|(id, _)| row["customer"]["id"] == id.as_str())
                .expect("a known customer");
            let mut ms: Vec<i64> = inside
                .iter()
                .filter(|a| a.customer == customer)
                .filter_map(|a| a.response_ms)
                .collect();
            let count = inside.iter().filter(|a| a.customer == customer).count();
            assert_eq!(row["figures"]["inquiries"], count, "{from}..{to}");
            assert_eq!(
                row["figures"]["response_time_p50_seconds"],
                json!(nearest_rank(&mut ms, 1, 2))
            );
        }
    }
    app.assert_rollups_rebuild_identically(&dealer.owner.tenant_id).await;
}
