//! Lines and searches as repair shops write them: the car named in Chinese or English inside
//! the text, model families whatever the generation, quantities glued to the words, number
//! prefixes, numbers inside words and a dealer's short codes.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

fn parts() -> Vec<Value> {
    vec![
        json!({ "sku": "BP-1", "name": "刹车片(前)", "brand": "BOSCH", "price": "268.00", "stock": 12,
                "oe_numbers": ["TOYOTA:04465-02061"],
                "fitment": [{ "make": "TOYOTA", "model": "COROLLA Saloon (_E12_)", "year_from": 2003, "year_to": 2008 }] }),
        json!({ "sku": "BP-2", "name": "刹车片(前)", "brand": "TRW", "price": "199.00", "stock": 5,
                "fitment": [{ "make": "Volkswagen", "model": "Lavida", "year_from": 2013, "year_to": 2018 }] }),
        // Genuine, listed in Chinese: the maker as brand and a Chinese fitment.
        json!({ "sku": "OF-2", "name": "机油滤清器", "brand": "丰田", "price": "45.00", "stock": 30,
                "oe_numbers": ["TOYOTA:90915-YZZE1"],
                "fitment": [{ "make": "一汽丰田", "model": "卡罗拉", "year_from": 2007, "year_to": 2013 }] }),
        json!({ "sku": "OF-3", "name": "机油滤清器", "brand": "大众", "price": "52.00", "stock": 30,
                "oe_numbers": ["VW:06H 115 403"],
                "fitment": [{ "make": "一汽-大众", "model": "速腾", "year_from": 2012, "year_to": 2018 }] }),
        json!({ "sku": "GF-1", "name": "Oil Filter", "brand": "MANN-FILTER", "price": "38.00", "stock": 8,
                "article_number": "HU 6020 z",
                "fitment": [{ "make": "VW", "model": "GOLF VII (5G1, BQ1, BE1, BE2)", "year_from": 2013, "year_to": 2020 }] }),
    ]
}

async fn dealer(app: &TestApp) -> (String, String) {
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    for part in parts() {
        expect_json(
            app.post("/v1/parts", Some(&owner.token), &part).await,
            StatusCode::CREATED,
        )
        .await;
    }
    let customer = app.create_customer(&owner.token, "老王汽修厂").await;
    let (_, key) = app.issue_key(&owner.token, customer["id"].as_str().expect("id")).await;
    (owner.token, key)
}

async fn first(app: &TestApp, token: &str, query: &str) -> Value {
    let path = format!("/v1/search?{query}");
    expect_json(app.get(&path, token).await, StatusCode::OK).await
}

fn q(text: &str) -> String {
    format!(
        "q={}",
        form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>()
    )
}

fn sku(found: &Value) -> &str {
    found["hits"][0]["part"]["sku"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn the_car_named_in_either_language_ranks_the_parts_that_fit_it() {
    let app = spawn_app().await;
    let (token, _) = dealer(&app).await;

    let found = first(&app, &token, &q("卡罗拉 前刹车片")).await;
    assert_eq!(sku(&found), "BP-1", "{found}");
    assert_eq!(found["recognized_vehicle"]["model"], "COROLLA");
    assert_eq!(found["recognized_vehicle"]["words"], json!(["卡罗拉"]));
    assert_eq!(sku(&first(&app, &token, &q("朗逸 前刹车片")).await), "BP-2");
    // The Chinese fitment answers an English query, and the other way round.
    assert_eq!(sku(&first(&app, &token, &q("oil filter toyota corolla")).await), "OF-2");
    assert_eq!(sku(&first(&app, &token, &q("高尔夫 机油滤清器")).await), "GF-1");
    // A Chinese make with the name: the maker's genuine part (its brand is the maker) and the
    // aftermarket one listed for the make, before the other maker's.
    let vw = first(&app, &token, &q("大众 机油滤清器")).await;
    let mut top: Vec<&str> = (0..2)
        .map(|i| vw["hits"][i]["part"]["sku"].as_str().unwrap_or_default())
        .collect();
    top.sort_unstable();
    assert_eq!(top, ["GF-1", "OF-3"], "{vw}");

    // Filters match the model family, whatever generation or chassis the catalog wrote.
    let golf = first(&app, &token, &format!("{}&make=volkswagen&model=GOLF", q("filter"))).await;
    assert_eq!(sku(&golf), "GF-1");
    assert_eq!(golf["total"], 1);
    assert_eq!(
        sku(&first(
            &app,
            &token,
            &format!(
                "{}&make={}&model={}",
                q("oil filter"),
                "%E5%A4%A7%E4%BC%97",
                "GOLF%20VII"
            )
        )
        .await),
        "GF-1"
    );
    let corolla = first(&app, &token, &format!("{}&model=corolla&year=2005", q("刹车片"))).await;
    assert_eq!((sku(&corolla), corolla["total"].as_u64()), ("BP-1", Some(1)));
    assert_eq!(corolla["fitment_relaxed"], false);
}

#[tokio::test]
async fn short_codes_and_numbers_inside_words_are_found_exactly() {
    let app = spawn_app().await;
    let (token, _) = dealer(&app).await;
    for query in ["BP-1", "bp1", "bp-1"] {
        let found = first(&app, &token, &q(query)).await;
        assert_eq!(sku(&found), "BP-1", "{query}: {found}");
        assert_eq!(found["mode"], "number", "{query}");
    }
    for query in ["机油滤清器 06H 115 403", "06H115403 两个", "OE 06H 115 403"] {
        let found = first(&app, &token, &q(query)).await;
        assert_eq!(sku(&found), "OF-3", "{query}: {found}");
        assert_eq!(found["hits"][0]["matched_on"]["precision"], "exact", "{query}");
    }
}

#[tokio::test]
async fn inquiry_lines_keep_their_quantities_and_name_their_vehicle() {
    let app = spawn_app().await;
    let (token, key) = dealer(&app).await;
    let lines = json!([
        { "text": "卡罗拉前刹车片 2套" },
        { "text": "90915YZZE1*2" },
        { "text": "04465-02061 两套" },
        { "text": "OE 06H 115 403 1个" },
        { "text": "机滤x4 速腾" },
        { "text": "bp1" },
        { "text": "W 712/75" },
    ]);
    let created = expect_json(
        app.send_inquiry(&key, "lines-1", &json!({ "lines": lines })).await,
        StatusCode::CREATED,
    )
    .await;
    let quantities: Vec<i64> = created["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["quantity"].as_i64().unwrap_or_default())
        .collect();
    assert_eq!(quantities, [2, 2, 2, 1, 4, 1, 1]);

    let id = created["id"].as_str().expect("id");
    let seen = expect_json(app.get(&format!("/v1/inquiries/{id}"), &token).await, StatusCode::OK).await;
    let line = |i: usize| &seen["lines"][i];
    let best = |i: usize| line(i)["candidates"][0]["sku"].as_str().unwrap_or_default().to_owned();
    assert_eq!(best(0), "BP-1", "{}", line(0));
    assert_eq!(
        line(0)["confidence"],
        "high",
        "the vehicle in the line confirms the fitment"
    );
    let reason = line(0)["candidates"][0]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("卡罗拉"),
        "the reason names the words read as the vehicle: {reason}"
    );
    for (i, expected) in [(1, "OF-2"), (2, "BP-1"), (3, "OF-3"), (5, "BP-1")] {
        assert_eq!(best(i), expected, "{}", line(i));
        assert_eq!(line(i)["confidence"], "exact", "{}", line(i));
    }
    assert_eq!(best(4), "OF-3", "{}", line(4));
    assert_eq!(line(4)["confidence"], "high", "{}", line(4));
    // Not a part this dealer has: no candidate, and its digits were no quantity.
    assert_eq!(line(6)["candidates"], json!([]));
}

#[tokio::test]
async fn a_universal_part_keeps_every_one_of_its_hundreds_of_numbers() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let oe: Vec<String> = (0..600).map(|i| format!("OE{i:06}")).collect();
    let part = expect_json(
        app.post(
            "/v1/parts",
            Some(&owner.token),
            &json!({ "sku": "UF-1", "name": "通用机油滤清器", "price": "20.00", "stock": 5, "oe_numbers": oe }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let oe_kept = part["numbers"]
        .as_array()
        .map(|n| n.iter().filter(|n| n["kind"] == "oe").count());
    assert_eq!(oe_kept, Some(600));
    let found = first(&app, &owner.token, &q("OE000599")).await;
    assert_eq!(sku(&found), "UF-1");
    let too_many: Vec<String> = (0..2_001).map(|i| format!("N{i:06}")).collect();
    let problem = expect_problem(
        app.post(
            "/v1/parts",
            Some(&owner.token),
            &json!({ "sku": "UF-2", "name": "x", "oe_numbers": too_many }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["/oe_numbers"]);
}

/// Counter staff type pinyin initials as in their ERPs: found, said so, and never more than a
/// suggestion, since initials read several names alike.
#[tokio::test]
async fn pinyin_finds_names_and_stays_a_suggestion() {
    let app = spawn_app().await;
    let (token, key) = dealer(&app).await;
    let found = first(&app, &token, &q("jl")).await;
    let skus: Vec<&str> = found["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h["part"]["sku"].as_str())
        .collect();
    assert!(skus.contains(&"OF-2") && skus.contains(&"OF-3"), "{found}");
    assert_eq!(found["hits"][0]["matched_on"]["kind"], "pinyin", "{found}");
    let found = first(&app, &token, &q("shachepian")).await;
    assert_eq!(found["total"], 2, "{found}");

    let created = expect_json(
        app.send_inquiry(&key, "pinyin-1", &json!({ "lines": [{ "text": "卡罗拉 jl x4" }] }))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["lines"][0]["quantity"], 4);
    let id = created["id"].as_str().expect("id");
    let seen = expect_json(app.get(&format!("/v1/inquiries/{id}"), &token).await, StatusCode::OK).await;
    let line = &seen["lines"][0];
    assert_eq!(line["candidates"][0]["sku"], "OF-2", "{line}");
    assert_eq!(line["confidence"], "low", "{line}");
    let reason = line["candidates"][0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("pinyin"), "{reason}");
}

/// A line naming several parts becomes one line per part with the line's quantity and unit;
/// the shop sees how its line was read.
#[tokio::test]
async fn a_line_naming_several_parts_is_answered_part_by_part() {
    let app = spawn_app().await;
    let (token, key) = dealer(&app).await;
    let lines = json!([
        { "text": "速腾 机滤+刹车片 2个" },
        { "text": "卡罗拉三滤" },
        { "text": "W 712/75 x3" },
    ]);
    let created = expect_json(
        app.send_inquiry(&key, "split-1", &json!({ "lines": lines })).await,
        StatusCode::CREATED,
    )
    .await;
    let sent: Vec<(String, i64, Value, Value)> = created["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            (
                l["text"].as_str().unwrap_or_default().to_owned(),
                l["quantity"].as_i64().unwrap_or_default(),
                l["unit"].clone(),
                l["split_from"].clone(),
            )
        })
        .collect();
    assert_eq!(
        sent,
        [
            ("速腾 机滤".to_owned(), 2, json!("个"), json!(0)),
            ("速腾 刹车片".to_owned(), 2, json!("个"), json!(0)),
            ("卡罗拉 机滤".to_owned(), 1, Value::Null, json!(1)),
            ("卡罗拉 空滤".to_owned(), 1, Value::Null, json!(1)),
            ("卡罗拉 空调滤".to_owned(), 1, Value::Null, json!(1)),
            ("W 712/75 x3".to_owned(), 3, Value::Null, Value::Null),
        ]
    );
    let warnings = created["warnings"].to_string();
    assert!(warnings.contains("line 1") && warnings.contains("line 2"), "{warnings}");

    let id = created["id"].as_str().expect("id");
    let seen = expect_json(app.get(&format!("/v1/inquiries/{id}"), &token).await, StatusCode::OK).await;
    let best = |i: usize| {
        seen["lines"][i]["candidates"][0]["sku"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!((best(0), best(2)), ("OF-3".to_owned(), "OF-2".to_owned()), "{seen}");
    assert_eq!(seen["quote"]["lines"].as_array().map(Vec::len), Some(6));
}
