use chrono::NaiveDate;
use sea_orm::entity::prelude::*;

use crate::ids::TenantId;

/// How far one day or month of a dealer's insight rollups is behind its history: writers add to
/// `changes`, the derivation records the count it derived at in `derived` (see
/// `crate::insights::marks`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "insight_marks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: TenantId,
    /// `day` or `month`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub span: String,
    /// The first day of the span.
    #[sea_orm(primary_key, auto_increment = false)]
    pub start: NaiveDate,
    pub changes: i64,
    pub derived: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
