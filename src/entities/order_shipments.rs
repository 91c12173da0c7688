use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

use crate::ids::{CustomerId, OrderId, ShipmentId, TenantId};

/// Some or all of an order on its way to the shop: by a carrier (with a tracking number) or
/// the dealer's own driver (with a phone number).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_shipments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ShipmentId,
    pub tenant_id: TenantId,
    pub order_id: OrderId,
    pub customer_id: CustomerId,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub driver_name: Option<String>,
    pub driver_phone: Option<String>,
    pub promised_at: Option<DateTime<Utc>>,
    pub dispatched_at: DateTime<Utc>,
    /// The staff user who dispatched it.
    pub dispatched_by: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub received_by: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
