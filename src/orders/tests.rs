//! Order workflows without HTTP: reservation on accept, a backorder filled by a later
//! shipment, cancellation giving stock back.

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
