//! Inquiries from shops: matching with reasons, draft quotes, idempotent retries, validation.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// A Toyota VIN (WMI `JTD`, model year code `6`); its check digit does not match.
const TOYOTA_VIN: &str = "JTDBR32EX60123456";

fn mixed_inquiry() -> Value {
    json!({
        "reference": "工单 2026-1187",
        "vehicle": { "vin": TOYOTA_VIN, "model": "Corolla" },
        "lines": [
            { "text": "04465-02061 x2" },
            { "text": "GDB3287", "quantity": 1 },
            { "text": "前刹车片", "quantity": 1 },
            { "text": "机滤 2个" },
            { "text": "雨刮片", "quantity": 2 },
            { "part_number": "06J 115 403", "quantity": 1 }
        ]
    })
}

async fn staff_inquiry(app: &TestApp, token: &str, id: &str) -> Value {
    expect_json(app.get(&format!("/v1/inquiries/{id}"), token).await, StatusCode::OK).await
}

#[tokio::test]
async fn every_line_is_matched_with_a_confidence_and_a_reason() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let created = expect_json(
        app.send_inquiry(&dealer.key, "inq-1", &mixed_inquiry()).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["status"], "draft");
    assert!(created["quote_id"].is_null(), "a draft is not the shop's to see");
    assert_eq!(created["vehicle"]["make"], "TOYOTA");
    assert_eq!(created["vehicle"]["year"], 2006);
    assert!(
        created["warnings"][0]
            .as_str()
            .unwrap_or_default()
            .contains("check digit"),
        "{created}"
    );
    assert_eq!(created["lines"][0]["quantity"], 2, "`x2` in the text is the quantity");
    assert_eq!(created["lines"][3]["quantity"], 2, "`2个` in the text is the quantity");

    let inquiry = staff_inquiry(&app, &dealer.owner.token, created["id"].as_str().unwrap_or_default()).await;
    let lines = inquiry["lines"].as_array().expect("lines");
    let first = |i: usize| lines[i]["candidates"][0].clone();

    // OE number: the BOSCH part lists it.
    assert_eq!(lines[0]["confidence"], "exact", "{}", lines[0]);
    assert_eq!(first(0)["sku"], "BP-0986424735");
    assert_eq!(first(0)["matched_on"], "oe");
    assert!(
        first(0)["reason"]
            .as_str()
            .unwrap_or_default()
            .starts_with("OE 04465-02061 matches BOSCH")
    );

    // TRW's own number first; BOSCH as its interchange, labelled so.
    assert_eq!(lines[1]["confidence"], "exact");
    assert_eq!(first(1)["sku"], "TRW-GDB3287");
    assert_eq!(first(1)["in_stock"], false, "out-of-stock candidates stay, marked");
    let interchange = &lines[1]["candidates"][1];
    assert_eq!(interchange["sku"], "BP-0986424735");
    assert_eq!(interchange["confidence"], "high");
    assert!(
        interchange["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("by interchange")
    );

    // A name that fits the vehicle is confident.
    assert_eq!(lines[2]["confidence"], "high", "{}", lines[2]);
    assert_eq!(first(2)["fits_vehicle"], true);
    assert!(
        first(2)["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("fits TOYOTA Corolla 2006"),
        "{}",
        first(2)
    );

    // Oil filters are found through the slang, but none is listed for a Toyota.
    assert_eq!(lines[3]["confidence"], "low", "{}", lines[3]);
    assert!(lines[3]["candidates"].as_array().is_some_and(|c| !c.is_empty()));

    // Nothing sells wipers.
    assert_eq!(lines[4]["confidence"], "none");
    assert_eq!(lines[4]["candidates"], json!([]));

    // An old number finds the part and its successor.
    assert_eq!(lines[5]["confidence"], "exact");
    let skus: Vec<&str> = lines[5]["candidates"]
        .as_array()
        .map(|c| c.iter().filter_map(|c| c["sku"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        skus.contains(&"VW-06J115403") && skus.contains(&"VW-06J115403Q"),
        "{skus:?}"
    );

    // The draft: priced at the customer's level (10 % off), capped at stock.
    let quote = &inquiry["quote"];
    assert_eq!(quote["status"], "draft");
    let q = quote["lines"].as_array().expect("quote lines");
    let proposal = &q[0]["options"][0];
    assert_eq!(proposal["unit_price"], "241.20");
    assert_eq!(proposal["quantity"], 2);
    assert_eq!(proposal["backorder_quantity"], 0);
    assert_eq!(q[1]["options"][0]["sku"], "TRW-GDB3287");
    assert_eq!(q[1]["options"][0]["quantity"], 0, "TRW has none in stock");
    assert_eq!(q[1]["options"][0]["backorder_quantity"], 1);
    assert_eq!(
        q[1]["options"][1]["sku"], "BP-0986424735",
        "the interchange is an alternative"
    );
    assert_eq!(q[4]["status"], "no_offer");
    assert!(q[4]["options"].as_array().is_some_and(Vec::is_empty));
}

#[tokio::test]
async fn a_retry_returns_the_first_response_and_creates_nothing() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let body = json!({ "lines": [{ "text": "04465-02061", "quantity": 2 }] });
    let first = app.send_inquiry(&dealer.key, "retry-me", &body).await;
    let location = first.headers().get("location").cloned();
    let first = expect_json(first, StatusCode::CREATED).await;
    assert_eq!(
        location.and_then(|l| l.to_str().ok().map(str::to_owned)),
        Some(format!(
            "/v1/shop/inquiries/{}",
            first["id"].as_str().unwrap_or_default()
        ))
    );

    // The same request, formatted differently.
    let retry = app
        .request(reqwest::Method::POST, "/v1/inquiries", Some(&dealer.key))
        .header("idempotency-key", "retry-me")
        .header("content-type", "application/json")
        .body(r#"{"lines":[{"quantity":2,   "text":"04465-02061"}]}"#)
        .send()
        .await
        .expect("send");
    assert_eq!(
        retry.headers().get("idempotent-replayed").and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let retry = expect_json(retry, StatusCode::CREATED).await;
    assert_eq!(retry, first);

    let other = json!({ "lines": [{ "text": "04465-02061", "quantity": 3 }] });
    let problem = expect_problem(
        app.send_inquiry(&dealer.key, "retry-me", &other).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "idempotency_key_reused");
    assert_eq!(fields(&problem), vec!["header.idempotency-key"]);

    let listed = expect_json(app.get("/v1/inquiries", &dealer.owner.token).await, StatusCode::OK).await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));

    // A day later the key is forgotten and may be reused.
    app.clock.advance(chrono::Duration::seconds(24 * 3600 + 1));
    let later = expect_json(
        app.send_inquiry(&dealer.key, "retry-me", &other).await,
        StatusCode::CREATED,
    )
    .await;
    assert_ne!(later["id"], first["id"]);
}

#[tokio::test]
async fn concurrent_duplicates_make_one_inquiry() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let body = json!({ "lines": [{ "text": "机滤", "quantity": 1 }, { "text": "BKR6E", "quantity": 4 }] });
    let sends = (0..6).map(|_| app.send_inquiry(&dealer.key, "same-key", &body));
    let responses = futures_util::future::join_all(sends).await;
    let mut ids = std::collections::HashSet::new();
    for response in responses {
        let body = expect_json(response, StatusCode::CREATED).await;
        ids.insert(body["id"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(ids.len(), 1, "{ids:?}");
    let listed = expect_json(app.get("/v1/inquiries", &dealer.owner.token).await, StatusCode::OK).await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));
    let events = expect_json(
        app.get(
            &format!("/v1/customers/{}/events", dealer.customer_id),
            &dealer.owner.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let received = events["items"]
        .as_array()
        .map(|e| e.iter().filter(|e| e["kind"] == "inquiry_received").count());
    assert_eq!(received, Some(1));
}

#[tokio::test]
async fn bad_inquiries_are_refused_with_the_field_at_fault() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let ok = json!({ "lines": [{ "text": "机滤" }] });

    let missing = app
        .request(reqwest::Method::POST, "/v1/inquiries", Some(&dealer.key))
        .json(&ok)
        .send()
        .await
        .expect("send");
    let problem = expect_problem(missing, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(fields(&problem), vec!["header.idempotency-key"]);

    for (body, field) in [
        (json!({ "lines": [] }), "/lines"),
        (
            json!({ "lines": [{ "text": "机滤", "quantity": 0 }] }),
            "/lines/0/quantity",
        ),
        (
            json!({ "lines": [{ "text": "机滤", "quantity": 10001 }] }),
            "/lines/0/quantity",
        ),
        (json!({ "lines": [{ "text": " " }] }), "/lines/0/text"),
        (json!({ "lines": [{ "text": "x".repeat(501) }] }), "/lines/0/text"),
        (
            json!({ "vehicle": { "vin": "LFV2A21K6K412345O" }, "lines": [{ "text": "机滤" }] }),
            "/vehicle/vin",
        ),
        (
            json!({ "vehicle": { "vin": "LFV2A21K6K41234" }, "lines": [{ "text": "机滤" }] }),
            "/vehicle/vin",
        ),
    ] {
        let problem = expect_problem(
            app.send_inquiry(&dealer.key, &uuid::Uuid::now_v7().to_string(), &body)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), vec![field], "{body}");
    }
    let too_many: Vec<Value> = (0..201).map(|_| json!({ "text": "机滤" })).collect();
    let problem = expect_problem(
        app.send_inquiry(&dealer.key, "many", &json!({ "lines": too_many }))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), vec!["/lines"]);
    expect_problem(
        app.send_inquiry(
            &dealer.key,
            "unknown",
            &json!({ "lines": [{ "text": "机滤", "colour": "red" }] }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    // A staff token is not a shop key.
    expect_problem(
        app.send_inquiry(&dealer.owner.token, "staff", &ok).await,
        StatusCode::UNAUTHORIZED,
        "invalid_api_key",
    )
    .await;
    let listed = expect_json(app.get("/v1/inquiries", &dealer.owner.token).await, StatusCode::OK).await;
    assert_eq!(listed["items"], json!([]), "nothing was written");
}

#[tokio::test]
async fn inquiries_are_listed_and_filtered() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let other = app.create_customer(&dealer.owner.token, "城东快修").await;
    let (_, other_key) = app
        .issue_key(&dealer.owner.token, other["id"].as_str().unwrap_or_default())
        .await;
    for i in 0..3 {
        app.send_inquiry(&dealer.key, &format!("a{i}"), &json!({ "lines": [{ "text": "机滤" }] }))
            .await;
    }
    app.send_inquiry(&other_key, "b", &json!({ "lines": [{ "text": "火花塞" }] }))
        .await;

    let all = expect_json(
        app.get("/v1/inquiries?limit=2", &dealer.owner.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["items"].as_array().map(Vec::len), Some(2));
    let cursor = all["next_cursor"].as_str().expect("cursor");
    let rest = expect_json(
        app.get(&format!("/v1/inquiries?limit=2&cursor={cursor}"), &dealer.owner.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rest["items"].as_array().map(Vec::len), Some(2));
    assert!(rest["next_cursor"].is_null());

    let mine = expect_json(
        app.get(
            &format!("/v1/inquiries?customer={}", dealer.customer_id),
            &dealer.owner.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(3));
    let drafts = expect_json(
        app.get("/v1/inquiries?status=draft", &dealer.owner.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(drafts["items"].as_array().map(Vec::len), Some(4));
    let sent = expect_json(
        app.get("/v1/inquiries?status=sent", &dealer.owner.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(sent["items"], json!([]));
    let future = (app.clock.now_ts() + 3600).to_string();
    let later = chrono::DateTime::from_timestamp(future.parse().unwrap_or_default(), 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    let none = expect_json(
        app.get(
            &format!(
                "/v1/inquiries?from={}",
                form_urlencoded::byte_serialize(later.as_bytes()).collect::<String>()
            ),
            &dealer.owner.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(none["items"], json!([]));
    expect_problem(
        app.get("/v1/inquiries?status=open", &dealer.owner.token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    // A shop lists only its own.
    let shop_list = expect_json(app.get("/v1/shop/inquiries", &other_key).await, StatusCode::OK).await;
    assert_eq!(shop_list["items"].as_array().map(Vec::len), Some(1));
    assert!(
        shop_list["items"][0]["quote_id"].is_null(),
        "drafts are not shown to shops"
    );
}

#[tokio::test]
async fn a_vin_alone_names_the_model_where_its_descriptor_is_known() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let body = json!({ "vehicle": { "vin": "LFV2A21K6K4012345" }, "lines": [{ "text": "机油格" }] });
    let created = expect_json(
        app.send_inquiry(&dealer.key, "vin-only", &body).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["vehicle"]["make"], "VOLKSWAGEN");
    assert_eq!(created["vehicle"]["model"], "SAGITAR", "{created}");
    let inquiry = staff_inquiry(&app, &dealer.owner.token, created["id"].as_str().unwrap_or_default()).await;
    let line = &inquiry["lines"][0];
    assert_eq!(line["candidates"][0]["sku"], "VW-06J115403Q", "{line}");
    assert_eq!(line["candidates"][0]["fits_vehicle"], true);
    assert_eq!(line["confidence"], "high");
    // A make the shop names wins over the decoded one, and the decoded model goes with it.
    let body = json!({ "vehicle": { "vin": "LFV2A21K6K4012345", "make": "Toyota" }, "lines": [{ "text": "机油格" }] });
    let created = expect_json(
        app.send_inquiry(&dealer.key, "vin-and-make", &body).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["vehicle"]["make"], "Toyota");
    assert!(created["vehicle"]["model"].is_null(), "{created}");
}

#[tokio::test]
async fn a_vehicle_with_digits_and_initials_is_read_as_both() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    // `RAV4 jl` reads like one code (`RAV4JL`); no part has it, so it is a RAV4 and 机滤.
    let body = json!({ "lines": [{ "text": "RAV4 jl x2" }] });
    let created = expect_json(
        app.send_inquiry(&dealer.key, "rav4-jl", &body).await,
        StatusCode::CREATED,
    )
    .await;
    let inquiry = staff_inquiry(&app, &dealer.owner.token, created["id"].as_str().unwrap_or_default()).await;
    let line = &inquiry["lines"][0];
    assert_eq!(line["quantity"], 2);
    let skus: Vec<&str> = line["candidates"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["sku"].as_str())
        .collect();
    assert!(skus.contains(&"MF-W71275"), "{line}");
    assert_eq!(line["candidates"][0]["matched_on"], "pinyin", "{line}");
    assert_eq!(line["confidence"], "low", "initials are never more than low: {line}");
}

#[tokio::test]
async fn a_quantity_written_against_a_number_is_read_off_it_when_the_catalog_has_the_shorter_number() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let body = json!({ "lines": [
        // BOSCH 0 986 424 735, 3 个.
        { "text": "09864247353个" },
        // OE 04465-02061, 2 套.
        { "text": "04465020612套" },
        // NGK BKR6E, 4 pcs.
        { "text": "BKR6E4pcs" },
        // VW 06J 115 403, 1 个: `4031个` alone would be 4031 of `06J 115`.
        { "text": "06J 115 4031个" },
        // The catalog has the number as written: nothing is read off it.
        { "text": "0446502061个" },
        // The shop's quantity stands; the number is still read without its last digit.
        { "text": "09864247353个", "quantity": 5 },
        // Neither reading is a number of the catalog: the line as written.
        { "text": "12345678902个" },
        // Against a vehicle or a word, the digits are the quantity.
        { "text": "front brake pads corolla2个" },
        { "text": "spark plug sagitar4pcs" }
    ]});
    let created = expect_json(
        app.send_inquiry(&dealer.key, "glued-quantities", &body).await,
        StatusCode::CREATED,
    )
    .await;
    let inquiry = staff_inquiry(&app, &dealer.owner.token, created["id"].as_str().unwrap_or_default()).await;
    let lines = inquiry["lines"].as_array().expect("lines");
    let expected = [
        (3, Some("个"), Some("BP-0986424735")),
        (2, Some("套"), Some("BP-0986424735")),
        (4, Some("pcs"), Some("NGK-BKR6E")),
        (1, Some("个"), Some("VW-06J115403")),
        (1, None, Some("BP-0986424735")),
        (5, None, Some("BP-0986424735")),
        (1, None, None),
        (2, Some("个"), Some("BP-0986424735")),
        (4, Some("pcs"), Some("NGK-BKR6E")),
    ];
    for (line, (quantity, unit, sku)) in lines.iter().zip(expected) {
        assert_eq!(line["quantity"], quantity, "{line}");
        assert_eq!(line["unit"].as_str(), unit, "{line}");
        assert_eq!(line["candidates"][0]["sku"].as_str(), sku, "{line}");
        if sku.is_some() && line["candidates"][0]["matched_on"] != "name" {
            assert_eq!(line["confidence"], "exact", "{line}");
        }
    }
    assert_eq!(
        lines[0]["text"], "09864247353个",
        "the line is kept as the shop wrote it"
    );
    assert_eq!(lines[0]["candidates"][0]["matched_on"], "article");
    let quote = &inquiry["quote"]["lines"];
    assert_eq!(quote[0]["options"][0]["quantity"], 3, "{quote}");
    assert_eq!(quote[2]["options"][0]["quantity"], 4, "{quote}");
}
