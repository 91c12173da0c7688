//! Notifications through real receivers: local HTTP servers standing in for the WeCom, DingTalk
//! and Feishu robots (payload shapes and signatures checked), and a real SMTP server (Python's
//! aiosmtpd) receiving the e-mail. The queue retries a failing receiver, holds messages through
//! quiet hours and over the hourly cap, and announces each event once.

use std::sync::{Arc, Mutex};

use base64::Engine as _;
use chrono::Duration;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::*;
use crate::reminders::{OWNER, at, buy, regular_buyer, run};

/// What a robot receiver got: the query string and the JSON body.
#[derive(Debug, Clone)]
struct Hit {
    query: String,
    body: Value,
}

struct Robot {
    url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
}

/// A robot endpoint answering each request with the next (status, body), then 200 `{"errcode":0}`.
async fn robot(answers: Vec<(u16, &'static str)>) -> Robot {
    let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
    let answers = Arc::new(Mutex::new(std::collections::VecDeque::from(answers)));
    let log = hits.clone();
    let app = axum::Router::new().route(
        "/robot/send",
        axum::routing::post(move |uri: axum::http::Uri, body: String| {
            let (log, answers) = (log.clone(), answers.clone());
            async move {
                log.lock().expect("lock").push(Hit {
                    query: uri.query().unwrap_or_default().to_owned(),
                    body: serde_json::from_str(&body).unwrap_or(Value::Null),
                });
                let (status, text) = answers
                    .lock()
                    .expect("lock")
                    .pop_front()
                    .unwrap_or((200, r#"{"errcode":0}"#));
                (axum::http::StatusCode::from_u16(status).expect("status"), text)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/robot/send", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    Robot { url, hits }
}

impl Robot {
    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().expect("lock").clone()
    }
}

fn hmac_base64(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("key");
    mac.update(message);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

async fn add_channel(app: &TestApp, token: &str, body: Value) -> Value {
    expect_json(
        app.post("/v1/notifications/channels", Some(token), &body).await,
        StatusCode::CREATED,
    )
    .await
}

async fn deliveries(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let list = expect_json(
        app.get(&format!("/v1/notifications/deliveries?{query}"), token).await,
        StatusCode::OK,
    )
    .await;
    list["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn robots_receive_signed_messages_in_their_own_shapes() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let (wecom, ding, feishu) = (robot(vec![]).await, robot(vec![]).await, robot(vec![]).await);
    let w = add_channel(
        &app,
        &owner.token,
        json!({ "kind": "wecom", "name": "销售群", "events": ["test"], "url": format!("{}?key=abcdef123456", wecom.url) }),
    )
    .await;
    let d = add_channel(
        &app,
        &owner.token,
        json!({ "kind": "dingtalk", "name": "钉钉群", "events": ["test"], "url": format!("{}?access_token=tok123", ding.url), "secret": "SECabc" }),
    )
    .await;
    let f = add_channel(
        &app,
        &owner.token,
        json!({ "kind": "feishu", "name": "Feishu", "events": ["test"], "url": feishu.url, "secret": "fs-secret", "language": "en" }),
    )
    .await;
    // Secrets are write-only; the access token in an address is hidden.
    assert!(
        w["url"]
            .as_str()
            .is_some_and(|u| u.contains("key=***") && !u.contains("abcdef")),
        "{w}"
    );
    assert_eq!(d["has_secret"], true);
    assert!(d.get("secret").is_none());
    let listed = expect_json(
        app.get("/v1/notifications/channels", &owner.token).await,
        StatusCode::OK,
    )
    .await;
    assert!(!listed.to_string().contains("SECabc") && !listed.to_string().contains("fs-secret"));

    for channel in [&w, &d, &f] {
        let queued = expect_json(
            app.post_empty(
                &format!(
                    "/v1/notifications/channels/{}/test",
                    channel["id"].as_str().unwrap_or_default()
                ),
                &owner.token,
            )
            .await,
            StatusCode::ACCEPTED,
        )
        .await;
        assert_eq!(queued["state"], "pending");
    }
    app.run_jobs().await;

    let hit = &wecom.hits()[0];
    assert_eq!(hit.body["msgtype"], "markdown");
    assert!(
        hit.body["markdown"]["content"]
            .as_str()
            .is_some_and(|c| c.contains("销售群"))
    );
    assert_eq!(hit.query, "key=abcdef123456");

    // DingTalk: timestamp and sign in the query, sign = base64 HMAC-SHA256("{ts}\n{secret}").
    let hit = &ding.hits()[0];
    assert_eq!(hit.body["msgtype"], "markdown");
    assert!(hit.body["markdown"]["title"].is_string() && hit.body["markdown"]["text"].is_string());
    let query: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(hit.query.as_bytes()).into_owned().collect();
    assert_eq!(query["access_token"], "tok123");
    let ts = &query["timestamp"];
    assert_eq!(
        query["sign"],
        hmac_base64(b"SECabc", format!("{ts}\nSECabc").as_bytes())
    );

    // Feishu: timestamp and sign in the body, sign = base64 HMAC-SHA256 keyed "{ts}\n{secret}" over nothing.
    let hit = &feishu.hits()[0];
    assert_eq!(hit.body["msg_type"], "interactive");
    let ts = hit.body["timestamp"].as_str().expect("timestamp");
    assert_eq!(
        hit.body["sign"],
        hmac_base64(format!("{ts}\nfs-secret").as_bytes(), b"").as_str()
    );
    assert!(
        hit.body["card"]["elements"][0]["content"]
            .as_str()
            .is_some_and(|c| c.contains("connected")),
        "English as set: {}",
        hit.body
    );

    let log = deliveries(&app, &owner.token, "state=delivered").await;
    assert_eq!(log.len(), 3);
    assert!(log.iter().all(|d| d["attempts"] == 1 && d["event"] == "test"));
}

#[tokio::test]
async fn a_failing_robot_is_retried_and_quiet_hours_and_the_cap_hold_messages() {
    let app = spawn_app().await;
    // 10:00 in Shanghai.
    app.clock.set(at("2026-12-07T02:00:00Z"));
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let flaky = robot(vec![
        (500, "oops"),
        (200, r#"{"errcode":310000,"errmsg":"sign not match"}"#),
    ])
    .await;
    let channel = add_channel(
        &app,
        &owner.token,
        json!({ "kind": "dingtalk", "name": "钉钉群", "events": ["test"], "url": flaky.url, "hourly_cap": 1 }),
    )
    .await;
    let id = channel["id"].as_str().expect("id").to_owned();
    let path = format!("/v1/notifications/channels/{id}/test");
    expect_json(app.post_empty(&path, &owner.token).await, StatusCode::ACCEPTED).await;
    app.run_jobs().await;
    let first = &deliveries(&app, &owner.token, "").await[0];
    assert_eq!(
        (first["state"].as_str(), first["attempts"].as_i64()),
        (Some("pending"), Some(1))
    );
    assert!(
        first["last_error"].as_str().is_some_and(|e| e.contains("500")),
        "{first}"
    );
    // The retry 5 s later gets a 200 with a refusal in the body: still a failure.
    app.clock.advance(Duration::seconds(6));
    app.run_jobs().await;
    let first = &deliveries(&app, &owner.token, "").await[0];
    assert!(
        first["last_error"].as_str().is_some_and(|e| e.contains("310000")),
        "{first}"
    );
    app.clock.advance(Duration::seconds(31));
    app.run_jobs().await;
    let first = &deliveries(&app, &owner.token, "").await[0];
    assert_eq!(
        (first["state"].as_str(), first["attempts"].as_i64()),
        (Some("delivered"), Some(3))
    );

    // The cap is one an hour: the next waits an hour after the delivered one.
    expect_json(app.post_empty(&path, &owner.token).await, StatusCode::ACCEPTED).await;
    app.run_jobs().await;
    let second = &deliveries(&app, &owner.token, "").await[0];
    assert_eq!(second["state"], "pending");
    assert_eq!(second["attempts"], 0);
    assert_eq!(flaky.hits().len(), 3);
    app.clock.advance(Duration::hours(1));
    app.run_jobs().await;
    let token = app.fresh_token("owner@shunda.cn").await;
    assert_eq!(deliveries(&app, &token, "state=delivered").await.len(), 2);

    // Quiet from 11:00 to 13:00: a message at 11:40 waits until 13:00 (05:00 UTC).
    let mut quiet = channel.clone();
    for field in [
        "id",
        "user_id",
        "has_secret",
        "created_at",
        "updated_at",
        "smtp",
        "accepted_value_min",
    ] {
        quiet.as_object_mut().expect("object").remove(field);
    }
    quiet["url"] = json!(flaky.url);
    quiet["quiet_hours"] = json!({ "start": 11, "end": 13 });
    quiet["hourly_cap"] = json!(20);
    expect_json(
        app.request(
            reqwest::Method::PUT,
            &format!("/v1/notifications/channels/{id}"),
            Some(&token),
        )
        .json(&quiet)
        .send()
        .await
        .expect("send"),
        StatusCode::OK,
    )
    .await;
    app.clock.set(at("2026-12-07T03:40:00Z"));
    let token = app.fresh_token("owner@shunda.cn").await;
    expect_json(app.post_empty(&path, &token).await, StatusCode::ACCEPTED).await;
    app.run_jobs().await;
    let held = &deliveries(&app, &token, "state=pending").await[0];
    assert_eq!(held["next_attempt_at"], "2026-12-07T05:00:00Z");
    app.clock.set(at("2026-12-07T05:00:01Z"));
    app.run_jobs().await;
    let token = app.fresh_token("owner@shunda.cn").await;
    assert_eq!(deliveries(&app, &token, "state=pending").await, Vec::<Value>::new());
}

#[tokio::test]
async fn waiting_inquiries_accepted_quotes_spikes_and_the_call_list_are_announced_once() {
    let app = spawn_app().await;
    let dealer = regular_buyer(&app).await;
    let group = robot(vec![]).await;
    // 2026-08-27 09:00 in Shanghai.
    app.clock.set(at("2026-08-27T01:00:00Z"));
    let token = app.fresh_token(OWNER).await;
    add_channel(
        &app,
        &token,
        json!({
            "kind": "wecom", "name": "门店群", "url": group.url,
            "events": ["inquiry_waiting", "quote_accepted", "demand_spike", "call_list"],
            "accepted_value_min": "100", "spike_shops": 2, "digest_hour": 8
        }),
    )
    .await;
    run(&app).await;
    app.run_jobs().await;
    let texts = |group: &Robot| -> Vec<String> {
        group
            .hits()
            .iter()
            .map(|h| h.body["markdown"]["content"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let sent = texts(&group);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].contains("补货联系清单") && sent[0].contains("老王汽修厂"),
        "{}",
        sent[0]
    );

    // An inquiry nobody answers for 16 minutes is announced once.
    expect_json(
        app.send_inquiry(
            &dealer.key,
            "wait-1",
            &json!({ "lines": [{ "text": "BKR6E", "quantity": 4 }] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    app.clock.advance(Duration::minutes(16));
    app.run_jobs().await;
    app.run_jobs().await;
    let sent = texts(&group);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(
        sent[1].contains("超过 15 分钟") && sent[1].contains("老王汽修厂"),
        "{}",
        sent[1]
    );

    // Accepted quotes: 2 filters (63.00) stay below the 100 threshold; 4 plugs and 2 filters do not.
    buy(&app, &dealer.key, json!([{ "text": "W 712/75", "quantity": 2 }])).await;
    app.run_jobs().await;
    assert_eq!(texts(&group).len(), 2);
    buy(
        &app,
        &dealer.key,
        json!([{ "text": "BKR6E", "quantity": 4 }, { "text": "W 712/75", "quantity": 2 }]),
    )
    .await;
    app.run_jobs().await;
    let sent = texts(&group);
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(sent[2].contains("163.80"), "{}", sent[2]);

    // Two shops ask for a part the catalog lacks: a spike, once.
    let token = app.fresh_token(OWNER).await;
    let other = app.create_customer(&token, "城东快修").await;
    let (_, other_key) = app.issue_key(&token, other["id"].as_str().expect("id")).await;
    for (key, idem) in [
        (&dealer.key, "spike-1"),
        (&other_key, "spike-2"),
        (&other_key, "spike-3"),
    ] {
        expect_json(
            app.send_inquiry(key, idem, &json!({ "lines": [{ "text": "ZZ-99999-NOPE" }] }))
                .await,
            StatusCode::CREATED,
        )
        .await;
    }
    app.run_jobs().await;
    app.run_jobs().await;
    let spikes: Vec<String> = texts(&group).into_iter().filter(|t| t.contains("缺货需求")).collect();
    assert_eq!(spikes.len(), 1, "{spikes:?}");
    assert!(
        spikes[0].contains("2 家门店") && spikes[0].contains("ZZ-99999-NOPE"),
        "{}",
        spikes[0]
    );

    // Another dealer sees none of it and reaches none of it.
    let stranger = app.signup("Other", "owner@other.cn").await;
    assert_eq!(deliveries(&app, &stranger.token, "").await, Vec::<Value>::new());
    let mine = expect_json(app.get("/v1/notifications/channels", &token).await, StatusCode::OK).await;
    let id = mine["items"][0]["id"].as_str().expect("id").to_owned();
    for response in [
        app.post_empty(&format!("/v1/notifications/channels/{id}/test"), &stranger.token)
            .await,
        app.delete(&format!("/v1/notifications/channels/{id}"), &stranger.token)
            .await,
        app.request(
            reqwest::Method::PUT,
            &format!("/v1/notifications/channels/{id}"),
            Some(&stranger.token),
        )
        .json(&json!({ "kind": "wecom", "name": "x", "events": ["test"], "url": group.url }))
        .send()
        .await
        .expect("send"),
    ] {
        expect_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    }
    let theirs = expect_json(
        app.get("/v1/notifications/channels", &stranger.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["items"], json!([]));
}

#[tokio::test]
async fn channels_are_validated_and_kept_to_owners_and_admins() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    for (body, field) in [
        (json!({ "kind": "wecom", "name": "群", "events": ["test"] }), "/url"),
        (
            json!({ "kind": "wecom", "name": "群", "events": [], "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k" }),
            "/events",
        ),
        (
            json!({ "kind": "wecom", "name": "", "events": ["test"], "url": "https://qyapi.weixin.qq.com/x" }),
            "/name",
        ),
        (json!({ "kind": "email", "name": "邮件", "events": ["test"] }), "/smtp"),
        (
            json!({ "kind": "email", "name": "邮件", "events": ["test"], "smtp": { "host": "smtp.example.cn", "port": 465, "security": "tls", "from": "not an address", "to": ["boss@example.cn"] } }),
            "/smtp/from",
        ),
        (
            json!({ "kind": "wecom", "name": "群", "events": ["test"], "url": "https://qyapi.weixin.qq.com/x", "quiet_hours": { "start": 22, "end": 24 } }),
            "/quiet_hours/end",
        ),
        (
            json!({ "kind": "dingtalk", "name": "群", "events": ["test"], "url": "https://oapi.dingtalk.com/robot/send", "accepted_value_min": "-5" }),
            "/accepted_value_min",
        ),
    ] {
        let problem = expect_problem(
            app.post("/v1/notifications/channels", Some(&owner.token), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(fields(&problem).contains(&field.to_owned()), "{field}: {problem}");
    }
    let problem = expect_problem(
        app.post(
            "/v1/notifications/channels",
            Some(&owner.token),
            &json!({ "kind": "pager", "name": "x", "events": ["test"] }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(!fields(&problem).is_empty());
    let sales = app.add_staff(&owner, "sales@shunda.cn", "sales").await;
    expect_problem(
        app.get("/v1/notifications/channels", &sales.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(
        app.get("/v1/notifications/deliveries", &sales.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

/// A real SMTP server: Python's aiosmtpd writing what it receives into a maildir.
struct Smtp {
    port: u16,
    dir: tempfile::TempDir,
    child: std::process::Child,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn smtp_server() -> Smtp {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let dir = tempfile::tempdir().expect("maildir");
    let child = std::process::Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(dir.path().join("mail"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 with aiosmtpd (pip install aiosmtpd; .ci/run installs it)");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "aiosmtpd did not start: is it installed?"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Smtp { port, dir, child }
}

#[tokio::test]
async fn e_mail_reaches_a_real_smtp_server() {
    let smtp = smtp_server().await;
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let channel = add_channel(
        &app,
        &owner.token,
        json!({
            "kind": "email", "name": "老板邮箱", "events": ["test"],
            "smtp": {
                "host": "127.0.0.1", "port": smtp.port, "security": "none",
                "from": "partsdesk <noreply@shunda.cn>", "to": ["boss@shunda.cn", "sales@shunda.cn"],
                "username": null, "password": null
            }
        }),
    )
    .await;
    assert_eq!(channel["smtp"]["has_password"], false);
    expect_json(
        app.post_empty(
            &format!(
                "/v1/notifications/channels/{}/test",
                channel["id"].as_str().unwrap_or_default()
            ),
            &owner.token,
        )
        .await,
        StatusCode::ACCEPTED,
    )
    .await;
    app.run_jobs().await;
    let delivered = deliveries(&app, &owner.token, "").await;
    assert_eq!(delivered[0]["state"], "delivered", "{delivered:?}");
    let new = smtp.dir.path().join("mail").join("new");
    let mails: Vec<String> = std::fs::read_dir(&new)
        .expect("maildir")
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .collect();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("boss@shunda.cn") && mails[0].contains("sales@shunda.cn"));
    assert!(mails[0].contains("Subject:"), "{}", mails[0]);
}

#[tokio::test]
async fn the_consoles_own_list_shows_every_staff_member_what_its_channels_delivered() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let bell = add_channel(
        &app,
        &owner.token,
        json!({ "kind": "console", "name": "控制台", "events": ["test"] }),
    )
    .await;
    let robot_only = robot(vec![]).await;
    add_channel(
        &app,
        &owner.token,
        json!({ "kind": "wecom", "name": "群", "events": ["test"], "url": robot_only.url }),
    )
    .await;
    expect_problem(
        app.post(
            "/v1/notifications/channels",
            Some(&owner.token),
            &json!({ "kind": "console", "name": "x", "events": ["test"], "url": robot_only.url }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    expect_json(
        app.post_empty(
            &format!(
                "/v1/notifications/channels/{}/test",
                bell["id"].as_str().unwrap_or_default()
            ),
            &owner.token,
        )
        .await,
        StatusCode::ACCEPTED,
    )
    .await;
    let viewer = app.add_staff(&owner, "viewer@shunda.cn", "viewer").await;
    let before = expect_json(app.get("/v1/notifications/feed", &viewer.token).await, StatusCode::OK).await;
    assert_eq!(before["items"], json!([]), "not delivered yet");
    app.run_jobs().await;
    let feed = expect_json(app.get("/v1/notifications/feed", &viewer.token).await, StatusCode::OK).await;
    assert_eq!(feed["items"].as_array().map(Vec::len), Some(1), "{feed}");
    assert_eq!(feed["items"][0]["title"], "partsdesk 测试消息");
    assert!(robot_only.hits().is_empty(), "the robot channel was not tested");
    let stranger = app.signup("Other", "owner@other.cn").await;
    let theirs = expect_json(app.get("/v1/notifications/feed", &stranger.token).await, StatusCode::OK).await;
    assert_eq!(theirs["items"], json!([]));
}

#[tokio::test]
async fn each_staff_member_chooses_events_for_channels_of_their_own() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let sales = app.add_staff(&owner, "sales@shunda.cn", "sales").await;
    let viewer = app.add_staff(&owner, "viewer@shunda.cn", "viewer").await;
    // The salesman wants accepted quotes and tests in his own bell; the viewer nothing.
    let mine = expect_json(
        app.post(
            "/v1/me/notification-channels",
            Some(&sales.token),
            &json!({ "kind": "console", "name": "我的提醒", "events": ["quote_accepted", "test"] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(mine["user_id"], sales.user_id.as_str());
    let id = mine["id"].as_str().expect("id").to_owned();
    let shared = expect_json(
        app.get("/v1/notifications/channels", &owner.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(shared["items"], json!([]), "a person's channel is not the dealer's");
    let listed = expect_json(
        app.get("/v1/me/notification-channels", &sales.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));

    // Nobody else reaches it: not the viewer, not the owner through the personal routes, not another dealer.
    let stranger = app.signup("Other", "owner@other.cn").await;
    for token in [&viewer.token, &owner.token, &stranger.token] {
        expect_problem(
            app.post_empty(&format!("/v1/me/notification-channels/{id}/test"), token)
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        expect_problem(
            app.delete(&format!("/v1/me/notification-channels/{id}"), token).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    expect_problem(
        app.delete(&format!("/v1/notifications/channels/{id}"), &owner.token)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    expect_json(
        app.post_empty(&format!("/v1/me/notification-channels/{id}/test"), &sales.token)
            .await,
        StatusCode::ACCEPTED,
    )
    .await;
    app.run_jobs().await;
    let feed = |token: String| {
        let app = &app;
        async move { expect_json(app.get("/v1/notifications/feed", &token).await, StatusCode::OK).await }
    };
    assert_eq!(
        feed(sales.token.clone()).await["items"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(
        feed(viewer.token.clone()).await["items"],
        json!([]),
        "the viewer's bell stays quiet"
    );
    let log = expect_json(
        app.get("/v1/me/notification-deliveries", &sales.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(log["items"][0]["state"], "delivered");
    let none = expect_json(
        app.get("/v1/me/notification-deliveries", &viewer.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(none["items"], json!([]));

    // At most five of one's own.
    for i in 0..4 {
        expect_json(
            app.post(
                "/v1/me/notification-channels",
                Some(&sales.token),
                &json!({ "kind": "console", "name": format!("铃 {i}"), "events": ["test"] }),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    }
    expect_problem(
        app.post(
            "/v1/me/notification-channels",
            Some(&sales.token),
            &json!({ "kind": "console", "name": "第六个", "events": ["test"] }),
        )
        .await,
        StatusCode::CONFLICT,
        "limit_reached",
    )
    .await;
}

#[tokio::test]
async fn a_robot_secret_left_out_is_kept_and_an_empty_one_removes_it() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let body = json!({ "kind": "dingtalk", "name": "钉钉群", "events": ["test"], "url": "https://oapi.dingtalk.com/robot/send?access_token=tok123", "secret": "SECabc" });
    let channel = add_channel(&app, &owner.token, body.clone()).await;
    let path = format!("/v1/notifications/channels/{}", channel["id"].as_str().expect("id"));
    let put = |body: Value| {
        app.request(reqwest::Method::PUT, &path, Some(&owner.token))
            .json(&body)
            .send()
    };
    let mut kept = body.clone();
    kept.as_object_mut().expect("object").remove("secret");
    let changed = expect_json(put(kept).await.expect("send"), StatusCode::OK).await;
    assert_eq!(changed["has_secret"], true, "{changed}");
    let mut removed = body;
    removed["secret"] = json!("");
    let changed = expect_json(put(removed).await.expect("send"), StatusCode::OK).await;
    assert_eq!(changed["has_secret"], false, "{changed}");
}
