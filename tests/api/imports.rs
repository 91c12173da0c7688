//! Catalog imports and exports over HTTP.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

async fn upload(app: &TestApp, token: &str, query: &str, content_type: &str, body: Vec<u8>) -> reqwest::Response {
    app.request(Method::POST, &format!("/v1/catalog/imports?{query}"), Some(token))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("send")
}

async fn import_csv(app: &TestApp, token: &str, csv: &str) -> Value {
    expect_json(
        upload(app, token, "wait=true", "text/csv", csv.as_bytes().to_vec()).await,
        StatusCode::OK,
    )
    .await
}

async fn search_total(app: &TestApp, token: &str, q: &str) -> u64 {
    let q: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let r = expect_json(app.get(&format!("/v1/search?q={q}"), token).await, StatusCode::OK).await;
    r["total"].as_u64().unwrap_or(0)
}

const CHINESE_CSV: &str = "编码,名称,品牌,价格,库存,OE号,互换号,适用车型,颜色\n\
BP-0986424735,刹车片(前),BOSCH,268.00,12,\"TOYOTA:04465-02061; 04465-0K290\",TRW:GDB3287,TOYOTA|COROLLA|2003-2008|1ZZ-FE,黑\n\
MF-W71275,机滤,MANN-FILTER,35,50,,,\"VOLKSWAGEN|SAGITAR|2019-2023\",\n";

#[tokio::test]
async fn chinese_csv_with_bom_or_gbk_imports_and_is_searchable() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(CHINESE_CSV.as_bytes());
    let done = expect_json(
        upload(&app, &owner.token, "wait=true", "text/csv", bom).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(
        (done["rows_read"].as_i64(), done["inserted"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(done["encoding"], "utf-8");
    assert_eq!(search_total(&app, &owner.token, "04465 0K290").await, 1);
    assert_eq!(search_total(&app, &owner.token, "机油滤清器").await, 1);

    let parts = expect_json(app.get("/v1/parts?sku_prefix=BP-", &owner.token).await, StatusCode::OK).await;
    assert_eq!(parts["items"][0]["attributes"], json!({ "颜色": "黑" }));
    assert_eq!(parts["items"][0]["price"], "268.00");

    // The same file from Chinese Excel (GBK) changes nothing.
    let gbk = encoding_rs::GBK.encode(CHINESE_CSV).0.into_owned();
    let again = expect_json(
        upload(&app, &owner.token, "wait=true", "text/csv", gbk).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["encoding"], "gb18030");
    assert_eq!(
        (again["unchanged"].as_i64(), again["inserted"].as_i64()),
        (Some(2), Some(0))
    );
}

#[tokio::test]
async fn bad_rows_are_rejected_alone_with_line_and_column() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let csv = "sku,name,price,stock\nA1,好零件,10,1\n,没有编码,5,1\nA2,坏价格,abc,1\nA3,负库存,1,-4\nA1,重复的,11,2\n";
    let done = import_csv(&app, &owner.token, csv).await;
    assert_eq!(done["state"], "succeeded");
    assert_eq!(done["rows_read"], 5);
    assert_eq!(done["rejected"], 3);
    assert_eq!(done["inserted"], 1);
    assert_eq!(
        done["updated"], 0,
        "a repeated SKU in one batch keeps only the last row"
    );
    let issues: Vec<(u64, String, String)> = done["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap_or(0),
                e["column"].as_str().unwrap_or_default().to_owned(),
                e["severity"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        issues,
        [
            (3, "sku".into(), "error".into()),
            (4, "price".into(), "error".into()),
            (5, "stock".into(), "error".into()),
            (6, "sku".into(), "warning".into())
        ]
    );
    let part = expect_json(app.get("/v1/parts", &owner.token).await, StatusCode::OK).await;
    assert_eq!(part["items"][0]["name"], "重复的", "last wins");

    // The same issues as a spreadsheet to fix the file by.
    let id = done["id"].as_str().expect("id");
    let sheet = app
        .request(Method::GET, &format!("/v1/catalog/imports/{id}"), Some(&owner.token))
        .header("accept", "text/csv")
        .send()
        .await
        .expect("send");
    assert_eq!(sheet.status(), StatusCode::OK);
    assert!(
        sheet.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/csv")
    );
    assert!(
        sheet.headers()["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .contains(&format!("import-{id}-issues.csv"))
    );
    let text = sheet.text().await.expect("body");
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let lines: Vec<(String, String, String)> = rows
        .records()
        .map(|r| r.expect("record"))
        .map(|r| (r[0].to_owned(), r[1].to_owned(), r[2].to_owned()))
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[1], ("4".into(), "price".into(), "error".into()));
    assert_eq!(
        &rows.headers().expect("header").iter().collect::<Vec<_>>(),
        &["line", "column", "severity", "code", "message"]
    );
}

/// PostgreSQL cannot store U+0000: a cell holding one rejects its row, the good rows import, and
/// no database wording reaches the dealer.
#[tokio::test]
async fn a_control_character_in_a_cell_rejects_that_row_alone() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let csv = "sku,name,oe,颜色\nA1,刹车片,04465-02061,黑\nA2,机滤,90915\u{0}YZZE1,\nA3,空滤,,红\u{0}\nA4,火花塞,,\n";
    let done = import_csv(&app, &owner.token, csv).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(
        (done["inserted"].as_i64(), done["rejected"].as_i64()),
        (Some(2), Some(2))
    );
    let issues: Vec<(u64, &str, &str)> = done["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap_or(0),
                e["column"].as_str().unwrap_or_default(),
                e["code"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        issues,
        [(3, "oe", "invalid_characters"), (4, "颜色", "invalid_characters")]
    );
    assert_eq!(search_total(&app, &owner.token, "04465-02061").await, 1);

    let ndjson = "{\"sku\":\"N1\",\"name\":\"x\",\"oe_numbers\":[{\"brand\":\"T\\u0000\",\"number\":\"1\"}]}\n{\"sku\":\"N2\",\"name\":\"y\"}\n";
    let done = expect_json(
        upload(&app, &owner.token, "wait=true", "application/x-ndjson", ndjson.into()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (done["inserted"].as_i64(), done["rejected"].as_i64()),
        (Some(1), Some(1)),
        "{done}"
    );
    assert_eq!(done["errors"][0]["column"], "oe_numbers");
}

#[tokio::test]
async fn whole_file_problems_write_nothing() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let problem = expect_problem(
        upload(&app, &owner.token, "wait=true", "text/csv", Vec::new()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "invalid_header");
    let problem = expect_problem(
        upload(
            &app,
            &owner.token,
            "wait=true",
            "text/csv",
            b"name,price\nx,1\n".to_vec(),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("sku"))
    );
    let gbk = encoding_rs::GBK.encode(CHINESE_CSV).0.into_owned();
    let problem = expect_problem(
        upload(&app, &owner.token, "wait=true&encoding=utf-8", "text/csv", gbk).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["query.encoding"]);
    expect_problem(
        upload(&app, &owner.token, "wait=true", "application/pdf", b"%PDF".to_vec()).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    expect_problem(
        upload(
            &app,
            &owner.token,
            "encoding=latin9",
            "text/csv",
            b"sku,name\n".to_vec(),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let header_only = import_csv(&app, &owner.token, "sku,name\n").await;
    assert_eq!(
        (header_only["state"].as_str(), header_only["rows_read"].as_i64()),
        (Some("succeeded"), Some(0))
    );
    let parts = expect_json(app.get("/v1/parts", &owner.token).await, StatusCode::OK).await;
    assert_eq!(parts["items"], json!([]));
}

#[tokio::test]
async fn a_fifty_megabyte_line_is_one_rejected_row() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let mut csv = String::from("sku,name,description\nOK-1,火花塞,fine\nBIG-1,大,");
    csv.push_str(&"x".repeat(50 * 1024 * 1024));
    csv.push_str("\nOK-2,机滤,fine\n");
    let done = import_csv(&app, &owner.token, &csv).await;
    assert_eq!(
        (done["inserted"].as_i64(), done["rejected"].as_i64()),
        (Some(2), Some(1)),
        "{}",
        done["errors"]
    );
    assert_eq!(done["errors"][0]["column"], "description");
    assert_eq!(done["errors"][0]["code"], "too_long");
}

#[tokio::test]
async fn ndjson_and_replace_mode() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let lines = [
        json!({"sku": "A1", "name": "火花塞", "price": 28, "stock": 10, "oe_numbers": [{"brand": "HONDA", "number": "98079-5614E"}], "shelf": "B-3"}),
        json!({"sku": "A2", "name": "机滤", "fitment": [{"make": "VW", "model": "GOLF", "year_from": 2015, "year_to": 2020}]}),
        json!({"sku": "A3", "name": "空滤"}),
    ];
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let done = expect_json(
        upload(
            &app,
            &owner.token,
            "wait=true",
            "application/x-ndjson",
            body.into_bytes(),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["inserted"], 3);
    assert_eq!(search_total(&app, &owner.token, "98079 5614E").await, 1);
    let a1 = expect_json(app.get("/v1/parts?sku_prefix=A1", &owner.token).await, StatusCode::OK).await;
    assert_eq!(a1["items"][0]["attributes"], json!({ "shelf": "B-3" }));

    let replace = "sku,name\nA1,火花塞\nA2,机滤\n";
    let done = expect_json(
        upload(
            &app,
            &owner.token,
            "wait=true&mode=replace",
            "text/csv",
            replace.as_bytes().to_vec(),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["deactivated"], 1);
    assert_eq!(search_total(&app, &owner.token, "空滤").await, 0);
    let inactive = expect_json(app.get("/v1/parts?active=false", &owner.token).await, StatusCode::OK).await;
    assert_eq!(inactive["items"][0]["sku"], "A3");
    // Importing it again brings it back.
    import_csv(&app, &owner.token, "sku,name\nA3,空滤\n").await;
    assert_eq!(search_total(&app, &owner.token, "空滤").await, 1);
}

#[tokio::test]
async fn background_import_reports_progress_at_its_location() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let other = app.signup("Rival", "owner@rival.cn").await;
    let mut csv = String::from("sku,name,price\n");
    for i in 0..2_500 {
        csv.push_str(&format!("SKU-{i:05},刹车片 {i},{}.50\n", 100 + i));
    }
    let resp = upload(&app, &owner.token, "", "text/csv", csv.into_bytes()).await;
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("Location")
        .to_owned();
    let accepted = expect_json(resp, StatusCode::ACCEPTED).await;
    assert!(matches!(
        accepted["state"].as_str(),
        Some("queued" | "running" | "succeeded")
    ));
    let mut state = Value::Null;
    for _ in 0..500 {
        state = expect_json(app.get(&location, &owner.token).await, StatusCode::OK).await;
        if state["state"] == "succeeded" || state["state"] == "failed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(state["state"], "succeeded", "{state}");
    assert_eq!(state["inserted"], 2_500);
    assert!(state["elapsed_ms"].as_i64().is_some());
    expect_problem(
        app.get(&location, &other.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let list = expect_json(app.get("/v1/catalog/imports", &other.token).await, StatusCode::OK).await;
    assert_eq!(list["items"], json!([]));

    // Every member of staff follows imports; only owners and admins start them.
    for role in ["sales", "viewer"] {
        let staff = app.add_staff(&owner, &format!("{role}@shunda.cn"), role).await;
        let one = expect_json(app.get(&location, &staff.token).await, StatusCode::OK).await;
        assert_eq!(one["inserted"], 2_500);
        let list = expect_json(app.get("/v1/catalog/imports", &staff.token).await, StatusCode::OK).await;
        assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
        expect_problem(
            upload(&app, &staff.token, "", "text/csv", b"sku,name\nX,y\n".to_vec()).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
}

#[tokio::test]
async fn export_round_trips_and_reindex_gives_the_same_answers() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    for part in crate::catalog::sample_parts() {
        expect_json(
            app.post("/v1/parts", Some(&owner.token), &part).await,
            StatusCode::CREATED,
        )
        .await;
    }
    let resp = app.get("/v1/catalog/export", &owner.token).await;
    assert!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("text/csv"))
    );
    let csv = resp.text().await.expect("body");
    assert_eq!(csv.lines().count(), 8, "{csv}");
    let again = import_csv(&app, &owner.token, &csv).await;
    assert_eq!(
        (
            again["unchanged"].as_i64(),
            again["updated"].as_i64(),
            again["rejected"].as_i64()
        ),
        (Some(7), Some(0), Some(0)),
        "{again}"
    );

    let queries = ["04465-02061", "GDB3287", "06J115403", "前刹车片", "机滤", "spark plug"];
    let mut before = Vec::new();
    for q in queries {
        before.push(search_total(&app, &owner.token, q).await);
    }
    app.state.indexer.rebuild().await.expect("rebuild");
    for (q, expected) in queries.iter().zip(before) {
        assert_eq!(search_total(&app, &owner.token, q).await, expected, "{q}");
    }
    let other = app.signup("Rival", "owner@rival.cn").await;
    let theirs = app
        .get("/v1/catalog/export", &other.token)
        .await
        .text()
        .await
        .expect("body");
    assert_eq!(theirs.lines().count(), 1, "header only");
}

/// Browsers ask for gzip or br; a streamed download must arrive whole under either, over
/// several pages of parts.
#[tokio::test]
async fn the_export_arrives_whole_when_compressed() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let mut csv = String::from("sku,name,brand,price,stock\n");
    for i in 0..2_500 {
        csv.push_str(&format!(
            "SKU-{i:05},机油滤清器 {i},MANN,{}.50,{}\n",
            10 + i % 90,
            i % 7
        ));
    }
    let report = import_csv(&app, &owner.token, &csv).await;
    assert_eq!(report["inserted"].as_i64(), Some(2_500), "{report}");
    let plain = app
        .request(reqwest::Method::GET, "/v1/catalog/export", Some(&owner.token))
        .header("accept-encoding", "identity")
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("an uncompressed body");
    assert_eq!(plain.lines().count(), 2_501);

    let raw = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .build()
        .expect("client");
    for encoding in ["gzip", "br"] {
        let resp = raw
            .get(format!("{}/v1/catalog/export", app.base))
            .bearer_auth(&owner.token)
            .header("accept-encoding", encoding)
            .send()
            .await
            .expect("send");
        assert_eq!(
            resp.headers().get("content-encoding").and_then(|v| v.to_str().ok()),
            Some(encoding)
        );
        assert!(!resp.bytes().await.expect("the whole compressed body").is_empty());

        let decoding = reqwest::Client::builder()
            .gzip(encoding == "gzip")
            .brotli(encoding == "br")
            .build()
            .expect("client");
        let body = decoding
            .get(format!("{}/v1/catalog/export", app.base))
            .bearer_auth(&owner.token)
            .send()
            .await
            .expect("send")
            .text()
            .await
            .expect("a complete, decodable body");
        assert_eq!(body, plain, "{encoding}");
    }
}

#[tokio::test]
async fn imports_left_running_by_a_crash_are_marked_failed() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let done = import_csv(&app, &owner.token, "sku,name\nA1,火花塞\n").await;
    let id = done["id"].as_str().expect("id");
    app.state
        .db
        .execute_unprepared("UPDATE catalog_imports SET state = 'running', finished_at = NULL")
        .await
        .expect("simulate a crash");
    let n = partsdesk::catalog::import::fail_interrupted(&app.state.db, chrono::Utc::now())
        .await
        .expect("fail");
    assert_eq!(n, 1);
    let job = expect_json(
        app.get(&format!("/v1/catalog/imports/{id}"), &owner.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(job["state"], "failed");
    assert!(job["failure"].as_str().is_some_and(|f| f.contains("restart")));
    // The committed batch stays.
    assert_eq!(search_total(&app, &owner.token, "火花塞").await, 1);
}

#[tokio::test]
async fn concurrent_imports_and_indexing_do_not_lock_each_other_out() {
    let app = spawn_app().await;
    let a = app.signup("Shunda", "owner@shunda.cn").await;
    let b = app.signup("Rival", "owner@rival.cn").await;
    let file = |prefix: &str| {
        let mut csv = String::from("sku,name,price\n");
        for i in 0..3_000 {
            csv.push_str(&format!("{prefix}-{i:05},机油滤清器 {i},{}.00\n", 10 + i % 90));
        }
        csv
    };
    let (fa, fb) = (file("A"), file("B"));
    let (ra, rb) = tokio::join!(import_csv(&app, &a.token, &fa), import_csv(&app, &b.token, &fb));
    for done in [ra, rb] {
        assert_eq!(
            (done["state"].as_str(), done["inserted"].as_i64()),
            (Some("succeeded"), Some(3_000)),
            "{done}"
        );
    }
    assert_eq!(search_total(&app, &a.token, "A-00042").await, 1);
    assert_eq!(search_total(&app, &b.token, "A-00042").await, 0);
}

#[tokio::test]
async fn a_lost_index_is_rebuilt_whole_by_the_next_drain() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    crate::catalog::load_catalog(&app, &owner.token).await;
    // Every change is applied and its outbox row gone; then the index is lost (a new, empty
    // one, as after deleting the directory or a change of layout).
    let lost = std::sync::Arc::new(search_index::SearchIndex::in_memory().expect("index"));
    let indexer = partsdesk::search::indexer::Indexer::new(app.state.db.clone(), std::sync::Arc::clone(&lost));
    indexer.drain().await.expect("drain");
    assert_eq!(lost.count(&owner.tenant_id).expect("count"), 7);
}

#[tokio::test]
async fn the_index_counts_as_current_only_after_a_drain_following_every_write() {
    let app = spawn_app().await;
    let lost = std::sync::Arc::new(search_index::SearchIndex::in_memory().expect("index"));
    let indexer = partsdesk::search::indexer::Indexer::new(app.state.db.clone(), lost);
    // Changes of an earlier process may be waiting.
    assert!(!indexer.caught_up());
    indexer.drain().await.expect("drain");
    assert!(indexer.caught_up());
    indexer.nudge();
    assert!(!indexer.caught_up(), "a write was announced");
    indexer.drain().await.expect("drain");
    assert!(indexer.caught_up());
}

#[tokio::test]
async fn a_reimport_mixing_changed_and_new_parts_replaces_the_changed_numbers() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    import_csv(
        &app,
        &owner.token,
        "sku,name,oe_numbers,fitment\nA-1,前刹车片,TOYOTA:04465-02061,TOYOTA|COROLLA|2003-2008\nB-1,机滤,06J115403,\n",
    )
    .await;
    // A changed part listed before a new one, in one batch.
    let again = import_csv(
        &app,
        &owner.token,
        "sku,name,oe_numbers,fitment\nA-1,前刹车片,TOYOTA:04465-0K290,HONDA|CIVIC|2016-2021\nC-1,火花塞,90919-01253,\n",
    )
    .await;
    assert_eq!(
        (again["inserted"].as_i64(), again["updated"].as_i64()),
        (Some(1), Some(1)),
        "{again}"
    );
    let parts = expect_json(app.get("/v1/parts?sku_prefix=A-", &owner.token).await, StatusCode::OK).await;
    let numbers: Vec<&str> = parts["items"][0]["numbers"]
        .as_array()
        .expect("numbers")
        .iter()
        .filter_map(|n| n["normalized"].as_str())
        .collect();
    assert_eq!(numbers, ["A1", "044650K290"], "{parts}");
    assert_eq!(parts["items"][0]["fitment"].as_array().map(Vec::len), Some(1));
    assert_eq!(search_total(&app, &owner.token, "04465-02061").await, 0);
    assert_eq!(search_total(&app, &owner.token, "04465-0K290").await, 1);

    // What the import handed to the index equals what a rebuild reads from the database.
    let queries = ["04465-0K290", "06J115403", "90919-01253", "刹车片", "机滤", "A-1"];
    let mut handed = Vec::new();
    for q in queries {
        handed.push(search_hits(&app, &owner.token, q).await);
    }
    app.state.indexer.rebuild().await.expect("rebuild");
    for (q, expected) in queries.iter().zip(handed) {
        assert_eq!(search_hits(&app, &owner.token, q).await, expected, "{q}");
    }
}

/// A search's hits in order (without their scores), total and facets. Text scores depend on
/// the index's history: a replaced document still counts in its words' statistics until a
/// merge drops it, so a rebuilt index scores the same hits, in the same order, a little
/// differently.
async fn search_hits(app: &TestApp, token: &str, q: &str) -> Value {
    let q: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let mut r = expect_json(app.get(&format!("/v1/search?q={q}"), token).await, StatusCode::OK).await;
    let mut hits = r["hits"].take();
    for hit in hits.as_array_mut().into_iter().flatten() {
        hit.as_object_mut().map(|h| h.remove("score"));
    }
    json!({ "hits": hits, "total": r["total"].take(), "facets": r["facets"].take() })
}

#[tokio::test]
async fn a_new_installation_counts_its_empty_index_as_built() {
    let app = spawn_app().await;
    // Before any part exists the first drain records the empty index as complete, so the
    // first import is applied change by change (as handed over), not as a lost index rebuilt.
    assert_eq!(app.state.indexer.drain().await.expect("drain"), 0);
    assert_eq!(app.state.indexer.index().last_applied().expect("meta"), Some(0));
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    crate::catalog::load_catalog(&app, &owner.token).await;
    app.state.indexer.drain().await.expect("drain");
    assert_eq!(app.state.indexer.index().count(&owner.tenant_id).expect("count"), 7);
    assert!(app.state.indexer.index().last_applied().expect("meta") > Some(0));
}

#[tokio::test]
async fn a_first_import_repeating_a_sku_in_a_later_batch_updates_it() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    // More rows than one batch writes (10,000): the last row repeats the first SKU, which the
    // first batch put in the catalog before the last one is written.
    let mut csv = String::from("sku,name,price\n");
    for i in 0..10_050 {
        csv.push_str(&format!("BP-{i:05},刹车片(前),{}.00\n", 100 + i % 50));
    }
    csv.push_str("BP-00000,刹车片(后),99.50\n");
    let job = import_csv(&app, &owner.token, &csv).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(
        (
            job["inserted"].as_i64(),
            job["updated"].as_i64(),
            job["rows_read"].as_i64()
        ),
        (Some(10_050), Some(1), Some(10_051)),
        "{job}"
    );
    let parts = expect_json(
        app.get("/v1/parts?sku_prefix=BP-00000", &owner.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(parts["items"].as_array().map(Vec::len), Some(1), "{parts}");
    assert_eq!(parts["items"][0]["name"], "刹车片(后)", "{parts}");
    assert_eq!(parts["items"][0]["price"], "99.50", "{parts}");
}

/// A batch planned without looking its SKUs up (a first import into an empty catalog) finds
/// one taken by a write meanwhile: its insert fails on the unique SKU index, and the batch,
/// planned again with lookups, updates that part instead of failing the import.
#[tokio::test]
async fn a_batch_planned_as_all_new_is_planned_again_when_a_sku_was_taken_meanwhile() {
    use partsdesk::catalog::part::{Extra, PartRequest};
    use partsdesk::catalog::store::{self, Existing, Hashed};
    use partsdesk::clock::Clock;
    use partsdesk::ids::TenantId;

    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let tenant: TenantId = owner.tenant_id.parse().expect("tenant id");
    // The write meanwhile.
    import_csv(&app, &owner.token, "sku,name\nBP-1,刹车片\n").await;

    let inputs = || {
        ["BP-1", "BP-2"]
            .map(|sku| {
                let request: PartRequest =
                    serde_json::from_value(json!({"sku": sku, "name": "刹车片(前)", "price": "268.00"}))
                        .expect("request");
                Hashed::new(request.validate("CNY", Extra::Reject).expect("valid"))
            })
            .into_iter()
            .collect::<Vec<_>>()
    };
    let db = &app.state.db;
    let now = app.clock.now();
    let txn = partsdesk::db::begin_write(db).await.expect("begin");
    let planned = store::plan_by_sku(&txn, tenant, inputs(), Existing::None)
        .await
        .expect("plan");
    let failed = store::apply(&txn, tenant, &planned, now).await;
    assert!(
        matches!(failed, Err(partsdesk::error::Error::Conflict { code: "sku_taken", .. })),
        "{failed:?}"
    );
    drop(txn);

    let txn = partsdesk::db::begin_write(db).await.expect("begin");
    let planned = store::plan_by_sku(&txn, tenant, store::replan(planned), Existing::LookUp)
        .await
        .expect("plan");
    let applied = store::apply(&txn, tenant, &planned, now).await.expect("apply");
    txn.commit().await.expect("commit");
    assert_eq!((applied.inserted, applied.updated), (1, 1));
    let parts = expect_json(app.get("/v1/parts?sku_prefix=BP-", &owner.token).await, StatusCode::OK).await;
    let names: Vec<(&str, &str)> = parts["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|p| Some((p["sku"].as_str()?, p["name"].as_str()?)))
        .collect();
    assert_eq!(names, [("BP-1", "刹车片(前)"), ("BP-2", "刹车片(前)")], "{parts}");
}

/// Hundreds of parts of one name score alike: a rebuilt index answers them in the same order,
/// and pages through them without repeating or skipping one.
#[tokio::test]
async fn equal_scores_keep_their_order_through_a_reindex_and_across_pages() {
    let app = spawn_app().await;
    let owner = app.signup("Shunda", "owner@shunda.cn").await;
    let mut csv = String::from("sku,name,brand,price\n");
    for i in 0..300 {
        csv.push_str(&format!("OF-{i:04},机油滤清器,MANN,35.00\n"));
    }
    let report = import_csv(&app, &owner.token, &csv).await;
    assert_eq!(report["inserted"].as_i64(), Some(300), "{report}");
    let all_pages = || async {
        let mut skus = Vec::new();
        let mut cursor = String::new();
        loop {
            let r = expect_json(
                app.get(
                    &format!("/v1/search?q=%E6%9C%BA%E6%BB%A4&limit=50{cursor}"),
                    &owner.token,
                )
                .await,
                StatusCode::OK,
            )
            .await;
            skus.extend(
                r["hits"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|h| h["part"]["sku"].as_str().unwrap_or_default().to_owned()),
            );
            match r["next_cursor"].as_str() {
                Some(next) => cursor = format!("&cursor={next}"),
                None => return skus,
            }
        }
    };
    let before = all_pages().await;
    let distinct: std::collections::HashSet<&String> = before.iter().collect();
    assert_eq!((before.len(), distinct.len()), (300, 300), "pages repeat or skip a hit");

    app.state.indexer.rebuild().await.expect("rebuild");
    assert_eq!(all_pages().await, before);
}
