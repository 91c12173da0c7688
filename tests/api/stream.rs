//! The live stream (`GET /v1/stream`): server-sent events of the dealer's own events, resumable
//! with `Last-Event-ID`.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

/// One message of the stream.
#[derive(Debug, Clone)]
struct Message {
    id: String,
    event: String,
    data: Value,
}

/// A stream being read.
struct Stream {
    resp: reqwest::Response,
    buffer: String,
}

impl Stream {
    async fn open(builder: reqwest::RequestBuilder) -> Self {
        let resp = builder.send().await.expect("send");
        assert_eq!(resp.status(), StatusCode::OK);
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(content_type.starts_with("text/event-stream"), "{content_type}");
        Self {
            resp,
            buffer: String::new(),
        }
    }

    /// The next message within `within`, skipping comments; `None` if none came.
    async fn next(&mut self, within: Duration) -> Option<Message> {
        let deadline = Instant::now() + within;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut message = Message {
                    id: String::new(),
                    event: String::new(),
                    data: Value::Null,
                };
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        message.id = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("event:") {
                        message.event = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if !data.is_empty() {
                    message.data = serde_json::from_str(&data).expect("JSON data");
                    return Some(message);
                }
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            match tokio::time::timeout(left, self.resp.chunk()).await {
                Ok(Ok(Some(bytes))) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                Ok(Ok(None)) | Ok(Err(_)) => return None,
                Err(_) => return None,
            }
        }
    }

    /// Messages until one of `kind` (included).
    async fn until(&mut self, kind: &str) -> Vec<Message> {
        let mut seen = Vec::new();
        while let Some(message) = self.next(Duration::from_secs(5)).await {
            let done = message.event == kind;
            seen.push(message);
            if done {
                return seen;
            }
        }
        panic!("no {kind} on the stream; got {seen:?}");
    }
}

fn stream(app: &TestApp, token: &str) -> reqwest::RequestBuilder {
    app.request(Method::GET, "/v1/stream", Some(token))
}

async fn inquire(app: &TestApp, key: &str, text: &str) -> String {
    let created = expect_json(
        app.send_inquiry(
            key,
            &uuid::Uuid::now_v7().to_string(),
            &json!({ "lines": [{ "text": text }] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    created["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn an_inquiry_reaches_its_dealers_stream_within_a_second_and_no_other() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let viewer = app.add_staff(&dealer.owner, "view@shunda.cn", "viewer").await;
    let other = app.dealer_with_shop("Elsewhere", "owner@elsewhere.cn").await;
    let mut mine = Stream::open(stream(&app, &viewer.token)).await;
    let mut theirs = Stream::open(stream(&app, &other.owner.token)).await;
    // A browser session follows it too.
    let session = app.cookie_session("owner@shunda.cn").await;
    let mut console = Stream::open(app.with_cookie(Method::GET, "/v1/stream", &session)).await;

    let id = inquire(&app, &dealer.key, "04465-02061 x2").await;
    let sent = Instant::now();
    let received = mine.next(Duration::from_secs(1)).await.expect("within a second");
    assert!(sent.elapsed() < Duration::from_secs(1));
    assert_eq!(received.event, "inquiry_received");
    assert!(received.id.starts_with("evt_"), "{received:?}");
    let data = &received.data;
    assert_eq!(data["id"], received.id.as_str());
    assert_eq!(data["kind"], "inquiry_received");
    assert_eq!(data["subject_id"], id.as_str());
    assert_eq!(data["customer_id"], dealer.customer_id.as_str());
    assert!(data["occurred_at"].is_string());
    assert_eq!(data["payload"]["inquiry_id"], id.as_str());
    let drafted = mine.next(Duration::from_secs(1)).await.expect("the draft");
    assert_eq!(drafted.event, "quote_drafted");
    assert_eq!(drafted.data["payload"]["inquiry_id"], id.as_str());

    let via_cookie = console
        .next(Duration::from_secs(1))
        .await
        .expect("the console's stream");
    assert_eq!(via_cookie.id, received.id);

    // The other dealer's stream carries its own events only.
    assert!(theirs.next(Duration::from_millis(1500)).await.is_none());
    let their_inquiry = inquire(&app, &other.key, "机滤 2个").await;
    let theirs_first = theirs.next(Duration::from_secs(1)).await.expect("their own");
    assert_eq!(theirs_first.data["subject_id"], their_inquiry.as_str());
    let next = mine.next(Duration::from_millis(1000)).await;
    assert!(next.is_none(), "another dealer's event leaked: {next:?}");
}

#[tokio::test]
async fn a_stream_resumes_after_its_last_event_with_exactly_the_missed_ones() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let token = &dealer.owner.token;
    let clerk = app.add_staff(&dealer.owner, "li@shunda.cn", "sales").await;

    let mut first = Stream::open(stream(&app, token)).await;
    inquire(&app, &dealer.key, "04465-02061 x2").await;
    let seen = first.until("quote_drafted").await;
    let last = seen.last().expect("last").id.clone();
    drop(first);

    // Missed while away: a second inquiry and a claim on it.
    let missed = inquire(&app, &dealer.key, "机滤 2个").await;
    expect_json(
        app.post_empty(&format!("/v1/inquiries/{missed}/claim"), &clerk.token)
            .await,
        StatusCode::OK,
    )
    .await;

    for resume in [
        stream(&app, token).header("last-event-id", &last),
        stream(&app, token).query(&[("last_event_id", &last)]),
    ] {
        let mut again = Stream::open(resume).await;
        let mut kinds = Vec::new();
        while let Some(message) = again.next(Duration::from_millis(1200)).await {
            assert_ne!(message.id, last);
            kinds.push((
                message.event.clone(),
                message.data["subject_id"].as_str().unwrap_or_default().to_owned(),
            ));
        }
        assert_eq!(kinds.len(), 3, "{kinds:?}");
        assert_eq!(kinds[0], ("inquiry_received".to_owned(), missed.clone()));
        assert_eq!(kinds[1].0, "quote_drafted");
        assert_eq!(kinds[2], ("inquiry_claimed".to_owned(), missed.clone()));
    }

    // A cursor that is not one of this dealer's events starts from now: nothing old, then new.
    let other = app.dealer_with_shop("Elsewhere", "owner@elsewhere.cn").await;
    let mut theirs = Stream::open(stream(&app, &other.owner.token)).await;
    inquire(&app, &other.key, "火花塞").await;
    let foreign = theirs.next(Duration::from_secs(2)).await.expect("their event").id;
    for cursor in [foreign.as_str(), "evt_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b", "garbage"] {
        let mut fresh = Stream::open(stream(&app, token).header("last-event-id", cursor)).await;
        assert!(fresh.next(Duration::from_millis(800)).await.is_none(), "{cursor}");
        let id = inquire(&app, &dealer.key, "雨刮片").await;
        let message = fresh.next(Duration::from_secs(2)).await.expect("new events");
        assert_eq!(message.data["subject_id"], id.as_str());
    }
}

#[tokio::test]
async fn quotes_orders_and_imports_are_on_the_stream() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let token = &dealer.owner.token;
    let mut live = Stream::open(stream(&app, token)).await;

    let accepted = inquire(&app, &dealer.key, "04465-02061 x2").await;
    let rejected = inquire(&app, &dealer.key, "机滤 2个").await;
    live.until("quote_drafted").await;
    live.until("quote_drafted").await;
    let mut quotes = Vec::new();
    for id in [&accepted, &rejected] {
        let detail = expect_json(app.get(&format!("/v1/inquiries/{id}"), token).await, StatusCode::OK).await;
        let quote = detail["quote"]["id"].as_str().expect("quote").to_owned();
        expect_json(
            app.post_empty(&format!("/v1/quotes/{quote}/send"), token).await,
            StatusCode::OK,
        )
        .await;
        let sent = live.until("quote_sent").await;
        assert_eq!(sent.last().expect("sent").data["subject_id"], quote.as_str());
        quotes.push(quote);
    }
    expect_json(
        app.post(
            &format!("/v1/shop/quotes/{}/accept", quotes[0]),
            Some(&dealer.key),
            &json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let kinds: Vec<String> = live
        .until("quote_accepted")
        .await
        .into_iter()
        .map(|m| m.event)
        .collect();
    assert!(kinds.contains(&"order_created".to_owned()), "{kinds:?}");
    expect_json(
        app.post(
            &format!("/v1/shop/quotes/{}/reject", quotes[1]),
            Some(&dealer.key),
            &json!({ "reason": "价格太高" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let rejection = live.until("quote_rejected").await.pop().expect("rejected");
    assert_eq!(rejection.data["payload"]["reason"], "价格太高");

    let csv = "sku,名称,品牌,价格,库存\nNGK-BKR6E,火花塞,NGK,25.20,10\nBAD,,,x,\n";
    let done = expect_json(
        app.request(Method::POST, "/v1/catalog/imports?wait=true", Some(token))
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    let finished = live.until("import_finished").await.pop().expect("finished");
    assert_eq!(finished.data["subject_id"], done["id"]);
    assert_eq!(finished.data["payload"]["state"], "succeeded");
    assert_eq!(finished.data["payload"]["rows_read"], done["rows_read"]);
    assert_eq!(finished.data["payload"]["inserted"], done["inserted"]);
    assert_eq!(finished.data["payload"]["rejected"], done["rejected"]);
    assert!(finished.data["customer_id"].is_null());
}

#[tokio::test]
async fn the_stream_needs_staff_credentials() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let resp = app.request(Method::GET, "/v1/stream", None).send().await.expect("send");
    expect_problem(resp, StatusCode::UNAUTHORIZED, "missing_credentials").await;
    let resp = stream(&app, &dealer.key).send().await.expect("send");
    expect_problem(resp, StatusCode::UNAUTHORIZED, "invalid_token").await;
    let resp = stream(&app, &dealer.owner.token)
        .query(&[("since", "now")])
        .send()
        .await
        .expect("send");
    let problem = expect_problem(resp, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(fields(&problem), ["query.since"]);
}
