//! Order workflows without HTTP: reservation on accept, a backorder filled by a later
//! shipment, cancellation giving stock back (and taking the purchase out of the reminders'
//! history).

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, QueryFilter};
use serde_json::json;

use super::OrderStatus;
use super::lifecycle::{self, By, Carriage, Dispatch, Scope};
use crate::db::TenantScoped;
use crate::testing::{Dealer, World, body};

async fn pads(world: &World, dealer: &Dealer, stock: i64) -> crate::ids::PartId {
    world
        .part(
            dealer,
            json!({ "sku": "BP-0986424735", "name": "刹车片(前)", "brand": "BOSCH",
                    "article_number": "0 986 424 735", "price": "268.00", "stock": stock }),
        )
        .await
        .id
}

async fn shelf(world: &World, dealer: &Dealer, part: crate::ids::PartId) -> (i64, i64) {
    let found = crate::catalog::parts::find_full(&world.db, dealer.tenant.id, part)
        .await
        .expect("part");
    (found.part.stock, found.part.reserved)
}

fn by_driver() -> Dispatch {
    Dispatch {
        lines: None,
        carriage: Carriage::Driver {
            name: Some("小李".to_owned()),
            phone: "13800138000".to_owned(),
        },
        promised_at: None,
    }
}

#[tokio::test]
async fn a_short_order_reserves_what_is_there_and_ships_the_rest_when_stock_arrives() {
    let world = World::new().await;
    let dealer = world.dealer("Shunda").await;
    let shop = world.shop(&dealer, "Dongfang Auto Repair").await;
    let part = pads(&world, &dealer, 2).await;
    let order = world
        .buy(&dealer, &shop, json!([{ "text": "0986424735", "quantity": 3 }]))
        .await;
    assert_eq!(
        (order.lines[0].reserved_quantity, order.lines[0].backorder_quantity),
        (2, 1)
    );
    assert_eq!(shelf(&world, &dealer, part).await, (2, 2));

    let scope = Scope {
        tenant: dealer.tenant.id,
        customer: None,
    };
    let by = By::Staff(dealer.owner.user);
    let first = lifecycle::dispatch(&world.db, scope, by, order.id, by_driver(), None, world.now())
        .await
        .expect("first shipment");
    assert_eq!(first.order.status, OrderStatus::Dispatched);
    assert_eq!(first.order.lines[0].dispatched_quantity, 2);
    assert_eq!(shelf(&world, &dealer, part).await, (0, 0));

    // Stock arrives, as an import writes it: reservations stay as they are.
    crate::entities::parts::Entity::scoped_update(dealer.tenant.id)
        .col_expr(crate::entities::parts::Column::Stock, Expr::value(5))
        .filter(crate::entities::parts::Column::Id.eq(part))
        .exec(&world.db)
        .await
        .expect("restocked");
    let fillable = super::backorders::list(&world.db, dealer.tenant.id, body(json!({ "fillable": true })))
        .await
        .expect("backorders");
    assert_eq!(fillable.items.len(), 1);
    assert_eq!(fillable.items[0].fillable_quantity, 1);

    let second = lifecycle::dispatch(&world.db, scope, by, order.id, by_driver(), None, world.now())
        .await
        .expect("second shipment");
    assert_eq!(second.order.lines[0].dispatched_quantity, 3);
    assert_eq!(second.order.shipments.len(), 2);
    assert_eq!(shelf(&world, &dealer, part).await, (4, 0));
}

#[tokio::test]
async fn cancelling_gives_the_reserved_units_back() {
    let world = World::new().await;
    let dealer = world.dealer("Shunda").await;
    let shop = world.shop(&dealer, "Dongfang Auto Repair").await;
    let part = pads(&world, &dealer, 4).await;
    let order = world
        .buy(&dealer, &shop, json!([{ "text": "0986424735", "quantity": 3 }]))
        .await;
    assert_eq!(shelf(&world, &dealer, part).await, (4, 3));
    let scope = Scope {
        tenant: dealer.tenant.id,
        customer: Some(shop.customer.id),
    };
    let cancelled = lifecycle::cancel(
        &world.db,
        scope,
        By::Shop(shop.key_id),
        order.id,
        body(json!({})),
        world.now(),
    )
    .await
    .expect("cancelled");
    assert_eq!(cancelled.status, OrderStatus::Cancelled);
    assert_eq!(cancelled.lines[0].cancelled_quantity, 3);
    assert_eq!(shelf(&world, &dealer, part).await, (4, 0));
}

#[tokio::test]
async fn an_order_the_shop_cancelled_is_not_a_purchase() {
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
    // Three monthly orders, the last cancelled before it left: two purchase days, too few.
    world.clock.set(at("2026-06-01T02:00:00Z"));
    let mut last = None;
    for _ in 0..3 {
        last = Some(
            world
                .buy(&dealer, &shop, json!([{ "text": "BKR6E", "quantity": 4 }]))
                .await,
        );
        world.clock.advance(Duration::days(30));
    }
    let order = last.expect("an order");
    let scope = Scope {
        tenant: dealer.tenant.id,
        customer: Some(shop.customer.id),
    };
    lifecycle::cancel(
        &world.db,
        scope,
        By::Shop(shop.key_id),
        order.id,
        lifecycle::CancelRequest::default(),
        world.now(),
    )
    .await
    .expect("cancel");
    // With the third it would be due from 27 August (Shanghai).
    let run = crate::reminders::engine::run(&world.db, Some(dealer.tenant.id), at("2026-08-28T02:00:00Z"))
        .await
        .expect("run");
    assert_eq!(run.raised, 0);
}

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("instant")
        .with_timezone(&Utc)
}
