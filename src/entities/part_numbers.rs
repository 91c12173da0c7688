use sea_orm::entity::prelude::*;

use crate::ids::{PartId, TenantId};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "part_numbers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: TenantId,
    pub part_id: PartId,
    /// `article`, `oe`, `interchange`, `supersedes` or `superseded_by`.
    pub kind: String,
    pub brand: Option<String>,
    pub raw: String,
    pub normalized: String,
    /// `L` or `R` when the catalog marked a side.
    pub side: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}

impl crate::db::TenantScoped for Entity {
    fn tenant_column() -> Column {
        Column::TenantId
    }
}
