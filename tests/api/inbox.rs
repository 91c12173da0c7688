//! What the console's inbox and lists need: the response target, unread marks, claims, list
//! filters and the quotes list.

use chrono::{Duration, Utc};
use partsdesk::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

fn inquiry(text: &str) -> Value {
    json!({ "lines": [{ "text": text }] })
}

/// A shop's inquiry; returns its id.
async fn inquire(app: &TestApp, key: &str, text: &str) -> String {
    let idempotency = format!("inbox-{}", uuid::Uuid::now_v7());
    let created = expect_json(
        app.send_inquiry(key, &idempotency, &inquiry(text)).await,
        StatusCode::CREATED,
    )
    .await;
    created["id"].as_str().expect("id").to_owned()
}

async fn list(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let body = expect_json(app.get(&format!("/v1/inquiries{query}"), token).await, StatusCode::OK).await;
    body["items"].as_array().cloned().unwrap_or_default()
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn today_in_shanghai(app: &TestApp) -> chrono::NaiveDate {
    app.clock.now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive()
}

#[tokio::test]
async fn the_response_target_is_a_setting() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let viewer = app.add_staff(&owner, "view@shunda.cn", "viewer").await;
    let settings = expect_json(app.get("/v1/settings", &viewer.token).await, StatusCode::OK).await;
    assert_eq!(settings["response_target_minutes"], 15);
    let changed = expect_json(
        app.patch("/v1/settings", &owner.token, &json!({ "response_target_minutes": 30 }))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["response_target_minutes"], 30);
    assert_eq!(changed["quote_validity_hours"], 72, "other settings unchanged");
    for bad in [json!(0), json!(1441), json!("15")] {
        let problem = expect_problem(
            app.patch("/v1/settings", &owner.token, &json!({ "response_target_minutes": bad }))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), ["/response_target_minutes"]);
    }
    expect_problem(
        app.patch("/v1/settings", &viewer.token, &json!({ "response_target_minutes": 5 }))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let settings = expect_json(app.get("/v1/settings", &viewer.token).await, StatusCode::OK).await;
    assert_eq!(settings["response_target_minutes"], 30);
}

#[tokio::test]
async fn each_staff_member_has_their_own_unread_marks() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let clerk = app.add_staff(&dealer.owner, "li@shunda.cn", "sales").await;
    let viewer = app.add_staff(&dealer.owner, "view@shunda.cn", "viewer").await;
    let first = inquire(&app, &dealer.key, "04465-02061 x2").await;
    let second = inquire(&app, &dealer.key, "机滤 2个").await;

    let items = list(&app, &clerk.token, "").await;
    assert_eq!(ids(&items), [second.as_str(), first.as_str()]);
    assert!(
        items.iter().all(|i| i["read"] == false && i["claim"].is_null()),
        "{items:?}"
    );
    assert_eq!(items[0]["customer_name"], "老王汽修厂");
    assert_eq!(items[0]["customer_id"], dealer.customer_id.as_str());

    // Opening an inquiry marks it read for that person only, a viewer included.
    let seen = expect_json(
        app.get(&format!("/v1/inquiries/{first}"), &clerk.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen["read"], true);
    assert!(seen["claim"].is_null());
    expect_json(
        app.get(&format!("/v1/inquiries/{second}"), &viewer.token).await,
        StatusCode::OK,
    )
    .await;
    // Twice is the same as once.
    expect_json(
        app.get(&format!("/v1/inquiries/{first}"), &clerk.token).await,
        StatusCode::OK,
    )
    .await;

    let items = list(&app, &clerk.token, "").await;
    let read: Vec<bool> = items.iter().map(|i| i["read"] == true).collect();
    assert_eq!(read, [false, true]);
    assert_eq!(ids(&list(&app, &clerk.token, "?unread=true").await), [second.as_str()]);
    assert_eq!(ids(&list(&app, &clerk.token, "?unread=false").await), [first.as_str()]);
    assert_eq!(ids(&list(&app, &viewer.token, "?unread=true").await), [first.as_str()]);
    assert_eq!(
        ids(&list(&app, &dealer.owner.token, "?unread=true").await),
        [second.as_str(), first.as_str()]
    );
    let problem = expect_problem(
        app.get("/v1/inquiries?unread=maybe", &clerk.token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["query.unread"]);

    // Cookie sessions read (and mark) the same way.
    let session = app.cookie_session("li@shunda.cn").await;
    let resp = app
        .with_cookie(Method::GET, &format!("/v1/inquiries/{second}"), &session)
        .send()
        .await
        .expect("send");
    expect_json(resp, StatusCode::OK).await;
    assert!(list(&app, &clerk.token, "?unread=true").await.is_empty());
}

#[tokio::test]
async fn inquiries_filter_by_status_customer_and_days_in_the_dealers_zone() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let token = &dealer.owner.token;
    let other_customer = app.create_customer(token, "东方汽修").await;
    let other_id = other_customer["id"].as_str().expect("id").to_owned();
    let (_, other_key) = app.issue_key(token, &other_id).await;

    let old = inquire(&app, &dealer.key, "04465-02061 x2").await;
    app.clock.advance(Duration::days(2));
    let fresh = app.fresh_token("owner@shunda.cn").await;
    let token = &fresh;
    let mine = inquire(&app, &dealer.key, "机滤 2个").await;
    let theirs = inquire(&app, &other_key, "火花塞 4个").await;
    // Send one quote, so that statuses differ.
    let detail = expect_json(app.get(&format!("/v1/inquiries/{mine}"), token).await, StatusCode::OK).await;
    let quote = detail["quote"]["id"].as_str().expect("quote").to_owned();
    expect_json(
        app.post_empty(&format!("/v1/quotes/{quote}/send"), token).await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(ids(&list(&app, token, "?status=sent").await), [mine.as_str()]);
    assert_eq!(
        ids(&list(&app, token, "?status=draft").await),
        [theirs.as_str(), old.as_str()]
    );
    assert_eq!(
        ids(&list(&app, token, &format!("?customer_id={other_id}")).await),
        [theirs.as_str()]
    );
    assert_eq!(
        ids(&list(&app, token, &format!("?customer={other_id}")).await),
        [theirs.as_str()],
        "the older name still works"
    );
    let today = today_in_shanghai(&app);
    let two_days_ago = today - Duration::days(2);
    assert_eq!(
        ids(&list(&app, token, &format!("?from={today}&to={today}")).await),
        [theirs.as_str(), mine.as_str()]
    );
    assert_eq!(
        ids(&list(&app, token, &format!("?to={two_days_ago}")).await),
        [old.as_str()],
        "`to` includes its whole day"
    );
    assert_eq!(
        ids(&list(
            &app,
            token,
            &format!("?from={today}&customer_id={}&status=sent", dealer.customer_id)
        )
        .await),
        [mine.as_str()]
    );
    let instant = (app.clock.now() - Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(
        ids(&list(&app, token, &format!("?from={instant}")).await),
        [theirs.as_str(), mine.as_str()]
    );
    // Paging keeps the filters.
    let page = expect_json(
        app.get("/v1/inquiries?status=draft&limit=1", token).await,
        StatusCode::OK,
    )
    .await;
    let cursor = page["next_cursor"].as_str().expect("cursor");
    assert_eq!(
        ids(&list(&app, token, &format!("?status=draft&limit=1&cursor={cursor}")).await),
        [old.as_str()]
    );

    for (query, field) in [
        ("?status=waiting", "query.status"),
        ("?from=yesterday", "query.from"),
        ("?to=2026-02-30", "query.to"),
        ("?customer_id=cus_nothex", "query.customer_id"),
        ("?unread=1", "query.unread"),
    ] {
        let problem = expect_problem(
            app.get(&format!("/v1/inquiries{query}"), token).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field], "{query}");
    }

    // Another dealer's customer filters to nothing, and its staff see none of these.
    let elsewhere = app.dealer_with_shop("Elsewhere", "owner@elsewhere.cn").await;
    assert!(
        list(&app, &elsewhere.owner.token, &format!("?customer_id={other_id}"))
            .await
            .is_empty()
    );
    assert!(list(&app, &elsewhere.owner.token, "").await.is_empty());
    // The shop's own list takes the day filters too, and only ever shows its own.
    let shop = expect_json(
        app.get(&format!("/v1/shop/inquiries?from={today}"), &dealer.key).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ids(shop["items"].as_array().expect("items")), [mine.as_str()]);
    assert!(shop["items"][0].get("read").is_none(), "read marks are the dealer's");
}

#[tokio::test]
async fn a_claim_keeps_two_clerks_off_one_inquiry() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let li = app.add_staff(&dealer.owner, "li@shunda.cn", "sales").await;
    let wang = app.add_staff(&dealer.owner, "wang@shunda.cn", "sales").await;
    let viewer = app.add_staff(&dealer.owner, "view@shunda.cn", "viewer").await;
    let id = inquire(&app, &dealer.key, "04465-02061 x2").await;
    let claim_path = format!("/v1/inquiries/{id}/claim");

    let claim = expect_json(app.post_empty(&claim_path, &li.token).await, StatusCode::OK).await;
    assert_eq!(claim["user_id"], li.user_id.as_str());
    assert_eq!(claim["user_name"], "li@shunda.cn");
    let claimed_at: chrono::DateTime<Utc> = claim["claimed_at"].as_str().expect("claimed_at").parse().expect("time");
    let expires_at: chrono::DateTime<Utc> = claim["expires_at"].as_str().expect("expires_at").parse().expect("time");
    assert_eq!((expires_at - claimed_at).num_minutes(), 15);

    // Colleagues see it in the list and the detail.
    let items = list(&app, &wang.token, "").await;
    assert_eq!(items[0]["claim"]["user_id"], li.user_id.as_str());
    assert_eq!(items[0]["claim"]["user_name"], "li@shunda.cn");
    let detail = expect_json(
        app.get(&format!("/v1/inquiries/{id}"), &viewer.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["claim"]["user_id"], li.user_id.as_str());

    // Another clerk cannot take it, nor release it; a viewer cannot claim at all.
    let problem = expect_problem(
        app.post_empty(&claim_path, &wang.token).await,
        StatusCode::CONFLICT,
        "already_claimed",
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap_or_default().contains("li@shunda.cn"),
        "the holder is named: {problem}"
    );
    expect_problem(
        app.delete(&claim_path, &wang.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(
        app.post_empty(&claim_path, &viewer.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(
        app.delete(&claim_path, &viewer.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    // Claiming again renews it and keeps when it was first taken.
    app.clock.advance(Duration::minutes(10));
    let renewed = expect_json(app.post_empty(&claim_path, &li.token).await, StatusCode::OK).await;
    assert_eq!(renewed["claimed_at"], claim["claimed_at"]);
    let renewed_until: chrono::DateTime<Utc> = renewed["expires_at"]
        .as_str()
        .expect("expires_at")
        .parse()
        .expect("time");
    assert_eq!((renewed_until - expires_at).num_minutes(), 10);

    // The holder releases it; releasing what nobody holds is fine too.
    assert_eq!(
        app.delete(&claim_path, &li.token).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete(&claim_path, &li.token).await.status(),
        StatusCode::NO_CONTENT
    );
    assert!(list(&app, &wang.token, "").await[0]["claim"].is_null());

    // An admin may take a claim off a clerk.
    expect_json(app.post_empty(&claim_path, &wang.token).await, StatusCode::OK).await;
    assert_eq!(
        app.delete(&claim_path, &dealer.owner.token).await.status(),
        StatusCode::NO_CONTENT
    );
    expect_json(app.post_empty(&claim_path, &li.token).await, StatusCode::OK).await;

    // A claim lapses after 15 minutes: then it shows as nobody's and anyone may take it.
    app.clock.advance(Duration::minutes(15));
    assert!(list(&app, &wang.token, "").await[0]["claim"].is_null());
    let detail = expect_json(
        app.get(&format!("/v1/inquiries/{id}"), &wang.token).await,
        StatusCode::OK,
    )
    .await;
    assert!(detail["claim"].is_null());
    let taken = expect_json(app.post_empty(&claim_path, &wang.token).await, StatusCode::OK).await;
    assert_eq!(taken["user_id"], wang.user_id.as_str());
    assert_ne!(taken["claimed_at"], claim["claimed_at"]);

    // Claims and releases are events of the customer's timeline (and of the live stream).
    let events = expect_json(
        app.get(
            &format!("/v1/customers/{}/events?limit=200", dealer.customer_id),
            &dealer.owner.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let kinds: Vec<&str> = events["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .filter(|k| k.starts_with("inquiry_"))
        .collect();
    assert_eq!(
        kinds,
        [
            "inquiry_received",
            "inquiry_claimed",
            "inquiry_claimed",
            "inquiry_released",
            "inquiry_claimed",
            "inquiry_released",
            "inquiry_claimed",
            "inquiry_claimed"
        ]
    );
}

#[tokio::test]
async fn sending_or_cancelling_the_quote_releases_the_claim() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let li = app.add_staff(&dealer.owner, "li@shunda.cn", "sales").await;
    for action in ["send", "cancel"] {
        let id = inquire(&app, &dealer.key, "04465-02061 x2").await;
        expect_json(
            app.post_empty(&format!("/v1/inquiries/{id}/claim"), &li.token).await,
            StatusCode::OK,
        )
        .await;
        let detail = expect_json(app.get(&format!("/v1/inquiries/{id}"), &li.token).await, StatusCode::OK).await;
        let quote = detail["quote"]["id"].as_str().expect("quote").to_owned();
        expect_json(
            app.post_empty(&format!("/v1/quotes/{quote}/{action}"), &li.token).await,
            StatusCode::OK,
        )
        .await;
        let detail = expect_json(app.get(&format!("/v1/inquiries/{id}"), &li.token).await, StatusCode::OK).await;
        assert!(detail["claim"].is_null(), "{action}: {detail}");
        // Nothing is left to claim once the quote is no longer a draft.
        let problem = expect_problem(
            app.post_empty(&format!("/v1/inquiries/{id}/claim"), &li.token).await,
            StatusCode::CONFLICT,
            "not_claimable",
        )
        .await;
        assert_eq!(
            problem["current_status"],
            if action == "send" { "sent" } else { "cancelled" }
        );
    }
    let events = expect_json(
        app.get(
            &format!("/v1/customers/{}/events?limit=200", dealer.customer_id),
            &dealer.owner.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let reasons: Vec<&str> = events["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["kind"] == "inquiry_released")
        .filter_map(|e| e["payload"]["reason"].as_str())
        .collect();
    assert_eq!(reasons, ["quote_sent", "quote_cancelled"]);
}

#[tokio::test]
async fn claims_are_the_dealers_own() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let other = app.signup("Elsewhere", "owner@elsewhere.cn").await;
    let id = inquire(&app, &dealer.key, "04465-02061 x2").await;
    let path = format!("/v1/inquiries/{id}/claim");
    expect_problem(
        app.post_empty(&path, &other.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_problem(
        app.delete(&path, &other.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_problem(
        app.post_empty(
            "/v1/inquiries/inq_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b/claim",
            &dealer.owner.token,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_problem(
        app.post_empty("/v1/inquiries/not-an-id/claim", &dealer.owner.token)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_id",
    )
    .await;
    let resp = app.request(Method::POST, &path, None).send().await.expect("send");
    expect_problem(resp, StatusCode::UNAUTHORIZED, "missing_credentials").await;
    // A claim with a cookie session needs its CSRF token, like every write.
    let session = app.cookie_session("owner@shunda.cn").await;
    let resp = app
        .with_cookie(Method::POST, &path, &session)
        .send()
        .await
        .expect("send");
    expect_problem(resp, StatusCode::FORBIDDEN, "csrf_failed").await;
    let resp = app
        .with_session(Method::POST, &path, &session)
        .send()
        .await
        .expect("send");
    expect_json(resp, StatusCode::OK).await;
}

#[tokio::test]
async fn quotes_list_with_totals_line_counts_and_the_order_they_became() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let token = &dealer.owner.token;
    app.add_staff(&dealer.owner, "view@shunda.cn", "viewer").await;
    let other_customer = app.create_customer(token, "东方汽修").await;
    let other_id = other_customer["id"].as_str().expect("id").to_owned();
    let (_, other_key) = app.issue_key(token, &other_id).await;

    let bought = inquire(&app, &dealer.key, "04465-02061 x2").await;
    app.clock.advance(Duration::days(1));
    let fresh = app.fresh_token("owner@shunda.cn").await;
    let token = &fresh;
    let viewer_token = app.fresh_token("view@shunda.cn").await;
    let waiting = inquire(&app, &other_key, "a part nobody sells").await;
    let detail = expect_json(app.get(&format!("/v1/inquiries/{bought}"), token).await, StatusCode::OK).await;
    let quote = detail["quote"]["id"].as_str().expect("quote").to_owned();
    let quote_total = detail["quote"]["total"].clone();
    expect_json(
        app.post_empty(&format!("/v1/quotes/{quote}/send"), token).await,
        StatusCode::OK,
    )
    .await;
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

    let all = expect_json(app.get("/v1/quotes", &viewer_token).await, StatusCode::OK).await;
    let items = all["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    let (newest, oldest) = (&items[0], &items[1]);
    assert_eq!(newest["inquiry_id"], waiting.as_str());
    assert_eq!(newest["customer_name"], "东方汽修");
    assert_eq!(newest["status"], "draft");
    assert_eq!(newest["total"], "0.00");
    assert_eq!(
        (newest["line_count"].clone(), newest["lines_offered"].clone()),
        (json!(1), json!(0))
    );
    assert!(newest["sent_at"].is_null() && newest["expires_at"].is_null() && newest["order_id"].is_null());
    assert_eq!(oldest["id"], quote.as_str());
    assert_eq!(oldest["customer_id"], dealer.customer_id.as_str());
    assert_eq!(oldest["customer_name"], "老王汽修厂");
    assert_eq!(oldest["status"], "accepted");
    assert_eq!(oldest["total"], quote_total);
    assert_eq!(oldest["currency"], "CNY");
    assert_eq!(
        (oldest["line_count"].clone(), oldest["lines_offered"].clone()),
        (json!(1), json!(1))
    );
    assert!(oldest["sent_at"].is_string() && oldest["expires_at"].is_string());
    assert_eq!(oldest["order_id"], order["id"]);

    let only = |query: &str| {
        let app = &app;
        let query = query.to_owned();
        async move {
            let body = expect_json(app.get(&format!("/v1/quotes{query}"), token).await, StatusCode::OK).await;
            body["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|q| q["id"].as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let waiting_quote = newest["id"].as_str().expect("id").to_owned();
    assert_eq!(only("?status=accepted").await, [quote.as_str()]);
    assert_eq!(
        only(&format!("?customer_id={other_id}")).await,
        [waiting_quote.as_str()]
    );
    let today = today_in_shanghai(&app);
    assert_eq!(only(&format!("?from={today}")).await, [waiting_quote.as_str()]);
    assert_eq!(
        only(&format!("?to={}", today - Duration::days(1))).await,
        [quote.as_str()]
    );
    let first = expect_json(app.get("/v1/quotes?limit=1", token).await, StatusCode::OK).await;
    let cursor = first["next_cursor"].as_str().expect("cursor");
    assert_eq!(only(&format!("?limit=1&cursor={cursor}")).await, [quote.as_str()]);
    for (query, field) in [
        ("?status=open", "query.status"),
        ("?from=2026-1-1x", "query.from"),
        ("?limit=0", "query.limit"),
        ("?cursor=ord_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b", "query.cursor"),
        ("?sort=total", "query.sort"),
    ] {
        let problem = expect_problem(
            app.get(&format!("/v1/quotes{query}"), token).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field], "{query}");
    }

    // Another dealer sees none of them; a shop key does not open the staff list.
    let elsewhere = app.signup("Elsewhere", "owner@elsewhere.cn").await;
    let theirs = expect_json(app.get("/v1/quotes", &elsewhere.token).await, StatusCode::OK).await;
    assert_eq!(theirs["items"].as_array().map(Vec::len), Some(0));
    let theirs = expect_json(
        app.get(&format!("/v1/quotes?customer_id={other_id}"), &elsewhere.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["items"].as_array().map(Vec::len), Some(0));
    expect_problem(
        app.get("/v1/quotes", &dealer.key).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;

    // Orders filter by customer and day too, and name their quote.
    let orders = expect_json(
        app.get(
            &format!(
                "/v1/orders?customer_id={}&from={}",
                dealer.customer_id,
                today - Duration::days(1)
            ),
            token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(orders["items"][0]["quote_id"], quote.as_str());
    let none = expect_json(
        app.get(&format!("/v1/orders?customer_id={other_id}"), token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(none["items"].as_array().map(Vec::len), Some(0));
    let none = expect_json(
        app.get(&format!("/v1/orders?to={}", today - Duration::days(2)), token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(none["items"].as_array().map(Vec::len), Some(0));
    let problem = expect_problem(
        app.get("/v1/orders?from=tomorrow", token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["query.from"]);
}
