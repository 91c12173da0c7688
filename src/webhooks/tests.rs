//! Delivery without HTTP in front: a dealer's endpoint gets a signed message for an inquiry;
//! a failed attempt is retried after its backoff under the same `webhook-id`, then delivered.

use chrono::Duration;
use serde_json::json;

use crate::testing::{Receiver, World, body};

#[tokio::test]
async fn a_failed_delivery_is_retried_after_its_backoff_with_the_same_id_and_signature_scheme() {
    let world = World::new().await;
    let dealer = world.dealer("Shunda").await;
    let receiver = Receiver::spawn(vec![503]).await;
    let endpoint = super::create(
        &world.db,
        dealer.tenant.id,
        body(json!({ "url": receiver.url, "events": ["inquiry.received"] })),
        true,
        world.now(),
    )
    .await
    .expect("endpoint");
    let secret = endpoint.secret.clone().expect("shown once");
    let shop = world.shop(&dealer, "Dongfang Auto Repair").await;
    world
        .inquire(&shop, "k", json!({ "lines": [{ "text": "机滤", "quantity": 4 }] }))
        .await
        .expect("received");
    let client = super::target::client(true, super::delivery::ATTEMPT_TIMEOUT);
    let deliveries = || async {
        super::deliveries(&world.db, dealer.tenant.id, endpoint.id, Default::default())
            .await
            .expect("deliveries")
            .items
    };

    let attempted = super::delivery::deliver_due(&world.db, &client, true, world.now()).await;
    assert_eq!(attempted.expect("attempt"), 1);
    let failed = deliveries().await;
    assert_eq!(failed.len(), 1);
    assert_eq!((failed[0].state.as_str(), failed[0].attempts), ("pending", 1));
    assert_eq!(failed[0].last_status, Some(503));
    assert_eq!(failed[0].next_attempt_at, Some(world.now() + Duration::seconds(5)));

    // Not due yet: nothing is sent.
    let early = super::delivery::deliver_due(&world.db, &client, true, world.now()).await;
    assert_eq!(early.expect("nothing due"), 0);

    world.clock.advance(Duration::seconds(5));
    let retried = super::delivery::deliver_due(&world.db, &client, true, world.now()).await;
    assert_eq!(retried.expect("retry"), 1);
    let delivered = deliveries().await;
    assert_eq!(delivered[0].state, "delivered");
    assert_eq!(delivered[0].attempts, 2);

    let requests = receiver.requests();
    assert_eq!(requests.len(), 2);
    let id = delivered[0].id.to_string();
    for request in &requests {
        assert_eq!(request.header("webhook-id"), id);
        let timestamp: i64 = request.header("webhook-timestamp").parse().expect("timestamp");
        assert!(super::signing::verify(
            &secret,
            &id,
            timestamp,
            &request.body,
            request.header("webhook-signature"),
        ));
        assert!(!super::signing::verify(
            &secret,
            &id,
            timestamp,
            &format!("{} ", request.body),
            request.header("webhook-signature"),
        ));
    }
    let message: serde_json::Value = serde_json::from_str(&requests[1].body).expect("json");
    assert_eq!(message["type"], "inquiry.received");
}
