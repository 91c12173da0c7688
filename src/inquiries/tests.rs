//! Receipt without HTTP: matching, the drafted quote, and retries under one idempotency key.

use serde_json::json;

use crate::entities::{Confidence, QuoteStatus};
use crate::testing::World;

#[tokio::test]
async fn an_inquiry_is_matched_drafted_and_received_once_however_often_it_is_retried() {
    let world = World::new().await;
    let dealer = world.dealer("Shunda").await;
    let plugs = world
        .part(
            &dealer,
            json!({ "sku": "NGK-BKR6E", "name": "火花塞", "brand": "NGK", "article_number": "BKR6E",
                    "price": "25.20", "stock": 10 }),
        )
        .await;
    let shop = world.shop(&dealer, "Dongfang Auto Repair").await;
    let inquiry = json!({ "reference": "工单 17", "lines": [
        { "text": "BKR6E", "quantity": 4 },
        { "text": "a part nobody sells", "quantity": 1 },
    ]});

    let first = world
        .inquire(&shop, "retry-me", inquiry.clone())
        .await
        .expect("received");
    assert_eq!(first.status, 201);
    assert!(!first.replayed);
    let id = first.response.id;
    let seen = super::get(&world.db, dealer.owner, id, world.now())
        .await
        .expect("the dealer sees it");
    assert_eq!(seen.lines[0].confidence, Confidence::Exact);
    assert_eq!(seen.lines[0].candidates[0].part_id, plugs.id);
    assert!(seen.lines[1].candidates.is_empty());
    let quote = crate::quotes::load_for_inquiry(&world.db, dealer.tenant.id, id)
        .await
        .expect("a draft");
    assert_eq!(quote.quote.status, QuoteStatus::Draft);
    assert_eq!(quote.offered().count(), 1, "only the matched line is priced");

    // A retry (formatting aside, the same request) replays the first response.
    let retry = world
        .inquire(
            &shop,
            "retry-me",
            serde_json::from_str(&inquiry.to_string()).expect("json"),
        )
        .await
        .expect("replayed");
    assert!(retry.replayed);
    assert_eq!(retry.response.id, id);

    // Another request under the same key is the client's bug, refused, and stores nothing.
    let reused = world
        .inquire(
            &shop,
            "retry-me",
            json!({ "lines": [{ "text": "BKR6E", "quantity": 8 }] }),
        )
        .await
        .expect_err("refused");
    assert_eq!(reused.code(), "validation_failed");
    assert_eq!(reused.field_errors()[0].code, "idempotency_key_reused");
    let all = super::list_for_staff(&world.db, dealer.owner, Default::default(), world.now())
        .await
        .expect("list");
    assert_eq!(all.items.len(), 1);

    // Another dealer cannot read it.
    let other = world.dealer("Elsewhere").await;
    let hidden = super::get(&world.db, other.owner, id, world.now())
        .await
        .expect_err("hidden");
    assert_eq!(hidden.code(), "not_found");
}
