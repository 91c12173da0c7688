//! A quote's life without HTTP: staff edit and send the draft, the shop buys part of it, and a
//! retried accept returns the one order.

use chrono::Duration;
use serde_json::json;

use crate::entities::QuoteStatus;
use crate::testing::{Dealer, World, body};

/// A sent-ready draft of two matched lines: 4 spark plugs and 2 oil filters.
async fn drafted(world: &World, dealer: &Dealer, shop: &crate::auth::Shop) -> super::FullQuote {
    world
        .part(
            dealer,
            json!({ "sku": "NGK-BKR6E", "name": "火花塞", "brand": "NGK", "article_number": "BKR6E",
                    "price": "25.20", "stock": 10 }),
        )
        .await;
    world
        .part(
            dealer,
            json!({ "sku": "MANN-W71275", "name": "机油滤清器", "brand": "MANN", "article_number": "W 712/75",
                    "price": "31.50", "stock": 1 }),
        )
        .await;
    let inquiry = world
        .inquire(
            shop,
            "job-1",
            json!({ "lines": [{ "text": "BKR6E", "quantity": 4 }, { "text": "W712/75", "quantity": 2 }] }),
        )
        .await
        .expect("received");
    super::load_for_inquiry(&world.db, dealer.tenant.id, inquiry.response.id)
        .await
        .expect("draft")
}

/// The draft above, sent as it is.
async fn sent() -> (World, Dealer, crate::auth::Shop, crate::ids::QuoteId) {
    let world = World::new().await;
    let dealer = world.dealer("Shunda").await;
    let shop = world.shop(&dealer, "Dongfang Auto Repair").await;
    let quote = drafted(&world, &dealer, &shop).await.quote.id;
    super::review::send(&world.db, dealer.owner, quote, world.now())
        .await
        .expect("sent");
    (world, dealer, shop, quote)
}

#[tokio::test]
async fn staff_edit_and_send_then_the_shop_buys_part_and_a_retry_finds_the_same_order() {
    let world = World::new().await;
    let dealer = world.dealer("Shunda").await;
    let shop = world.shop(&dealer, "Dongfang Auto Repair").await;
    let draft = drafted(&world, &dealer, &shop).await;
    let (plugs, filters) = (&draft.lines[0], &draft.lines[1]);
    let filter = draft.option(filters.id, 0).expect("a proposal");
    assert_eq!(
        (filter.quantity, filter.backorder_quantity),
        (1, 1),
        "one in stock, one on backorder"
    );

    // A special price on the plugs, for six.
    let plug_part = draft.option(plugs.id, 0).expect("a proposal").part_id;
    let edited = super::review::edit(
        &world.db,
        dealer.owner,
        draft.quote.id,
        body(json!({ "note": "今天下午送到", "lines": [
            { "id": plugs.id, "options": [{ "part_id": plug_part, "unit_price": "22.00", "quantity": 6 }] },
        ]})),
        world.now(),
    )
    .await
    .expect("edited");
    let proposal = edited.option(plugs.id, 0).expect("a proposal");
    assert_eq!((proposal.unit_price_minor, proposal.quantity), (2200, 6));
    assert!(edited.lines[0].changed_by_staff);

    world.clock.advance(Duration::minutes(3));
    let sent = super::review::send(&world.db, dealer.owner, draft.quote.id, world.now())
        .await
        .expect("sent");
    assert_eq!(sent.quote.status, QuoteStatus::Sent);
    let late_edit = super::review::edit(
        &world.db,
        dealer.owner,
        draft.quote.id,
        body(json!({ "note": "x" })),
        world.now(),
    )
    .await
    .expect_err("a sent quote is not a draft");
    assert_eq!(late_edit.code(), "invalid_transition");

    // Another dealer's shop cannot see, let alone buy, it.
    let stranger = world.dealer("Elsewhere").await;
    let strangers_shop = world.shop(&stranger, "Someone").await;
    let refused = super::decisions::accept(&world.db, &strangers_shop, draft.quote.id, body(json!({})), world.now())
        .await
        .expect_err("hidden");
    assert_eq!(refused.code(), "not_found");

    // The shop buys four of the plugs only.
    let accept = || json!({ "lines": [{ "line_id": plugs.id, "quantity": 4 }] });
    let bought = super::decisions::accept(&world.db, &shop, draft.quote.id, body(accept()), world.now())
        .await
        .expect("accepted");
    assert!(bought.created);
    assert_eq!(bought.order.lines.len(), 1);
    assert_eq!(bought.order.lines[0].quantity, 4);
    assert_eq!(bought.order.total, "88.00");
    let after = super::load(&world.db, dealer.tenant.id, draft.quote.id)
        .await
        .expect("quote");
    assert_eq!(after.quote.status, QuoteStatus::PartiallyAccepted);
    assert_eq!(after.order_id, Some(bought.order.id));

    // A retry on a bad network gets the same order back, not a second one.
    let again = super::decisions::accept(&world.db, &shop, draft.quote.id, body(accept()), world.now())
        .await
        .expect("the same order");
    assert!(!again.created);
    assert_eq!(again.order.id, bought.order.id);
}

#[tokio::test]
async fn a_quote_past_its_validity_expires_once_and_cannot_be_bought() {
    let (world, _, shop, quote) = sent().await;

    world.clock.advance(Duration::hours(71));
    assert_eq!(super::expire_due(&world.db, world.now()).await.expect("sweep"), 0);
    world.clock.advance(Duration::hours(2));
    assert_eq!(super::expire_due(&world.db, world.now()).await.expect("sweep"), 1);
    assert_eq!(super::expire_due(&world.db, world.now()).await.expect("sweep"), 0);
    let late = super::decisions::accept(&world.db, &shop, quote, body(json!({})), world.now())
        .await
        .expect_err("expired");
    assert!(
        matches!(&late, crate::error::Error::WrongState { current, .. } if current == "expired"),
        "{late:?}"
    );
}

#[tokio::test]
async fn an_accept_after_the_validity_expires_the_quote_even_before_the_sweep() {
    let (world, dealer, shop, quote) = sent().await;

    world.clock.advance(Duration::hours(73));
    let late = super::decisions::accept(&world.db, &shop, quote, body(json!({})), world.now())
        .await
        .expect_err("expired");
    assert_eq!(late.code(), "quote_expired");
    let after = super::load(&world.db, dealer.tenant.id, quote).await.expect("quote");
    assert_eq!(after.quote.status, QuoteStatus::Expired);
    assert_eq!(after.order_id, None);
    assert_eq!(
        super::expire_due(&world.db, world.now()).await.expect("sweep"),
        0,
        "expired once"
    );
}
