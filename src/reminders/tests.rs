//! The reminder engine on a constructed purchase history, with the clock set by hand: raised
//! on the right local day and once, then converted by an order inside its window.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::db::TenantScoped;
use crate::entities::{ReminderStatus, reminders};
use crate::testing::World;

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("instant")
        .with_timezone(&Utc)
}

#[tokio::test]
async fn a_regular_purchase_raises_one_reminder_on_its_day_and_the_next_order_converts_it() {
    let world = World::new().await;
    let dealer = world.dealer("Shunda").await;
    world
        .part(
            &dealer,
            json!({ "sku": "NGK-BKR6E", "name": "火花塞", "brand": "NGK", "article_number": "BKR6E",
                    "price": "25.20", "stock": 100 }),
        )
        .await;
    let shop = world.shop(&dealer, "Dongfang Auto Repair").await;
    // 10:00 in Shanghai on 1 June, 1 July and 31 July: next expected 30 August, lead 3 days.
    world.clock.set(at("2026-06-01T02:00:00Z"));
    for _ in 0..3 {
        world
            .buy(&dealer, &shop, json!([{ "text": "BKR6E", "quantity": 4 }]))
            .await;
        world.clock.advance(Duration::days(30));
    }
    let run = |now| super::engine::run(&world.db, Some(dealer.tenant.id), now);

    // The dealer's day counts, not UTC's: at 16:00 UTC on 26 August it is 27 August in Shanghai.
    assert_eq!(run(at("2026-08-26T15:59:00Z")).await.expect("run").raised, 0);
    assert_eq!(run(at("2026-08-26T16:00:00Z")).await.expect("run").raised, 1);
    assert_eq!(
        run(at("2026-08-27T02:00:00Z")).await.expect("run").raised,
        0,
        "raised once"
    );

    let raised = reminders::Entity::scoped(dealer.tenant.id)
        .one(&world.db)
        .await
        .expect("query")
        .expect("a reminder");
    assert_eq!(raised.status, ReminderStatus::Due);
    assert_eq!(raised.suggested_quantity, 4);
    assert_eq!(raised.expected_on.to_string(), "2026-08-30");

    world.clock.set(at("2026-08-28T03:00:00Z"));
    let order = world
        .buy(&dealer, &shop, json!([{ "text": "BKR6E", "quantity": 4 }]))
        .await;
    let converted = reminders::Entity::scoped(dealer.tenant.id)
        .one(&world.db)
        .await
        .expect("query")
        .expect("a reminder");
    assert_eq!(converted.status, ReminderStatus::Converted);
    assert_eq!(converted.converted_order_id, Some(order.id));

    // Another dealer's run touches nothing of this one.
    let other = world.dealer("Elsewhere").await;
    let theirs = super::engine::run(&world.db, Some(other.tenant.id), world.now())
        .await
        .expect("run");
    assert_eq!((theirs.raised, theirs.converted), (0, 0));
}
