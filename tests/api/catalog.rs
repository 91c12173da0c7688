//! Parts API and search over HTTP, on a small catalog that looks like a real dealer's.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

pub fn sample_parts() -> Vec<Value> {
    vec![
        json!({
            "sku": "BP-0986424735", "name": "刹车片(前) Front brake pads", "brand": "BOSCH", "category": "刹车系统",
            "unit": "套", "price": "268.00", "stock": 12, "article_number": "0 986 424 735",
            "oe_numbers": ["TOYOTA:04465-02061"], "cross_numbers": ["TRW:GDB3287"],
            "fitment": [{"make": "Toyota", "model": "Corolla", "year_from": 2003, "year_to": 2008, "engine": "1ZZ-FE"}]
        }),
        json!({
            "sku": "TRW-GDB3287", "name": "前刹车片", "brand": "TRW", "category": "刹车系统", "price": 199, "stock": 0,
            "article_number": "GDB3287",
            "fitment": [{"make": "Toyota", "model": "Corolla", "year_from": 2003, "year_to": 2008}]
        }),
        json!({
            "sku": "BR-09A82011", "name": "刹车盘(前)", "brand": "BREMBO", "category": "刹车系统", "price": "455.5", "stock": 4,
            "article_number": "09.A820.11",
            "fitment": [{"make": "Volkswagen", "model": "Sagitar", "year_from": 2019, "year_to": 2023}]
        }),
        json!({
            "sku": "VW-06J115403", "name": "机油滤清器", "brand": "VW", "category": "滤清器", "price": "58", "stock": 3,
            "article_number": "06J 115 403", "superseded_by": ["06J 115 403 Q"]
        }),
        json!({
            "sku": "VW-06J115403Q", "name": "机油格 Oil filter", "brand": "VW", "category": "滤清器", "price": "62", "stock": 30,
            "article_number": "06J 115 403 Q", "supersedes": ["06J 115 403"],
            "fitment": [{"make": "Volkswagen", "model": "Sagitar", "year_from": 2019, "year_to": 2023}]
        }),
        json!({
            "sku": "MF-W71275", "name": "机滤", "brand": "MANN-FILTER", "category": "滤清器", "price": "35", "stock": 50,
            "article_number": "W 712/75"
        }),
        json!({
            "sku": "NGK-BKR6E", "name": "火花塞 Spark plug", "brand": "NGK", "category": "点火系统", "price": "28", "stock": 100,
            "article_number": "BKR6E", "oe_numbers": ["HONDA:98079-5614E"]
        }),
    ]
}

/// The sample parts, searchable when this returns: a write waits for the index only up to a
/// bound, which a loaded machine running the whole suite can pass.
pub async fn load_catalog(app: &TestApp, token: &str) -> Vec<Value> {
    let mut created = Vec::new();
    for part in sample_parts() {
        created.push(expect_json(app.post("/v1/parts", Some(token), &part).await, StatusCode::CREATED).await);
    }
    let last = created
        .last()
        .and_then(|p| p["sku"].as_str())
        .unwrap_or_default()
        .to_owned();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !skus(&search(app, token, &q(&last)).await).contains(&last) {
        assert!(std::time::Instant::now() < deadline, "{last} never became searchable");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    created
}

async fn search(app: &TestApp, token: &str, query: &str) -> Value {
    expect_json(app.get(&format!("/v1/search?{query}"), token).await, StatusCode::OK).await
}

fn skus(result: &Value) -> Vec<String> {
    result["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .map(|h| h["part"]["sku"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn q(text: &str) -> String {
    format!("q={}", urlencode(text))
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn a_part_round_trips_with_numbers_fitment_and_exact_price() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let part = expect_json(
        app.post("/v1/parts", Some(&owner.token), &sample_parts()[0]).await,
        StatusCode::CREATED,
    )
    .await;
    assert!(part["id"].as_str().is_some_and(|id| id.starts_with("prt_")));
    assert_eq!(part["price"], "268.00");
    assert_eq!(part["currency"], "CNY");
    assert_eq!(part["brand"], "BOSCH");
    let numbers: Vec<(String, String)> = part["numbers"]
        .as_array()
        .expect("numbers")
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap_or_default().to_owned(),
                n["normalized"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        numbers,
        [
            ("article".into(), "0986424735".into()),
            ("oe".into(), "0446502061".into()),
            ("interchange".into(), "GDB3287".into())
        ]
    );
    assert_eq!(part["fitment"][0]["make"], "TOYOTA");
    let path = format!("/v1/parts/{}", part["id"].as_str().expect("id"));
    let fetched = expect_json(app.get(&path, &owner.token).await, StatusCode::OK).await;
    assert_eq!(fetched, part);

    let dup = app.post("/v1/parts", Some(&owner.token), &sample_parts()[0]).await;
    let problem = expect_problem(dup, StatusCode::CONFLICT, "sku_taken").await;
    assert_eq!(fields(&problem), ["/sku"]);
}

#[tokio::test]
async fn numbers_are_found_in_every_spelling() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    load_catalog(&app, &owner.token).await;
    for spelling in [
        "04465-02061",
        "04465 02061",
        "0446502061",
        "04465 02061",
        "04465-02061".to_lowercase().as_str(),
    ] {
        let r = search(&app, &owner.token, &q(spelling)).await;
        assert_eq!(r["mode"], "number", "{spelling}");
        assert_eq!(skus(&r)[0], "BP-0986424735", "{spelling}");
        assert_eq!(r["hits"][0]["matched_on"]["kind"], "oe");
        assert_eq!(r["hits"][0]["matched_on"]["value"], "04465-02061");
    }
    let r = search(&app, &owner.token, &q("0 986 424 735")).await;
    assert_eq!(r["hits"][0]["matched_on"]["kind"], "article");
    let r = search(&app, &owner.token, &q("w71275")).await;
    assert_eq!(skus(&r), ["MF-W71275"]);
}

#[tokio::test]
async fn a_number_with_a_quantity_written_against_it_is_found_without_it() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    load_catalog(&app, &owner.token).await;
    for (text, sku) in [
        ("09864247353个", "BP-0986424735"),
        ("04465020612套", "BP-0986424735"),
        ("BKR6E4pcs", "NGK-BKR6E"),
        ("06J 115 4031个", "VW-06J115403"),
        ("0446502061个", "BP-0986424735"),
    ] {
        let r = search(&app, &owner.token, &q(text)).await;
        assert_eq!(r["mode"], "number", "{text}: {r}");
        assert_eq!(skus(&r)[0], sku, "{text}");
        assert_eq!(r["hits"][0]["matched_on"]["precision"], "exact", "{text}");
    }
    // Against a vehicle or a word, the digits are the quantity.
    for (text, sku) in [
        ("front brake pads corolla2个", "BP-0986424735"),
        ("spark plug sagitar4pcs", "NGK-BKR6E"),
    ] {
        let r = search(&app, &owner.token, &q(text)).await;
        assert_eq!(r["mode"], "name", "{text}: {r}");
        assert_eq!(skus(&r)[0], sku, "{text}");
    }
}

#[tokio::test]
async fn interchange_both_ways_and_supersession_are_labelled() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    load_catalog(&app, &owner.token).await;

    let r = search(&app, &owner.token, &q("GDB 3287")).await;
    assert_eq!(skus(&r), ["TRW-GDB3287", "BP-0986424735"]);
    assert_eq!(r["hits"][1]["matched_on"]["kind"], "interchange");
    let r = search(&app, &owner.token, &q("0986424735")).await;
    assert_eq!(skus(&r), ["BP-0986424735", "TRW-GDB3287"]);
    assert_eq!(r["hits"][1]["matched_on"]["kind"], "interchange");
    assert_eq!(
        r["hits"][1]["part"]["in_stock"], false,
        "out-of-stock parts stay visible"
    );

    let r = search(&app, &owner.token, &q("06J115403")).await;
    assert_eq!(skus(&r), ["VW-06J115403", "VW-06J115403Q"]);
    assert_eq!(r["hits"][1]["matched_on"]["kind"], "supersedes");
}

#[tokio::test]
async fn chinese_and_english_names_with_slang_and_vehicles() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    load_catalog(&app, &owner.token).await;

    let r = search(&app, &owner.token, &q("前刹车片")).await;
    assert_eq!(r["mode"], "name");
    let found = skus(&r);
    assert!(
        found.contains(&"BP-0986424735".to_owned()) && found.contains(&"TRW-GDB3287".to_owned()),
        "{found:?}"
    );
    assert!(
        !found.contains(&"BR-09A82011".to_owned()),
        "discs are not pads: {found:?}"
    );

    // Default slang: 刹车皮 = 刹车片, 机滤 = 机油滤清器 = 机油格, 火嘴 = 火花塞.
    let found = skus(&search(&app, &owner.token, &q("刹车皮")).await);
    assert!(found.contains(&"TRW-GDB3287".to_owned()), "{found:?}");
    let mut found = skus(&search(&app, &owner.token, &q("机滤")).await);
    found.sort();
    assert_eq!(found, ["MF-W71275", "VW-06J115403", "VW-06J115403Q"]);
    assert_eq!(skus(&search(&app, &owner.token, &q("火嘴")).await), ["NGK-BKR6E"]);
    assert_eq!(
        skus(&search(&app, &owner.token, &q("spark plugs")).await),
        ["NGK-BKR6E"]
    );

    let r = search(
        &app,
        &owner.token,
        &format!("{}&make=volkswagen&model=sagitar&year=2020", q("刹车")),
    )
    .await;
    assert_eq!(skus(&r), ["BR-09A82011"]);
    assert_eq!(r["fitment_relaxed"], false);
    // No brake pad fits a 2012 Toyota: the answer says so and shows the best without the filter.
    let r = search(&app, &owner.token, &format!("{}&make=toyota&year=2012", q("刹车片"))).await;
    assert_eq!(r["fitment_relaxed"], true);
    assert_eq!(r["total"], 2);

    // A Sagitar VIN ranks the Sagitar oil filter first but hides nothing.
    let r = search(&app, &owner.token, &format!("{}&vin=LFV2A21K6K4012345", q("机油格"))).await;
    assert_eq!(skus(&r)[0], "VW-06J115403Q");
    assert_eq!(r["vehicle"]["make"], "VOLKSWAGEN");
    assert_eq!(r["vehicle"]["model"], "SAGITAR", "FAW-Volkswagen's type code 1K");
    assert_eq!(r["vehicle"]["model_year"], 2019);
    assert_eq!(r["total"], 3);
    assert!(
        r["warnings"].as_array().is_some_and(|w| !w.is_empty()),
        "check digit warning"
    );
}

#[tokio::test]
async fn facets_filters_and_paging() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    load_catalog(&app, &owner.token).await;
    let r = search(&app, &owner.token, "category=%E6%BB%A4%E6%B8%85%E5%99%A8").await;
    assert_eq!(r["total"], 3);
    assert_eq!(r["facets"]["category"], json!([{"value": "滤清器", "count": 3}]));
    let all = search(&app, &owner.token, "limit=3").await;
    assert_eq!(all["total"], 7);
    // Fewer than 10,000 match: the total and the facets count every one.
    assert_eq!(all["total_is_lower_bound"], false);
    assert_eq!(all["facets_complete"], true);
    let exact = search(&app, &owner.token, "limit=3&facets=exact").await;
    assert_eq!((&exact["total"], &exact["facets"]), (&all["total"], &all["facets"]));
    assert_eq!(skus(&exact), skus(&all));
    assert_eq!(all["facets"]["brand"][0], json!({"value": "VW", "count": 2}));
    let mut seen = skus(&all);
    let mut cursor = all["next_cursor"].as_str().map(str::to_owned);
    while let Some(c) = cursor {
        let page = search(&app, &owner.token, &format!("limit=3&cursor={c}")).await;
        seen.extend(skus(&page));
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 7);
    let r = search(&app, &owner.token, &format!("{}&in_stock=true", q("前刹车片"))).await;
    assert_eq!(skus(&r), ["BP-0986424735"]);
    let r = search(&app, &owner.token, "brand=bosch").await;
    assert_eq!(skus(&r), ["BP-0986424735"]);
}

#[tokio::test]
async fn an_edit_keeps_every_article_number() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let created = expect_json(
        app.post(
            "/v1/parts",
            Some(&owner.token),
            &json!({
                "sku": "LAMP-1", "name": "前大灯总成", "brand": "HELLA",
                "article_number": "1EL 010 001-01 L; 1EL 010 001-02 R", "price": "980"
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let path = format!("/v1/parts/{}", created["id"].as_str().expect("id"));
    let articles = |part: &Value| -> Vec<String> {
        let mut found: Vec<String> = part["numbers"]
            .as_array()
            .expect("numbers")
            .iter()
            .filter(|n| n["kind"] == "article")
            .map(|n| format!("{} {}", n["number"].as_str().unwrap_or_default(), n["side"]))
            .collect();
        found.sort();
        found
    };
    let before = articles(&created);
    assert_eq!(before.len(), 2, "{created}");
    let patched = expect_json(
        app.patch(&path, &owner.token, &json!({ "stock": 3 })).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        articles(&patched),
        before,
        "both numbers and their sides survive an edit"
    );
    assert_eq!(search(&app, &owner.token, &q("1EL010001-02")).await["total"], 1);
}

#[tokio::test]
async fn writes_are_searchable_when_they_return() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let created = load_catalog(&app, &owner.token).await;
    let plug = created.iter().find(|p| p["sku"] == "NGK-BKR6E").expect("plug");
    let path = format!("/v1/parts/{}", plug["id"].as_str().expect("id"));

    let patched = expect_json(
        app.patch(
            &path,
            &owner.token,
            &json!({ "name": "铱金火花塞", "stock": 0, "price": "31.5" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(patched["price"], "31.50");
    assert_eq!(patched["numbers"].as_array().map(Vec::len), Some(2), "numbers kept");
    let r = search(&app, &owner.token, &q("铱金")).await;
    assert_eq!(skus(&r), ["NGK-BKR6E"]);
    assert_eq!(r["hits"][0]["part"]["in_stock"], false);
    // A hit shows the part as just written, price and stock included.
    assert_eq!(r["hits"][0]["part"]["name"], "铱金火花塞");
    assert_eq!(r["hits"][0]["part"]["price"], "31.50");
    assert_eq!(r["hits"][0]["part"]["stock"], 0);

    expect_json(
        app.patch(&path, &owner.token, &json!({ "active": false })).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(search(&app, &owner.token, &q("BKR6E")).await["total"], 0);
    expect_json(
        app.patch(&path, &owner.token, &json!({ "active": true })).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(search(&app, &owner.token, &q("BKR6E")).await["total"], 1);

    assert_eq!(app.delete(&path, &owner.token).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(search(&app, &owner.token, &q("BKR6E")).await["total"], 0);
    expect_problem(app.get(&path, &owner.token).await, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn another_dealer_never_sees_the_catalog() {
    let app = spawn_app().await;
    let a = app.signup("Shunda", "owner@shunda.cn").await;
    let b = app.signup("Rival", "owner@rival.cn").await;
    let created = load_catalog(&app, &a.token).await;
    for query in [
        q("BP-0986424735"),
        q("0446502061"),
        q("刹车片"),
        "brand=BOSCH".to_owned(),
        String::new(),
    ] {
        let r = search(&app, &b.token, &query).await;
        assert_eq!(r["total"], 0, "{query}: {r}");
        assert_eq!(r["facets"]["brand"], json!([]));
    }
    let path = format!("/v1/parts/{}", created[0]["id"].as_str().expect("id"));
    expect_problem(app.get(&path, &b.token).await, StatusCode::NOT_FOUND, "not_found").await;
    expect_problem(
        app.patch(&path, &b.token, &json!({ "name": "x" })).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_problem(app.delete(&path, &b.token).await, StatusCode::NOT_FOUND, "not_found").await;
    let list = expect_json(app.get("/v1/parts", &b.token).await, StatusCode::OK).await;
    assert_eq!(list["items"], json!([]));
    // B may use the same SKU for its own part.
    expect_json(
        app.post("/v1/parts", Some(&b.token), &sample_parts()[0]).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        search(&app, &a.token, &q("0446502061")).await["total"],
        2,
        "A's own two, nothing of B's"
    );
}

#[tokio::test]
async fn shops_search_with_their_own_prices() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    load_catalog(&app, &owner.token).await;
    let customer = expect_json(
        app.post(
            "/v1/customers",
            Some(&owner.token),
            &json!({ "name": "老王汽修厂", "price_level": 12.5 }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let (_, key) = app.issue_key(&owner.token, customer["id"].as_str().expect("id")).await;
    let r = expect_json(
        app.get(&format!("/v1/shop/search?{}", q("04465-02061")), &key).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["hits"][0]["part"]["price"], "268.00");
    assert_eq!(r["hits"][0]["part"]["your_price"], "234.50");
    assert!(
        r["hits"][0]["part"].get("stock").is_none(),
        "shops see availability, not quantities"
    );
    expect_problem(
        app.get("/v1/shop/search", &owner.token).await,
        StatusCode::UNAUTHORIZED,
        "invalid_api_key",
    )
    .await;
    expect_problem(
        app.get("/v1/search", &key).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
}

#[tokio::test]
async fn synonyms_default_then_custom() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let viewer = app.add_staff(&owner, "viewer@shunda.cn", "viewer").await;
    load_catalog(&app, &owner.token).await;
    let defaults = expect_json(app.get("/v1/catalog/synonyms", &viewer.token).await, StatusCode::OK).await;
    assert_eq!(defaults["custom"], false);
    assert!(defaults["groups"].as_array().is_some_and(|g| g.len() > 5));

    let body = json!({ "groups": [["火花塞", "点火塞"]] });
    expect_problem(
        app.request(reqwest::Method::PUT, "/v1/catalog/synonyms", Some(&viewer.token))
            .json(&body)
            .send()
            .await
            .expect("send"),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let set = expect_json(
        app.request(reqwest::Method::PUT, "/v1/catalog/synonyms", Some(&owner.token))
            .json(&body)
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(set["custom"], true);
    assert_eq!(skus(&search(&app, &owner.token, &q("点火塞")).await), ["NGK-BKR6E"]);
    // The defaults no longer apply.
    assert_eq!(search(&app, &owner.token, &q("火嘴")).await["total"], 0);

    let bad = json!({ "groups": [["只有一个"]] });
    let problem = expect_problem(
        app.request(reqwest::Method::PUT, "/v1/catalog/synonyms", Some(&owner.token))
            .json(&bad)
            .send()
            .await
            .expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["/groups/0"]);
}

#[tokio::test]
async fn synonyms_set_on_one_server_are_read_on_another_within_a_second() {
    let Some((first, second)) = two_servers().await else {
        return;
    };
    let owner = first.signup("Shunda", "owner@shunda.cn").await;
    let tenant: partsdesk::ids::TenantId = owner.tenant_id.parse().expect("tenant id");
    let knows_the_new_word = async || {
        let lexicon = second
            .state
            .lexicons
            .get(&second.state.db, tenant)
            .await
            .expect("lexicon");
        lexicon.synonyms.groups().iter().flatten().any(|w| w == "点火塞")
    };
    assert!(!knows_the_new_word().await, "the built-in groups, now cached");
    let body = json!({ "groups": [["火花塞", "点火塞"]] });
    let set = first
        .request(reqwest::Method::PUT, "/v1/catalog/synonyms", Some(&owner.token))
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(set.status(), StatusCode::OK);
    within_a_second("the new groups on the second server", knows_the_new_word).await;
}

#[tokio::test]
async fn bad_catalog_and_search_input_names_the_field() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let sales = app.add_staff(&owner, "sales@shunda.cn", "sales").await;
    expect_problem(
        app.post("/v1/parts", Some(&sales.token), &sample_parts()[0]).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let cases = [
        (json!({ "name": "x" }), "/sku"),
        (json!({ "sku": "A1", "name": "x", "price": "12.345" }), "/price"),
        (json!({ "sku": "A1", "name": "x", "price": -3 }), "/price"),
        (json!({ "sku": "A1", "name": "x", "stock": -1 }), "/stock"),
        (json!({ "sku": "A1", "name": "x", "colour": "red" }), "/colour"),
        (json!({ "sku": "A".repeat(65), "name": "x" }), "/sku"),
        (
            json!({ "sku": "A1", "name": "x", "fitment": [{ "make": "VW", "year_from": 1800 }] }),
            "/fitment/0/year_from",
        ),
        (json!({ "sku": "A1", "name": "x", "currency": "yuan" }), "/currency"),
    ];
    for (body, field) in cases {
        let problem = expect_problem(
            app.post("/v1/parts", Some(&owner.token), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field], "{body}");
    }
    for (query, field) in [
        ("vin=LFV2A21K6K40I2345", "query.vin"),
        ("vin=SHORT", "query.vin"),
        ("limit=0", "query.limit"),
        ("limit=101", "query.limit"),
        ("year=3000", "query.year"),
        ("cursor=abc", "query.cursor"),
        ("cursor=10000", "query.cursor"),
        ("facets=all", "query.facets"),
        ("sort=price", "query.sort"),
    ] {
        let problem = expect_problem(
            app.get(&format!("/v1/search?{query}"), &owner.token).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field], "{query}");
    }
    let long = "刹".repeat(201);
    expect_problem(
        app.get(&format!("/v1/search?{}", q(&long)), &owner.token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    expect_problem(
        app.get("/v1/parts/prt_x", &owner.token).await,
        StatusCode::BAD_REQUEST,
        "invalid_id",
    )
    .await;
    let list = expect_json(app.get("/v1/parts", &owner.token).await, StatusCode::OK).await;
    assert_eq!(list["items"], json!([]), "nothing written");
}

#[tokio::test]
async fn a_dealers_vehicle_aliases_apply_to_its_searches_and_inquiries_only() {
    let app = spawn_app().await;
    let dealer = app.dealer_with_shop("Shunda", "owner@shunda.cn").await;
    let owner = &dealer.owner;
    let viewer = app.add_staff(owner, "viewer@shunda.cn", "viewer").await;
    let other = app.signup("Other", "owner@other.cn").await;
    load_catalog(&app, &other.token).await;
    let empty = expect_json(
        app.get("/v1/catalog/vehicle-aliases", &viewer.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(empty["aliases"], json!([]));
    // Before: `老速` is no vehicle, so a model filter on it leaves nothing and is relaxed.
    let before = search(
        &app,
        &owner.token,
        &format!("{}&model={}", q("刹车"), urlencode("老速")),
    )
    .await;
    assert_eq!(before["fitment_relaxed"], true);

    let body = json!({ "aliases": [
        { "alias": "小卡", "make": "丰田", "model": "卡罗拉" },
        { "alias": "老速", "make": "大众", "model": "Sagitar" },
    ] });
    let put = |token: &str, body: &Value| {
        app.request(reqwest::Method::PUT, "/v1/catalog/vehicle-aliases", Some(token))
            .json(body)
            .send()
    };
    expect_problem(
        put(&viewer.token, &body).await.expect("send"),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let set = expect_json(put(&owner.token, &body).await.expect("send"), StatusCode::OK).await;
    assert_eq!(set["aliases"][0]["alias"], "小卡");
    let read = expect_json(
        app.get("/v1/catalog/vehicle-aliases", &viewer.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["aliases"], set["aliases"]);

    // In the words of a search: recognised, taken out of the name, used as the fitment hint.
    let r = search(&app, &owner.token, &q("小卡 前刹车片")).await;
    assert_eq!(r["recognized_vehicle"]["make"], "TOYOTA", "{r}");
    assert_eq!(r["recognized_vehicle"]["model"], "COROLLA");
    assert_eq!(r["recognized_vehicle"]["words"], json!(["小卡"]));
    assert!(skus(&r).contains(&"TRW-GDB3287".to_owned()), "{r}");
    // As a filter value.
    let r = search(
        &app,
        &owner.token,
        &format!("{}&model={}", q("刹车"), urlencode("老速")),
    )
    .await;
    assert_eq!(r["fitment_relaxed"], false, "{r}");
    assert_eq!(skus(&r), ["BR-09A82011"]);
    // In an inquiry line: the fitment confirms the name match.
    let created = expect_json(
        app.send_inquiry(
            &dealer.key,
            "alias-1",
            &json!({ "lines": [{ "text": "小卡前刹车片 2套" }] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = created["id"].as_str().expect("id");
    let inquiry = expect_json(
        app.get(&format!("/v1/inquiries/{id}"), &owner.token).await,
        StatusCode::OK,
    )
    .await;
    let line = &inquiry["lines"][0];
    assert_eq!(line["quantity"], 2);
    assert_eq!(line["candidates"][0]["fits_vehicle"], true, "{line}");
    assert_eq!(line["confidence"], "high", "{line}");
    assert!(
        line["candidates"][0]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("小卡"),
        "{line}"
    );

    // Another dealer reads none of them, and its searches do not know them.
    let theirs = expect_json(
        app.get("/v1/catalog/vehicle-aliases", &other.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["aliases"], json!([]));
    let r = search(&app, &other.token, &q("小卡 前刹车片")).await;
    assert!(r["recognized_vehicle"].is_null(), "{r}");

    // Bad input names each field at fault and changes nothing.
    let bad = json!({ "aliases": [
        { "alias": "卡", "make": "丰田" },
        { "alias": "Xiaoka", "make": "" },
        { "alias": "xiaoka", "make": "丰田" },
    ] });
    let problem = expect_problem(
        put(&owner.token, &bad).await.expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        fields(&problem),
        ["/aliases/0/alias", "/aliases/1/make", "/aliases/2/alias"]
    );
    let unknown = json!({ "aliases": [{ "alias": "小卡", "make": "丰田", "trim": "GL" }] });
    let problem = expect_problem(
        put(&owner.token, &unknown).await.expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["/aliases/0/trim"]);
    let read = expect_json(
        app.get("/v1/catalog/vehicle-aliases", &owner.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["aliases"], set["aliases"]);
}
