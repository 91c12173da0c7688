use chrono::NaiveDate;
use sea_orm::entity::prelude::*;

use crate::ids::TenantId;

/// One group's aggregate of one insight over one day or month of a dealer's calendar, as JSON
/// (see `crate::insights::rollup`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "insight_rollups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: TenantId,
    /// `demand` or `pricing`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub insight: String,
    /// `day` or `month`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub span: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub start: NaiveDate,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub body: String,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
